//! `did:key` verification methods (`did:key:z6Mk…#z6Mk…`) and Ed25519 keys in multibase
//! form, as the Data Integrity proofs name them.

use agora::AgentId;
/// The Ed25519 signing key type credentials are signed with.
pub use ed25519_dalek::SigningKey;

use crate::error::DataIntegrityError;

/// Multicodec prefix of an Ed25519 private key (`ed25519-priv`, 0x1300 as a varint).
pub const ED25519_PRIVATE_MULTICODEC: [u8; 2] = [0x80, 0x26];

/// A `did:key` verification method: the DID and the fragment naming its one key (the
/// fragment of an Ed25519 `did:key` is the DID's own multibase key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationMethod {
    did: AgentId,
}

impl VerificationMethod {
    /// The verification method of an agent's key.
    pub fn of(did: AgentId) -> Self {
        VerificationMethod { did }
    }

    /// Parses `did:key:<mb>#<mb>`; the fragment must be present and equal the DID's key.
    pub fn parse(text: &str) -> Result<Self, DataIntegrityError> {
        let bad = |why: &str| DataIntegrityError::VerificationMethod(format!("{why}: {}", cut(text)));
        let (did_text, fragment) = text.split_once('#').ok_or_else(|| bad("no #fragment"))?;
        let did = AgentId::parse_did(did_text).map_err(|e| bad(&format!("not an Ed25519 did:key ({e})")))?;
        if fragment != did.multibase() {
            return Err(bad("the fragment is not the DID's key"));
        }
        if did.did() != did_text {
            return Err(bad("the DID is not in its canonical form"));
        }
        Ok(VerificationMethod { did })
    }

    /// The full identifier, `did:key:<mb>#<mb>`.
    pub fn id(&self) -> String {
        format!("{}#{}", self.did.did(), self.did.multibase())
    }

    /// The DID (the key's controller).
    pub fn did(&self) -> AgentId {
        self.did
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        *self.did.as_bytes()
    }
}

/// [`VerificationMethod::parse`], the name the verifier reads best with.
pub fn verification_method_of(text: &str) -> Result<VerificationMethod, DataIntegrityError> {
    VerificationMethod::parse(text)
}

fn cut(text: &str) -> String {
    text.chars().take(120).collect()
}

/// Decodes a multibase (`z`, base58btc) `ed25519-priv` key: the form of the specification's
/// test key pair (`privateKeyMultibase`).
pub fn signing_key_from_multibase(text: &str) -> Result<SigningKey, DataIntegrityError> {
    let bad = |why: &str| DataIntegrityError::PrivateKey(why.to_string());
    let encoded = text.strip_prefix('z').ok_or_else(|| bad("not multibase base58btc"))?;
    let raw = bs58::decode(encoded).into_vec().map_err(|_| bad("invalid base58btc"))?;
    let seed = raw.strip_prefix(&ED25519_PRIVATE_MULTICODEC[..]).ok_or_else(|| bad("not an ed25519-priv key"))?;
    let seed: [u8; 32] = seed.try_into().map_err(|_| bad("an Ed25519 seed has 32 bytes"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The signing key of an Agora agent key (the same Ed25519 seed).
pub fn signing_key_of(agent: &agora::AgentKey) -> Result<SigningKey, DataIntegrityError> {
    let seed = hex::decode(agent.secret_hex()).map_err(|_| DataIntegrityError::PrivateKey("bad seed".into()))?;
    let seed: [u8; 32] =
        seed.try_into().map_err(|_| DataIntegrityError::PrivateKey("an Ed25519 seed has 32 bytes".into()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The `did:key` of an Ed25519 signing key.
pub fn did_of(key: &SigningKey) -> Result<AgentId, DataIntegrityError> {
    AgentId::from_public_key_bytes(key.verifying_key().to_bytes())
        .map_err(|e| DataIntegrityError::PrivateKey(format!("public key is not a valid did:key: {e}")))
}
