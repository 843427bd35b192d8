//! The reputation penalty of a party that loses a decided dispute.

use super::context::{Ctx, Fault};
use super::pledges::burn_reputation;
use crate::config::bps_of;
use agora_identity::AgentId;

/// Removes `bps` basis points of `agent`'s score (decay applied first). Returns the points
/// removed.
pub(super) fn penalize_reputation(ctx: &mut Ctx<'_, '_>, agent: &AgentId, bps: u16) -> Result<u64, Fault> {
    let current = ctx.account(agent)?.reputation_at(ctx.time, ctx.config.genesis.reputation.half_life_secs);
    let cut = u64::try_from(bps_of(u128::from(current), bps)).unwrap_or(current);
    burn_reputation(ctx, agent, cut)
}
