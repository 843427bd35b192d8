//! The records stored in the state tables, with their canonical encodings and keys.

use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::field::FieldBytes;
use crate::ids::{Amount, AssetId, Digest, TaskId};
use crate::limits::MAX_SYMBOL_BYTES;
use crate::tx::PostTask;
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// An agent's registration: the bond it locked and when it left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Bond locked (in the genesis bond asset).
    #[serde(with = "crate::ids::amount_serde")]
    pub bond: Amount,
    /// Block time of registration.
    #[serde(with = "crate::json::u64_string")]
    pub registered_at: u64,
    /// Block time of deregistration, if the cool-down has started.
    #[serde(with = "crate::json::opt_u64_string")]
    pub deregistered_at: Option<u64>,
}

/// Everything the state knows about one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    /// Next expected nonce.
    #[serde(with = "crate::json::u64_string")]
    pub nonce: u64,
    /// Registration, if any.
    pub registration: Option<Registration>,
    /// Reputation as of `reputation_updated_at`, decay not yet applied, in millionths of a point
    /// ([`crate::reputation::MICRO_PER_POINT`]) so that bringing it up to date at every update
    /// loses no whole points to rounding. Raised only by verified completion proofs.
    #[serde(with = "crate::json::u64_string")]
    pub reputation_micro: u64,
    /// Block time the score was last brought up to date.
    #[serde(with = "crate::json::u64_string")]
    pub reputation_updated_at: u64,
    /// Tasks completed with a verified proof.
    #[serde(with = "crate::json::u64_string")]
    pub proven_completions: u64,
    /// Reputation points ever received from verified completions (before decay): the base of
    /// this agent's conferral budget as an employer.
    #[serde(with = "crate::json::u64_string")]
    pub received: u64,
    /// Reputation points this agent has conferred on its workers as an employer (never more than
    /// [`crate::reputation::conferral_budget`] of `received`).
    #[serde(with = "crate::json::u64_string")]
    pub conferred: u64,
    /// Tasks this agent posted that are open or awarded.
    pub open_tasks: u32,
    /// Tasks awarded to this agent and not yet settled.
    pub active_jobs: u32,
    /// Bids this agent holds on open tasks.
    pub open_bids: u32,
}

impl AccountRecord {
    /// The score in whole points at block time `now`, decay applied (rounded down).
    pub fn reputation_at(&self, now: u64, half_life_secs: u64) -> u64 {
        self.reputation_micro_at(now, half_life_secs) / crate::reputation::MICRO_PER_POINT
    }

    /// The score in millionths of a point at block time `now`, decay applied.
    pub fn reputation_micro_at(&self, now: u64, half_life_secs: u64) -> u64 {
        crate::reputation::decayed(
            self.reputation_micro,
            now.saturating_sub(self.reputation_updated_at),
            half_life_secs,
        )
    }

    /// The stored score in whole points (decay not applied).
    pub fn reputation_stored(&self) -> u64 {
        self.reputation_micro / crate::reputation::MICRO_PER_POINT
    }

    /// Brings the score up to `now` and adds `points` (saturating).
    pub fn add_reputation(&mut self, points: u64, now: u64, half_life_secs: u64) {
        let micro = points.saturating_mul(crate::reputation::MICRO_PER_POINT);
        self.reputation_micro = self.reputation_micro_at(now, half_life_secs).saturating_add(micro);
        self.reputation_updated_at = now;
    }

    /// Brings the score up to `now` and removes up to `points` (never below zero); returns the
    /// points actually removed.
    pub fn remove_reputation(&mut self, points: u64, now: u64, half_life_secs: u64) -> u64 {
        let current = self.reputation_micro_at(now, half_life_secs);
        let micro = points.saturating_mul(crate::reputation::MICRO_PER_POINT).min(current);
        self.reputation_micro = current - micro;
        self.reputation_updated_at = now;
        micro / crate::reputation::MICRO_PER_POINT
    }

    /// Registered and not deregistering.
    pub fn is_active(&self) -> bool {
        matches!(self.registration, Some(Registration { deregistered_at: None, .. }))
    }
}

/// An asset's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssetRecord {
    /// Id.
    pub id: AssetId,
    /// Unique ticker.
    pub symbol: String,
    /// Display decimals.
    pub decimals: u8,
    /// Deposits minus withdrawals: what every balance, escrow and bond of this asset sums to.
    #[serde(with = "crate::ids::amount_serde")]
    pub supply: Amount,
}

