//! The loan lifecycle: offer, cancel, accept (pledging reputation), repay, claim default.
//!
//! Each handler checks in the order documented in PROTOCOL.md ("Loans") and writes only to the
//! transaction's layer.

use super::context::{Ctx, Fault, ensure};
use super::pledges::{burn_reputation, lock_of, put_lock, usable_reputation};
use crate::block::Created;
use crate::encoding::Canonical;
use crate::ids::{Amount, AssetId};
use crate::limits::MAX_LOAN_DURATION_SECS;
use crate::loans::{
    LOAN_COUNTER, LoanId, LoanRecord, LoanStatus, borrow_limit_points, default_compensation, held_points, interest_on,
    loan_key, points_to_amount, value_points,
};
use crate::state::{StateError, StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

fn loan(ctx: &Ctx<'_, '_>, id: LoanId) -> Result<LoanRecord, Fault> {
    let bytes = ctx.layer.get(Table::Loans, &loan_key(id))?.ok_or(Status::UnknownLoan)?;
    Ok(LoanRecord::from_canonical_bytes(&bytes)
        .map_err(|e| StateError::Corrupt { table: Table::Loans.name(), reason: e.to_string() })?)
}

fn put_loan(ctx: &mut Ctx<'_, '_>, record: &LoanRecord) {
    ctx.layer.put(Table::Loans, loan_key(record.id), record.to_canonical_bytes());
}

/// Principal plus interest.
fn owed(record: &LoanRecord) -> Result<Amount, Fault> {
    Ok(record
        .principal
        .checked_add(interest_on(record.principal, record.interest_bps))
        .ok_or(Status::AmountOverflow)?)
}

pub(super) fn offer(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    asset: AssetId,
    principal: Amount,
    interest_bps: u16,
    due: u64,
    borrower: Option<AgentId>,
) -> Result<Created, Fault> {
    ensure(ctx.account(sender)?.is_active(), Status::NotRegistered)?;
    ctx.asset(asset)?.ok_or(Status::UnknownAsset)?;
    ensure(borrower != Some(*sender), Status::SelfDealing)?;
    ensure(due > ctx.time && due <= ctx.time.saturating_add(MAX_LOAN_DURATION_SECS), Status::InvalidDeadlines)?;
    ensure(principal > 0, Status::ZeroAmount)?;
    ctx.debit(sender, asset, principal)?;
    let mut record = LoanRecord {
        id: LoanId(ctx.counter(LOAN_COUNTER)?.checked_add(1).ok_or(Status::AmountOverflow)?),
        lender: *sender,
        named_borrower: borrower,
        borrower: None,
        asset,
        principal,
        interest_bps,
        due,
        escrow: principal,
        status: LoanStatus::Offered,
        pledged: 0,
        value_points: 0,
        offered_at: ctx.time,
        accepted_at: 0,
        closed_at: 0,
        burned: 0,
        bond_seized: 0,
    };
    owed(&record)?;
    // Without a reference amount no borrower could ever accept: refuse the offer at once.
    record.value_points = value_points(principal, ctx.reference_amount(asset)?).ok_or(Status::AboveBorrowLimit)?;
    ctx.set_counter(LOAN_COUNTER, record.id.0);
    put_loan(ctx, &record);
    Ok(Created::Loan(record.id))
}

pub(super) fn cancel(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: LoanId) -> Result<Created, Fault> {
    let mut record = loan(ctx, id)?;
    ensure(record.lender == *sender, Status::NotLender)?;
    ensure(record.status == LoanStatus::Offered, Status::LoanNotOffered)?;
    ctx.credit(sender, record.asset, record.escrow)?;
    record.escrow = 0;
    record.status = LoanStatus::Cancelled;
    record.closed_at = ctx.time;
    put_loan(ctx, &record);
    Ok(Created::Nothing)
}

pub(super) fn accept(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: LoanId, pledge: u64) -> Result<Created, Fault> {
    let account = ctx.account(sender)?;
    ensure(account.is_active(), Status::NotRegistered)?;
    let mut record = loan(ctx, id)?;
    ensure(record.lender != *sender, Status::SelfDealing)?;
    ensure(record.named_borrower.is_none_or(|named| named == *sender), Status::NotBorrower)?;
    ensure(record.status == LoanStatus::Offered, Status::LoanNotOffered)?;
    ensure(ctx.time <= record.due, Status::LoanPastDue)?;
    ensure(pledge > 0, Status::ZeroAmount)?;
    ensure(pledge <= usable_reputation(ctx, sender)?, Status::PledgeAboveReputation)?;
    let value = value_points(record.principal, ctx.reference_amount(record.asset)?).ok_or(Status::AboveBorrowLimit)?;
    let bond = account.registration.map(|r| r.bond).unwrap_or(0);
    let bond_points = held_points(bond, ctx.reference_amount(ctx.config.bond_asset)?);
    let mut lock = lock_of(ctx, sender)?;
    ensure(value <= borrow_limit_points(pledge, bond_points, lock.outstanding_points), Status::AboveBorrowLimit)?;

    ctx.credit(sender, record.asset, record.escrow)?;
    lock.locked = lock.locked.checked_add(pledge).ok_or(Status::AmountOverflow)?;
    lock.active_loans = lock.active_loans.checked_add(1).ok_or(Status::AmountOverflow)?;
    lock.outstanding_points = lock.outstanding_points.checked_add(value).ok_or(Status::AmountOverflow)?;
    put_lock(ctx, sender, &lock);
    record.escrow = 0;
    record.borrower = Some(*sender);
    record.pledged = pledge;
    record.value_points = value;
    record.accepted_at = ctx.time;
    record.status = LoanStatus::Active;
    put_loan(ctx, &record);
    Ok(Created::Nothing)
}

/// Releases an active loan's pledge and bond cover from its borrower's lock.
fn release(ctx: &mut Ctx<'_, '_>, borrower: &AgentId, record: &LoanRecord) -> Result<(), Fault> {
    let mut lock = lock_of(ctx, borrower)?;
    lock.locked = lock.locked.saturating_sub(record.pledged);
    lock.active_loans = lock.active_loans.saturating_sub(1);
    lock.outstanding_points = lock.outstanding_points.saturating_sub(record.value_points);
    put_lock(ctx, borrower, &lock);
    Ok(())
}

/// The active loan's borrower.
fn active_borrower(record: &LoanRecord) -> Result<AgentId, Fault> {
    ensure(record.status == LoanStatus::Active, Status::LoanNotActive)?;
    Ok(record.borrower.ok_or(Status::LoanNotActive)?)
}

pub(super) fn repay(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: LoanId) -> Result<Created, Fault> {
    let mut record = loan(ctx, id)?;
    ensure(record.borrower == Some(*sender), Status::NotBorrower)?;
    let borrower = active_borrower(&record)?;
    let amount = owed(&record)?;
    ctx.debit(sender, record.asset, amount)?;
    ctx.credit(&record.lender, record.asset, amount)?;
    release(ctx, &borrower, &record)?;
    record.status = LoanStatus::Repaid;
    record.closed_at = ctx.time;
    put_loan(ctx, &record);
    Ok(Created::Nothing)
}

pub(super) fn claim_default(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: LoanId) -> Result<Created, Fault> {
    let mut record = loan(ctx, id)?;
    ensure(record.lender == *sender, Status::NotLender)?;
    let borrower = active_borrower(&record)?;
    ensure(ctx.time > record.due, Status::DeadlineNotReached)?;

    release(ctx, &borrower, &record)?;
    record.burned = burn_reputation(ctx, &borrower, record.pledged)?;
    let owed_here = owed(&record)?;
    let bond_asset = ctx.config.bond_asset;
    let owed_in_bond = if record.asset == bond_asset {
        owed_here
    } else {
        let points = value_points(owed_here, ctx.reference_amount(record.asset)?).unwrap_or(0);
        points_to_amount(points, ctx.reference_amount(bond_asset)?)
    };
    let mut account = ctx.account(&borrower)?;
    if let Some(mut registration) = account.registration {
        let seized = default_compensation(registration.bond, owed_in_bond);
        registration.bond -= seized;
        account.registration = Some(registration);
        ctx.put_account(&borrower, &account);
        ctx.credit(sender, bond_asset, seized)?;
        record.bond_seized = seized;
    }
    record.status = LoanStatus::Defaulted;
    record.closed_at = ctx.time;
    put_loan(ctx, &record);
    Ok(Created::Nothing)
}
