//! Error types of the crate.

use ark_relations::gr1cs::SynthesisError;
use ark_serialize::SerializationError;

use crate::rng::RngError;

/// Failure while generating keys.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The circuit could not be synthesised.
    #[error("circuit synthesis failed: {0}")]
    Synthesis(#[from] SynthesisError),
    /// The operating system provided no randomness.
    #[error(transparent)]
    Rng(#[from] RngError),
    /// The requested circuit shape is invalid (e.g. a hash-chain depth above the maximum).
    #[error("invalid circuit shape: {0}")]
    Shape(String),
    /// The generated key failed its own sanity checks (should never happen).
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Failure while proving.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The circuit could not be synthesised with the given witness.
    #[error("circuit synthesis failed: {0}")]
    Synthesis(#[from] SynthesisError),
    /// The proof could not be serialised.
    #[error("proof serialisation failed: {0}")]
    Serialization(#[from] SerializationError),
    /// The operating system provided no randomness.
    #[error(transparent)]
    Rng(#[from] RngError),
    /// The witness does not satisfy the circuit's statement (checked natively before proving).
    #[error("witness rejected: {0}")]
    Witness(String),
    /// The proving key is malformed (see `keys::check_pk_shape`).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The finished proof does not verify under the proving key's own verifying key: the key
    /// belongs to another circuit (or another hash-chain depth) or the witness is wrong.
    #[error("the proof does not verify under the proving key's verifying key (wrong key for this circuit?)")]
    SelfCheckFailed,
    /// The proving key does not belong to the requested circuit.
    #[error("proving key expects {expected} public inputs, circuit has {actual}")]
    KeyMismatch {
        /// Public inputs the key was generated for.
        expected: usize,
        /// Public inputs of the circuit being proven.
        actual: usize,
    },
}

/// Failure while decoding proof bytes. Every variant maps to
/// [`agora_core::ProofVerdict::Malformed`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofDecodeError {
    /// The byte string is neither [`crate::PROOF_BYTES`] (compressed) nor
    /// [`crate::UNCOMPRESSED_PROOF_BYTES`] (uncompressed) long.
    #[error("proof must be exactly {expected} bytes (or 256 uncompressed), got {actual}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length received.
        actual: usize,
    },
    /// A point is not a valid compressed encoding, not on the curve, or not in the prime-order
    /// subgroup.
    #[error("proof does not decode to valid subgroup points: {0}")]
    InvalidPoint(String),
    /// The bytes decode, but are not the canonical encoding of the decoded points.
    #[error("proof encoding is not canonical")]
    NonCanonical,
}

/// Failure while encoding, decoding, importing or storing keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// File system error.
    #[error("key file i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The input is larger than the named limit; nothing was decoded.
    #[error("{what} is {actual} bytes, limit is {limit}")]
    TooLarge {
        /// What was being read.
        what: &'static str,
        /// Size found (or a lower bound on it).
        actual: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is shorter than its header or than the length the header announces.
    #[error("key file truncated or length field inconsistent")]
    Truncated,
    /// The file does not start with the expected magic bytes.
    #[error("not an agora {expected} key file (bad magic)")]
    BadMagic {
        /// The kind of file expected ("proving" or "verifying").
        expected: &'static str,
    },
    /// The header's format version is not supported.
    #[error("unsupported key file version {0}")]
    UnsupportedVersion(u16),
    /// The key id in the header differs from the id recomputed from the key.
    #[error("key id mismatch: header says {header}, key hashes to {computed}")]
    KeyIdMismatch {
        /// The id the header claimed (hex).
        header: String,
        /// The id computed from the decoded key (hex).
        computed: String,
    },
    /// The key bytes do not deserialise (with full curve and subgroup validation).
    #[error("key does not decode: {0}")]
    Decode(#[from] SerializationError),
    /// Bytes remain after the key.
    #[error("{0} trailing bytes after key")]
    TrailingBytes(usize),
    /// The key bytes decode but are not the canonical compressed encoding.
    #[error("key encoding is not canonical")]
    NonCanonical,
    /// The key decodes but is degenerate or unsafe (identity elements, gamma == delta, no
    /// input bases, too many public inputs).
    #[error("key rejected: {0}")]
    Degenerate(&'static str),
}
