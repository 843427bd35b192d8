//! The open bids of every task, one page at a time (`GET /v1/bids/open` and
//! `agora query open-bids`): built here once, so the node and the CLI print the same JSON.
//!
//! Bids are listed in (task id, bidder key) order, the order of the bid table. A page holds at
//! most `limit` bids and reads at most [`MAX_OPEN_BIDS_SCAN_TASKS`] task records, so a request
//! costs a bounded amount of work however many closed tasks lie between open ones.

use agora::{AgentId, BidRecord, BidStatus, Error, Marketplace, TaskId, TaskStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most task records one page of open bids reads; a page that stops here has a `next` cursor
/// at the first task not read.
pub const MAX_OPEN_BIDS_SCAN_TASKS: usize = 10_000;
/// Task records read from the store at a time while scanning.
const SCAN_BATCH: usize = 256;

/// Where a page of open bids starts: the first task, and within it the bidder to start after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BidCursor {
    /// Task id to start at (decimal string).
    #[schema(value_type = String)]
    pub from: TaskId,
    /// Bidder (did:key) within task `from` to start after; absent: the task's first bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub after: Option<AgentId>,
}

impl BidCursor {
    /// The start of the list.
    pub fn start() -> BidCursor {
        BidCursor { from: TaskId(1), after: None }
    }
}

/// One page of open bids across tasks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBidsPage {
    /// Open bids in (task, bidder) order.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<BidRecord>,
    /// Where the next page starts, if there may be more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<BidCursor>,
}

impl OpenBidsPage {
    /// Reads at most `limit` (1 to [`crate::limits::MAX_PAGE`]) open bids from `cursor` on.
    pub fn read(market: &Marketplace, cursor: &BidCursor, limit: usize) -> Result<OpenBidsPage, Error> {
        let limit = limit.clamp(1, crate::limits::MAX_PAGE);
        let mut items: Vec<BidRecord> = Vec::new();
        let mut after = cursor.after;
        let mut next_task = cursor.from.0.max(1);
        let mut scanned = 0usize;
        while scanned < MAX_OPEN_BIDS_SCAN_TASKS {
            let want = SCAN_BATCH.min(MAX_OPEN_BIDS_SCAN_TASKS - scanned);
            let batch = market.tasks(TaskId(next_task), want)?;
            if batch.is_empty() {
                return Ok(OpenBidsPage { items, next: None });
            }
            for task in batch {
                scanned += 1;
                next_task = task.id.0.saturating_add(1);
                if task.status != TaskStatus::Open || task.open_bids == 0 {
                    after = None;
                    continue;
                }
                let skip_to = after.take();
                let open = market
                    .bids(task.id)?
                    .into_iter()
                    .filter(|b| b.status == BidStatus::Open)
                    .filter(|b| skip_to.is_none_or(|a| b.bidder.as_bytes() > a.as_bytes()));
                for bid in open {
                    if items.len() == limit {
                        let last = items.last().map(|b| (b.task, b.bidder));
                        let next = last.map(|(from, bidder)| BidCursor { from, after: Some(bidder) });
                        return Ok(OpenBidsPage { items, next });
                    }
                    items.push(bid);
                }
            }
        }
        Ok(OpenBidsPage { items, next: Some(BidCursor { from: TaskId(next_task), after: None }) })
    }
}
