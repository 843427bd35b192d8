//! The boundary between the state machine and a zero-knowledge proof system.
//!
//! The core never links arkworks: it hands a [`ProofVerifier`] the key id registered for a task
//! kind, the public inputs it derived itself from its own records, and the opaque proof bytes from
//! the transaction. The verifier answers one [`ProofVerdict`] per claim.

use crate::field::FieldBytes;
use serde::{Deserialize, Serialize};

/// Upper bound on the bytes of a proof accepted in a transaction (a compressed BN254 Groth16 proof
/// is 128 bytes); checked before anything is decoded.
pub const MAX_PROOF_BYTES: usize = 256;

/// Identifies a verifying key: blake3 of its canonical compressed serialisation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "crate::hexbytes::HexStr<66>", into = "String")]
pub struct KeyId(pub [u8; 32]);

impl TryFrom<String> for KeyId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        crate::hexbytes::decode_fixed::<32>(&text).map(KeyId)
    }
}

impl TryFrom<crate::hexbytes::HexStr<66>> for KeyId {
    type Error = String;
    fn try_from(text: crate::hexbytes::HexStr<66>) -> Result<Self, Self::Error> {
        crate::hexbytes::decode_fixed::<32>(&text.0).map(KeyId)
    }
}

impl From<KeyId> for String {
    fn from(value: KeyId) -> String {
        hex::encode(value.0)
    }
}

/// One statement to check: "this proof is valid for these public inputs under this key".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofClaim {
    /// The key registered for the task's kind.
    pub key_id: KeyId,
    /// Public inputs in circuit order, derived by the core from its records.
    pub public_inputs: Vec<FieldBytes>,
    /// The proof bytes exactly as they came in the transaction.
    pub proof: Vec<u8>,
}

/// The outcome of checking one [`ProofClaim`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofVerdict {
    /// The proof verifies.
    Valid,
    /// The bytes do not decode to valid, in-subgroup curve points of the expected size.
    Malformed,
    /// The proof decodes but does not verify for these public inputs.
    Invalid,
    /// The verifier holds no key with this id.
    UnknownKey,
    /// The number of public inputs differs from what the key expects.
    WrongInputCount,
}

/// Checks proofs for the state machine. Implementations must be deterministic: every replica
/// must reach the same verdicts for the same claims (batching randomness included).
pub trait ProofVerifier: Send + Sync {
    /// Checks every claim and returns exactly one verdict per claim, in order.
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict>;
}

/// A verifier that holds no keys: every claim is [`ProofVerdict::UnknownKey`]. The right choice
/// for a marketplace configured without proof-gated task kinds.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProofKeys;

impl ProofVerifier for NoProofKeys {
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
        vec![ProofVerdict::UnknownKey; claims.len()]
    }
}
