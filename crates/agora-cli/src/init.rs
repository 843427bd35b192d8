//! `agora init`.

use crate::args::InitArgs;
use crate::output::print_pretty;
use agora::{AgentKey, Genesis, Marketplace};
use anyhow::Context;
use serde_json::json;
use std::path::Path;

/// Seconds since the Unix epoch (the CLI may read the clock; the core never does).
pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub fn run(db: &Path, keys: Option<&Path>, args: InitArgs) -> anyhow::Result<()> {
    if db.exists() {
        anyhow::bail!("{} already exists; choose another --db or remove it", db.display());
    }
    let (genesis, operator) = match &args.genesis {
        Some(file) => {
            let text = crate::input::read_text_bounded(file, "genesis", crate::input::MAX_GENESIS_JSON_BYTES)?;
            let genesis: Genesis =
                agora::core::json::from_str_bounded(&text, "genesis", crate::input::MAX_GENESIS_JSON_BYTES as usize)
                    .with_context(|| format!("parsing genesis {}", file.display()))?;
            (genesis, None)
        }
        None => {
            let operator = match &args.operator_secret {
                Some(secret) => AgentKey::from_secret_hex(secret).context("--operator-secret")?,
                None => AgentKey::generate()?,
            };
            (Genesis::development(operator.id(), args.time.unwrap_or_else(now_secs)), Some(operator))
        }
    };
    let mut genesis = genesis;
    if args.with_proofs {
        let dir = crate::keys::keys_dir(db, keys);
        let generated = crate::keys::generate(&dir, &crate::keys::shapes(), false)?;
        genesis.kinds = generated.kind_specs();
    }
    let market = Marketplace::create(db, genesis.clone()).with_context(|| format!("creating {}", db.display()))?;
    let mut out = json!({
        "db": db.display().to_string(),
        "genesis_hash": hex::encode(market.genesis_hash()),
        "genesis": genesis,
    });
    if let (Some(operator), None) = (operator, &args.operator_secret) {
        out["operator"] = json!({ "did": operator.id().did(), "secret": operator.secret_hex() });
    }
    print_pretty(&out)
}
