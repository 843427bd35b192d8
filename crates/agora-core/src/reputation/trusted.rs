//! The trusted set as stored in state, and the standing an employer confers with once slashes
//! are taken into account. Read by the handlers, the epoch recompute and the queries alike.

use super::STANDING_ONE;
use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::limits::MAX_TRUSTED;
use crate::records::{AccountRecord, keys};
use crate::state::{StateError, StateView, Table};
use agora_identity::AgentId;
use std::collections::BTreeSet;

/// Counter holding the number of agents in the trusted set.
pub const TRUSTED_COUNTER: &str = "trusted";

fn corrupt(table: Table, reason: impl std::fmt::Display) -> StateError {
    StateError::Corrupt { table: table.name(), reason: reason.to_string() }
}

/// The current trusted set (at most [`MAX_TRUSTED`] agents), in key order.
pub fn trusted_set(view: &dyn StateView) -> Result<BTreeSet<AgentId>, StateError> {
    view.scan_prefix(Table::TrustedSet, &[], MAX_TRUSTED)?
        .into_iter()
        .map(|(key, _)| {
            let bytes: [u8; 32] = key.as_slice().try_into().map_err(|_| corrupt(Table::TrustedSet, "key"))?;
            AgentId::from_public_key_bytes(bytes).map_err(|e| corrupt(Table::TrustedSet, e))
        })
        .collect()
}

/// Whether `agent` is in the trusted set now.
pub fn is_trusted(view: &dyn StateView, agent: &AgentId) -> Result<bool, StateError> {
    Ok(view.get(Table::TrustedSet, agent.as_bytes())?.is_some())
}

/// Reputation points slashes have removed from `agent`'s `received` so far.
pub fn slashed_points(view: &dyn StateView, agent: &AgentId) -> Result<u64, StateError> {
    match view.get(Table::Slashed, agent.as_bytes())? {
        None => Ok(0),
        Some(bytes) => Ok(u64::from_le_bytes(
            bytes.as_slice().try_into().map_err(|_| corrupt(Table::Slashed, "value is not 8 bytes"))?,
        )),
    }
}

/// The share (parts per million) of its standing a slashed agent keeps: the unslashed share of
/// everything it ever received, `received / (received + slashed)` (full when it never received
/// anything). New honest work raises it again.
pub fn slash_factor_ppm(received: u64, slashed: u64) -> u64 {
    let total = u128::from(received) + u128::from(slashed);
    if slashed == 0 || total == 0 {
        return STANDING_ONE;
    }
    u64::try_from(u128::from(received) * u128::from(STANDING_ONE) / total).unwrap_or(STANDING_ONE)
}

/// The standing `agent` confers with as an employer: full in the trusted set, else the last
/// epoch's EigenTrust value; either way scaled by its [`slash_factor_ppm`].
pub fn standing_of(view: &dyn StateView, agent: &AgentId) -> Result<u64, StateError> {
    let base = if is_trusted(view, agent)? {
        STANDING_ONE
    } else {
        match view.get(Table::Standing, agent.as_bytes())? {
            None => return Ok(0),
            Some(bytes) => u64::from_le_bytes(
                bytes.as_slice().try_into().map_err(|_| corrupt(Table::Standing, "standing is not 8 bytes"))?,
            ),
        }
    };
    let slashed = slashed_points(view, agent)?;
    if slashed == 0 {
        return Ok(base);
    }
    let received = match view.get(Table::Accounts, &keys::account(agent))? {
        None => 0,
        Some(bytes) => AccountRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Accounts, e))?.received,
    };
    let factor = slash_factor_ppm(received, slashed);
    Ok(u64::try_from(u128::from(base) * u128::from(factor) / u128::from(STANDING_ONE)).unwrap_or(0))
}

/// Operator approvals gathering for one trusted-set change (key: [`proposal_key`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TrustProposal {
    /// Operators who approved, sorted.
    pub approvals: Vec<AgentId>,
    /// Block time of the first approval.
    #[serde(with = "crate::json::u64_string")]
    pub proposed_at: u64,
}

impl Canonical for TrustProposal {
    fn encode(&self, w: &mut Writer) {
        encode_seq(w, &self.approvals);
        w.u64(self.proposed_at);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(TrustProposal { approvals: decode_seq(r, crate::limits::MAX_GENESIS_ITEMS)?, proposed_at: r.u64()? })
    }
}

/// The `TrustProposals` key of the change adding (`add`) or removing `agent`.
pub fn proposal_key(agent: &AgentId, add: bool) -> Vec<u8> {
    let mut key = agent.as_bytes().to_vec();
    key.push(u8::from(add));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_factor_is_the_unslashed_share() {
        assert_eq!(slash_factor_ppm(0, 0), STANDING_ONE);
        assert_eq!(slash_factor_ppm(500, 0), STANDING_ONE);
        assert_eq!(slash_factor_ppm(900, 100), 900_000);
        assert_eq!(slash_factor_ppm(0, 100), 0);
        assert_eq!(slash_factor_ppm(u64::MAX, u64::MAX), 500_000);
    }
}
