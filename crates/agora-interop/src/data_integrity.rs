//! W3C Data Integrity proofs with the cryptosuite `eddsa-jcs-2022` (Data Integrity EdDSA
//! Cryptosuites v1.0, §3.3): RFC 8785 canonical JSON, SHA-256, Ed25519, a multibase
//! base58btc `proofValue` and a `did:key` verification method.
//!
//! Signing (the spec's "Add Proof"): the proof configuration is the proof options with the
//! document's `@context` copied in; `hashData = SHA-256(JCS(proof config)) ‖
//! SHA-256(JCS(document))` (64 bytes); the Ed25519 signature of `hashData` is the proof value,
//! `"z"` + base58btc. Verifying undoes it: the proof without `proofValue` is the configuration,
//! the document without `proof` is what was signed, the `@context` of the proof must be a prefix
//! of the document's, and the public key comes from the `did:key` verification method.
//!
//! The canonicaliser is the maintained `serde_jcs` crate, not a hand-written one.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::did_key::{VerificationMethod, verification_method_of};
use crate::error::DataIntegrityError;

/// The proof `type`.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The cryptosuite this module implements.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The proof purpose of credentials (the issuer asserts the claims).
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// Largest secured document accepted for verification, in bytes of JSON.
pub const MAX_SECURED_DOCUMENT_BYTES: usize = 1024 * 1024;
/// Length of an Ed25519 signature, the decoded `proofValue`.
pub const SIGNATURE_BYTES: usize = 64;
/// Longest `proofValue` accepted before decoding ("z" + base58 of 64 bytes is at most 89).
pub const MAX_PROOF_VALUE_CHARS: usize = 100;

/// The options of a proof to add: everything but the `@context` (copied from the document)
/// and the `proofValue` (computed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofOptions {
    /// `created`, an XML Schema dateTime in UTC (`YYYY-MM-DDThh:mm:ssZ`); optional in the
    /// spec, always written by Agora.
    pub created: Option<String>,
    /// `verificationMethod`: `did:key:z…#z…`.
    pub verification_method: String,
    /// `proofPurpose`, normally [`ASSERTION_METHOD`].
    pub proof_purpose: String,
}

/// The intermediate values of a proof, exposed so tests can compare them byte for byte with the
/// specification's vectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashData {
    /// JCS of the proof configuration.
    pub canonical_proof_config: String,
    /// JCS of the unsecured document.
    pub canonical_document: String,
    /// SHA-256 of the canonical proof configuration.
    pub proof_config_hash: [u8; 32],
    /// SHA-256 of the canonical document.
    pub document_hash: [u8; 32],
}

impl HashData {
    /// `proof_config_hash ‖ document_hash`: the bytes Ed25519 signs.
    pub fn bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.proof_config_hash);
        out[32..].copy_from_slice(&self.document_hash);
        out
    }
}

/// What a successful verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The verification method that signed (its DID is the signer).
    pub method: VerificationMethod,
    /// The proof's `created`, if any.
    pub created: Option<String>,
    /// The proof's purpose.
    pub proof_purpose: String,
}

