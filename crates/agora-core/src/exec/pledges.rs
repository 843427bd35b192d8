//! Reputation pledged as loan collateral: the per-agent lock, the reputation left usable after
//! pledges, and burning a defaulted pledge.

use super::context::{Ctx, Fault};
use crate::encoding::Canonical;
use crate::loans::{ReputationLock, lock_key};
use crate::state::{StateError, StateView, Table};
use agora_identity::AgentId;

/// The agent's lock (all zero when it has never pledged or everything was released).
pub(super) fn lock_of(ctx: &Ctx<'_, '_>, agent: &AgentId) -> Result<ReputationLock, StateError> {
    match ctx.layer.get(Table::ReputationLocks, &lock_key(agent))? {
        None => Ok(ReputationLock::default()),
        Some(bytes) => ReputationLock::from_canonical_bytes(&bytes)
            .map_err(|e| StateError::Corrupt { table: Table::ReputationLocks.name(), reason: e.to_string() }),
    }
}

/// Stores the lock, deleting the record when nothing is pledged any more.
pub(super) fn put_lock(ctx: &mut Ctx<'_, '_>, agent: &AgentId, lock: &ReputationLock) {
    if *lock == ReputationLock::default() {
        ctx.layer.delete(Table::ReputationLocks, lock_key(agent));
    } else {
        ctx.layer.put(Table::ReputationLocks, lock_key(agent), lock.to_canonical_bytes());
    }
}

/// The agent's score at block time, decay applied, minus the points it has pledged (floored at
/// 0: pledges keep their face value while the score decays).
pub(super) fn usable_reputation(ctx: &Ctx<'_, '_>, agent: &AgentId) -> Result<u64, StateError> {
    let score = ctx.account(agent)?.reputation_at(ctx.time, ctx.config.genesis.reputation.half_life_secs);
    Ok(score.saturating_sub(lock_of(ctx, agent)?.locked))
}

/// Removes up to `points` from the agent's score after bringing it up to date at block time;
/// returns the points actually burned. A slash also reaches what the agent can pass on: its
/// `received` (the base of its conferral budget) shrinks in the proportion of the score burned,
/// and the points taken from it are recorded in `Slashed`, which scales its standing
/// ([`crate::reputation::slash_factor_ppm`]) — reputation that was destroyed can no longer be
/// conferred, nor vouch with full weight.
pub(super) fn burn_reputation(ctx: &mut Ctx<'_, '_>, agent: &AgentId, points: u64) -> Result<u64, Fault> {
    let half_life = ctx.config.genesis.reputation.half_life_secs;
    let mut account = ctx.account(agent)?;
    let before = account.reputation_micro_at(ctx.time, half_life);
    let burned = account.remove_reputation(points, ctx.time, half_life);
    let after = account.reputation_micro_at(ctx.time, half_life);
    if before > after {
        let kept = u128::from(account.received) * u128::from(after) / u128::from(before);
        let kept = u64::try_from(kept).unwrap_or(account.received).min(account.received);
        let cut = account.received - kept;
        account.received = kept;
        if cut > 0 {
            let slashed = crate::reputation::slashed_points(&*ctx.layer, agent)?.saturating_add(cut);
            ctx.layer.put(Table::Slashed, agent.as_bytes().to_vec(), slashed.to_le_bytes().to_vec());
        }
    }
    ctx.put_account(agent, &account);
    Ok(burned)
}
