//! `agora query …` and `agora replay`.

use crate::args::{QueryArgs, QueryWhat, ReplayArgs};
use crate::output::print_pretty;
use agora::{AgentId, AssetId, CaseId, LoanId, TaskId};
use anyhow::{Context, anyhow};
use serde_json::json;
use std::path::Path;

fn did(text: &str) -> anyhow::Result<AgentId> {
    AgentId::parse_did(text).with_context(|| format!("invalid did {text:?}"))
}

pub fn run(db: &Path, keys: Option<&Path>, args: QueryArgs) -> anyhow::Result<()> {
    let market = crate::keys::open_market(db, keys)?;
    let value = match args.what {
        QueryWhat::Tip => json!({
            "tip": market.tip(),
            "genesis_hash": hex::encode(market.genesis_hash()),
            "genesis": market.config().genesis,
        }),
        QueryWhat::Agent { did: text } => {
            let id = did(&text)?;
            let balances: Vec<_> =
                market.balances(&id)?.into_iter().map(|(a, v)| json!({"asset": a, "amount": v.to_string()})).collect();
            json!({ "did": id, "account": market.account(&id)?, "balances": balances })
        }
        QueryWhat::Reputation { did: text } => json!(market.reputation(&did(&text)?)?),
        QueryWhat::Balance { did: text, asset } => {
            let id = did(&text)?;
            json!({ "did": id, "asset": asset, "amount": market.balance(&id, AssetId(asset))?.to_string() })
        }
        QueryWhat::Assets => json!(market.assets()?),
        QueryWhat::Task { id } => json!(market.task_view(TaskId(id))?.ok_or_else(|| anyhow!("no task {id}"))?),
        QueryWhat::Loan { id } => json!(market.loan(LoanId(id))?.ok_or_else(|| anyhow!("no loan {id}"))?),
        QueryWhat::Tasks { from, limit } => json!(market.tasks(TaskId(from), limit)?),
        QueryWhat::Offer { id } => market.job_offer(TaskId(id))?.ok_or_else(|| anyhow!("no task {id}"))?,
        QueryWhat::Bids { task } => json!(market.bids(TaskId(task))?),
        QueryWhat::Receipts { height } => json!(market.receipts(height)?.ok_or_else(|| anyhow!("no block {height}"))?),
        QueryWhat::Block { height } => json!(market.block(height)?.ok_or_else(|| anyhow!("no block {height}"))?),
        QueryWhat::Totals => {
            let totals = market.asset_totals()?;
            let conserved = totals.iter().all(|t| t.conserved());
            json!({ "conserved": conserved, "assets": totals })
        }
        QueryWhat::Dispute { id } => json!(market.dispute(CaseId(id))?.ok_or_else(|| anyhow!("no dispute {id}"))?),
        QueryWhat::Arbitrator { did: text } => {
            let id = did(&text)?;
            json!({ "did": id, "arbitrator": market.arbitrator(&id)? })
        }
        QueryWhat::Freeze { did: text } => {
            let id = did(&text)?;
            let freeze = market.freeze(&id)?;
            let now = market.tip().time;
            let active = freeze.as_ref().is_some_and(|f| f.is_active(now));
            json!({ "did": id, "frozen": active, "freeze": freeze })
        }
        QueryWhat::Trusted => json!({ "trusted": market.trusted()? }),
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
