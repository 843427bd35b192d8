//! The reputation penalty of a party that loses a decided dispute.

use super::context::{Ctx, Fault};
use crate::config::bps_of;
use agora_identity::AgentId;

/// Brings `agent`'s score up to date (decay applied) and removes `bps` basis points of it.
/// Returns the points removed.
pub(super) fn penalize_reputation(ctx: &mut Ctx<'_, '_>, agent: &AgentId, bps: u16) -> Result<u64, Fault> {
    let mut account = ctx.account(agent)?;
    let half_life = ctx.config.genesis.reputation.half_life_secs;
    let current = account.reputation_at(ctx.time, half_life);
    let cut = u64::try_from(bps_of(u128::from(current), bps)).unwrap_or(current);
    let removed = account.remove_reputation(cut, ctx.time, half_life);
    ctx.put_account(agent, &account);
    Ok(removed)
}
