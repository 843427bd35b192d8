//! The parent → children links of sub-tasks: keys of the `SubTasks` and `TaskParents` tables
//! and the queries over them.
//!
//! A sub-task is an ordinary task (its own escrow, bids, deadlines and settlement) posted by
//! the awarded worker of a parent task. The link is recorded twice: `SubTasks` holds
//! `parent ‖ child → empty` (a parent's children are one prefix scan, in id order) and
//! `TaskParents` holds `child → parent`.

use crate::ids::TaskId;
use crate::limits::MAX_SUBTASKS_PER_TASK;
use crate::state::{StateError, StateView, Table};

/// `SubTasks` key: parent id ‖ child id, both big-endian.
pub fn subtask_key(parent: TaskId, child: TaskId) -> Vec<u8> {
    let mut k = parent.0.to_be_bytes().to_vec();
    k.extend_from_slice(&child.0.to_be_bytes());
    k
}

/// `TaskParents` key: the child's id, big-endian (the value is the parent's id, big-endian).
pub fn parent_key(child: TaskId) -> Vec<u8> {
    child.0.to_be_bytes().to_vec()
}

fn corrupt(table: Table) -> StateError {
    StateError::Corrupt { table: table.name(), reason: "task id is not 8 bytes".into() }
}

fn task_id(table: Table, bytes: &[u8]) -> Result<TaskId, StateError> {
    let raw: [u8; 8] = bytes.try_into().map_err(|_| corrupt(table))?;
    Ok(TaskId(u64::from_be_bytes(raw)))
}

/// The parent of `task`, if it is a sub-task.
pub fn parent_of(state: &dyn StateView, task: TaskId) -> Result<Option<TaskId>, StateError> {
    state.get(Table::TaskParents, &parent_key(task))?.map(|v| task_id(Table::TaskParents, &v)).transpose()
}

/// The sub-tasks of `parent`, in id order (at most [`MAX_SUBTASKS_PER_TASK`] exist).
pub fn subtasks_of(state: &dyn StateView, parent: TaskId) -> Result<Vec<TaskId>, StateError> {
    state
        .scan_prefix(Table::SubTasks, &parent.0.to_be_bytes(), MAX_SUBTASKS_PER_TASK)?
        .iter()
        .map(|(key, _)| task_id(Table::SubTasks, key.get(8..).unwrap_or_default()))
        .collect()
}
