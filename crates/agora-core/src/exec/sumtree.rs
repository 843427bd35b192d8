//! The arbitrator sum tree: a Fenwick tree of panel weights over slots `1..=n`, with a fixed
//! capacity of `MAX_ARBITRATORS` (2^20) so every update and every search touches at most 21
//! nodes whatever `n` is. Missing nodes weigh 0. Node 0 holds the total weight.
//!
//! Slots stay dense: removing slot `s` moves the last slot's arbitrator into `s`.

use super::context::{Ctx, Fault, ensure};
use crate::cases::{ArbitratorRecord, case_keys};
use crate::ids::Amount;
use crate::limits::MAX_ARBITRATORS;
use crate::state::{StateError, StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

/// Counter holding the number of occupied slots.
pub(crate) const SLOT_COUNTER: &str = "arbitrator_slots";

fn corrupt(reason: &str) -> StateError {
    StateError::Corrupt { table: Table::ArbitratorSlots.name(), reason: reason.to_string() }
}

fn node(ctx: &Ctx<'_, '_>, index: u32) -> Result<Amount, StateError> {
    match ctx.layer.get(Table::ArbitratorSlots, &case_keys::tree_node(index))? {
        None => Ok(0),
        Some(bytes) => {
            Ok(u128::from_le_bytes(bytes.as_slice().try_into().map_err(|_| corrupt("node is not 16 bytes"))?))
        }
    }
}

fn set_node(ctx: &mut Ctx<'_, '_>, index: u32, value: Amount) {
    let key = case_keys::tree_node(index);
    if value == 0 {
        ctx.layer.delete(Table::ArbitratorSlots, key);
    } else {
        ctx.layer.put(Table::ArbitratorSlots, key, value.to_le_bytes().to_vec());
    }
}

/// Adds (`up`) or removes `weight` at `slot` in every node covering it, and in the total.
fn shift(ctx: &mut Ctx<'_, '_>, slot: u32, weight: Amount, up: bool) -> Result<(), Fault> {
    let apply = |v: Amount| if up { v.checked_add(weight) } else { v.checked_sub(weight) };
    let total = apply(node(ctx, 0)?).ok_or(Status::AmountOverflow)?;
    set_node(ctx, 0, total);
    let mut i = slot;
    while i <= MAX_ARBITRATORS && i > 0 {
        let value = apply(node(ctx, i)?).ok_or(Status::AmountOverflow)?;
        set_node(ctx, i, value);
        i = i.wrapping_add(i & i.wrapping_neg());
    }
    Ok(())
}

/// Occupied slots.
pub(super) fn count(ctx: &Ctx<'_, '_>) -> Result<u32, StateError> {
    Ok(u32::try_from(ctx.counter(SLOT_COUNTER)?).unwrap_or(u32::MAX))
}

/// Total weight of every slot.
pub(super) fn total(ctx: &Ctx<'_, '_>) -> Result<Amount, StateError> {
    node(ctx, 0)
}

/// The arbitrator and weight at `slot`.
pub(super) fn slot(ctx: &Ctx<'_, '_>, slot: u32) -> Result<Option<(AgentId, Amount)>, StateError> {
    let Some(bytes) = ctx.layer.get(Table::ArbitratorSlots, &case_keys::tree_slot(slot))? else { return Ok(None) };
    if bytes.len() != 48 {
        return Err(corrupt("slot is not 48 bytes"));
    }
    let mut raw = [0u8; 32];
    raw.copy_from_slice(&bytes[..32]);
    let id = AgentId::from_public_key_bytes(raw).map_err(|_| corrupt("slot holds no public key"))?;
    let weight = u128::from_le_bytes(bytes[32..].try_into().map_err(|_| corrupt("slot weight"))?);
    Ok(Some((id, weight)))
}

fn put_slot(ctx: &mut Ctx<'_, '_>, slot: u32, id: &AgentId, weight: Amount) {
    let mut bytes = id.as_bytes().to_vec();
    bytes.extend_from_slice(&weight.to_le_bytes());
    ctx.layer.put(Table::ArbitratorSlots, case_keys::tree_slot(slot), bytes);
}

/// Gives `id` the next slot with `weight`; returns the slot.
pub(super) fn insert(ctx: &mut Ctx<'_, '_>, id: &AgentId, weight: Amount) -> Result<u32, Fault> {
    let n = count(ctx)?;
    ensure(n < MAX_ARBITRATORS, Status::ArbitratorSetFull)?;
    let s = n + 1;
    put_slot(ctx, s, id, weight);
    shift(ctx, s, weight, true)?;
    ctx.set_counter(SLOT_COUNTER, u64::from(s));
    Ok(s)
}

/// Empties `s`, moving the last slot's arbitrator into it (and updating its record).
pub(super) fn remove(ctx: &mut Ctx<'_, '_>, s: u32) -> Result<(), Fault> {
    let last = count(ctx)?;
    let Some((_, weight)) = slot(ctx, s)? else { return Ok(()) };
    shift(ctx, s, weight, false)?;
    if s != last {
        let (moved, moved_weight) = slot(ctx, last)?.ok_or_else(|| corrupt("last slot empty"))?;
        shift(ctx, last, moved_weight, false)?;
        shift(ctx, s, moved_weight, true)?;
        put_slot(ctx, s, &moved, moved_weight);
        let key = case_keys::arbitrator(&moved);
        if let Some(mut record) = ctx.read::<ArbitratorRecord>(Table::Arbitrators, &key)? {
            record.slot = s;
            ctx.write(Table::Arbitrators, key, &record);
        }
    }
    ctx.layer.delete(Table::ArbitratorSlots, case_keys::tree_slot(last));
    ctx.set_counter(SLOT_COUNTER, u64::from(last.saturating_sub(1)));
    Ok(())
}

/// Sets the weight of `s`.
pub(super) fn set_weight(ctx: &mut Ctx<'_, '_>, s: u32, weight: Amount) -> Result<(), Fault> {
    let Some((id, old)) = slot(ctx, s)? else { return Ok(()) };
    shift(ctx, s, old, false)?;
    shift(ctx, s, weight, true)?;
    put_slot(ctx, s, &id, weight);
    Ok(())
}

/// The slot whose weight interval holds `r` (`0 ≤ r < total`): the smallest `s` with
/// `prefix(s) > r`. Reads 20 nodes.
pub(super) fn find(ctx: &Ctx<'_, '_>, mut r: Amount) -> Result<u32, StateError> {
    let mut pos: u32 = 0;
    let mut step = MAX_ARBITRATORS / 2;
    while step > 0 {
        let next = pos + step;
        let value = node(ctx, next)?;
        if value <= r {
            pos = next;
            r -= value;
        }
        step /= 2;
    }
    Ok(pos + 1)
}
