//! Errors of identity parsing, key handling and signature checks.

/// Why a string is not an acceptable `did:key` for an Ed25519 agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    /// The text is longer than any `did:key` of an Ed25519 key (checked before decoding).
    #[error("did is {len} bytes, above the limit of {max} bytes (MAX_DID_BYTES)")]
    TooLong {
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The text does not start with `did:key:`.
    #[error("not a did:key identifier (expected prefix \"did:key:\")")]
    MissingPrefix,
    /// The multibase prefix is not `z` (base58btc).
    #[error("unsupported multibase encoding (expected base58btc, prefix 'z')")]
    NotBase58btc,
    /// The method-specific id is not valid base58.
    #[error("invalid base58btc in did:key")]
    InvalidBase58,
    /// The multicodec prefix is not Ed25519 public key (`0xed01`).
    #[error("did:key is not an Ed25519 key (multicodec prefix must be 0xed01)")]
    WrongMulticodec,
    /// The decoded key is not 32 bytes.
    #[error("Ed25519 public key must be 32 bytes, got {0}")]
    WrongLength(usize),
    /// The 32 bytes are not a valid Ed25519 point.
    #[error("did:key does not encode a valid Ed25519 public key")]
    InvalidPublicKey,
    /// The key is a non-canonical encoding or a point of small order, for which anyone can
    /// produce valid signatures: it cannot name an agent.
    #[error("did:key encodes a small-order or non-canonical Ed25519 key, which cannot name an agent")]
    NotAnAgentKey,
}

/// Failures of key decoding and signature verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The identifier could not be parsed.
    #[error(transparent)]
    Did(#[from] DidError),
    /// A signature did not verify for this key and message.
    #[error("signature does not verify")]
    BadSignature,
    /// A secret key was not 32 bytes of hex.
    #[error("secret key must be 32 bytes of hex")]
    BadSecretKey,
    /// The operating system could not provide randomness.
    #[error("operating system randomness unavailable: {0}")]
    Randomness(String),
}
