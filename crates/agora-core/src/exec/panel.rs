//! Deterministic panel draws: k of the eligible arbitrators, seeded by the digest the block
//! builds on, the case id and the round. No randomness beyond state the core already has.

use super::context::{Ctx, Fault, ensure};
use crate::cases::{ArbitratorRecord, CaseId, case_keys};
use crate::limits::MAX_ARBITRATORS;
use crate::state::Table;
use crate::status::Status;
use agora_identity::AgentId;
use std::collections::BTreeSet;

/// Domain of the panel seed.
const PANEL_DOMAIN: &str = "agora panel v1";

/// Draws `size` distinct arbitrators for `round` of `case` from those eligible: standing above
/// zero, an active registration, not frozen and not in `exclude`. Eligible arbitrators are
/// taken in key order; the seed is `blake3_derive_key(PANEL_DOMAIN, prev_digest ‖ case ‖
/// round)` and draw `i` picks position `i + (blake3(seed ‖ i) mod (n − i))` of a partial
/// Fisher–Yates shuffle. Each member's open-case count rises by one.
pub(super) fn draw(
    ctx: &mut Ctx<'_, '_>,
    case: CaseId,
    round: u8,
    size: u8,
    exclude: &BTreeSet<AgentId>,
) -> Result<Vec<AgentId>, Fault> {
    let mut eligible = Vec::new();
    for (key, record) in ctx.scan::<ArbitratorRecord>(Table::Arbitrators, MAX_ARBITRATORS)? {
        let Ok(raw) = <[u8; 32]>::try_from(key.as_slice()) else { continue };
        let Ok(id) = AgentId::from_public_key_bytes(raw) else { continue };
        if record.standing == 0 || exclude.contains(&id) || !ctx.account(&id)?.is_active() {
            continue;
        }
        if super::freeze::is_frozen(ctx, &id)? {
            continue;
        }
        eligible.push(id);
    }
    let size = usize::from(size);
    ensure(eligible.len() >= size, Status::NotEnoughArbitrators)?;

    let mut hasher = blake3::Hasher::new_derive_key(PANEL_DOMAIN);
    hasher.update(&ctx.prev_digest);
    hasher.update(&case.0.to_le_bytes());
    hasher.update(&[round]);
    let seed = *hasher.finalize().as_bytes();
    for i in 0..size {
        let mut h = blake3::Hasher::new();
        h.update(&seed);
        h.update(&(i as u64).to_le_bytes());
        let digest = h.finalize();
        let mut wide = [0u8; 16];
        wide.copy_from_slice(&digest.as_bytes()[..16]);
        let remaining = (eligible.len() - i) as u128;
        let pick = i + (u128::from_le_bytes(wide) % remaining) as usize;
        eligible.swap(i, pick);
    }
    eligible.truncate(size);
    for member in &eligible {
        let key = case_keys::arbitrator(member);
        if let Some(mut record) = ctx.read::<ArbitratorRecord>(Table::Arbitrators, &key)? {
            record.open_cases = record.open_cases.saturating_add(1);
            ctx.write(Table::Arbitrators, key, &record);
        }
    }
    Ok(eligible)
}
