//! The audited kill switch: operators freeze an agent at the genesis threshold of distinct
//! approvals; a freeze lasts at most `MAX_FREEZE_SECS` unless renewed the same way; the
//! frozen agent may appeal to an arbitration panel, which can lift it.
//!
//! A frozen agent can do nothing but appeal its freeze and settle what protects its
//! counterparties ([`allowed_while_frozen`]); its funds stay where they are: a freeze never
//! moves or confiscates anything.

use super::arbitration::open_case;
use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use crate::audit::AuditKind;
use crate::block::Created;
use crate::cases::{CasePhase, CaseRecord, CaseSubject, FreezeProposal, FreezeRecord, case_keys};
use crate::ids::Digest;
use crate::limits::{FREEZE_PROPOSAL_TTL_SECS, MAX_FREEZE_SECS};
use crate::state::Table;
use crate::status::Status;
use crate::tx::Action;
use agora_identity::AgentId;

/// True for the few actions a frozen sender may still send (PROTOCOL.md §16.7 gives each
/// reason): its freeze appeal, and settlements whose money goes to its counterparties under
/// outcomes already fixed by the rules. Exhaustive on purpose: a new action must choose.
pub(super) fn allowed_while_frozen(action: &Action) -> bool {
    match action {
        Action::AppealFreeze {}
        | Action::RepayLoan { .. }
        | Action::ExpireTask { .. }
        | Action::ResolveDispute { .. } => true,
        Action::DeclareAsset { .. }
        | Action::Deposit { .. }
        | Action::Withdraw { .. }
        | Action::Transfer { .. }
        | Action::Register {}
        | Action::Deregister {}
        | Action::ReclaimBond {}
        | Action::PostTask(_)
        | Action::PlaceBid { .. }
        | Action::WithdrawBid { .. }
        | Action::AwardBid { .. }
        | Action::CancelTask { .. }
        | Action::AcceptDelivery { .. }
        | Action::SubmitCompletion { .. }
        | Action::OfferLoan { .. }
        | Action::CancelLoan { .. }
        | Action::AcceptLoan { .. }
        | Action::ClaimDefault { .. }
        | Action::PostSubtask { .. }
        | Action::OpenDispute { .. }
        | Action::RegisterArbitrator {}
        | Action::RetireArbitrator {}
        | Action::CastVote { .. }
        | Action::Appeal { .. }
        | Action::FreezeAgent { .. }
        | Action::ChangeTrusted { .. }
        | Action::RegisterKind(_)
        | Action::RotateKindKey { .. }
        | Action::RetireKind { .. }
        | Action::RegisterEncryptionKey { .. } => false,
    }
}

/// The agent's freeze record, if any.
pub(super) fn freeze_of(ctx: &Ctx<'_, '_>, agent: &AgentId) -> Result<Option<FreezeRecord>, Fault> {
    Ok(ctx.read(Table::Freezes, &case_keys::freeze(agent))?)
}

/// True while a freeze holds on `agent`.
pub(super) fn is_frozen(ctx: &Ctx<'_, '_>, agent: &AgentId) -> Result<bool, Fault> {
    Ok(freeze_of(ctx, agent)?.is_some_and(|f| f.is_active(ctx.time)))
}

fn case_is_open(ctx: &Ctx<'_, '_>, record: &FreezeRecord) -> Result<bool, Fault> {
    let Some(id) = record.case else { return Ok(false) };
    let case: Option<CaseRecord> = ctx.read(Table::Disputes, &case_keys::case(id))?;
    Ok(case.is_some_and(|c| c.phase != CasePhase::Closed))
}

pub(super) fn freeze_agent(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    agent: &AgentId,
    reason: u16,
    evidence: Digest,
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let mut record = freeze_of(ctx, agent)?.unwrap_or(FreezeRecord {
        reason: 0,
        evidence: [0; 32],
        frozen_at: 0,
        frozen_until: 0,
        case: None,
        proposal: None,
    });
    if record.proposal.as_ref().is_some_and(|p| ctx.time > p.proposed_at.saturating_add(FREEZE_PROPOSAL_TTL_SECS)) {
        record.proposal = None;
    }
    let mut proposal = match record.proposal.take() {
        Some(p) => {
            ensure(p.reason == reason && p.evidence == evidence, Status::FreezeConflict)?;
            ensure(!p.approvals.contains(sender), Status::FreezeConflict)?;
            p
        }
        None => FreezeProposal { reason, evidence, approvals: Vec::new(), proposed_at: ctx.time },
    };
    proposal.approvals.push(*sender);
    proposal.approvals.sort();

    let mut data = crate::encoding::Writer::new();
    data.u16(reason);
    data.fixed(&evidence);
    append(ctx, AuditKind::FreezeApproved, sender, Some(*agent), data)?;

    if proposal.approvals.len() >= usize::from(ctx.config.genesis.arbitration.operator_threshold) {
        let until = ctx.time.saturating_add(MAX_FREEZE_SECS);
        if !case_is_open(ctx, &record)? {
            record.case = None;
        }
        record.reason = reason;
        record.evidence = evidence;
        record.frozen_at = ctx.time;
        record.frozen_until = until;
        record.proposal = None;
        let mut data = crate::encoding::Writer::new();
        data.u16(reason);
        data.fixed(&evidence);
        data.u64(until);
        append(ctx, AuditKind::FreezeActivated, sender, Some(*agent), data)?;
    } else {
        record.proposal = Some(proposal);
    }
    ctx.write(Table::Freezes, case_keys::freeze(agent), &record);
    Ok(Created::Nothing)
}

pub(super) fn appeal_freeze(ctx: &mut Ctx<'_, '_>, sender: &AgentId) -> Result<Created, Fault> {
    let mut record = freeze_of(ctx, sender)?.filter(|f| f.is_active(ctx.time)).ok_or(Status::NotFrozen)?;
    ensure(record.case.is_none(), Status::CaseExists)?;
    let id = open_case(ctx, CaseSubject::Freeze(*sender), sender)?;
    record.case = Some(id);
    ctx.write(Table::Freezes, case_keys::freeze(sender), &record);
    let mut data = crate::encoding::Writer::new();
    data.u64(id.0);
    append(ctx, AuditKind::FreezeAppealed, sender, Some(*sender), data)?;
    Ok(Created::Case(id))
}

/// A panel's final ruling on a freeze case: lifts the freeze (ending it now) or leaves it to
/// run to its expiry. Either way the case stays attached, so the same freeze is appealed once.
pub(super) fn apply_freeze_ruling(
    ctx: &mut Ctx<'_, '_>,
    actor: &AgentId,
    agent: &AgentId,
    case: &CaseRecord,
    lift: bool,
) -> Result<(), Fault> {
    let Some(mut record) = freeze_of(ctx, agent)? else { return Ok(()) };
    if lift && record.case == Some(case.id) {
        record.frozen_until = record.frozen_until.min(ctx.time);
        ctx.write(Table::Freezes, case_keys::freeze(agent), &record);
        let mut data = crate::encoding::Writer::new();
        data.u64(case.id.0);
        append(ctx, AuditKind::FreezeLifted, actor, Some(*agent), data)?;
    }
    Ok(())
}
