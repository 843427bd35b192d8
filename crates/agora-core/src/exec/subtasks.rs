//! Sub-tasks: the awarded worker of a task posts a task of its own, linked to the parent.
//!
//! The sub-task is an ordinary task in every other respect (escrow from the worker's balance,
//! bids, award, settlement, cancel, expiry); only posting has extra rules.

use super::context::{Ctx, Fault, ensure};
use crate::block::Created;
use crate::ids::TaskId;
use crate::limits::MAX_SUBTASKS_PER_TASK;
use crate::records::TaskStatus;
use crate::state::{StateView, Table};
use crate::status::Status;
use crate::subtasks::{parent_key, subtask_key};
use crate::tx::PostTask;
use agora_identity::AgentId;

pub(super) fn post(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    parent_id: TaskId,
    offer: &PostTask,
) -> Result<Created, Fault> {
    ensure(ctx.account(sender)?.is_active(), Status::NotRegistered)?;
    let parent = ctx.task(parent_id)?.ok_or(Status::UnknownTask)?;
    ensure(parent.worker == Some(*sender), Status::NotWorker)?;
    ensure(matches!(parent.status, TaskStatus::Open | TaskStatus::Awarded), Status::TaskClosed)?;
    ensure(parent.status == TaskStatus::Awarded, Status::TaskNotAwarded)?;
    ensure(offer.delivery_deadline <= parent.offer.delivery_deadline, Status::DeadlineBeyondParent)?;
    let siblings = ctx.layer.scan_prefix(Table::SubTasks, &parent_id.0.to_be_bytes(), MAX_SUBTASKS_PER_TASK)?;
    ensure(siblings.len() < MAX_SUBTASKS_PER_TASK, Status::TooManySubtasks)?;
    let created = super::tasks::post(ctx, sender, offer)?;
    let Created::Task(child) = created else { return Err(Status::UnknownTask.into()) };
    ctx.layer.put(Table::SubTasks, subtask_key(parent_id, child), Vec::new());
    ctx.layer.put(Table::TaskParents, parent_key(child), parent_id.0.to_be_bytes().to_vec());
    Ok(created)
}
