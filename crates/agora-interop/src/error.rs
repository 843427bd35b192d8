//! Error types of the crate.

/// Why a Data Integrity proof could not be made or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataIntegrityError {
    /// The document is larger than [`crate::data_integrity::MAX_SECURED_DOCUMENT_BYTES`].
    #[error("secured document is {actual} bytes, limit is {limit}")]
    TooLarge {
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// A value that must be a JSON object is not.
    #[error("the {0} is not a JSON object")]
    NotAnObject(&'static str),
    /// The document has no `proof`.
    #[error("the document has no proof")]
    MissingProof,
    /// The document already has a `proof` (adding a second one would make a proof set).
    #[error("the document already carries a proof")]
    AlreadySecured,
    /// The document carries several proofs.
    #[error("proof sets (several proofs) are not supported: expected one proof object")]
    ProofSet,
    /// A required proof field is absent.
    #[error("the proof has no {0:?}")]
    MissingField(&'static str),
    /// A proof field is not a string.
    #[error("the proof's {0:?} is not a string")]
    NotAString(&'static str),
    /// The proof `type` is not `DataIntegrityProof`.
    #[error("proof type is {0:?}, expected \"DataIntegrityProof\"")]
    WrongProofType(String),
    /// The cryptosuite is not `eddsa-jcs-2022`.
    #[error("cryptosuite is {0:?}, expected \"eddsa-jcs-2022\"")]
    WrongCryptosuite(String),
    /// A date is not an XML Schema dateTime.
    #[error("{field} {value:?} is not an XML Schema dateTime (YYYY-MM-DDThh:mm:ssZ)")]
    BadDateTime {
        /// Which field.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// The `verificationMethod` is not a `did:key` Ed25519 method.
    #[error("verification method: {0}")]
    VerificationMethod(String),
    /// The `proofValue` is not a multibase base58btc Ed25519 signature.
    #[error("proofValue: {0}")]
    ProofValue(String),
    /// The proof's `@context` is not a prefix of the document's.
    #[error("the proof's @context is not a prefix of the document's @context")]
    ContextMismatch,
    /// The signature does not verify over the recomputed hashes.
    #[error(
        "signature does not verify under {method}: the document or its proof options were changed, \
         or it was not signed by this key"
    )]
    BadSignature {
        /// The verification method the proof names.
        method: String,
    },
    /// Signing: the verification method named is not the signing key's.
    #[error("the verification method is not the signing key's did:key")]
    KeyMismatch,
    /// A private key could not be read.
    #[error("private key: {0}")]
    PrivateKey(String),
    /// RFC 8785 canonicalisation failed.
    #[error("canonicalization: {0}")]
    Canonicalization(String),
}

/// Why a credential could not be issued or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// The Data Integrity proof failed.
    #[error(transparent)]
    Proof(#[from] DataIntegrityError),
    /// The credential is not of a form this crate issues (names the field).
    #[error("credential form: {0}")]
    Form(String),
    /// The issuer is not the DID that signed.
    #[error("issuer {issuer} is not the signer {signer}")]
    IssuerMismatch {
        /// The credential's issuer.
        issuer: String,
        /// The DID of the verification method.
        signer: String,
    },
    /// The Groth16 material in a completion credential is malformed.
    #[error("groth16: {0}")]
    Snarkjs(#[from] agora::zk::snarkjs::SnarkjsError),
    /// The verifying key's hash is not the `vkHash` the credential states.
    #[error("vkHash {stated} is not the hash of the embedded verifying key ({computed})")]
    VkHashMismatch {
        /// What the credential says.
        stated: String,
        /// What the key hashes to.
        computed: String,
    },
    /// A public input does not match the claim it must bind.
    #[error("public input {index} ({name}) does not match the credential's {name}")]
    BindingMismatch {
        /// Position in the public inputs.
        index: usize,
        /// What it binds.
        name: &'static str,
    },
    /// The Groth16 proof does not verify against the key and public inputs.
    #[error("the Groth16 proof does not verify against the embedded verifying key and public inputs")]
    Groth16Invalid,
    /// Reading the marketplace failed.
    #[error(transparent)]
    Market(#[from] agora::Error),
    /// The requested record does not exist or does not qualify (e.g. a task not settled by proof).
    #[error("{0}")]
    NotFound(String),
}
