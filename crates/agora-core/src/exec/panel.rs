//! Panel draws: weighted by arbitrator bond over the whole registered set (the sum tree), seeded
//! by a block digest that did not exist when the case (or the appeal) was opened.

use super::context::{Ctx, Fault, ensure};
use super::sumtree;
use crate::cases::{ArbitratorRecord, CaseId, case_keys};
use crate::ids::Digest;
use crate::limits::DRAW_ATTEMPTS_PER_SEAT;
use crate::state::Table;
use crate::status::Status;
use agora_identity::AgentId;
use std::collections::BTreeSet;

/// Domain of the panel seed.
const PANEL_DOMAIN: &str = "agora panel v2";

/// Why a drawn arbitrator does not take its seat.
enum Seat {
    Takes,
    /// Frozen, a party, or already on this panel: it stays in the tree.
    SkipNow,
    /// Retired record, inactive account, standing 0 or usable reputation below the floor: it
    /// leaves the tree until it registers again.
    Evict,
}

fn seat(ctx: &Ctx<'_, '_>, id: &AgentId, record: Option<&ArbitratorRecord>) -> Result<Seat, Fault> {
    let Some(record) = record else { return Ok(Seat::Evict) };
    let floor = ctx.config.genesis.arbitration.min_arbitrator_reputation;
    if record.standing == 0 || !ctx.account(id)?.is_active() || super::pledges::usable_reputation(ctx, id)? < floor {
        return Ok(Seat::Evict);
    }
    if super::freeze::is_frozen(ctx, id)? {
        return Ok(Seat::SkipNow);
    }
    Ok(Seat::Takes)
}

/// The seed of `round` of `case` drawn from `digest`.
fn seed(digest: &Digest, case: CaseId, round: u8) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new_derive_key(PANEL_DOMAIN);
    hasher.update(digest);
    hasher.update(&case.0.to_le_bytes());
    hasher.update(&[round]);
    *hasher.finalize().as_bytes()
}

/// Draws `size` distinct arbitrators for `round` of `case`, not in `exclude`. Attempt `a`
/// picks the slot holding `blake3(seed ‖ a) mod total weight` (20 tree reads); a pick that
/// cannot sit is redrawn, at most `size × DRAW_ATTEMPTS_PER_SEAT` attempts in all, then
/// `NotEnoughArbitrators`. Each member's open-case count rises by one.
pub(super) fn draw(
    ctx: &mut Ctx<'_, '_>,
    digest: &Digest,
    case: CaseId,
    round: u8,
    size: u8,
    exclude: &BTreeSet<AgentId>,
) -> Result<Vec<AgentId>, Fault> {
    let size = usize::from(size);
    let seed = seed(digest, case, round);
    let mut chosen: Vec<AgentId> = Vec::with_capacity(size);
    for attempt in 0..size.saturating_mul(DRAW_ATTEMPTS_PER_SEAT) {
        if chosen.len() == size {
            break;
        }
        let total = sumtree::total(ctx)?;
        if total == 0 {
            break;
        }
        let mut h = blake3::Hasher::new();
        h.update(&seed);
        h.update(&(attempt as u64).to_le_bytes());
        let mut wide = [0u8; 16];
        wide.copy_from_slice(&h.finalize().as_bytes()[..16]);
        let slot = sumtree::find(ctx, u128::from_le_bytes(wide) % total)?;
        let Some((id, _)) = sumtree::slot(ctx, slot)? else { break };
        let key = case_keys::arbitrator(&id);
        let record: Option<ArbitratorRecord> = ctx.read(Table::Arbitrators, &key)?;
        match seat(ctx, &id, record.as_ref())? {
            Seat::Evict => {
                sumtree::remove(ctx, slot)?;
                if let Some(mut record) = record {
                    record.slot = 0;
                    ctx.write(Table::Arbitrators, key, &record);
                }
            }
            Seat::SkipNow => {}
            Seat::Takes if exclude.contains(&id) || chosen.contains(&id) => {}
            Seat::Takes => chosen.push(id),
        }
    }
    ensure(chosen.len() == size, Status::NotEnoughArbitrators)?;
    for member in &chosen {
        let key = case_keys::arbitrator(member);
        if let Some(mut record) = ctx.read::<ArbitratorRecord>(Table::Arbitrators, &key)? {
            record.open_cases = record.open_cases.saturating_add(1);
            ctx.write(Table::Arbitrators, key, &record);
        }
    }
    Ok(chosen)
}
