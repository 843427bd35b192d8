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
        Self::read_scanning(market, cursor, limit, MAX_OPEN_BIDS_SCAN_TASKS)
    }

    /// [`OpenBidsPage::read`] reading at most `max_tasks` task records.
    fn read_scanning(
        market: &Marketplace,
        cursor: &BidCursor,
        limit: usize,
        max_tasks: usize,
    ) -> Result<OpenBidsPage, Error> {
        let limit = limit.clamp(1, crate::limits::MAX_PAGE);
        let mut items: Vec<BidRecord> = Vec::new();
        let mut after = cursor.after;
        let mut next_task = cursor.from.0.max(1);
        let mut scanned = 0usize;
        while scanned < max_tasks {
            let want = SCAN_BATCH.min(max_tasks - scanned);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use agora::core::InitialBalance;
    use agora::{Action, AgentKey, AssetId, FieldBytes, Genesis, PostTask, Status};

    /// Five tasks, the only open bids on the last one.
    fn market(dir: &std::path::Path) -> (Marketplace, AgentKey) {
        let operator = AgentKey::generate().unwrap();
        let [employer, worker]: [AgentKey; 2] = std::array::from_fn(|_| AgentKey::generate().unwrap());
        let mut genesis = Genesis::development(operator.id(), 0);
        genesis.balances = [&employer, &worker]
            .iter()
            .map(|k| InitialBalance { agent: k.id(), asset: "USD".into(), amount: 1_000_000_000 })
            .collect();
        let mut market = Marketplace::create(dir.join("m.redb"), genesis).unwrap();
        let mut time = 0;
        let mut apply = |market: &mut Marketplace, key: &AgentKey, action: Action| {
            time += 1;
            let tx = market.sign(key, action).unwrap();
            assert_eq!(market.submit(vec![tx], time).unwrap().receipts[0].status, Status::Ok);
        };
        apply(&mut market, &employer, Action::Register {});
        apply(&mut market, &worker, Action::Register {});
        for n in 1..=5u64 {
            let offer = PostTask {
                title: format!("task {n}"),
                requirements: "r".into(),
                kind: 0,
                params: vec![],
                input_commitment: FieldBytes::hash_to_field("open bids unit", &n.to_le_bytes()),
                asset: AssetId(1),
                budget: 1_000,
                bid_deadline: 1_000,
                delivery_deadline: 2_000,
                splits: vec![],
                min_reputation: 0,
            };
            apply(&mut market, &employer, Action::PostTask(offer));
        }
        let bid = Action::PlaceBid { task: TaskId(5), price: 900, eta_secs: 60, plan_hash: [1; 32] };
        apply(&mut market, &worker, bid);
        (market, worker)
    }

    #[test]
    fn a_page_reads_a_bounded_number_of_tasks_and_resumes_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let (market, worker) = market(dir.path());
        let first = OpenBidsPage::read_scanning(&market, &BidCursor::start(), 10, 2).unwrap();
        assert_eq!(first, OpenBidsPage { items: vec![], next: Some(BidCursor { from: TaskId(3), after: None }) });
        let second = OpenBidsPage::read_scanning(&market, &first.next.unwrap(), 10, 2).unwrap();
        assert_eq!(second.next, Some(BidCursor { from: TaskId(5), after: None }));
        let third = OpenBidsPage::read_scanning(&market, &second.next.unwrap(), 10, 2).unwrap();
        assert_eq!(third.next, None);
        assert_eq!(third.items.len(), 1);
        assert_eq!((third.items[0].task, third.items[0].bidder), (TaskId(5), worker.id()));
        // Unbounded enough, one page holds it all.
        assert_eq!(OpenBidsPage::read(&market, &BidCursor::start(), 10).unwrap(), third);
        // After the last bidder of the last task: nothing more.
        let cursor = BidCursor { from: TaskId(5), after: Some(worker.id()) };
        assert_eq!(OpenBidsPage::read(&market, &cursor, 10).unwrap(), OpenBidsPage { items: vec![], next: None });
    }
}
