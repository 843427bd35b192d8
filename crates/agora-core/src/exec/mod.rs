//! Execution of one transaction against a layer of state.
//!
//! Each handler checks in status-code order and writes only to the transaction's own layer;
//! the caller merges that layer into the block only when the handler returns `Ok`.

mod agents;
mod arbitration;
mod audit_log;
mod context;
mod disputes;
mod draws;
mod freeze;
mod kinds;
mod ledger;
mod loans;
mod panel;
mod penalty;
mod pledges;
mod sealing;
mod subtasks;
mod sumtree;
mod tasks;
mod trusted;

pub(crate) use context::{Ctx, Fault, ProofOracle};
pub(crate) use draws::run_pending_draws;

use crate::block::Created;
use crate::tx::{Action, TxBody};

/// Runs `body` (whose signature was already checked) in `ctx`.
pub(crate) fn execute(ctx: &mut Ctx<'_, '_>, body: &TxBody) -> Result<Created, Fault> {
    let sender = body.sender;
    let mut account = ctx.account(&sender)?;
    if body.nonce != account.nonce {
        return Err(crate::status::Status::BadNonce.into());
    }
    if !freeze::allowed_while_frozen(&body.action) && freeze::is_frozen(ctx, &sender)? {
        return Err(crate::status::Status::AgentFrozen.into());
    }
    let created = match &body.action {
        Action::DeclareAsset { symbol, decimals } => ledger::declare_asset(ctx, &sender, symbol, *decimals)?,
        Action::Deposit { to, asset, amount } => ledger::deposit(ctx, &sender, to, *asset, *amount)?,
        Action::Withdraw { asset, amount } => ledger::withdraw(ctx, &sender, *asset, *amount)?,
        Action::Transfer { to, asset, amount } => ledger::transfer(ctx, &sender, to, *asset, *amount)?,
        Action::Register {} => agents::register(ctx, &sender)?,
        Action::Deregister {} => agents::deregister(ctx, &sender)?,
        Action::ReclaimBond {} => agents::reclaim_bond(ctx, &sender)?,
        Action::PostTask(offer) => tasks::post(ctx, &sender, offer)?,
        Action::PlaceBid { task, price, eta_secs, plan_hash } => {
            tasks::place_bid(ctx, &sender, *task, *price, *eta_secs, *plan_hash)?
        }
        Action::WithdrawBid { task, bidder } => tasks::withdraw_bid(ctx, &sender, *task, bidder)?,
        Action::AwardBid { task, bidder } => tasks::award(ctx, &sender, *task, bidder)?,
        Action::CancelTask { task } => tasks::cancel(ctx, &sender, *task)?,
        Action::ExpireTask { task } => tasks::expire(ctx, *task)?,
        Action::AcceptDelivery { task } => tasks::accept(ctx, &sender, *task)?,
        Action::SubmitCompletion { task, output_commitment, proof, sealed } => {
            tasks::submit_completion(ctx, &sender, *task, *output_commitment, proof, sealed.as_ref())?
        }
        Action::OfferLoan { asset, principal, interest_bps, due, borrower } => {
            loans::offer(ctx, &sender, *asset, *principal, *interest_bps, *due, *borrower)?
        }
        Action::CancelLoan { loan } => loans::cancel(ctx, &sender, *loan)?,
        Action::AcceptLoan { loan, pledge } => loans::accept(ctx, &sender, *loan, *pledge)?,
        Action::RepayLoan { loan } => loans::repay(ctx, &sender, *loan)?,
        Action::ClaimDefault { loan } => loans::claim_default(ctx, &sender, *loan)?,
        Action::PostSubtask { parent, offer } => subtasks::post(ctx, &sender, *parent, offer)?,
        Action::OpenDispute { task } => disputes::open_dispute(ctx, &sender, *task)?,
        Action::RegisterArbitrator {} => arbitration::register_arbitrator(ctx, &sender)?,
        Action::RetireArbitrator {} => arbitration::retire_arbitrator(ctx, &sender)?,
        Action::CastVote { case, worker_bps } => arbitration::cast_vote(ctx, &sender, *case, *worker_bps)?,
        Action::ResolveDispute { case } => arbitration::resolve(ctx, &sender, *case)?,
        Action::Appeal { case } => arbitration::appeal(ctx, &sender, *case)?,
        Action::FreezeAgent { agent, reason, evidence } => {
            freeze::freeze_agent(ctx, &sender, agent, *reason, *evidence)?
        }
        Action::AppealFreeze {} => freeze::appeal_freeze(ctx, &sender)?,
        Action::ChangeTrusted { agent, add } => trusted::change_trusted(ctx, &sender, agent, *add)?,
        Action::RegisterKind(registration) => kinds::register_kind(ctx, &sender, registration)?,
        Action::RotateKindKey { kind, version, key_id, vk } => {
            kinds::rotate_kind_key(ctx, &sender, *kind, *version, key_id, vk)?
        }
        Action::RetireKind { kind } => kinds::retire_kind(ctx, &sender, *kind)?,
        Action::RegisterEncryptionKey { key, possession } => {
            sealing::register_encryption_key(ctx, &sender, key, possession)?
        }
    };
    account = ctx.account(&sender)?;
    account.nonce = account.nonce.checked_add(1).ok_or(crate::status::Status::BadNonce)?;
    ctx.put_account(&sender, &account);
    Ok(created)
}
