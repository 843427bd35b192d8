//! Loan and reputation-lock records, their keys and canonical encodings.

use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::ids::{Amount, AssetId};
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// Counter holding the last assigned loan id.
pub const LOAN_COUNTER: &str = "loan";

/// A loan, numbered in offering order from 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LoanId(#[serde(with = "crate::json::u64_string")] pub u64);

impl std::fmt::Display for LoanId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a loan is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    /// Offered; the principal sits in escrow until a borrower accepts or the lender cancels.
    Offered = 0,
    /// Accepted: the borrower holds the principal and its pledge is locked.
    Active = 1,
    /// Repaid with interest; the pledge is unlocked.
    Repaid = 2,
    /// Claimed in default by the lender: the pledge was burned and part of the bond seized.
    Defaulted = 3,
    /// Cancelled by the lender before acceptance; the principal was refunded.
    Cancelled = 4,
}

/// A loan's record (table `Loans`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanRecord {
    /// Id.
    pub id: LoanId,
    /// Who lends.
    pub lender: AgentId,
    /// The only agent allowed to accept, if the lender named one.
    pub named_borrower: Option<AgentId>,
    /// Who accepted (set on acceptance).
    pub borrower: Option<AgentId>,
    /// Asset of the principal and the repayment.
    pub asset: AssetId,
    /// Amount lent.
    #[serde(with = "crate::ids::amount_serde")]
    pub principal: Amount,
    /// Interest on the principal, in basis points (flat, for the whole term).
    pub interest_bps: u16,
    /// Block time after which (strictly) the lender may claim default.
    #[serde(with = "crate::json::u64_string")]
    pub due: u64,
    /// Funds held for this loan right now (the principal while offered, else 0).
    #[serde(with = "crate::ids::amount_serde")]
    pub escrow: Amount,
    /// Lifecycle state.
    pub status: LoanStatus,
    /// Reputation points the borrower pledged (0 before acceptance).
    #[serde(with = "crate::json::u64_string")]
    pub pledged: u64,
    /// Value of the principal in reference points, fixed at acceptance (counts against the
    /// borrower's bond cover while active).
    #[serde(with = "crate::json::u64_string")]
    pub value_points: u64,
    /// Block time of the offer.
    #[serde(with = "crate::json::u64_string")]
    pub offered_at: u64,
    /// Block time of acceptance (0 before).
    #[serde(with = "crate::json::u64_string")]
    pub accepted_at: u64,
    /// Block time it was repaid, defaulted or cancelled (0 while live).
    #[serde(with = "crate::json::u64_string")]
    pub closed_at: u64,
    /// Reputation points burned on default.
    #[serde(with = "crate::json::u64_string")]
    pub burned: u64,
    /// Bond seized for the lender on default (in the bond asset).
    #[serde(with = "crate::ids::amount_serde")]
    pub bond_seized: Amount,
}

/// Reputation an agent has pledged to active loans (table `ReputationLocks`); absent = nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReputationLock {
    /// Points pledged and not yet released (not decayed: a pledge keeps its face value).
    #[serde(with = "crate::json::u64_string")]
    pub locked: u64,
    /// Active loans the agent owes.
    pub active_loans: u32,
    /// Sum of the active loans' value in reference points (bounded by the bond cover).
    #[serde(with = "crate::json::u64_string")]
    pub outstanding_points: u64,
}

/// `Loans` key: loan id, big-endian.
pub fn loan_key(id: LoanId) -> Vec<u8> {
    id.0.to_be_bytes().to_vec()
}

/// `ReputationLocks` key: the agent id.
pub fn lock_key(agent: &AgentId) -> Vec<u8> {
    agent.as_bytes().to_vec()
}

impl Canonical for LoanStatus {
    fn encode(&self, w: &mut Writer) {
        w.u8(*self as u8);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            0 => LoanStatus::Offered,
            1 => LoanStatus::Active,
            2 => LoanStatus::Repaid,
            3 => LoanStatus::Defaulted,
            4 => LoanStatus::Cancelled,
            tag => return Err(DecodeError::UnknownTag { what: "loan status", tag }),
        })
    }
}

impl Canonical for LoanRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.id.0);
        self.lender.encode(w);
        self.named_borrower.encode(w);
        self.borrower.encode(w);
        w.u32(self.asset.0);
        w.u128(self.principal);
        w.u16(self.interest_bps);
        w.u64(self.due);
        w.u128(self.escrow);
        self.status.encode(w);
        w.u64(self.pledged);
        w.u64(self.value_points);
        w.u64(self.offered_at);
        w.u64(self.accepted_at);
        w.u64(self.closed_at);
        w.u64(self.burned);
        w.u128(self.bond_seized);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(LoanRecord {
            id: LoanId(r.u64()?),
            lender: AgentId::decode(r)?,
            named_borrower: Option::decode(r)?,
            borrower: Option::decode(r)?,
            asset: AssetId(r.u32()?),
            principal: r.u128()?,
            interest_bps: r.u16()?,
            due: r.u64()?,
            escrow: r.u128()?,
            status: LoanStatus::decode(r)?,
            pledged: r.u64()?,
            value_points: r.u64()?,
            offered_at: r.u64()?,
            accepted_at: r.u64()?,
            closed_at: r.u64()?,
            burned: r.u64()?,
            bond_seized: r.u128()?,
        })
    }
}

impl Canonical for ReputationLock {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.locked);
        w.u32(self.active_loans);
        w.u64(self.outstanding_points);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ReputationLock { locked: r.u64()?, active_loans: r.u32()?, outstanding_points: r.u64()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_identity::AgentKey;

    #[test]
    fn loan_and_lock_records_round_trip_canonically() {
        let lender = AgentKey::from_seed([1; 32]).id();
        let borrower = AgentKey::from_seed([2; 32]).id();
        let loan = LoanRecord {
            id: LoanId(7),
            lender,
            named_borrower: Some(borrower),
            borrower: Some(borrower),
            asset: AssetId(1),
            principal: u128::MAX - 3,
            interest_bps: 250,
            due: 99,
            escrow: 0,
            status: LoanStatus::Defaulted,
            pledged: 5,
            value_points: 6,
            offered_at: 1,
            accepted_at: 2,
            closed_at: 3,
            burned: 4,
            bond_seized: 8,
        };
        assert_eq!(LoanRecord::from_canonical_bytes(&loan.to_canonical_bytes()), Ok(loan));
        let lock = ReputationLock { locked: 1, active_loans: 2, outstanding_points: 3 };
        assert_eq!(ReputationLock::from_canonical_bytes(&lock.to_canonical_bytes()), Ok(lock));
    }
}
