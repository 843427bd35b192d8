//! The task lifecycle: post, bid, withdraw, award, cancel, expire, accept, prove.

use super::context::{Ctx, Fault, ensure};
use crate::block::Created;
use crate::completion::{chain_field, completion_nullifier, completion_public_inputs};
use crate::config::TASK_COUNTER;
use crate::field::FieldBytes;
use crate::ids::{Amount, Digest, MANUAL_KIND, TaskId};
use crate::limits::*;
use crate::proof::{ProofClaim, ProofVerdict};
use crate::records::{BidRecord, BidStatus, TaskRecord, TaskStatus};
use crate::reputation::{ESTABLISHED_REPUTATION, FRESH_MAX_OPEN_BIDS, STANDING_ONE, completion_gain, conferral_budget};
use crate::sealing::SealedOutput;
use crate::status::Status;
use crate::tx::PostTask;
use agora_identity::AgentId;
use std::collections::BTreeSet;

fn active_sender(ctx: &Ctx<'_, '_>, sender: &AgentId) -> Result<(), Fault> {
    ensure(ctx.account(sender)?.is_active(), Status::NotRegistered)
}

fn existing_task(ctx: &Ctx<'_, '_>, task: TaskId) -> Result<TaskRecord, Fault> {
    Ok(ctx.task(task)?.ok_or(Status::UnknownTask)?)
}

/// Refuses actions on a task under dispute: the escrow waits for the ruling.
fn not_disputed(task: &TaskRecord) -> Result<(), Fault> {
    ensure(task.status != TaskStatus::Disputed, Status::TaskDisputed)
}

fn is_closed(task: &TaskRecord) -> bool {
    !matches!(task.status, TaskStatus::Open | TaskStatus::Awarded)
}

fn splits_valid(offer: &PostTask) -> bool {
    let mut seen = BTreeSet::new();
    let mut total: u32 = 0;
    for split in &offer.splits {
        if split.bps == 0 || !seen.insert(split.to) {
            return false;
        }
        total += u32::from(split.bps);
    }
    total <= u32::from(BPS_DENOMINATOR)
}

pub(super) fn post(ctx: &mut Ctx<'_, '_>, sender: &AgentId, offer: &PostTask) -> Result<Created, Fault> {
    active_sender(ctx, sender)?;
    ctx.asset(offer.asset)?.ok_or(Status::UnknownAsset)?;
    let kind = if offer.kind == MANUAL_KIND { None } else { Some(ctx.kind(offer.kind)?.ok_or(Status::UnknownKind)?) };
    let param_count = kind.as_ref().map_or(0, |k| usize::from(k.param_count));
    ensure(
        offer.bid_deadline >= ctx.time
            && offer.delivery_deadline >= offer.bid_deadline
            && offer.delivery_deadline <= ctx.time.saturating_add(MAX_TASK_DURATION_SECS),
        Status::InvalidDeadlines,
    )?;
    ensure(splits_valid(offer), Status::InvalidSplits)?;
    ensure(offer.params.len() == param_count, Status::InvalidParams)?;
    ensure(offer.budget > 0, Status::ZeroAmount)?;
    ctx.debit(sender, offer.asset, offer.budget)?;
    ensure(!kind.as_ref().is_some_and(|k| k.retired), Status::KindRetired)?;

    let id = TaskId(ctx.counter(TASK_COUNTER)?.checked_add(1).ok_or(Status::AmountOverflow)?);
    ctx.set_counter(TASK_COUNTER, id.0);
    ctx.put_task(&TaskRecord {
        id,
        employer: *sender,
        offer: offer.clone(),
        escrow: offer.budget,
        status: TaskStatus::Open,
        worker: None,
        price: 0,
        open_bids: 0,
        posted_at: ctx.time,
        closed_at: 0,
        output_commitment: None,
        kind_version: kind.as_ref().map_or(0, |k| k.version),
    });
    if kind.as_ref().is_some_and(|k| k.sealed_fields > 0) {
        super::sealing::seal_task(ctx, id, sender)?;
    }
    let mut employer = ctx.account(sender)?;
    employer.open_tasks += 1;
    ctx.put_account(sender, &employer);
    Ok(Created::Task(id))
}

