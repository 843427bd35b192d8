//! The boundary between the state machine and a zero-knowledge proof system.
//!
//! The core never links arkworks: it hands a [`ProofVerifier`] the key id registered for a task
//! kind, the public inputs it derived itself from its own records, and the opaque proof bytes from
//! the transaction. The verifier answers one [`ProofVerdict`] per claim.

use crate::field::FieldBytes;
use crate::sealing::{CurvePoint, KeyPossession, SealingRejection};
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
    /// The key's canonical bytes when the registry holds them (kinds registered or rotated by
    /// transaction); `None` for a genesis key, which the verifier must already hold.
    pub key: Option<std::sync::Arc<[u8]>>,
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

/// What a verifier learned from a verifying key offered for registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    /// Number of public inputs the key expects.
    pub public_inputs: usize,
}

/// Why a verifier refuses a verifying key offered for registration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRejection {
    /// The bytes are not a canonical encoding of valid, in-subgroup curve points.
    #[error("verifying key does not decode: {0}")]
    Malformed(String),
    /// The key decodes but must never be trusted (identity or repeated elements).
    #[error("verifying key is degenerate: {0}")]
    Degenerate(String),
    /// This verifier has no proof system to check keys with.
    #[error("this verifier accepts no verifying keys")]
    Unsupported,
}

/// Checks proofs for the state machine. Implementations must be deterministic: every replica
/// must reach the same verdicts for the same claims (batching randomness included).
pub trait ProofVerifier: Send + Sync {
    /// Checks every claim and returns exactly one verdict per claim, in order.
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict>;

    /// Validates a verifying key offered in a kind registration or rotation (canonical bytes,
    /// points on the curve and in the subgroup, not degenerate) and reports its public-input
    /// count. Must be a pure function of the bytes. A verifier may prepare and cache the key
    /// here. The default accepts none.
    fn inspect_key(&self, vk: &[u8]) -> Result<KeyFacts, KeyRejection> {
        let _ = vk;
        Err(KeyRejection::Unsupported)
    }

    /// Fair exchange: checks that `key` is a point of the encryption curve's prime-order
    /// subgroup (not the identity) and that `possession` is a valid proof of possession of its
    /// secret over `message` ([`crate::possession_message`]). Must be a pure function of its
    /// arguments. The default supports no fair exchange.
    fn check_possession(
        &self,
        key: &CurvePoint,
        possession: &KeyPossession,
        message: &[u8],
    ) -> Result<(), SealingRejection> {
        let _ = (key, possession, message);
        Err(SealingRejection::Unsupported)
    }

    /// Fair exchange: the [`crate::ENVELOPE_PUBLIC_INPUTS`] public inputs that follow a
    /// fair-exchange kind's base statement — `employer_key.x, employer_key.y, ephemeral_key.x,
    /// ephemeral_key.y, ciphertext_hash` — after checking that the ephemeral key is a point of
    /// the prime-order subgroup (not the identity) and the ciphertext's length is within bounds.
    /// Must be a pure function of its arguments. The default supports no fair exchange.
    fn envelope_inputs(
        &self,
        employer_key: &CurvePoint,
        ephemeral_key: &CurvePoint,
        ciphertext: &[FieldBytes],
    ) -> Result<Vec<FieldBytes>, SealingRejection> {
        let _ = (employer_key, ephemeral_key, ciphertext);
        Err(SealingRejection::Unsupported)
    }
}

/// The id of a verifying key from its canonical bytes (blake3, as [`KeyId`] says).
pub fn key_id_of(vk: &[u8]) -> KeyId {
    KeyId(*blake3::hash(vk).as_bytes())
}

/// A verifier that holds no keys and accepts none: every claim is [`ProofVerdict::UnknownKey`]
/// and every key offered to the registry is refused. For state-machine users that want no proof
/// system at all (a marketplace that may register kinds at runtime needs a real verifier).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProofKeys;

impl ProofVerifier for NoProofKeys {
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
        vec![ProofVerdict::UnknownKey; claims.len()]
    }
}