/// RFC 8785 canonical form of a JSON value.
pub fn canonicalize(value: &Value) -> Result<String, DataIntegrityError> {
    serde_jcs::to_string(value).map_err(|e| DataIntegrityError::Canonicalization(e.to_string()))
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The hashes of a proof configuration and an unsecured document (the spec's "Hashing").
pub fn hash_data(proof_config: &Value, document: &Value) -> Result<HashData, DataIntegrityError> {
    let canonical_proof_config = canonicalize(proof_config)?;
    let canonical_document = canonicalize(document)?;
    Ok(HashData {
        proof_config_hash: sha256(&canonical_proof_config),
        document_hash: sha256(&canonical_document),
        canonical_proof_config,
        canonical_document,
    })
}

fn as_object<'a>(value: &'a Value, what: &'static str) -> Result<&'a Map<String, Value>, DataIntegrityError> {
    value.as_object().ok_or(DataIntegrityError::NotAnObject(what))
}

/// The proof configuration for `options` on `document` (the spec's "Proof Configuration"):
/// type, cryptosuite, created, verification method, purpose and the document's `@context`.
pub fn proof_config(document: &Value, options: &ProofOptions) -> Result<Value, DataIntegrityError> {
    let doc = as_object(document, "document")?;
    let mut config = Map::new();
    config.insert("type".into(), PROOF_TYPE.into());
    config.insert("cryptosuite".into(), CRYPTOSUITE.into());
    if let Some(created) = &options.created {
        crate::time::check_datetime("created", created)?;
        config.insert("created".into(), created.clone().into());
    }
    config.insert("verificationMethod".into(), options.verification_method.clone().into());
    config.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    if let Some(context) = doc.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    Ok(Value::Object(config))
}

/// Adds an `eddsa-jcs-2022` proof to `document` with `key`. The verification method of
/// `options` must be the `did:key` of `key` (checked, so a credential never names a key that
/// did not sign it). Returns the secured document.
pub fn add_proof(document: &Value, key: &SigningKey, options: &ProofOptions) -> Result<Value, DataIntegrityError> {
    let doc = as_object(document, "document")?;
    if doc.contains_key("proof") {
        return Err(DataIntegrityError::AlreadySecured);
    }
    let method = VerificationMethod::parse(&options.verification_method)?;
    if method.public_key() != key.verifying_key().to_bytes() {
        return Err(DataIntegrityError::KeyMismatch);
    }
    let config = proof_config(document, options)?;
    let hashes = hash_data(&config, document)?;
    let signature = key.sign(&hashes.bytes());
    let mut proof = as_object(&config, "proof configuration")?.clone();
    proof.insert("proofValue".into(), encode_proof_value(&signature.to_bytes()).into());
    let mut secured = doc.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// `"z"` + base58btc of the signature.
pub fn encode_proof_value(signature: &[u8; SIGNATURE_BYTES]) -> String {
    format!("z{}", bs58::encode(signature).into_string())
}

/// Decodes a multibase base58btc `proofValue` into a 64-byte signature.
pub fn decode_proof_value(text: &str) -> Result<[u8; SIGNATURE_BYTES], DataIntegrityError> {
    if text.len() > MAX_PROOF_VALUE_CHARS {
        return Err(DataIntegrityError::ProofValue(format!("longer than {MAX_PROOF_VALUE_CHARS} characters")));
    }
    let encoded = text
        .strip_prefix('z')
        .ok_or_else(|| DataIntegrityError::ProofValue("not multibase base58btc (must start with 'z')".into()))?;
    let raw = bs58::decode(encoded)
        .into_vec()
        .map_err(|e| DataIntegrityError::ProofValue(format!("invalid base58btc: {e}")))?;
    <[u8; SIGNATURE_BYTES]>::try_from(raw.as_slice())
        .map_err(|_| DataIntegrityError::ProofValue(format!("{} bytes, an Ed25519 signature has 64", raw.len())))
}

fn string_field<'a>(proof: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, DataIntegrityError> {
    match proof.get(name) {
        None => Err(DataIntegrityError::MissingField(name)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(DataIntegrityError::NotAString(name)),
    }
}

/// Checks that `prefix` (the proof's `@context`) is a prefix of `full` (the document's): the
/// spec's rule that a proof may not bring in contexts the document does not use.
fn check_context_prefix(prefix: &Value, full: Option<&Value>) -> Result<(), DataIntegrityError> {
    let as_list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let proof_context = as_list(prefix);
    let document_context = full.map(as_list).unwrap_or_default();
    if document_context.len() < proof_context.len() || document_context[..proof_context.len()] != proof_context[..] {
        return Err(DataIntegrityError::ContextMismatch);
    }
    Ok(())
}

/// Verifies the `eddsa-jcs-2022` proof of a secured document (the spec's "Verify Proof"):
/// the proof's type and cryptosuite, its `@context` against the document's, the `did:key`
/// verification method, then the Ed25519 signature over the recomputed hashes. A proof set
/// (an array of proofs) is refused.
pub fn verify_proof(secured: &Value) -> Result<VerifiedProof, DataIntegrityError> {
    let doc = as_object(secured, "secured document")?;
    let proof = match doc.get("proof") {
        None => return Err(DataIntegrityError::MissingProof),
        Some(Value::Array(_)) => return Err(DataIntegrityError::ProofSet),
        Some(value) => as_object(value, "proof")?,
    };
    let proof_type = string_field(proof, "type")?;
    if proof_type != PROOF_TYPE {
        return Err(DataIntegrityError::WrongProofType(proof_type.chars().take(100).collect()));
    }
    let suite = string_field(proof, "cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(DataIntegrityError::WrongCryptosuite(suite.chars().take(100).collect()));
    }
    let purpose = string_field(proof, "proofPurpose")?.to_string();
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(s)) => {
            crate::time::check_datetime("created", s)?;
            Some(s.clone())
        }
        Some(_) => return Err(DataIntegrityError::NotAString("created")),
    };
    let method = verification_method_of(string_field(proof, "verificationMethod")?)?;
    let signature = decode_proof_value(string_field(proof, "proofValue")?)?;

    let mut config = proof.clone();
    config.remove("proofValue");
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    if let Some(context) = config.get("@context") {
        check_context_prefix(context, unsecured.get("@context"))?;
        unsecured.insert("@context".into(), context.clone());
    }
    let hashes = hash_data(&Value::Object(config), &Value::Object(unsecured))?;
    let key = VerifyingKey::from_bytes(&method.public_key())
        .map_err(|_| DataIntegrityError::VerificationMethod("not a valid Ed25519 public key".into()))?;
    key.verify_strict(&hashes.bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| DataIntegrityError::BadSignature { method: method.id() })?;
    Ok(VerifiedProof { method, created, proof_purpose: purpose })
}

/// Parses secured-document text (size-checked first) and verifies its proof.
pub fn verify_text(text: &str) -> Result<(Value, VerifiedProof), DataIntegrityError> {
    if text.len() > MAX_SECURED_DOCUMENT_BYTES {
        return Err(DataIntegrityError::TooLarge { actual: text.len(), limit: MAX_SECURED_DOCUMENT_BYTES });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| DataIntegrityError::Json(e.to_string()))?;
    let verified = verify_proof(&value)?;
    Ok((value, verified))
}
