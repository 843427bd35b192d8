//! Registration with a bond: the price of an identity.

use super::context::{Ctx, Fault, ensure};
use crate::block::Created;
use crate::records::Registration;
use crate::status::Status;
use agora_identity::AgentId;

pub(super) fn register(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let account = ctx.account(sender)?;
    ensure(account.registration.is_none(), Status::AlreadyRegistered)?;
    let (asset, bond) = (ctx.config.bond_asset, ctx.config.bond_amount);
    ctx.debit(sender, asset, bond)?;
    let mut account = ctx.account(sender)?;
    account.registration = Some(Registration { bond, registered_at: ctx.time, deregistered_at: None });
    ctx.put_account(sender, &account);
    Ok(Created::Nothing)
}

pub(super) fn deregister(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let mut account = ctx.account(sender)?;
    let Some(mut registration) = account.registration.filter(|_| account.is_active()) else {
        return Err(Status::NotRegistered.into());
    };
    ensure(account.open_tasks == 0 && account.active_jobs == 0 && account.open_bids == 0, Status::OpenObligations)?;
    // A borrower cannot walk away with the bond that backs its loans.
    ensure(super::pledges::lock_of(ctx, sender)?.active_loans == 0, Status::OpenObligations)?;
    registration.deregistered_at = Some(ctx.time);
    account.registration = Some(registration);
    ctx.put_account(sender, &account);
    Ok(Created::Nothing)
}

pub(super) fn reclaim_bond(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let mut account = ctx.account(sender)?;
    let registration = account.registration.ok_or(Status::NotRegistered)?;
    let left_at = registration.deregistered_at.ok_or(Status::NotDeregistering)?;
    ensure(ctx.time >= left_at.saturating_add(ctx.config.bond_cooldown_secs), Status::CooldownActive)?;
    account.registration = None;
    ctx.put_account(sender, &account);
    let asset = ctx.config.bond_asset;
    ctx.credit(sender, asset, registration.bond)?;
    Ok(Created::Nothing)
}
