//! The audit log: every operator and arbitration action, appended to a blake3 hash chain.
//!
//! Entry `n` stores the hash of entry `n − 1` (the genesis hash for entry 0) and its own hash,
//! `blake3_derive_key(AUDIT_DOMAIN, canonical entry without its hash)`. Changing, removing or
//! reordering any entry breaks the chain at that entry, which [`verify_audit_chain`] reports.

use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::ids::Digest;
use crate::limits::MAX_AUDIT_DATA_BYTES;
use crate::state::{StateError, StateView, Table};
use agora_identity::AgentId;
use serde::Serialize;

/// Domain of audit entry hashes.
pub const AUDIT_DOMAIN: &str = "agora audit v1";
/// Counter holding the number of audit entries.
pub const AUDIT_COUNTER: &str = "audit";

macro_rules! audit_kinds {
    ($( $(#[$doc:meta])* $name:ident = $code:expr => $text:expr, )*) => {
        /// What an audit entry records. Codes are stable.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum AuditKind { $( $(#[$doc])* $name = $code, )* }

        impl AuditKind {
            /// Every kind.
            pub const ALL: &'static [AuditKind] = &[ $( AuditKind::$name, )* ];
            /// The kind with this code.
            pub fn from_code(code: u8) -> Option<AuditKind> {
                match code { $( $code => Some(AuditKind::$name), )* _ => None }
            }
            /// The snake-case name (as in JSON and `agora audit --kind`).
            pub fn name(self) -> &'static str {
                match self { $( AuditKind::$name => $text, )* }
            }
        }
    };
}

audit_kinds! {
    /// Operator declared an asset. Data: the symbol.
    DeclareAsset = 1 => "declare_asset",
    /// Operator credited a deposit. Data: asset id (u32) ‖ amount (u128).
    Deposit = 2 => "deposit",
    /// Operator approved a freeze proposal. Data: reason (u16) ‖ evidence hash.
    FreezeApproved = 10 => "freeze_approved",
    /// A freeze (or renewal) reached the operator threshold. Data: reason ‖ evidence ‖ until.
    FreezeActivated = 11 => "freeze_activated",
    /// A panel lifted a freeze. Data: case id (u64).
    FreezeLifted = 12 => "freeze_lifted",
    /// A frozen agent appealed its freeze. Data: case id.
    FreezeAppealed = 13 => "freeze_appealed",
    /// A party opened a task dispute. Data: case id ‖ task id.
    DisputeOpened = 20 => "dispute_opened",
    /// A panel member voted. Data: case id ‖ round (u8) ‖ worker bps (u16).
    VoteCast = 21 => "vote_cast",
    /// A round reached its quorum. Data: case id ‖ round ‖ ruling bps.
    Ruling = 22 => "ruling",
    /// The loser appealed. Data: case id.
    Appealed = 23 => "appealed",
    /// A case closed. Data: case id ‖ outcome bps ‖ defaulted (u8).
    CaseClosed = 24 => "case_closed",
    /// An agent registered as arbitrator. Data: bond (u128).
    ArbitratorRegistered = 25 => "arbitrator_registered",
    /// An arbitrator retired and took its bond back. Data: bond.
    ArbitratorRetired = 26 => "arbitrator_retired",
    /// A round's panel was drawn from a block digest. Data: case id ‖ round ‖ seed digest.
    PanelDrawn = 30 => "panel_drawn",
    /// A verified completion proof closed a task's dispute for the worker. Data: case id ‖
    /// task id.
    CaseClosedByProof = 31 => "case_closed_by_proof",
    /// A first-round arbitrator lost part of its bond for a ruling overturned on appeal.
    /// Data: case id ‖ amount (u128).
    ArbitratorSlashed = 32 => "arbitrator_slashed",
    /// A round's panel could not be drawn: the case (or the appeal) was dropped and its fee (or
    /// bond) refunded. Data: case id ‖ round.
    PanelDrawFailed = 33 => "panel_draw_failed",
    /// Operator approved a trusted-set change. Data: change (u8: 1 add, 0 remove).
    TrustChangeApproved = 40 => "trust_change_approved",
    /// A change reached the operator threshold: the agent joined the trusted set. Data: set size (u64).
    TrustedAdded = 41 => "trusted_added",
    /// A change reached the operator threshold: the agent left the trusted set. Data: set size (u64).
    TrustedRemoved = 42 => "trusted_removed",
    /// Operator approved a kind change. Data: kind (u16) ‖ version (u16, 0 for a retirement) ‖
    /// key id (32 bytes, zero for a retirement).
    KindChangeApproved = 50 => "kind_change_approved",
    /// A registration reached the operator threshold: the kind exists. Data as approvals.
    KindRegistered = 51 => "kind_registered",
    /// A rotation reached the operator threshold: new tasks use the new key. Data as approvals.
    KindKeyRotated = 52 => "kind_key_rotated",
    /// A retirement reached the operator threshold: the kind takes no new tasks. Data as approvals.
    KindRetired = 53 => "kind_retired",
}

/// One link of the audit chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position from 0.
    #[serde(with = "crate::json::u64_string")]
    pub seq: u64,
    /// Hash of the previous entry (the genesis hash for entry 0).
    #[serde(with = "crate::hexbytes::serde32")]
    pub prev_hash: Digest,
    /// What happened.
    pub kind: AuditKind,
    /// Who did it (an operator, an arbitrator, a party, or whoever triggered a default).
    pub actor: AgentId,
    /// The agent it concerns (the frozen agent, the disputed task's worker…), if any.
    pub subject: Option<AgentId>,
    /// Kind-specific details, fixed-width little-endian (see [`AuditKind`]).
    #[serde(with = "hex_data")]
    pub data: Vec<u8>,
    /// Block time.
    #[serde(with = "crate::json::u64_string")]
    pub time: u64,
    /// `blake3_derive_key(AUDIT_DOMAIN, every field above, canonical)`.
    #[serde(with = "crate::hexbytes::serde32")]
    pub hash: Digest,
}