pub(super) fn place_bid(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    task_id: TaskId,
    price: Amount,
    eta_secs: u64,
    plan_hash: Digest,
) -> Result<Created, Fault> {
    active_sender(ctx, sender)?;
    let mut task = existing_task(ctx, task_id)?;
    ensure(task.employer != *sender, Status::SelfDealing)?;
    ensure(!is_closed(&task), Status::TaskClosed)?;
    ensure(task.status == TaskStatus::Open, Status::TaskNotOpen)?;
    ensure(ctx.bid(task_id, sender)?.is_none(), Status::BidExists)?;
    ensure(ctx.time <= task.offer.bid_deadline, Status::BidDeadlinePassed)?;
    let mut bidder = ctx.account(sender)?;
    // Reputation pledged to loans is collateral, not standing to bid on: it does not count.
    let reputation = super::pledges::usable_reputation(ctx, sender)?;
    ensure(reputation >= task.offer.min_reputation, Status::ReputationTooLow)?;
    ensure(task.open_bids < MAX_BIDS_PER_TASK, Status::TooManyBids)?;
    let bid_limit = if reputation >= ESTABLISHED_REPUTATION { MAX_OPEN_BIDS_PER_AGENT } else { FRESH_MAX_OPEN_BIDS };
    ensure(bidder.open_bids < bid_limit, Status::TooManyOpenBids)?;
    ensure(price > 0, Status::ZeroAmount)?;
    ensure(price <= task.offer.budget, Status::PriceAboveBudget)?;

    ctx.put_bid(&BidRecord {
        task: task_id,
        bidder: *sender,
        price,
        eta_secs,
        plan_hash,
        placed_at: ctx.time,
        status: BidStatus::Open,
    });
    task.open_bids += 1;
    ctx.put_task(&task);
    bidder.open_bids += 1;
    ctx.put_account(sender, &bidder);
    Ok(Created::Nothing)
}

pub(super) fn withdraw_bid(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    task_id: TaskId,
    bidder: &AgentId,
) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    let bid = ctx.bid(task_id, bidder)?.ok_or(Status::UnknownBid)?;
    ensure(bidder == sender, Status::NotBidder)?;
    ensure(bid.status == BidStatus::Open, Status::BidNotOpen)?;
    ctx.delete_bid(task_id, bidder);
    task.open_bids = task.open_bids.saturating_sub(1);
    ctx.put_task(&task);
    release_bid_slot(ctx, sender)?;
    Ok(Created::Nothing)
}

/// One fewer open bid held by `bidder`.
fn release_bid_slot(ctx: &mut Ctx<'_, '_>, bidder: &AgentId) -> Result<(), Fault> {
    let mut account = ctx.account(bidder)?;
    account.open_bids = account.open_bids.saturating_sub(1);
    ctx.put_account(bidder, &account);
    Ok(())
}

/// Marks every open bid of `task` won (for `winner`) or closed, releasing each bidder's slot.
fn close_bids(ctx: &mut Ctx<'_, '_>, task: &mut TaskRecord, winner: Option<&AgentId>) -> Result<(), Fault> {
    for mut bid in ctx.bids_of(task.id, MAX_BIDS_PER_TASK as usize)? {
        if bid.status != BidStatus::Open {
            continue;
        }
        bid.status = if Some(&bid.bidder) == winner { BidStatus::Won } else { BidStatus::Closed };
        ctx.put_bid(&bid);
        release_bid_slot(ctx, &bid.bidder)?;
    }
    task.open_bids = 0;
    Ok(())
}

pub(super) fn award(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    task_id: TaskId,
    bidder: &AgentId,
) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    let bid = ctx.bid(task_id, bidder)?.ok_or(Status::UnknownBid)?;
    ensure(task.employer == *sender, Status::NotEmployer)?;
    ensure(!is_closed(&task), Status::TaskClosed)?;
    ensure(task.status == TaskStatus::Open, Status::TaskNotOpen)?;
    ensure(bid.status == BidStatus::Open, Status::BidNotOpen)?;
    ensure(ctx.account(bidder)?.is_active(), Status::BidderInactive)?;
    ensure(ctx.time <= task.offer.delivery_deadline, Status::DeliveryDeadlinePassed)?;

    let refund = task.escrow.checked_sub(bid.price).ok_or(Status::PriceAboveBudget)?;
    ctx.credit(sender, task.offer.asset, refund)?;
    close_bids(ctx, &mut task, Some(bidder))?;
    task.escrow = bid.price;
    task.price = bid.price;
    task.worker = Some(*bidder);
    task.status = TaskStatus::Awarded;
    ctx.put_task(&task);
    let mut worker = ctx.account(bidder)?;
    worker.active_jobs += 1;
    ctx.put_account(bidder, &worker);
    Ok(Created::Nothing)
}

