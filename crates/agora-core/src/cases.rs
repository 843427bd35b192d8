//! Records of disputes, arbitrators and freezes, with their canonical encodings and keys.

use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::ids::{Amount, Digest, TaskId};
use crate::limits::MAX_PANEL_SIZE;
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// Counter holding the last assigned case id.
pub const CASE_COUNTER: &str = "case";

/// A dispute case, numbered in opening order from 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CaseId(#[serde(with = "crate::json::u64_string")] pub u64);

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a case is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSubject {
    /// The escrow of an awarded task; rulings are the worker's share in basis points.
    Task(TaskId),
    /// A frozen agent's appeal; a ruling of 10,000 lifts the freeze, 0 upholds it.
    Freeze(AgentId),
}

/// One panel member's vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Vote {
    /// The arbitrator.
    pub arbitrator: AgentId,
    /// Worker share in basis points (for a freeze case: 10,000 lifts, 0 upholds).
    pub worker_bps: u16,
}

/// One round of a case: a panel drawn deterministically, its votes and its ruling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Panel members, in draw order.
    pub panel: Vec<AgentId>,
    /// Matching votes that decide the round.
    pub quorum: u8,
    /// Last block time (inclusive) a vote is accepted.
    #[serde(with = "crate::json::u64_string")]
    pub deadline: u64,
    /// Votes cast, in order.
    pub votes: Vec<Vote>,
    /// The ruling once `quorum` votes matched.
    pub ruling: Option<u16>,
    /// Block time of the ruling (0 while undecided).
    #[serde(with = "crate::json::u64_string")]
    pub ruled_at: u64,
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CasePhase {
    /// The current round's panel is voting.
    Voting = 0,
    /// The first round ruled; the loser may appeal until the appeal window closes.
    Ruled = 1,
    /// Final: funds paid out (or the freeze lifted or upheld).
    Closed = 2,
}

/// A dispute case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    /// Id.
    pub id: CaseId,
    /// What it is about.
    pub subject: CaseSubject,
    /// Who opened it (and posted the fee).
    pub opener: AgentId,
    /// Block time opened.
    #[serde(with = "crate::json::u64_string")]
    pub opened_at: u64,
    /// Dispute fee held (bond asset) until the case closes.
    #[serde(with = "crate::ids::amount_serde")]
    pub fee: Amount,
    /// Phase.
    pub phase: CasePhase,
    /// First round, then the appeal round if any.
    pub rounds: Vec<Round>,
    /// The party that appealed.
    pub appellant: Option<AgentId>,
    /// Appeal bond held (bond asset) until the case closes.
    #[serde(with = "crate::ids::amount_serde")]
    pub appeal_bond: Amount,
    /// The final ruling (worker share in bps; for a freeze case 10,000 = lifted).
    pub outcome: Option<u16>,
    /// True when the outcome is a documented default rather than a panel's ruling.
    pub defaulted: bool,
    /// Block time closed (0 while open).
    #[serde(with = "crate::json::u64_string")]
    pub closed_at: u64,
    /// Height whose digest seeds the current round's panel while that panel is pending (0 once
    /// drawn).
    #[serde(with = "crate::json::u64_string")]
    pub pending_draw: u64,
    /// True when a verified completion proof closed the case for the worker.
    pub settled_by_proof: bool,
}

impl CaseRecord {
    /// Every arbitrator drawn for any round of the case.
    pub fn all_panelists(&self) -> impl Iterator<Item = &AgentId> {
        self.rounds.iter().flat_map(|r| r.panel.iter())
    }
}

/// A registered arbitrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArbitratorRecord {
    /// Bond locked (bond asset).
    #[serde(with = "crate::ids::amount_serde")]
    pub bond: Amount,
    /// Block time of registration.
    #[serde(with = "crate::json::u64_string")]
    pub registered_at: u64,
    /// Standing: starts at `ARBITRATOR_INITIAL_STANDING`, falls for votes against final
    /// rulings; an arbitrator at 0 is no longer drawn.
    pub standing: u32,
    /// Cases whose panel it sits on that are not closed.
    pub open_cases: u32,
    /// Final rulings it voted with.
    pub agreed: u32,
    /// Final rulings it voted against or did not vote on.
    pub dissented: u32,
    /// Its slot in the arbitrator sum tree (from 1; 0 = not drawable until it registers
    /// again).
    pub slot: u32,
    /// Block time the last case it sat on closed (0 if none).
    #[serde(with = "crate::json::u64_string")]
    pub last_closed_at: u64,
}

