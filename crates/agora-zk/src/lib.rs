//! Groth16 over BN254 for Agora: key setup and key files, proving, and deterministic batch
//! verification behind the core's [`agora_core::ProofVerifier`].
//!
//! * [`keys`]: setup (OS randomness for production, caller RNG for tests), [`KeyId`] =
//!   blake3 of the verifying key's canonical compressed bytes, key files and ceremony import.
//! * [`encoding`]: strict proof decoding (128 bytes, on curve, in subgroup, canonical) and
//!   field-element conversions.
//! * [`mod@prove`]: proving, returning compressed proof bytes.
//! * [`verifier`]: [`Groth16Verifier`], the key registry implementing `ProofVerifier`.
//! * [`batch`]: the randomised batch equation and cost-bounded bisection on failure.
//! * [`cost`]: [`VerifyCost`], the pairing work a verifier did (observable per verifier).
//! * [`kinds`]: the marketplace's task kinds (from `agora-circuits`): per-kind setup, JSON
//!   witnesses and the worker's [`kinds::prove_completion`].
//! * [`fair`]: fair exchange — the worker's sealed completion and the employer's opening.
//! * [`toy`]: a tiny circuit for tests and benchmarks of the plumbing.
//! * [`snarkjs`]: verifying keys, proofs and public inputs in the JSON forms of snarkjs
//!   (export, strict import, verification).
//! * [`sealing`]: fair exchange outside the circuits — encryption keys, proofs of possession,
//!   envelope public inputs.
//! * [`rng`]: operating-system randomness ([`os_rng`]) for production setup and proving.
//! * [`error`]: the error types.
//!
//! Groth16 proofs are malleable (a valid proof can be re-randomised into another valid proof
//! of the same statement), so nothing may be keyed on proof bytes.
//!
//! [`KeyId`]: agora_core::KeyId

pub mod batch;
pub mod cost;
pub mod encoding;
pub mod error;
pub mod fair;
pub mod keys;
pub mod kinds;
pub mod prove;
pub mod rng;
pub mod sealing;
pub mod snarkjs;
pub mod subgroup;
pub mod toy;
pub mod verifier;

pub use cost::VerifyCost;
pub use encoding::{
    PROOF_BYTES, UNCOMPRESSED_PROOF_BYTES, decode_proof, encode_proof, encode_proof_uncompressed, field_to_fr,
    fields_to_frs, fr_to_field,
};
pub use error::{KeyError, ProofDecodeError, ProveError, SetupError};
pub use fair::{OpenError, Opened, open_sealed, prove_fair_completion};
pub use keys::{KeyPair, key_id, setup_with_os_rng, setup_with_rng};
pub use kinds::{CircuitShape, Completion, Witness, prove_completion, setup_kind, setup_kind_with_os_rng};
pub use prove::{prove, prove_raw};
pub use rng::{RngError, os_rng};
pub use verifier::Groth16Verifier;
