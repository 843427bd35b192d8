//! Queries over loans, reputation locks and the parent → children links of sub-tasks.

use crate::error::Error;
use crate::marketplace::Marketplace;
use agora_core::loans::{LoanId, LoanRecord, ReputationLock, loan_key, lock_key};
use agora_core::{AgentId, Table, TaskId, TaskRecord};
use serde::Serialize;

/// A task with its place in a sub-task tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskView {
    /// The task's record.
    #[serde(flatten)]
    pub task: TaskRecord,
    /// The task it is a sub-task of, if any.
    pub parent: Option<TaskId>,
    /// Its sub-tasks, in id order.
    pub subtasks: Vec<TaskId>,
}

impl Marketplace {
    /// A loan.
    pub fn loan(&self, id: LoanId) -> Result<Option<LoanRecord>, Error> {
        self.read(Table::Loans, &loan_key(id))
    }

    /// The reputation an agent has pledged to active loans (all zero if none).
    pub fn reputation_lock(&self, id: &AgentId) -> Result<ReputationLock, Error> {
        Ok(self.read(Table::ReputationLocks, &lock_key(id))?.unwrap_or_default())
    }

    /// The parent of a sub-task (`None` for a top-level task or an unknown id).
    pub fn task_parent(&self, id: TaskId) -> Result<Option<TaskId>, Error> {
        Ok(agora_core::subtasks::parent_of(&self.snapshot()?, id)?)
    }

    /// The sub-tasks of a task, in id order.
    pub fn subtasks(&self, id: TaskId) -> Result<Vec<TaskId>, Error> {
        Ok(agora_core::subtasks::subtasks_of(&self.snapshot()?, id)?)
    }

    /// A task with its parent and sub-tasks.
    pub fn task_view(&self, id: TaskId) -> Result<Option<TaskView>, Error> {
        let Some(task) = self.task(id)? else { return Ok(None) };
        let snapshot = self.snapshot()?;
        Ok(Some(TaskView {
            task,
            parent: agora_core::subtasks::parent_of(&snapshot, id)?,
            subtasks: agora_core::subtasks::subtasks_of(&snapshot, id)?,
        }))
    }
}
