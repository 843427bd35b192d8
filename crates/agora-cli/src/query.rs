//! `agora query …` and `agora replay`.

use crate::args::{QueryArgs, QueryWhat, ReplayArgs};
use crate::output::print_pretty;
use agora::{AgentId, AssetId, CaseId, LoanId, TaskId};
use agora_api::{
    AgentView, ArbitratorView, BalanceView, BidCursor, FreezeView, KindsView, OpenBidsPage, TipView, TotalsView,
    TrustedView,
};
use anyhow::{Context, anyhow};
use serde_json::json;
use std::path::Path;

fn did(text: &str) -> anyhow::Result<AgentId> {
    AgentId::parse_did(text).with_context(|| format!("invalid did {text:?}"))
}

/// The cursor of `--from` and `--after`.
pub fn bid_cursor(from: u64, after: Option<&str>) -> anyhow::Result<BidCursor> {
    Ok(BidCursor { from: TaskId(from.max(1)), after: after.map(did).transpose()? })
}

pub fn run(db: &Path, keys: Option<&Path>, args: QueryArgs) -> anyhow::Result<()> {
    let market = crate::keys::open_market(db, keys)?;
    let value = match args.what {
        QueryWhat::Tip => json!(TipView::read(&market)),
        QueryWhat::Agent { did: text } => json!(AgentView::read(&market, &did(&text)?)?),
        QueryWhat::Reputation { did: text } => json!(market.reputation(&did(&text)?)?),
        QueryWhat::Balance { did: text, asset } => json!(BalanceView::read(&market, &did(&text)?, AssetId(asset))?),
        QueryWhat::Assets => json!(market.assets()?),
        QueryWhat::Task { id } => json!(market.task_view(TaskId(id))?.ok_or_else(|| anyhow!("no task {id}"))?),
        QueryWhat::Loan { id } => json!(market.loan(LoanId(id))?.ok_or_else(|| anyhow!("no loan {id}"))?),
        QueryWhat::Tasks { from, limit } => json!(market.tasks(TaskId(from), limit)?),
        QueryWhat::Offer { id } => market.job_offer(TaskId(id))?.ok_or_else(|| anyhow!("no task {id}"))?,
        QueryWhat::Bids { task } => json!(market.bids(TaskId(task))?),
        QueryWhat::OpenBids { from, after, limit } => {
            let cursor = bid_cursor(from, after.as_deref())?;
            json!(OpenBidsPage::read(&market, &cursor, agora_api::page::page_size(Some(limit)))?)
        }
        QueryWhat::Receipts { height } => json!(market.receipts(height)?.ok_or_else(|| anyhow!("no block {height}"))?),
        QueryWhat::Block { height } => json!(market.block(height)?.ok_or_else(|| anyhow!("no block {height}"))?),
        QueryWhat::Totals => json!(TotalsView::read(&market)?),
        QueryWhat::Dispute { id } => json!(market.dispute(CaseId(id))?.ok_or_else(|| anyhow!("no dispute {id}"))?),
        QueryWhat::Arbitrator { did: text } => json!(ArbitratorView::read(&market, &did(&text)?)?),
        QueryWhat::Freeze { did: text } => json!(FreezeView::read(&market, &did(&text)?)?),
        QueryWhat::EncryptionKey { did: text } => json!(agora_api::EncryptionKeyView::read(&market, &did(&text)?)?),
        QueryWhat::Sealed { id } => json!(
            agora_api::SealedTaskView::read(&market, TaskId(id))?
                .ok_or_else(|| anyhow!("task {id} is not a fair-exchange task"))?
        ),
        QueryWhat::Trusted => json!(TrustedView::read(&market)?),
        QueryWhat::Kinds => json!(KindsView::read(&market)?),
    };
    print_pretty(&value)
}

/// A scratch path next to the system temp dir, unique to this process and moment.
pub fn scratch_path(tag: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    std::env::temp_dir().join(format!("agora-{tag}-{}-{nanos}.redb", std::process::id()))
}

pub fn replay(db: &Path, keys: Option<&Path>, args: ReplayArgs) -> anyhow::Result<()> {
    let market = crate::keys::open_market(db, keys)?;
    let (target, temporary) = match args.into {
        Some(path) => (path, false),
        None => (scratch_path("replay"), true),
    };
    let report = market.replay(&target);
    if temporary {
        let _ = std::fs::remove_file(&target);
    }
    let report = report?;
    print_pretty(&json!({
        "blocks": report.blocks.to_string(),
        "digest": hex::encode(report.digest),
        "recorded": hex::encode(report.recorded),
        "first_mismatch": report.first_mismatch.map(|h| h.to_string()),
        "matches": report.matches(),
    }))?;
    if !report.matches() {
        anyhow::bail!("replayed digest does not match the recorded one");
    }
    Ok(())
}
