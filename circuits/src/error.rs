//! Errors returned by the native statement checks (`evaluate`) and the honest builders.

use thiserror::Error;

/// Why a native evaluation rejected a statement, or why an honest builder refused its input.
///
/// Every variant corresponds to a case the circuit also rejects (the proof would not exist),
/// except [`EvalError::DepthTooLarge`], which is a resource limit on circuit shapes.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EvalError {
    /// The private input does not hash to the public `input_commitment`.
    #[error("input commitment does not match the private input")]
    InputCommitmentMismatch,
    /// The computed output does not hash (with the output salt) to the public `output_commitment`.
    #[error("output commitment does not match the computed output")]
    OutputCommitmentMismatch,
    /// The private model does not hash to the public `model_commitment` (classify).
    #[error("model commitment does not match the private model")]
    ModelCommitmentMismatch,
    /// A signed fixed-point value is outside the allowed range (classify).
    #[error("{what}[{index}] = {value} is outside [{min}, {max}]")]
    ValueOutOfRange {
        /// Which vector the value belongs to (`"weight"`, `"bias"`, `"feature"`).
        what: &'static str,
        /// Position inside that vector (0 for the bias).
        index: usize,
        /// The offending value.
        value: i64,
        /// Smallest allowed value (inclusive).
        min: i64,
        /// Largest allowed value (inclusive).
        max: i64,
    },
    /// A hash-chain depth above [`crate::hashchain::MAX_DEPTH`].
    #[error("hash-chain depth {depth} exceeds the maximum {max}")]
    DepthTooLarge {
        /// Requested depth.
        depth: u32,
        /// Maximum supported depth.
        max: u32,
    },
}

/// Why a BabyJubJub key was refused (see [`crate::babyjubjub`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The secret bytes reduce to zero modulo the subgroup order (its public key would be the
    /// identity).
    #[error("secret key reduces to zero")]
    ZeroSecret,
    /// The bytes are not the canonical encoding of a curve point.
    #[error("public key encoding is not canonical")]
    Encoding,
    /// The coordinates do not satisfy the curve equation.
    #[error("public key is not on the BabyJubJub curve")]
    NotOnCurve,
    /// The point is the group identity.
    #[error("public key is the identity")]
    Identity,
    /// The point is on the curve but not in the prime-order subgroup (a small-order point, or a
    /// point with a small-order component).
    #[error("public key is not in the prime-order subgroup")]
    NotInSubgroup,
}

/// Why a fair-exchange statement, encryption or decryption was refused (see
/// [`crate::fair_exchange`]).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FairExchangeError {
    /// The base kind's statement does not hold.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A key was refused.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A ciphertext (or plaintext) is empty or longer than
    /// [`crate::fair_exchange::MAX_FAIR_EXCHANGE_FIELDS`].
    #[error("{len} field elements; a ciphertext has 1 to {max}")]
    LengthOutOfBounds {
        /// Number of elements given.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A ciphertext's length is not the one its kind encrypts.
    #[error("ciphertext has {len} field elements; this kind's has {expected}")]
    LengthMismatch {
        /// Number of elements given.
        len: usize,
        /// The kind's ciphertext length.
        expected: usize,
    },
    /// The public ephemeral key is not `r·G` for the private ephemeral secret `r`.
    #[error("ephemeral public key does not match the ephemeral secret")]
    EphemeralKeyMismatch,
    /// The ciphertext does not hash to the public `ciphertext_hash`.
    #[error("ciphertext does not match the ciphertext hash")]
    CiphertextHashMismatch,
    /// The decrypted plaintext does not hash to the public `output_commitment`.
    #[error("decrypted output does not open the output commitment")]
    OutputCommitmentMismatch,
    /// A decrypted field is not a value of its type (only possible for a plaintext that does
    /// not open the commitment the proof checked).
    #[error("decrypted {what} is out of range")]
    PlaintextOutOfRange {
        /// Which field (`"sum"`, `"count"`, `"label"`).
        what: &'static str,
    },
}
