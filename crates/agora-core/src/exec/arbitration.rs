//! Arbitrators and cases: registration, votes, rulings, appeals, defaults and the final
//! settlement of fees, bonds and standing.
//!
//! Money: the opener's dispute fee and the appellant's bond are held on the case record (bond
//! asset) until it closes. The fee is shared equally by every arbitrator who voted with the
//! final outcome (the indivisible remainder goes to the fee account); if none did (a default),
//! it is refunded to the opener. The appeal bond returns to the appellant if the appeal won or
//! the appeal panel missed its deadline, and is otherwise paid to the other party. When an
//! appeal wins, every first-round arbitrator who voted for the overturned ruling loses
//! `overturn_slash_bps` of its bond to the appellant.
//!
//! Panels are not drawn here: opening a case (or an appeal) queues the draw for the digest of
//! a later block (`draws.rs`). A proof-gated task's case never settles while its worker may
//! still prove (until the delivery deadline), and a verified proof closes it for the worker.

use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use super::draws::schedule;
use super::sumtree;
use crate::audit::AuditKind;
use crate::block::Created;
use crate::cases::{
    ArbitratorRecord, CASE_COUNTER, CaseId, CasePhase, CaseRecord, CaseSubject, Round, Vote, case_keys,
};
use crate::encoding::Writer;
use crate::ids::{Amount, MANUAL_KIND};
use crate::limits::*;
use crate::records::TaskRecord;
use crate::state::{StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

fn arbitrator(ctx: &Ctx<'_, '_>, id: &AgentId) -> Result<Option<ArbitratorRecord>, Fault> {
    Ok(ctx.read(Table::Arbitrators, &case_keys::arbitrator(id))?)
}

/// The case with this id, or `UnknownCase`.
pub(super) fn existing_case(ctx: &Ctx<'_, '_>, id: CaseId) -> Result<CaseRecord, Fault> {
    Ok(ctx.read(Table::Disputes, &case_keys::case(id))?.ok_or(Status::UnknownCase)?)
}

pub(super) fn put_case(ctx: &mut Ctx<'_, '_>, case: &CaseRecord) {
    ctx.write(Table::Disputes, case_keys::case(case.id), case);
}

fn case_data(case: CaseId) -> Writer {
    let mut w = Writer::new();
    w.u64(case.0);
    w
}

pub(super) fn register_arbitrator(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let account = ctx.account(sender)?;
    ensure(account.is_active(), Status::NotRegistered)?;
    let existing = arbitrator(ctx, sender)?;
    ensure(existing.is_none_or(|r| r.slot == 0), Status::AlreadyArbitrator)?;
    let params = &ctx.config.genesis.arbitration;
    // Usable, not total: reputation pledged to loans does not qualify an arbitrator.
    let reputation = super::pledges::usable_reputation(ctx, sender)?;
    ensure(reputation >= params.min_arbitrator_reputation, Status::ReputationTooLow)?;
    let mut record = match existing {
        // An arbitrator taken out of the tree at a draw (below the floor, standing 0) comes
        // back with the bond it still has locked.
        Some(record) => {
            ensure(record.standing > 0, Status::ReputationTooLow)?;
            record
        }
        None => {
            let bond = params.arbitrator_bond;
            let asset = ctx.config.bond_asset;
            ctx.debit(sender, asset, bond)?;
            ArbitratorRecord {
                bond,
                registered_at: ctx.time,
                standing: ARBITRATOR_INITIAL_STANDING,
                open_cases: 0,
                agreed: 0,
                dissented: 0,
                slot: 0,
                last_closed_at: 0,
            }
        }
    };
    let bond = record.bond;
    record.slot = sumtree::insert(ctx, sender, bond)?;
    ctx.write(Table::Arbitrators, case_keys::arbitrator(sender), &record);
    let mut data = Writer::new();
    data.u128(bond);
    append(ctx, AuditKind::ArbitratorRegistered, sender, Some(*sender), data)?;
    Ok(Created::Nothing)
}

pub(super) fn retire_arbitrator(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let record = arbitrator(ctx, sender)?.ok_or(Status::NotArbitrator)?;
    ensure(record.open_cases == 0, Status::ArbitratorBusy)?;
    let since = record.registered_at.max(record.last_closed_at);
    let cooldown = ctx.config.genesis.arbitration.arbitrator_cooldown_secs;
    ensure(ctx.time >= since.saturating_add(cooldown), Status::ArbitratorCoolingDown)?;
    if record.slot != 0 {
        sumtree::remove(ctx, record.slot)?;
    }
    ctx.layer.delete(Table::Arbitrators, case_keys::arbitrator(sender));
    let asset = ctx.config.bond_asset;
    ctx.credit(sender, asset, record.bond)?;
    let mut data = Writer::new();
    data.u128(record.bond);
    append(ctx, AuditKind::ArbitratorRetired, sender, Some(*sender), data)?;
    Ok(Created::Nothing)
}

/// A round whose panel is still to be drawn.
fn pending_round(quorum: u8) -> Round {
    Round { panel: Vec::new(), quorum, deadline: 0, votes: Vec::new(), ruling: None, ruled_at: 0 }
}

/// Opens a case: takes the dispute fee from `opener`, stores the case and queues its
/// first-round draw (`draws.rs`). Refused with `NotEnoughArbitrators` when the tree holds
/// fewer arbitrators than the panel needs (a draw that still cannot fill it drops the case).
/// Returns its id.
pub(super) fn open_case(ctx: &mut Ctx<'_, '_>, subject: CaseSubject, opener: &AgentId) -> Result<CaseId, Fault> {
    let params = ctx.config.genesis.arbitration.clone();
    ensure(sumtree::count(ctx)? >= u32::from(params.panel_size), Status::NotEnoughArbitrators)?;
    let asset = ctx.config.bond_asset;
    ctx.debit(opener, asset, params.dispute_fee)?;
    let id = CaseId(ctx.counter(CASE_COUNTER)?.checked_add(1).ok_or(Status::AmountOverflow)?);
    ctx.set_counter(CASE_COUNTER, id.0);
    let pending_draw = schedule(ctx, id, 0)?;
    let round = pending_round(params.quorum);
    put_case(
        ctx,
        &CaseRecord {
            id,
            subject,
            opener: *opener,
            opened_at: ctx.time,
            fee: params.dispute_fee,
            phase: CasePhase::Voting,
            rounds: vec![round],
            appellant: None,
            appeal_bond: 0,
            outcome: None,
            defaulted: false,
            closed_at: 0,
            pending_draw,
            settled_by_proof: false,
        },
    );
    Ok(id)
}

pub(super) fn cast_vote(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    id: CaseId,
    worker_bps: u16,
) -> Result<Created, Fault> {
    let mut case = existing_case(ctx, id)?;
    ensure(case.phase == CasePhase::Voting, Status::CaseNotInPhase)?;
    let round_index = case.rounds.len().saturating_sub(1);
    let proof_window = proof_window_open(ctx, &case)?;
    let round = case.rounds.last_mut().ok_or(Status::CaseNotInPhase)?;
    ensure(!round.panel.is_empty(), Status::PanelNotDrawn)?;
    ensure(round.panel.contains(sender), Status::NotOnPanel)?;
    ensure(!round.votes.iter().any(|v| v.arbitrator == *sender), Status::AlreadyVoted)?;
    let valid = match case.subject {
        CaseSubject::Task(_) => worker_bps <= BPS_DENOMINATOR,
        CaseSubject::Freeze(_) => worker_bps == 0 || worker_bps == LIFT_FREEZE_BPS,
    };
    ensure(valid, Status::InvalidRuling)?;
    ensure(ctx.time <= round.deadline, Status::RulingDeadlinePassed)?;

    round.votes.push(Vote { arbitrator: *sender, worker_bps });
    let matching = round.votes.iter().filter(|v| v.worker_bps == worker_bps).count();
    let decided = matching >= usize::from(round.quorum);
    if decided {
        round.ruling = Some(worker_bps);
        round.ruled_at = ctx.time;
    }
    let mut data = case_data(id);
    data.u8(round_index as u8);
    data.u16(worker_bps);
    append(ctx, AuditKind::VoteCast, sender, None, data)?;
    if !decided {
        put_case(ctx, &case);
        return Ok(Created::Nothing);
    }
    let mut data = case_data(id);
    data.u8(round_index as u8);
    data.u16(worker_bps);
    append(ctx, AuditKind::Ruling, sender, None, data)?;
    if (round_index == 0 && matches!(case.subject, CaseSubject::Task(_))) || proof_window {
        // A first-round task ruling waits for the appeal window; any ruling on a proof-gated
        // task waits until its worker can no longer prove.
        case.phase = CasePhase::Ruled;
        put_case(ctx, &case);
    } else {
        finalize(ctx, sender, case, worker_bps, false)?;
    }
    Ok(Created::Nothing)
}

pub(super) fn resolve(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: CaseId) -> Result<Created, Fault> {
    let case = existing_case(ctx, id)?;
    let first_ruling = case.rounds.first().and_then(|r| r.ruling);
    let proof_window = proof_window_open(ctx, &case)?;
    match case.phase {
        CasePhase::Closed => Err(Status::CaseNotInPhase.into()),
        CasePhase::Ruled => {
            let last = case.rounds.last().ok_or(Status::CaseNotInPhase)?;
            if case.rounds.len() == 1 {
                ensure(ctx.time > last.ruled_at.saturating_add(APPEAL_WINDOW_SECS), Status::DeadlineNotReached)?;
            }
            ensure(!proof_window, Status::DeadlineNotReached)?;
            let outcome = last.ruling.ok_or(Status::CaseNotInPhase)?;
            finalize(ctx, sender, case, outcome, false)?;
            Ok(Created::Nothing)
        }
        CasePhase::Voting => {
            let last = case.rounds.last().ok_or(Status::CaseNotInPhase)?;
            ensure(!last.panel.is_empty(), Status::PanelNotDrawn)?;
            ensure(ctx.time > last.deadline, Status::DeadlineNotReached)?;
            ensure(!proof_window, Status::DeadlineNotReached)?;
            // Defaults: a silent first panel splits a manual task's escrow evenly, refunds a
            // proof-gated task whose delivery deadline passed without a proof (a proven task's
            // case is already closed for its worker), and leaves a freeze to expire; a silent
            // appeal panel leaves the first ruling standing.
            let outcome = match (first_ruling, case.subject) {
                (Some(ruling), _) => ruling,
                (None, CaseSubject::Task(task_id)) => {
                    let task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
                    if task.offer.kind == MANUAL_KIND { DEFAULT_RULING_BPS } else { 0 }
                }
                (None, CaseSubject::Freeze(_)) => 0,
            };
            finalize(ctx, sender, case, outcome, true)?;
            Ok(Created::Nothing)
        }
    }
}

/// The party that lost a task ruling (`None` for an even split or a freeze case).
pub(super) fn loser(ctx: &Ctx<'_, '_>, case: &CaseRecord, worker_bps: u16) -> Result<Option<AgentId>, Fault> {
    let CaseSubject::Task(task_id) = case.subject else { return Ok(None) };
    let task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
    Ok(match worker_bps.cmp(&DEFAULT_RULING_BPS) {
        std::cmp::Ordering::Less => task.worker,
        std::cmp::Ordering::Greater => Some(task.employer),
        std::cmp::Ordering::Equal => None,
    })
}

pub(super) fn appeal(ctx: &mut Ctx<'_, '_>, sender: &AgentId, id: CaseId) -> Result<Created, Fault> {
    let mut case = existing_case(ctx, id)?;
    let CaseSubject::Task(task_id) = case.subject else { return Err(Status::NotAppellant.into()) };
    ensure(case.phase == CasePhase::Ruled, Status::CaseNotInPhase)?;
    ensure(case.appellant.is_none(), Status::CaseExists)?;
    let first = case.rounds.first().cloned().ok_or(Status::CaseNotInPhase)?;
    let ruling = first.ruling.ok_or(Status::CaseNotInPhase)?;
    ensure(loser(ctx, &case, ruling)? == Some(*sender), Status::NotAppellant)?;
    ensure(ctx.time <= first.ruled_at.saturating_add(APPEAL_WINDOW_SECS), Status::AppealWindowClosed)?;

    let params = ctx.config.genesis.arbitration.clone();
    let asset = ctx.config.bond_asset;
    ctx.debit(sender, asset, params.appeal_bond)?;
    ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
    case.pending_draw = schedule(ctx, id, 1)?;
    case.rounds.push(pending_round(params.appeal_quorum()));
    case.appellant = Some(*sender);
    case.appeal_bond = params.appeal_bond;
    case.phase = CasePhase::Voting;
    put_case(ctx, &case);
    append(ctx, AuditKind::Appealed, sender, None, case_data(id))?;
    Ok(Created::Nothing)
}

/// Closes a case with `outcome`: settles the subject, pays the fee and the appeal bond, and
/// moves every panelist's standing. `defaulted` marks an outcome no panel of the deciding round
/// reached.
fn finalize(
    ctx: &mut Ctx<'_, '_>,
    actor: &AgentId,
    mut case: CaseRecord,
    outcome: u16,
    defaulted: bool,
) -> Result<(), Fault> {
    let asset = ctx.config.bond_asset;
    // The other party of a task case, for the forfeited appeal bond.
    let mut counterparty = None;
    match case.subject {
        CaseSubject::Task(task_id) => {
            let task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
            counterparty = match case.appellant {
                Some(a) if a == task.employer => task.worker,
                Some(_) => Some(task.employer),
                None => None,
            };
            if let Some(loser) = loser(ctx, &case, outcome)? {
                super::penalty::penalize_reputation(ctx, &loser, DISPUTE_REPUTATION_PENALTY_BPS)?;
            }
            super::disputes::settle_task(ctx, task_id, outcome)?;
            ctx.layer.delete(Table::TaskCases, case_keys::task_case(task_id));
        }
        CaseSubject::Freeze(agent) => {
            super::freeze::apply_freeze_ruling(ctx, actor, &agent, &case, outcome == LIFT_FREEZE_BPS)?;
        }
    }

    // Fee: shared by the arbitrators of ruling rounds who voted with the outcome.
    let winners: Vec<AgentId> = case
        .rounds
        .iter()
        .filter(|r| r.ruling.is_some())
        .flat_map(|r| r.votes.iter())
        .filter(|v| v.worker_bps == outcome)
        .map(|v| v.arbitrator)
        .collect();
    if winners.is_empty() {
        let opener = case.opener;
        ctx.credit(&opener, asset, case.fee)?;
    } else {
        let count = winners.len() as Amount;
        let share = case.fee / count;
        for winner in &winners {
            ctx.credit(winner, asset, share)?;
        }
        let fee_account = ctx.config.fee_account;
        ctx.credit(&fee_account, asset, case.fee - share * count)?;
    }

    // Appeal bond: returned if the appeal won or its panel never ruled, else to the other party.
    // The appellant lost the first ruling, so the appeal won if it moved the outcome its way.
    let mut overturned = None;
    if let (Some(appellant), Some(first)) = (case.appellant, case.rounds.first().and_then(|r| r.ruling)) {
        let appeal_ruled = case.rounds.get(1).is_some_and(|r| r.ruling.is_some());
        let moved = if first < DEFAULT_RULING_BPS { outcome > first } else { outcome < first };
        let to = if !appeal_ruled || moved { appellant } else { counterparty.unwrap_or(appellant) };
        ctx.credit(&to, asset, case.appeal_bond)?;
        if appeal_ruled && moved {
            overturned = Some((first, appellant));
        }
    }

    // Standing. In a round that ruled: with the outcome +reward, against it −penalty. In a round
    // that never ruled (its deadline passed): only silent members lose standing. Silent members
    // of any round lose standing.
    // Slash: first-round members who voted for a ruling the appeal overturned lose
    // `overturn_slash_bps` of their bond to the appellant.
    let slash_bps = ctx.config.genesis.arbitration.overturn_slash_bps;
    for (index, round) in case.rounds.iter().enumerate() {
        for member in &round.panel {
            let key = case_keys::arbitrator(member);
            let Some(mut record) = ctx.read::<ArbitratorRecord>(Table::Arbitrators, &key)? else { continue };
            record.open_cases = record.open_cases.saturating_sub(1);
            record.last_closed_at = ctx.time;
            let vote = round.votes.iter().find(|v| v.arbitrator == *member);
            if let Some((first, appellant)) = overturned
                && index == 0
                && vote.is_some_and(|v| v.worker_bps == first)
            {
                let cut = crate::config::bps_of(record.bond, slash_bps);
                record.bond -= cut;
                ctx.credit(&appellant, asset, cut)?;
                if record.slot != 0 {
                    sumtree::set_weight(ctx, record.slot, record.bond)?;
                }
                let mut data = case_data(case.id);
                data.u128(cut);
                append(ctx, AuditKind::ArbitratorSlashed, member, Some(*member), data)?;
            }
            let agreed = match vote {
                None => Some(false),
                Some(_) if round.ruling.is_none() => None,
                Some(v) => Some(v.worker_bps == outcome),
            };
            match agreed {
                Some(true) => {
                    record.standing = record.standing.saturating_add(ARBITRATOR_STANDING_REWARD);
                    record.agreed = record.agreed.saturating_add(1);
                }
                Some(false) => {
                    record.standing = record.standing.saturating_sub(ARBITRATOR_STANDING_PENALTY);
                    record.dissented = record.dissented.saturating_add(1);
                }
                None => {}
            }
            ctx.write(Table::Arbitrators, key, &record);
        }
    }

    case.phase = CasePhase::Closed;
    case.outcome = Some(outcome);
    case.defaulted = defaulted;
    case.closed_at = ctx.time;
    let id = case.id;
    put_case(ctx, &case);
    let mut data = case_data(id);
    data.u16(outcome);
    data.bool(defaulted);
    append(ctx, AuditKind::CaseClosed, actor, None, data)?;
    Ok(())
}

/// True while a proof-gated task's worker may still prove: the case must not settle yet.
fn proof_window_open(ctx: &Ctx<'_, '_>, case: &CaseRecord) -> Result<bool, Fault> {
    let CaseSubject::Task(task_id) = case.subject else { return Ok(false) };
    let task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
    Ok(task.offer.kind != MANUAL_KIND && ctx.time <= task.offer.delivery_deadline)
}

/// A verified completion proof on a disputed task (already paid out in full and credited):
/// closes its case for the worker. The opener's dispute fee goes to the worker when the
/// employer opened it (else back to the opener); an appeal bond goes to the worker (forfeited
/// by an appealing employer, returned to an appealing worker); a pending draw is cancelled;
/// panel members are released without standing changes or pay (their ruling was not needed).
pub(super) fn close_by_proof(ctx: &mut Ctx<'_, '_>, task: &TaskRecord, worker: &AgentId) -> Result<(), Fault> {
    let Some(bytes) = ctx.layer.get(Table::TaskCases, &case_keys::task_case(task.id))? else { return Ok(()) };
    let raw: [u8; 8] = bytes.as_slice().try_into().map_err(|_| crate::state::StateError::Corrupt {
        table: Table::TaskCases.name(),
        reason: "case id is not 8 bytes".into(),
    })?;
    let mut case = existing_case(ctx, CaseId(u64::from_be_bytes(raw)))?;
    ctx.layer.delete(Table::TaskCases, case_keys::task_case(task.id));
    if case.phase == CasePhase::Closed {
        return Ok(());
    }
    let asset = ctx.config.bond_asset;
    let fee_to = if case.opener == task.employer { *worker } else { case.opener };
    ctx.credit(&fee_to, asset, case.fee)?;
    if case.appellant.is_some() {
        ctx.credit(worker, asset, case.appeal_bond)?;
    }
    if case.pending_draw != 0 {
        ctx.layer.delete(Table::PendingDraws, crate::cases::case_keys::pending_draw(case.pending_draw, case.id));
    }
    for member in case.all_panelists().copied().collect::<Vec<_>>() {
        let key = case_keys::arbitrator(&member);
        if let Some(mut record) = ctx.read::<ArbitratorRecord>(Table::Arbitrators, &key)? {
            record.open_cases = record.open_cases.saturating_sub(1);
            record.last_closed_at = ctx.time;
            ctx.write(Table::Arbitrators, key, &record);
        }
    }
    case.phase = CasePhase::Closed;
    case.outcome = Some(BPS_DENOMINATOR);
    case.pending_draw = 0;
    case.settled_by_proof = true;
    case.closed_at = ctx.time;
    let id = case.id;
    put_case(ctx, &case);
    let mut data = case_data(id);
    data.u64(task.id.0);
    append(ctx, AuditKind::CaseClosedByProof, worker, Some(*worker), data)?;
    Ok(())
}