/// Operator approvals gathering for a freeze (or its renewal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeProposal {
    /// Reason code.
    pub reason: u16,
    /// Hash of the evidence.
    #[serde(with = "crate::hexbytes::serde32")]
    pub evidence: Digest,
    /// Operators who approved, sorted.
    pub approvals: Vec<AgentId>,
    /// Block time of the first approval.
    #[serde(with = "crate::json::u64_string")]
    pub proposed_at: u64,
}

/// An agent's freeze: the active one (if any) and a pending proposal (if any).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeRecord {
    /// Reason code of the active freeze.
    pub reason: u16,
    /// Evidence hash of the active freeze.
    #[serde(with = "crate::hexbytes::serde32")]
    pub evidence: Digest,
    /// Block time the active freeze took effect (0 if never).
    #[serde(with = "crate::json::u64_string")]
    pub frozen_at: u64,
    /// The freeze holds while block time is below this (0 = not active).
    #[serde(with = "crate::json::u64_string")]
    pub frozen_until: u64,
    /// The freeze case appealing the active freeze, if one was opened.
    pub case: Option<CaseId>,
    /// Approvals gathering for a new freeze or a renewal.
    pub proposal: Option<FreezeProposal>,
}

impl FreezeRecord {
    /// True while the freeze holds at block time `now`.
    pub fn is_active(&self, now: u64) -> bool {
        now < self.frozen_until
    }
}

/// Keys of the dispute tables.
pub mod case_keys {
    use super::*;

    /// Case key.
    pub fn case(id: CaseId) -> Vec<u8> {
        id.0.to_be_bytes().to_vec()
    }
    /// Arbitrator key.
    pub fn arbitrator(id: &AgentId) -> Vec<u8> {
        id.as_bytes().to_vec()
    }
    /// Freeze key.
    pub fn freeze(id: &AgentId) -> Vec<u8> {
        id.as_bytes().to_vec()
    }
    /// Sum-tree node key (`0 ‖ node`).
    pub fn tree_node(node: u32) -> Vec<u8> {
        let mut key = vec![0];
        key.extend_from_slice(&node.to_be_bytes());
        key
    }
    /// Sum-tree slot key (`1 ‖ slot`).
    pub fn tree_slot(slot: u32) -> Vec<u8> {
        let mut key = vec![1];
        key.extend_from_slice(&slot.to_be_bytes());
        key
    }
    /// Pending draw key: seed height ‖ case.
    pub fn pending_draw(seed_height: u64, case: CaseId) -> Vec<u8> {
        let mut key = seed_height.to_be_bytes().to_vec();
        key.extend_from_slice(&case.0.to_be_bytes());
        key
    }
    /// Task → open case key.
    pub fn task_case(task: TaskId) -> Vec<u8> {
        task.0.to_be_bytes().to_vec()
    }
}

impl Canonical for CaseSubject {
    fn encode(&self, w: &mut Writer) {
        match self {
            CaseSubject::Task(t) => {
                w.u8(0);
                w.u64(t.0);
            }
            CaseSubject::Freeze(a) => {
                w.u8(1);
                a.encode(w);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            0 => Ok(CaseSubject::Task(TaskId(r.u64()?))),
            1 => Ok(CaseSubject::Freeze(AgentId::decode(r)?)),
            tag => Err(DecodeError::UnknownTag { what: "case subject", tag }),
        }
    }
}

impl Canonical for Vote {
    fn encode(&self, w: &mut Writer) {
        self.arbitrator.encode(w);
        w.u16(self.worker_bps);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Vote { arbitrator: AgentId::decode(r)?, worker_bps: r.u16()? })
    }
}