/// Where a task is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Accepting bids.
    Open = 0,
    /// Awarded to a worker; escrow holds the price.
    Awarded = 1,
    /// Paid on the employer's acceptance.
    Accepted = 2,
    /// Paid on a verified completion proof.
    Completed = 3,
    /// Cancelled by the employer before award.
    Cancelled = 4,
    /// Expired after the delivery deadline; escrow refunded.
    Expired = 5,
    /// Under dispute: the escrow stays locked until the case is resolved.
    Disputed = 30,
    /// Settled by an arbitration ruling (or its documented default).
    Arbitrated = 31,
}

/// A task's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskRecord {
    /// Id.
    pub id: TaskId,
    /// Who posted it and pays.
    pub employer: AgentId,
    /// The offer as posted.
    pub offer: PostTask,
    /// Funds held for this task right now.
    #[serde(with = "crate::ids::amount_serde")]
    pub escrow: Amount,
    /// Lifecycle state.
    pub status: TaskStatus,
    /// The awarded worker.
    pub worker: Option<AgentId>,
    /// The awarded price (0 before award).
    #[serde(with = "crate::ids::amount_serde")]
    pub price: Amount,
    /// Open bids right now.
    pub open_bids: u32,
    /// Block time of posting.
    #[serde(with = "crate::json::u64_string")]
    pub posted_at: u64,
    /// Block time the task was settled, cancelled or expired (0 while live).
    #[serde(with = "crate::json::u64_string")]
    pub closed_at: u64,
    /// The output commitment proven at completion.
    pub output_commitment: Option<FieldBytes>,
    /// The version of the kind's verifying key the task was posted under (and settles under);
    /// 0 for a manual task.
    pub kind_version: u16,
}

/// Where a bid stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidStatus {
    /// Live. (A withdrawn bid is deleted, so a task never holds more than
    /// `MAX_BIDS_PER_TASK` bid records while it is open.)
    Open = 0,
    /// Won the award.
    Won = 1,
    /// The task was awarded to another bid, cancelled or expired.
    Closed = 2,
}

/// A bid's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidRecord {
    /// Task.
    pub task: TaskId,
    /// Bidder.
    pub bidder: AgentId,
    /// Price asked.
    #[serde(with = "crate::ids::amount_serde")]
    pub price: Amount,
    /// Promised delivery time in seconds.
    #[serde(with = "crate::json::u64_string")]
    pub eta_secs: u64,
    /// Hash of the signed execution plan.
    #[serde(with = "crate::hexbytes::serde32")]
    pub plan_hash: Digest,
    /// Block time placed.
    #[serde(with = "crate::json::u64_string")]
    pub placed_at: u64,
    /// State.
    pub status: BidStatus,
}

/// Keys of each table.
pub mod keys {
    use super::*;

    /// Account key.
    pub fn account(id: &AgentId) -> Vec<u8> {
        id.as_bytes().to_vec()
    }
    /// Balance key.
    pub fn balance(id: &AgentId, asset: AssetId) -> Vec<u8> {
        let mut k = id.as_bytes().to_vec();
        k.extend_from_slice(&asset.0.to_be_bytes());
        k
    }
    /// Asset key.
    pub fn asset(id: AssetId) -> Vec<u8> {
        id.0.to_be_bytes().to_vec()
    }
    /// Task key.
    pub fn task(id: TaskId) -> Vec<u8> {
        id.0.to_be_bytes().to_vec()
    }
    /// Bid key.
    pub fn bid(task: TaskId, bidder: &AgentId) -> Vec<u8> {
        let mut k = task.0.to_be_bytes().to_vec();
        k.extend_from_slice(bidder.as_bytes());
        k
    }
    /// Evidence edge key: worker ‖ employer (so a worker's sources are one prefix scan).
    pub fn edge(worker: &AgentId, employer: &AgentId) -> Vec<u8> {
        let mut k = worker.as_bytes().to_vec();
        k.extend_from_slice(employer.as_bytes());
        k
    }
}

fn encode_u64_opt(w: &mut Writer, v: Option<u64>) {
    match v {
        None => w.u8(0),
        Some(x) => {
            w.u8(1);
            w.u64(x);
        }
    }
}

