//! Domain-separated signatures.

use crate::did::AgentId;
use crate::error::IdentityError;
use crate::key_cache::KeyCache;

/// The 32-byte digest an agent signs: blake3 in derive-key mode with `domain` as context over
/// the canonical encoding of the message. Distinct domains give unrelated digests, so a
/// signature cannot cross purposes.
pub fn signing_digest(domain: &str, message: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new_derive_key(domain);
    hasher.update(message);
    *hasher.finalize().as_bytes()
}

/// An Ed25519 signature (64 bytes; hex in JSON).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    /// Wraps raw signature bytes (validity is only known on verification).
    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        Signature(bytes)
    }

    /// The raw bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0
    }

    /// Checks this signature over `digest` by `signer` under the ZIP-215 rule (PROTOCOL.md §1):
    /// `s` below ℓ, `R` and the key encodings of curve points, and the cofactored equation
    /// `[8][s]B = [8]R + [8][k]A`. The same rule decides batches ([`crate::verify_batch`]), so a
    /// block's validity never depends on how its signatures were checked.
    pub fn verify_digest(&self, signer: &AgentId, digest: &[u8; 32]) -> Result<(), IdentityError> {
        match crate::batch::verify_raw_single(KeyCache::global(), signer.as_bytes(), &self.0, digest) {
            true => Ok(()),
            false => Err(IdentityError::BadSignature),
        }
    }

    /// Checks this signature over `message` in `domain`.
    pub fn verify(&self, signer: &AgentId, domain: &str, message: &[u8]) -> Result<(), IdentityError> {
        self.verify_digest(signer, &signing_digest(domain, message))
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", hex::encode(self.0))
    }
}

impl serde::Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

/// Longest text accepted for a signature: 64 bytes of hex with an optional `0x` (checked before
/// decoding).
pub const MAX_SIGNATURE_HEX_BYTES: usize = 2 + 128;

struct SignatureVisitor;

impl serde::de::Visitor<'_> for SignatureVisitor {
    type Value = Signature;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a signature: 64 bytes of hex")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Signature, E> {
        if text.len() > MAX_SIGNATURE_HEX_BYTES {
            return Err(E::custom(format!(
                "signature is {} bytes, above the limit of {MAX_SIGNATURE_HEX_BYTES} bytes",
                text.len()
            )));
        }
        let raw = hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(E::custom)?;
        let bytes: [u8; 64] = raw.try_into().map_err(|_| E::custom("signature must be 64 bytes of hex"))?;
        Ok(Signature(bytes))
    }
}

impl<'de> serde::Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(SignatureVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AgentKey;

    #[test]
    fn signature_verifies_only_for_its_signer_domain_and_message() {
        let alice = AgentKey::from_seed([1u8; 32]);
        let bob = AgentKey::from_seed([2u8; 32]);
        let sig = alice.sign("agora test", b"hello");
        assert!(sig.verify(&alice.id(), "agora test", b"hello").is_ok());
        assert_eq!(sig.verify(&bob.id(), "agora test", b"hello"), Err(IdentityError::BadSignature));
        assert!(sig.verify(&alice.id(), "agora other", b"hello").is_err());
        assert!(sig.verify(&alice.id(), "agora test", b"hellp").is_err());
        let mut forged = sig.to_bytes();
        forged[10] ^= 1;
        assert!(Signature::from_bytes(forged).verify(&alice.id(), "agora test", b"hello").is_err());
    }
}
