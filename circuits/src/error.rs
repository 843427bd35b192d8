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
