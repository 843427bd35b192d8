//! A reputation summary in the shape of ERC-8004 feedback, for clients that read that registry
//! format. It is a *mapping* of Agora's own records, not a claim that anything was posted to an
//! ERC-8004 Reputation Registry on any chain.
//!
//! One entry per proof-gated task kind the agent worked on, as an ERC-8004 feedback value:
//!
//! | ERC-8004 field | Agora value |
//! | --- | --- |
//! | `tag1` | `"successRate"` (the ERC's own example tag for a success percentage) |
//! | `tag2` | the kind's name (`aggregate`, `classify`, `hashchain`, …) |
//! | `value` | `floor(100 · proven / settled)`: 0–100 |
//! | `valueDecimals` | `0` |
//! | `count` | `settled`: tasks of the kind awarded to the agent and closed |
//! | `proven` | tasks of the kind settled by a verified completion proof |
//!
//! "Settled" counts the closing statuses `completed` (by proof), `accepted` (paid on the
//! employer's word, no proof), `expired` and `arbitrated`; open, awarded and disputed tasks are
//! still running and not counted.

use agora::{AgentId, Marketplace, TaskId, TaskStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::CredentialError;

/// The ERC-8004 `tag1` of every entry.
pub const SUCCESS_RATE_TAG: &str = "successRate";
/// Tasks read per page while summarising.
pub const FEEDBACK_PAGE_TASKS: usize = 1_024;
/// Most tasks read for one summary (the scan is bounded; a larger marketplace summarises the
/// first this many tasks).
pub const MAX_FEEDBACK_SCAN_TASKS: u64 = 1_000_000;

/// One ERC-8004-style feedback value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedbackEntry {
    /// Always [`SUCCESS_RATE_TAG`].
    pub tag1: String,
    /// The task kind's name.
    pub tag2: String,
    /// 0–100.
    pub value: u8,
    /// Always 0 (whole percent).
    pub value_decimals: u8,
    /// Settled tasks of the kind (decimal).
    pub count: String,
    /// Of which settled by a verified proof (decimal).
    pub proven: String,
}

/// The per-kind success rates of `agent` as a worker (see the module documentation), in kind
/// order. Kinds without a settled task are left out.
pub fn feedback_summary(market: &Marketplace, agent: &AgentId) -> Result<Vec<FeedbackEntry>, CredentialError> {
    let kinds = market.kind_specs()?;
    let mut tally: BTreeMap<u16, (u64, u64)> = BTreeMap::new();
    let mut next = 1u64;
    while next <= MAX_FEEDBACK_SCAN_TASKS {
        let page = market.tasks(TaskId(next), FEEDBACK_PAGE_TASKS)?;
        for task in &page {
            if task.worker != Some(*agent) || !kinds.iter().any(|k| k.kind == task.offer.kind) {
                continue;
            }
            let proven = match task.status {
                TaskStatus::Completed => 1,
                TaskStatus::Accepted | TaskStatus::Expired | TaskStatus::Arbitrated => 0,
                _ => continue,
            };
            let entry = tally.entry(task.offer.kind).or_default();
            entry.0 += 1;
            entry.1 += proven;
        }
        if page.len() < FEEDBACK_PAGE_TASKS {
            break;
        }
        next += page.len() as u64;
    }
    Ok(tally
        .into_iter()
        .filter_map(|(kind, (settled, proven))| {
            let name = kinds.iter().find(|k| k.kind == kind)?.name.clone();
            Some(FeedbackEntry {
                tag1: SUCCESS_RATE_TAG.into(),
                tag2: name,
                value: success_percent(proven, settled),
                value_decimals: 0,
                count: settled.to_string(),
                proven: proven.to_string(),
            })
        })
        .collect())
}

/// `floor(100 · proven / settled)`, 0 when nothing settled.
pub fn success_percent(proven: u64, settled: u64) -> u8 {
    if settled == 0 {
        return 0;
    }
    let percent = u128::from(proven.min(settled)) * 100 / u128::from(settled);
    u8::try_from(percent).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_percent_is_floored_and_bounded() {
        assert_eq!(success_percent(0, 0), 0);
        assert_eq!(success_percent(1, 3), 33);
        assert_eq!(success_percent(2, 3), 66);
        assert_eq!(success_percent(3, 3), 100);
        assert_eq!(success_percent(5, 3), 100);
        assert_eq!(success_percent(u64::MAX, u64::MAX), 100);
    }
}
