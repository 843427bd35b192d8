//! Payloads of the Server-Sent Events stream `GET /v1/events`.
//!
//! Each committed block yields one `receipt` event per transaction (matching the filter), then
//! one `block` event whose SSE `id` is the block height. Receipt events carry no id, so a client
//! that reconnects with `Last-Event-ID: h` resumes after the last block it saw whole.

use agora::{Action, AgentId, Receipt, SignedTx, TaskId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// SSE event name of a [`ReceiptEvent`].
pub const RECEIPT_EVENT: &str = "receipt";
/// SSE event name of a [`BlockEvent`].
pub const BLOCK_EVENT: &str = "block";

/// A committed block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockEvent {
    /// Height (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schema(value_type = String)]
    pub height: u64,
    /// Block time (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schema(value_type = String)]
    pub time: u64,
    /// State digest after the block (hex).
    #[serde(with = "crate::hex32")]
    #[schema(value_type = String)]
    pub digest: [u8; 32],
    /// Transactions in the block (all of them, whatever the filter).
    pub txs: u32,
}

/// One committed transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptEvent {
    /// The receipt.
    #[schema(value_type = Object)]
    pub receipt: Receipt,
    /// The sender.
    #[schema(value_type = String)]
    pub sender: AgentId,
    /// The action's `type`.
    pub action: String,
    /// Every agent the transaction names: the sender first, then recipients, bidders, subjects.
    #[schema(value_type = Vec<String>)]
    pub agents: Vec<AgentId>,
    /// The task it concerns (the task acted on, the parent of a sub-task, or the task created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub task: Option<TaskId>,
}

impl ReceiptEvent {
    /// The event of `tx` committed with `receipt`.
    pub fn of(tx: &SignedTx, receipt: &Receipt) -> ReceiptEvent {
        let sender = tx.body.sender;
        let mut agents = vec![sender];
        let mut named = |id: &AgentId| {
            if !agents.contains(id) {
                agents.push(*id);
            }
        };
        let mut task = None;
        match &tx.body.action {
            Action::Deposit { to, .. } | Action::Transfer { to, .. } => named(to),
            Action::OfferLoan { borrower: Some(b), .. } => named(b),
            Action::FreezeAgent { agent, .. } | Action::ChangeTrusted { agent, .. } => named(agent),
            Action::PlaceBid { task: t, .. }
            | Action::CancelTask { task: t }
            | Action::ExpireTask { task: t }
            | Action::AcceptDelivery { task: t }
            | Action::SubmitCompletion { task: t, .. }
            | Action::OpenDispute { task: t } => task = Some(*t),
            Action::WithdrawBid { task: t, bidder } | Action::AwardBid { task: t, bidder } => {
                named(bidder);
                task = Some(*t);
            }
            Action::PostSubtask { parent, offer } => {
                offer.splits.iter().for_each(|s| named(&s.to));
                task = Some(*parent);
            }
            Action::PostTask(offer) => offer.splits.iter().for_each(|s| named(&s.to)),
            _ => {}
        }
        if task.is_none()
            && let agora::Created::Task(id) = receipt.created
        {
            task = Some(id);
        }
        ReceiptEvent { receipt: receipt.clone(), sender, action: tx.body.action.name().to_string(), agents, task }
    }
}

/// Which receipt events a subscriber wants (block events always pass).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only transactions naming this agent.
    pub agent: Option<AgentId>,
    /// Only transactions concerning this task.
    pub task: Option<TaskId>,
}

impl EventFilter {
    /// True when `event` passes the filter.
    pub fn matches(&self, event: &ReceiptEvent) -> bool {
        self.agent.is_none_or(|a| event.agents.contains(&a)) && self.task.is_none_or(|t| event.task == Some(t))
    }
}