/// Closes a live task: refunds or pays out its escrow elsewhere first; here only bookkeeping.
pub(super) fn close_task(ctx: &mut Ctx<'_, '_>, task: &mut TaskRecord, status: TaskStatus) -> Result<(), Fault> {
    if task.status == TaskStatus::Open {
        close_bids(ctx, task, None)?;
    }
    if let Some(worker) = task.worker {
        let mut account = ctx.account(&worker)?;
        account.active_jobs = account.active_jobs.saturating_sub(1);
        ctx.put_account(&worker, &account);
    }
    let mut employer = ctx.account(&task.employer)?;
    employer.open_tasks = employer.open_tasks.saturating_sub(1);
    ctx.put_account(&task.employer, &employer);
    task.escrow = 0;
    task.status = status;
    task.closed_at = ctx.time;
    ctx.put_task(task);
    Ok(())
}

pub(super) fn cancel(ctx: &mut Ctx<'_, '_>, sender: &AgentId, task_id: TaskId) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    ensure(task.employer == *sender, Status::NotEmployer)?;
    not_disputed(&task)?;
    ensure(!is_closed(&task), Status::TaskClosed)?;
    ensure(task.status == TaskStatus::Open, Status::TaskNotOpen)?;
    ctx.credit(sender, task.offer.asset, task.escrow)?;
    close_task(ctx, &mut task, TaskStatus::Cancelled)?;
    Ok(Created::Nothing)
}

pub(super) fn expire(ctx: &mut Ctx<'_, '_>, task_id: TaskId) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    not_disputed(&task)?;
    ensure(!is_closed(&task), Status::TaskClosed)?;
    ensure(ctx.time > task.offer.delivery_deadline, Status::DeadlineNotReached)?;
    let employer = task.employer;
    ctx.credit(&employer, task.offer.asset, task.escrow)?;
    close_task(ctx, &mut task, TaskStatus::Expired)?;
    Ok(Created::Nothing)
}

/// Pays the awarded price out of escrow: the fee to the fee account, each split its share of
/// the net (rounded down), and the worker the rest — so the units always add up exactly.
fn pay_out(ctx: &mut Ctx<'_, '_>, task: &TaskRecord, worker: &AgentId) -> Result<(), Fault> {
    let asset = task.offer.asset;
    let fee = ctx.fee_on(task.escrow);
    let net = task.escrow - fee;
    let fee_account = ctx.config.fee_account;
    ctx.credit(&fee_account, asset, fee)?;
    let mut paid_to_splits: Amount = 0;
    for split in &task.offer.splits {
        let share = crate::config::bps_of(net, split.bps);
        ctx.credit(&split.to, asset, share)?;
        paid_to_splits += share;
    }
    ctx.credit(worker, asset, net - paid_to_splits)?;
    Ok(())
}

fn awarded_worker(task: &TaskRecord) -> Result<AgentId, Fault> {
    not_disputed(task)?;
    ensure(!is_closed(task), Status::TaskClosed)?;
    ensure(task.status == TaskStatus::Awarded, Status::TaskNotAwarded)?;
    Ok(task.worker.ok_or(Status::TaskNotAwarded)?)
}

pub(super) fn accept(ctx: &mut Ctx<'_, '_>, sender: &AgentId, task_id: TaskId) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    ensure(task.employer == *sender, Status::NotEmployer)?;
    let worker = awarded_worker(&task)?;
    pay_out(ctx, &task, &worker)?;
    close_task(ctx, &mut task, TaskStatus::Accepted)?;
    Ok(Created::Nothing)
}

