//! `agora audit` and `agora audit verify`.

use crate::args::{AuditArgs, AuditCommand};
use crate::output::print_pretty;
use agora::{AgentId, AuditKind};
use anyhow::{Context, anyhow};
use serde_json::json;
use std::path::Path;

pub fn run(db: &Path, keys: Option<&Path>, args: AuditArgs) -> anyhow::Result<()> {
    let market = crate::keys::open_market(db, keys)?;
    if let Some(AuditCommand::Verify) = args.command {
        let report = market.verify_audit()?;
        print_pretty(&json!({
            "entries": report.entries.to_string(),
            "head": hex::encode(report.head),
            "intact": report.intact(),
            "first_break": report.first_break,
        }))?;
        if let Some(fault) = report.first_break {
            anyhow::bail!("audit chain broken at entry {}: {}", fault.seq, fault.reason);
        }
        return Ok(());
    }
    let kind = match &args.kind {
        None => None,
        Some(name) => Some(AuditKind::ALL.iter().copied().find(|k| k.name() == name).ok_or_else(|| {
            let names: Vec<&str> = AuditKind::ALL.iter().map(|k| k.name()).collect();
            anyhow!("unknown audit kind {name:?} (one of {})", names.join(", "))
        })?),
    };
    let agent = match &args.agent {
        None => None,
        Some(text) => Some(AgentId::parse_did(text).with_context(|| format!("invalid did {text:?}"))?),
    };
    let entries = market.audit_log()?;
    let freezes = entries.iter().filter(|e| e.kind == AuditKind::FreezeActivated).count();
    let selected: Vec<_> = entries
        .into_iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .filter(|e| agent.is_none_or(|a| e.actor == a || e.subject == Some(a)))
        .collect();
    let selected_freezes = selected.iter().filter(|e| e.kind == AuditKind::FreezeActivated).count();
    print_pretty(&json!({
        "count": selected.len(),
        "freezes": selected_freezes,
        "freezes_total": freezes,
        "entries": selected,
    }))
}