impl Canonical for Round {
    fn encode(&self, w: &mut Writer) {
        encode_seq(w, &self.panel);
        w.u8(self.quorum);
        w.u64(self.deadline);
        encode_seq(w, &self.votes);
        match self.ruling {
            None => w.u8(0),
            Some(bps) => {
                w.u8(1);
                w.u16(bps);
            }
        }
        w.u64(self.ruled_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let limit = usize::from(MAX_PANEL_SIZE) * 2 + 1;
        Ok(Round {
            panel: decode_seq(r, limit)?,
            quorum: r.u8()?,
            deadline: r.u64()?,
            votes: decode_seq(r, limit)?,
            ruling: match r.u8()? {
                0 => None,
                1 => Some(r.u16()?),
                tag => return Err(DecodeError::UnknownTag { what: "ruling", tag }),
            },
            ruled_at: r.u64()?,
        })
    }
}

impl Canonical for CaseRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.id.0);
        self.subject.encode(w);
        self.opener.encode(w);
        w.u64(self.opened_at);
        w.u128(self.fee);
        w.u8(self.phase as u8);
        encode_seq(w, &self.rounds);
        self.appellant.encode(w);
        w.u128(self.appeal_bond);
        match self.outcome {
            None => w.u8(0),
            Some(bps) => {
                w.u8(1);
                w.u16(bps);
            }
        }
        w.bool(self.defaulted);
        w.u64(self.closed_at);
        w.u64(self.pending_draw);
        w.bool(self.settled_by_proof);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CaseRecord {
            id: CaseId(r.u64()?),
            subject: CaseSubject::decode(r)?,
            opener: AgentId::decode(r)?,
            opened_at: r.u64()?,
            fee: r.u128()?,
            phase: match r.u8()? {
                0 => CasePhase::Voting,
                1 => CasePhase::Ruled,
                2 => CasePhase::Closed,
                tag => return Err(DecodeError::UnknownTag { what: "case phase", tag }),
            },
            rounds: decode_seq(r, 2)?,
            appellant: Option::decode(r)?,
            appeal_bond: r.u128()?,
            outcome: match r.u8()? {
                0 => None,
                1 => Some(r.u16()?),
                tag => return Err(DecodeError::UnknownTag { what: "outcome", tag }),
            },
            defaulted: r.bool()?,
            closed_at: r.u64()?,
            pending_draw: r.u64()?,
            settled_by_proof: r.bool()?,
        })
    }
}

impl Canonical for ArbitratorRecord {
    fn encode(&self, w: &mut Writer) {
        w.u128(self.bond);
        w.u64(self.registered_at);
        w.u32(self.standing);
        w.u32(self.open_cases);
        w.u32(self.agreed);
        w.u32(self.dissented);
        w.u32(self.slot);
        w.u64(self.last_closed_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ArbitratorRecord {
            bond: r.u128()?,
            registered_at: r.u64()?,
            standing: r.u32()?,
            open_cases: r.u32()?,
            agreed: r.u32()?,
            dissented: r.u32()?,
            slot: r.u32()?,
            last_closed_at: r.u64()?,
        })
    }
}

impl Canonical for FreezeProposal {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.reason);
        w.fixed(&self.evidence);
        encode_seq(w, &self.approvals);
        w.u64(self.proposed_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(FreezeProposal {
            reason: r.u16()?,
            evidence: r.fixed()?,
            approvals: decode_seq(r, crate::limits::MAX_GENESIS_ITEMS)?,
            proposed_at: r.u64()?,
        })
    }
}

impl Canonical for CaseId {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.0);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CaseId(r.u64()?))
    }
}

impl Canonical for FreezeRecord {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.reason);
        w.fixed(&self.evidence);
        w.u64(self.frozen_at);
        w.u64(self.frozen_until);
        self.case.encode(w);
        self.proposal.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(FreezeRecord {
            reason: r.u16()?,
            evidence: r.fixed()?,
            frozen_at: r.u64()?,
            frozen_until: r.u64()?,
            case: Option::decode(r)?,
            proposal: Option::decode(r)?,
        })
    }
}