fn decode_u64_opt(r: &mut Reader<'_>) -> Result<Option<u64>, DecodeError> {
    match r.u8()? {
        0 => Ok(None),
        1 => Ok(Some(r.u64()?)),
        tag => Err(DecodeError::UnknownTag { what: "option", tag }),
    }
}

impl Canonical for AccountRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.nonce);
        match &self.registration {
            None => w.u8(0),
            Some(reg) => {
                w.u8(1);
                w.u128(reg.bond);
                w.u64(reg.registered_at);
                encode_u64_opt(w, reg.deregistered_at);
            }
        }
        w.u64(self.reputation_micro);
        w.u64(self.reputation_updated_at);
        w.u64(self.proven_completions);
        w.u64(self.received);
        w.u64(self.conferred);
        w.u32(self.open_tasks);
        w.u32(self.active_jobs);
        w.u32(self.open_bids);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let nonce = r.u64()?;
        let registration = match r.u8()? {
            0 => None,
            1 => Some(Registration { bond: r.u128()?, registered_at: r.u64()?, deregistered_at: decode_u64_opt(r)? }),
            tag => return Err(DecodeError::UnknownTag { what: "registration", tag }),
        };
        Ok(AccountRecord {
            nonce,
            registration,
            reputation_micro: r.u64()?,
            reputation_updated_at: r.u64()?,
            proven_completions: r.u64()?,
            received: r.u64()?,
            conferred: r.u64()?,
            open_tasks: r.u32()?,
            active_jobs: r.u32()?,
            open_bids: r.u32()?,
        })
    }
}

impl Canonical for AssetRecord {
    fn encode(&self, w: &mut Writer) {
        w.u32(self.id.0);
        w.str(&self.symbol);
        w.u8(self.decimals);
        w.u128(self.supply);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(AssetRecord {
            id: AssetId(r.u32()?),
            symbol: r.str(MAX_SYMBOL_BYTES)?,
            decimals: r.u8()?,
            supply: r.u128()?,
        })
    }
}

impl Canonical for TaskStatus {
    fn encode(&self, w: &mut Writer) {
        w.u8(*self as u8);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            0 => TaskStatus::Open,
            1 => TaskStatus::Awarded,
            2 => TaskStatus::Accepted,
            3 => TaskStatus::Completed,
            4 => TaskStatus::Cancelled,
            5 => TaskStatus::Expired,
            30 => TaskStatus::Disputed,
            31 => TaskStatus::Arbitrated,
            tag => return Err(DecodeError::UnknownTag { what: "task status", tag }),
        })
    }
}

impl Canonical for TaskRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.id.0);
        self.employer.encode(w);
        self.offer.encode(w);
        w.u128(self.escrow);
        self.status.encode(w);
        self.worker.encode(w);
        w.u128(self.price);
        w.u32(self.open_bids);
        w.u64(self.posted_at);
        w.u64(self.closed_at);
        self.output_commitment.encode(w);
        w.u16(self.kind_version);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(TaskRecord {
            id: TaskId(r.u64()?),
            employer: AgentId::decode(r)?,
            offer: PostTask::decode(r)?,
            escrow: r.u128()?,
            status: TaskStatus::decode(r)?,
            worker: Option::decode(r)?,
            price: r.u128()?,
            open_bids: r.u32()?,
            posted_at: r.u64()?,
            closed_at: r.u64()?,
            output_commitment: Option::decode(r)?,
            kind_version: r.u16()?,
        })
    }
}

impl Canonical for BidStatus {
    fn encode(&self, w: &mut Writer) {
        w.u8(*self as u8);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            0 => BidStatus::Open,
            1 => BidStatus::Won,
            2 => BidStatus::Closed,
            tag => return Err(DecodeError::UnknownTag { what: "bid status", tag }),
        })
    }
}

impl Canonical for BidRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.task.0);
        self.bidder.encode(w);
        w.u128(self.price);
        w.u64(self.eta_secs);
        w.fixed(&self.plan_hash);
        w.u64(self.placed_at);
        self.status.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(BidRecord {
            task: TaskId(r.u64()?),
            bidder: AgentId::decode(r)?,
            price: r.u128()?,
            eta_secs: r.u64()?,
            plan_hash: r.fixed()?,
            placed_at: r.u64()?,
            status: BidStatus::decode(r)?,
        })
    }
}