mod hex_data {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }
}

impl AuditEntry {
    fn encode_unhashed(&self, w: &mut Writer) {
        w.u64(self.seq);
        w.fixed(&self.prev_hash);
        w.u8(self.kind as u8);
        self.actor.encode(w);
        self.subject.encode(w);
        w.var_bytes(&self.data);
        w.u64(self.time);
    }

    /// The hash this entry should carry, recomputed from its other fields.
    pub fn compute_hash(&self) -> Digest {
        let mut w = Writer::new();
        self.encode_unhashed(&mut w);
        blake3::derive_key(AUDIT_DOMAIN, &w.into_bytes())
    }
}

impl Canonical for AuditEntry {
    fn encode(&self, w: &mut Writer) {
        self.encode_unhashed(w);
        w.fixed(&self.hash);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(AuditEntry {
            seq: r.u64()?,
            prev_hash: r.fixed()?,
            kind: AuditKind::from_code(r.u8()?).ok_or(DecodeError::Invalid("audit kind"))?,
            actor: AgentId::decode(r)?,
            subject: Option::decode(r)?,
            data: r.var_bytes(MAX_AUDIT_DATA_BYTES)?,
            time: r.u64()?,
            hash: r.fixed()?,
        })
    }
}

/// The audit table key of entry `seq`.
pub fn audit_key(seq: u64) -> Vec<u8> {
    seq.to_be_bytes().to_vec()
}

/// Where the audit chain first breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    /// Sequence number (position) of the first bad entry.
    #[serde(with = "crate::json::u64_string")]
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// The result of recomputing the audit chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries read.
    #[serde(with = "crate::json::u64_string")]
    pub entries: u64,
    /// Hash of the last good entry (the genesis hash if none).
    #[serde(with = "crate::hexbytes::serde32")]
    pub head: Digest,
    /// The first break, if any.
    pub first_break: Option<AuditBreak>,
}

impl AuditVerification {
    /// True when the whole chain recomputes.
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Every audit entry in sequence order; undecodable entries are errors.
pub fn audit_entries(state: &dyn StateView) -> Result<Vec<AuditEntry>, StateError> {
    state
        .scan_prefix(Table::AuditLog, &[], usize::MAX)?
        .iter()
        .map(|(_, bytes)| {
            AuditEntry::from_canonical_bytes(bytes)
                .map_err(|e| StateError::Corrupt { table: Table::AuditLog.name(), reason: e.to_string() })
        })
        .collect()
}

/// Recomputes the chain from the stored entries: each key, sequence number, previous hash and
/// own hash must match, and the entry count must equal the audit counter.
pub fn verify_audit_chain(state: &dyn StateView, genesis_hash: &Digest) -> Result<AuditVerification, StateError> {
    let rows = state.scan_prefix(Table::AuditLog, &[], usize::MAX)?;
    let mut expected_prev = *genesis_hash;
    let mut first_break = None;
    for (index, (key, bytes)) in rows.iter().enumerate() {
        let seq = index as u64;
        let fault = match AuditEntry::from_canonical_bytes(bytes) {
            Err(e) => Some(format!("entry does not decode: {e}")),
            Ok(_) if key.as_slice() != audit_key(seq).as_slice() => Some("entry stored out of sequence".to_string()),
            Ok(entry) if entry.seq != seq => Some(format!("sequence number {} where {seq} was expected", entry.seq)),
            Ok(entry) if entry.prev_hash != expected_prev => Some("previous hash does not match".to_string()),
            Ok(entry) if entry.compute_hash() != entry.hash => Some("hash does not match the entry".to_string()),
            Ok(entry) => {
                expected_prev = entry.hash;
                None
            }
        };
        if let Some(reason) = fault {
            first_break = Some(AuditBreak { seq, reason });
            break;
        }
    }
    let count = rows.len() as u64;
    if first_break.is_none() {
        let recorded = match state.get(Table::Counters, AUDIT_COUNTER.as_bytes())? {
            None => 0,
            Some(bytes) => u64::from_le_bytes(bytes.as_slice().try_into().map_err(|_| StateError::Corrupt {
                table: Table::Counters.name(),
                reason: "audit counter is not 8 bytes".into(),
            })?),
        };
        if recorded != count {
            first_break = Some(AuditBreak {
                seq: count.min(recorded),
                reason: format!("{count} entries, counter says {recorded}"),
            });
        }
    }
    Ok(AuditVerification { entries: count, head: expected_prev, first_break })
}
