//! The registry of proof-gated task kinds: what each kind is, every verifying key it has had
//! (its versions), and the operator-quorum proposals that change it.
//!
//! Genesis kinds start at version 1 with their key named only by id (the key itself comes from
//! the marketplace's key directory). Kinds registered or rotated by transaction carry the
//! verifying key's canonical bytes in state, so every replica verifies under exactly the key
//! the quorum approved. A task records the version it was posted under and settles under it.

use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::genesis::KindSpec;
use crate::ids::TaskKind;
use crate::limits::{MAX_KIND_DESCRIPTION_BYTES, MAX_KIND_VK_BYTES, MAX_NAME_BYTES};
use crate::proof::KeyId;
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// Domain of the key under which a pending kind change collects approvals.
pub const KIND_PROPOSAL_DOMAIN: &str = "agora kind proposal v1";
/// Counter holding the number of kinds ever registered (genesis included).
pub const KIND_COUNTER: &str = "kinds";
/// The full reputation weight of a kind, in basis points.
pub const FULL_KIND_WEIGHT_BPS: u16 = 10_000;

/// A proof-gated task kind as the state machine knows it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRecord {
    /// Kind number (never 0: that is the manual kind).
    pub kind: TaskKind,
    /// Unique human name, e.g. `aggregate`.
    pub name: String,
    /// What a task of this kind asks for and what its proof establishes.
    pub description: String,
    /// Number of kind-specific public parameters a task of this kind posts (its public inputs
    /// after the binding ones).
    pub param_count: u8,
    /// Share of a completion's reputation gain this kind confers, in basis points (10,000 =
    /// the full gain).
    pub weight_bps: u16,
    /// Largest reputation gain one completion of this kind confers (0 = no cap beyond the
    /// general rules).
    #[serde(with = "crate::json::u64_string")]
    pub max_gain: u64,
    /// The version new tasks are posted under (1 = the first key).
    pub version: u16,
    /// Retired kinds take no new tasks; their open tasks still settle or refund.
    pub retired: bool,
    /// Block height the kind was registered at (0 for genesis kinds).
    #[serde(with = "crate::json::u64_string")]
    pub registered_at: u64,
    /// Field elements of a fair-exchange kind's ciphertext; 0 for a plain kind.
    #[serde(default)]
    pub sealed_fields: u8,
    /// For a fair-exchange kind, the plain kind whose statement it proves (they share
    /// nullifiers, see [`crate::KindSpec::base_kind`]).
    #[serde(default)]
    pub base_kind: Option<TaskKind>,
}

/// One verifying key a kind has had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindVersion {
    /// The kind.
    pub kind: TaskKind,
    /// Version number, from 1.
    pub version: u16,
    /// blake3 of the verifying key's canonical compressed bytes.
    pub key_id: KeyId,
    /// The verifying key's canonical compressed bytes; empty for a genesis key, which the
    /// marketplace's key directory supplies by id.
    #[serde(with = "vk_hex")]
    pub vk: Vec<u8>,
    /// Number of public inputs the key expects (binding inputs plus the kind's parameters).
    pub public_inputs: u16,
    /// Block height the version took effect at (0 for genesis keys).
    #[serde(with = "crate::json::u64_string")]
    pub registered_at: u64,
}

/// A kind registration as proposed (and approved, identically) by operators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRegistration {
    /// The new kind's number (unused, never 0).
    pub kind: TaskKind,
    /// Unique name.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_NAME_BYTES>")]
    pub name: String,
    /// What a task of this kind asks for and what its proof establishes.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_KIND_DESCRIPTION_BYTES>")]
    pub description: String,
    /// Kind-specific public parameters each task posts (at most `MAX_KIND_PARAMS`).
    pub param_count: u8,
    /// Reputation weight in basis points (1..=10,000).
    pub weight_bps: u16,
    /// Cap on the reputation one completion confers (0 = none).
    #[serde(with = "crate::json::u64_string")]
    pub max_gain: u64,
    /// The verifying key's id as the proposer computed it (checked against `vk`).
    pub key_id: KeyId,
    /// The verifying key, canonical compressed arkworks bytes (the CLI converts snarkjs JSON).
    #[serde(with = "vk_hex")]
    pub vk: Vec<u8>,
}

/// Approvals collected so far for one kind change (registration, rotation or retirement).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KindProposal {
    /// Distinct operators that approved, sorted.
    pub approvals: Vec<AgentId>,
    /// Block time of the first approval.
    pub proposed_at: u64,
}

/// Keys of the registry's tables.
pub mod kind_keys {
    use crate::ids::TaskKind;

    /// `Table::Kinds` key of a kind.
    pub fn kind(kind: TaskKind) -> Vec<u8> {
        kind.to_be_bytes().to_vec()
    }

