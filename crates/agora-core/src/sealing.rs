//! Fair exchange as the state machine sees it: agents' encryption keys, and the ciphertext a
//! fair-exchange completion publishes.
//!
//! An encryption key is a point of the BabyJubJub curve (the twisted Edwards curve over the
//! BN254 scalar field, as `ark-ed-on-bn254` defines it), registered next to the agent's did:key
//! with a Schnorr proof of possession of its secret over [`possession_message`]; the
//! transaction's did:key signature covers both. The core does no curve arithmetic: it hands
//! points and ciphertexts to the [`crate::ProofVerifier`], which validates them and computes the
//! envelope public inputs (`employer_key.x, employer_key.y, ephemeral_key.x, ephemeral_key.y,
//! ciphertext_hash`) that follow a fair-exchange kind's base inputs.
//!
//! The employer's key is copied into the task when it is posted ([`SealedTaskRecord`]), so a
//! later rotation of the employer's key can never invalidate a worker's proof under way.

use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::field::FieldBytes;
use crate::ids::{Digest, TaskId};
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// Domain of the message a proof of possession signs.
pub const POSSESSION_DOMAIN: &str = "agora encryption key possession v1";
/// Domain of the index of used ephemeral keys.
pub const EPHEMERAL_KEY_DOMAIN: &str = "agora ephemeral key v1";
/// Most field elements a fair-exchange ciphertext may have (checked before decoding).
pub const MAX_CIPHERTEXT_FIELDS: usize = 16;
/// Public inputs a fair-exchange kind adds after its base statement: the employer key (2), the
/// ephemeral key (2) and the ciphertext hash.
pub const ENVELOPE_PUBLIC_INPUTS: usize = 5;

/// A BabyJubJub point in affine coordinates, each a canonical field element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    /// Affine x.
    pub x: FieldBytes,
    /// Affine y.
    pub y: FieldBytes,
}

/// A Schnorr proof of possession of an encryption key's secret `k`: `commitment = n·G` for a
/// nonce `n`, and `response = n + c·k` modulo the subgroup order, where `c` is the challenge
/// hashed from [`possession_message`] and the commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPossession {
    /// The nonce's point.
    pub commitment: CurvePoint,
    /// The response scalar (below the subgroup order), little-endian.
    pub response: FieldBytes,
}

/// What a fair-exchange completion publishes: the worker's ephemeral key and the output's
/// commitment preimage encrypted to the employer's key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedOutput {
    /// `r·G` for the worker's ephemeral secret `r`.
    pub ephemeral_key: CurvePoint,
    /// The ciphertext, one field element per plaintext element.
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, MAX_CIPHERTEXT_FIELDS>")]
    pub ciphertext: Vec<FieldBytes>,
}

/// An agent's registered encryption key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptionKeyRecord {
    /// The key.
    pub key: CurvePoint,
    /// Block time of (the latest) registration.
    #[serde(with = "crate::json::u64_string")]
    pub registered_at: u64,
}

/// The fair-exchange part of a task: the employer's key as it was when the task was posted, and
/// the delivery once a completion settled it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedTaskRecord {
    /// The task.
    pub task: TaskId,
    /// The key the output must be encrypted to.
    pub employer_key: CurvePoint,
    /// The published ephemeral key and ciphertext, after settlement.
    pub delivery: Option<SealedOutput>,
}

/// Why a [`crate::ProofVerifier`] refused a fair-exchange value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealingRejection {
    /// A point is not on the curve, not in the prime-order subgroup, or the identity.
    #[error("not a point of the curve's prime-order subgroup")]
    BadPoint,
    /// A scalar is not below the subgroup order.
    #[error("scalar is not below the subgroup order")]
    BadScalar,
    /// The proof of possession does not verify.
    #[error("proof of possession does not verify")]
    Invalid,
    /// The ciphertext is empty or longer than [`MAX_CIPHERTEXT_FIELDS`].
    #[error("ciphertext length out of bounds")]
    BadLength,
    /// This verifier has no fair-exchange support.
    #[error("this verifier supports no fair exchange")]
    Unsupported,
}

/// The message a proof of possession of `key` by `agent` signs: the domain, the genesis hash
/// (one marketplace only), the agent's public key and the key's coordinates.
pub fn possession_message(genesis_hash: &Digest, agent: &AgentId, key: &CurvePoint) -> Vec<u8> {
    let mut message = Vec::with_capacity(POSSESSION_DOMAIN.len() + 32 * 4);
    message.extend_from_slice(POSSESSION_DOMAIN.as_bytes());
    message.extend_from_slice(genesis_hash);
    message.extend_from_slice(agent.as_bytes());
    message.extend_from_slice(key.x.as_bytes());
    message.extend_from_slice(key.y.as_bytes());
    message
}

