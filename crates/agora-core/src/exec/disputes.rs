//! Task disputes: who may open one and when, and how a final ruling splits the escrow.
//!
//! Windows: while a task is awarded and until `DISPUTE_WINDOW_SECS` after its delivery
//! deadline, its employer may dispute it (non-delivery, or output not handed over), and its
//! worker may dispute a manual task (delivered, but the employer will not accept). Proof-gated
//! tasks settle by proof, so their workers do not need a dispute. From opening to closing the
//! task is `Disputed`: acceptance, expiry and cancellation are refused, and the escrow stays
//! where it is — except that the worker of a proof-gated task may still submit its proof
//! until the delivery deadline, which pays it in full and closes the case in its favour
//! (`arbitration::close_by_proof`). A proven (`Completed`) task cannot be disputed.

use super::arbitration::open_case;
use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use crate::audit::AuditKind;
use crate::block::Created;
use crate::cases::{CaseSubject, case_keys};
use crate::config::bps_of;
use crate::ids::{MANUAL_KIND, TaskId};
use crate::limits::DISPUTE_WINDOW_SECS;
use crate::records::TaskStatus;
use crate::state::Table;
use crate::status::Status;
use agora_identity::AgentId;

pub(super) fn open_dispute(ctx: &mut Ctx<'_, '_>, sender: &AgentId, task_id: TaskId) -> Result<Created, Fault> {
    let mut task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
    let is_employer = task.employer == *sender;
    ensure(is_employer || task.worker == Some(*sender), Status::NotParty)?;
    ensure(task.status != TaskStatus::Disputed, Status::TaskDisputed)?;
    // Prove-then-dispute: a verified proof settled the task; a dispute cannot override it.
    ensure(task.status != TaskStatus::Completed, Status::TaskProven)?;
    ensure(matches!(task.status, TaskStatus::Open | TaskStatus::Awarded), Status::TaskClosed)?;
    ensure(task.status == TaskStatus::Awarded, Status::TaskNotAwarded)?;
    ensure(is_employer || task.offer.kind == MANUAL_KIND, Status::DisputeWindowClosed)?;
    ensure(ctx.time <= task.offer.delivery_deadline.saturating_add(DISPUTE_WINDOW_SECS), Status::DisputeWindowClosed)?;
    let worker = task.worker.ok_or(Status::TaskNotAwarded)?;
    let case = open_case(ctx, CaseSubject::Task(task_id), sender)?;
    task.status = TaskStatus::Disputed;
    ctx.put_task(&task);
    ctx.layer.put(Table::TaskCases, case_keys::task_case(task_id), case.0.to_be_bytes().to_vec());
    let mut data = crate::encoding::Writer::new();
    data.u64(case.0);
    data.u64(task_id.0);
    let subject = if is_employer { worker } else { task.employer };
    append(ctx, AuditKind::DisputeOpened, sender, Some(subject), data)?;
    Ok(Created::Case(case))
}

/// Pays a disputed task's escrow out by a final ruling: the worker receives
/// `escrow × worker_bps / 10 000` rounded down, the employer the rest (so the odd unit goes to
/// the employer). No settlement fee and no splits apply to arbitrated payouts. The task closes
/// as `Arbitrated`.
pub(super) fn settle_task(ctx: &mut Ctx<'_, '_>, task_id: TaskId, worker_bps: u16) -> Result<(), Fault> {
    let mut task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
    let worker = task.worker.ok_or(Status::TaskNotAwarded)?;
    let asset = task.offer.asset;
    let to_worker = bps_of(task.escrow, worker_bps);
    let to_employer = task.escrow - to_worker;
    ctx.credit(&worker, asset, to_worker)?;
    let employer = task.employer;
    ctx.credit(&employer, asset, to_employer)?;
    super::tasks::close_task(ctx, &mut task, TaskStatus::Arbitrated)
}