    /// `Table::KindVersions` key of one version of a kind.
    pub fn version(kind: TaskKind, version: u16) -> Vec<u8> {
        let mut key = kind.to_be_bytes().to_vec();
        key.extend_from_slice(&version.to_be_bytes());
        key
    }

    /// `Table::KindNames` key of a name.
    pub fn name(name: &str) -> Vec<u8> {
        name.as_bytes().to_vec()
    }
}

impl KindRecord {
    /// The record a genesis kind starts with: version 1, full weight, no cap.
    pub fn from_genesis(spec: &KindSpec) -> Self {
        KindRecord {
            kind: spec.kind,
            name: spec.name.clone(),
            description: String::new(),
            param_count: spec.param_count,
            weight_bps: FULL_KIND_WEIGHT_BPS,
            max_gain: 0,
            version: 1,
            retired: false,
            registered_at: 0,
            sealed_fields: spec.sealed_fields,
            base_kind: spec.base_kind,
        }
    }

    /// The kind number a completion's nullifier is keyed on: the base kind for a fair-exchange
    /// variant, else the kind itself.
    pub fn nullifier_kind(&self) -> TaskKind {
        self.base_kind.unwrap_or(self.kind)
    }

    /// The kind as a [`KindSpec`] under `version`'s key (what provers and exporters need).
    pub fn spec(&self, version: &KindVersion) -> KindSpec {
        KindSpec {
            kind: self.kind,
            name: self.name.clone(),
            key_id: version.key_id,
            param_count: self.param_count,
            sealed_fields: self.sealed_fields,
            base_kind: self.base_kind,
        }
    }
}

impl KindRegistration {
    /// True when the text and key fields are within their named limits.
    pub fn within_limits(&self) -> bool {
        !self.name.is_empty()
            && self.name.len() <= MAX_NAME_BYTES
            && self.description.len() <= MAX_KIND_DESCRIPTION_BYTES
            && !self.vk.is_empty()
            && self.vk.len() <= MAX_KIND_VK_BYTES
    }
}

impl Canonical for KindRecord {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.kind);
        w.str(&self.name);
        w.str(&self.description);
        w.u8(self.param_count);
        w.u16(self.weight_bps);
        w.u64(self.max_gain);
        w.u16(self.version);
        w.bool(self.retired);
        w.u64(self.registered_at);
        w.u8(self.sealed_fields);
        self.base_kind.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KindRecord {
            kind: r.u16()?,
            name: r.str(MAX_NAME_BYTES)?,
            description: r.str(MAX_KIND_DESCRIPTION_BYTES)?,
            param_count: r.u8()?,
            weight_bps: r.u16()?,
            max_gain: r.u64()?,
            version: r.u16()?,
            retired: r.bool()?,
            registered_at: r.u64()?,
            sealed_fields: r.u8()?,
            base_kind: Option::decode(r)?,
        })
    }
}

impl Canonical for KindVersion {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.kind);
        w.u16(self.version);
        w.fixed(&self.key_id.0);
        w.var_bytes(&self.vk);
        w.u16(self.public_inputs);
        w.u64(self.registered_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KindVersion {
            kind: r.u16()?,
            version: r.u16()?,
            key_id: KeyId(r.fixed()?),
            vk: r.var_bytes(MAX_KIND_VK_BYTES)?,
            public_inputs: r.u16()?,
            registered_at: r.u64()?,
        })
    }
}

impl Canonical for KindRegistration {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.kind);
        w.str(&self.name);
        w.str(&self.description);
        w.u8(self.param_count);
        w.u16(self.weight_bps);
        w.u64(self.max_gain);
        w.fixed(&self.key_id.0);
        w.var_bytes(&self.vk);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KindRegistration {
            kind: r.u16()?,
            name: r.str(crate::limits::MAX_DECODE_FIELD_BYTES)?,
            description: r.str(crate::limits::MAX_DECODE_FIELD_BYTES)?,
            param_count: r.u8()?,
            weight_bps: r.u16()?,
            max_gain: r.u64()?,
            key_id: KeyId(r.fixed()?),
            vk: r.var_bytes(crate::limits::MAX_DECODE_FIELD_BYTES)?,
        })
    }
}

impl Canonical for KindProposal {
    fn encode(&self, w: &mut Writer) {
        crate::encoding::encode_seq(w, &self.approvals);
        w.u64(self.proposed_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KindProposal {
            approvals: crate::encoding::decode_seq(r, crate::limits::MAX_GENESIS_ITEMS)?,
            proposed_at: r.u64()?,
        })
    }
}

/// A verifying key as hex in JSON, at most `2 × MAX_KIND_VK_BYTES` digits (plus `0x`), checked
/// before decoding.
pub(crate) mod vk_hex {
    use crate::limits::MAX_KIND_VK_BYTES;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        crate::hexbytes::deserialize_hex_max(d, 2 * MAX_KIND_VK_BYTES + 2)
    }
}