/// Keys of the fair-exchange tables.
pub mod sealing_keys {
    use super::{CurvePoint, EPHEMERAL_KEY_DOMAIN};
    use crate::ids::TaskId;
    use agora_identity::AgentId;

    /// `Table::EncryptionKeys` key of an agent.
    pub fn encryption_key(agent: &AgentId) -> Vec<u8> {
        agent.as_bytes().to_vec()
    }

    /// `Table::SealedTasks` key of a task.
    pub fn sealed_task(task: TaskId) -> Vec<u8> {
        task.0.to_be_bytes().to_vec()
    }

    /// `Table::EphemeralKeys` key: one ephemeral key used with one employer key (a second use
    /// would encrypt two outputs under the same keystream).
    pub fn ephemeral(employer_key: &CurvePoint, ephemeral_key: &CurvePoint) -> Vec<u8> {
        let mut data = Vec::with_capacity(128);
        for field in [employer_key.x, employer_key.y, ephemeral_key.x, ephemeral_key.y] {
            data.extend_from_slice(field.as_bytes());
        }
        blake3::derive_key(EPHEMERAL_KEY_DOMAIN, &data).to_vec()
    }
}

impl Canonical for CurvePoint {
    fn encode(&self, w: &mut Writer) {
        self.x.encode(w);
        self.y.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CurvePoint { x: FieldBytes::decode(r)?, y: FieldBytes::decode(r)? })
    }
}

impl Canonical for KeyPossession {
    fn encode(&self, w: &mut Writer) {
        self.commitment.encode(w);
        self.response.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KeyPossession { commitment: CurvePoint::decode(r)?, response: FieldBytes::decode(r)? })
    }
}

impl Canonical for SealedOutput {
    fn encode(&self, w: &mut Writer) {
        self.ephemeral_key.encode(w);
        encode_seq(w, &self.ciphertext);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SealedOutput { ephemeral_key: CurvePoint::decode(r)?, ciphertext: decode_seq(r, MAX_CIPHERTEXT_FIELDS)? })
    }
}

impl Canonical for EncryptionKeyRecord {
    fn encode(&self, w: &mut Writer) {
        self.key.encode(w);
        w.u64(self.registered_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(EncryptionKeyRecord { key: CurvePoint::decode(r)?, registered_at: r.u64()? })
    }
}

impl Canonical for SealedTaskRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.task.0);
        self.employer_key.encode(w);
        self.delivery.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SealedTaskRecord {
            task: TaskId(r.u64()?),
            employer_key: CurvePoint::decode(r)?,
            delivery: Option::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn point(a: u64, b: u64) -> CurvePoint {
        CurvePoint { x: FieldBytes::from_u64(a), y: FieldBytes::from_u64(b) }
    }

    #[test]
    fn records_round_trip_canonically() {
        let record = SealedTaskRecord {
            task: TaskId(7),
            employer_key: point(1, 2),
            delivery: Some(SealedOutput { ephemeral_key: point(3, 4), ciphertext: vec![FieldBytes::from_u64(5); 3] }),
        };
        let bytes = record.to_canonical_bytes();
        assert_eq!(SealedTaskRecord::from_canonical_bytes(&bytes).unwrap(), record);
        let key = EncryptionKeyRecord { key: point(9, 10), registered_at: 11 };
        assert_eq!(EncryptionKeyRecord::from_canonical_bytes(&key.to_canonical_bytes()).unwrap(), key);
    }

    #[test]
    fn a_ciphertext_longer_than_the_limit_does_not_decode() {
        let long =
            SealedOutput { ephemeral_key: point(1, 1), ciphertext: vec![FieldBytes::ZERO; MAX_CIPHERTEXT_FIELDS + 1] };
        assert!(SealedOutput::from_canonical_bytes(&long.to_canonical_bytes()).is_err());
        let json = serde_json::to_string(&long).unwrap();
        assert!(serde_json::from_str::<SealedOutput>(&json).is_err());
    }

    #[test]
    fn the_possession_message_binds_chain_agent_and_key() {
        let agent = agora_identity::AgentKey::from_seed([1; 32]).id();
        let other = agora_identity::AgentKey::from_seed([2; 32]).id();
        let base = possession_message(&[0; 32], &agent, &point(1, 2));
        assert_ne!(base, possession_message(&[1; 32], &agent, &point(1, 2)));
        assert_ne!(base, possession_message(&[0; 32], &other, &point(1, 2)));
        assert_ne!(base, possession_message(&[0; 32], &agent, &point(2, 1)));
    }

    #[test]
    fn ephemeral_index_keys_differ_per_employer_key() {
        assert_ne!(
            sealing_keys::ephemeral(&point(1, 2), &point(3, 4)),
            sealing_keys::ephemeral(&point(5, 6), &point(3, 4))
        );
    }
}