pub(super) fn submit_completion(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    task_id: TaskId,
    output_commitment: FieldBytes,
    proof: &[u8],
    sealed: Option<&SealedOutput>,
) -> Result<Created, Fault> {
    let mut task = existing_task(ctx, task_id)?;
    ensure(task.worker == Some(*sender), Status::NotWorker)?;
    // Dispute-then-prove: a dispute cannot stop a verified proof made before the deadline.
    let disputed = task.status == TaskStatus::Disputed;
    if !disputed {
        awarded_worker(&task)?;
    }
    ensure(ctx.time <= task.offer.delivery_deadline, Status::DeliveryDeadlinePassed)?;
    ensure(task.offer.kind != MANUAL_KIND, Status::NotProvable)?;
    let kind = ctx.kind(task.offer.kind)?;
    let nullifier_kind = kind.as_ref().map_or(task.offer.kind, |k| k.nullifier_kind());
    let nullifier = completion_nullifier(sender, nullifier_kind, &task.offer.input_commitment, &task.offer.params);
    ensure(!ctx.has_nullifier(&nullifier)?, Status::NullifierUsed)?;
    let version = ctx.kind_version(task.offer.kind, task.kind_version)?.ok_or(Status::UnknownProofKey)?;
    let kind = kind.ok_or(Status::UnknownProofKey)?;
    let envelope = super::sealing::envelope(ctx, &task, &kind, sealed)?;

    let mut public_inputs =
        completion_public_inputs(chain_field(&ctx.config.genesis_hash), &task, sender, &output_commitment);
    if let Some(envelope) = &envelope {
        public_inputs.extend_from_slice(&envelope.inputs);
    }
    let claim = ProofClaim {
        key_id: version.key_id,
        key: (!version.vk.is_empty()).then(|| std::sync::Arc::from(version.vk)),
        public_inputs,
        proof: proof.to_vec(),
    };
    let index = ctx.index;
    match ctx.proofs.check(index, claim) {
        ProofVerdict::Valid => {}
        ProofVerdict::UnknownKey => return Err(Status::UnknownProofKey.into()),
        ProofVerdict::WrongInputCount => return Err(Status::ProofInputCount.into()),
        ProofVerdict::Malformed => return Err(Status::ProofMalformed.into()),
        ProofVerdict::Invalid => return Err(Status::ProofInvalid.into()),
    }

    pay_out(ctx, &task, sender)?;
    if let Some(envelope) = envelope {
        super::sealing::record_delivery(ctx, envelope);
    }
    ctx.put_nullifier(&nullifier);
    task.output_commitment = Some(output_commitment);
    close_task(ctx, &mut task, TaskStatus::Completed)?;
    credit_reputation(ctx, &task, sender)?;
    if disputed {
        super::arbitration::close_by_proof(ctx, &task, sender)?;
    }
    Ok(Created::Nothing)
}

/// The only place reputation rises: records the evidence edge and adds the completion's gain
/// (value × pair factor × employer standing; for an employer outside the trusted set, also ×
/// the conferral share and no more than what is left of its conferral budget) to the worker's
/// decayed score.
fn credit_reputation(ctx: &mut Ctx<'_, '_>, task: &TaskRecord, worker_id: &AgentId) -> Result<(), Fault> {
    let reference = ctx.reference_amount(task.offer.asset)?;
    let standing = ctx.standing(&task.employer)?;
    let mut edge = ctx.edge(worker_id, &task.employer)?;
    let kind = ctx.kind(task.offer.kind)?.ok_or(Status::UnknownProofKey)?;
    let mut gain = kind_weighted(&kind, completion_gain(task.price, reference, edge.count, standing));
    if kind.max_gain > 0 {
        gain = gain.min(kind.max_gain);
    }
    if gain > 0 && !ctx.is_trusted(&task.employer)? {
        let mut employer = ctx.account(&task.employer)?;
        let share = ctx.config.genesis.reputation.conferral_share_ppm;
        // Vouching at the share's weight spreads the budget over several hires instead of
        // letting the first completion take all of it.
        let weighted = u64::try_from(u128::from(gain) * u128::from(share) / 1_000_000).unwrap_or(gain);
        gain = weighted.min(conferral_budget(employer.received, share).saturating_sub(employer.conferred));
        employer.conferred = employer.conferred.saturating_add(gain);
        ctx.put_account(&task.employer, &employer);
    }
    // A completion worth no evidence (no reference amount, a dust price, a long-exhausted
    // pair) stores nothing: it can neither fill the recompute window nor count for the pair.
    // Its gain is 0 too (gain ≤ evidence).
    let evidence = kind_weighted(&kind, completion_gain(task.price, reference, edge.count, STANDING_ONE));
    if evidence > 0 {
        let previous = edge;
        edge.evidence = edge.evidence.saturating_add(evidence);
        edge.count = edge.count.saturating_add(1);
        edge.gained = edge.gained.saturating_add(gain);
        ctx.put_edge(worker_id, &task.employer, &previous, &edge);
    }
    let mut worker = ctx.account(worker_id)?;
    worker.add_reputation(gain, ctx.time, ctx.config.genesis.reputation.half_life_secs);
    worker.received = worker.received.saturating_add(gain);
    worker.proven_completions += 1;
    ctx.put_account(worker_id, &worker);
    Ok(())
}

/// A gain scaled by the kind's reputation weight (basis points of the full gain).
fn kind_weighted(kind: &crate::kinds::KindRecord, gain: u64) -> u64 {
    let weighted = u128::from(gain) * u128::from(kind.weight_bps) / u128::from(crate::kinds::FULL_KIND_WEIGHT_BPS);
    u64::try_from(weighted).unwrap_or(gain)
}
