//! Proof keys on the command line: where they live, `agora setup`, `agora prove`, and opening a
//! marketplace with its verifier.

use crate::args::{ImportKeysArgs, ProveArgs, SetupArgs};
use crate::output::{print_json, print_pretty};
use agora::proofs::default_shapes;
use agora::{AgentKey, CircuitShape, Marketplace, ProofKeys, TaskId, Witness};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The key directory: `--keys`, else `<db>.keys`.
pub fn keys_dir(db: &Path, keys: Option<&Path>) -> PathBuf {
    keys.map(Path::to_path_buf).unwrap_or_else(|| {
        let mut name = db.as_os_str().to_owned();
        name.push(".keys");
        PathBuf::from(name)
    })
}

/// Opens the marketplace with the verifying keys when the genesis registers proof-gated kinds.
pub fn open_market(db: &Path, keys: Option<&Path>) -> anyhow::Result<Marketplace> {
    let market = Marketplace::open(db).with_context(|| format!("opening {}", db.display()))?;
    if market.config().genesis.kinds.is_empty() {
        return Ok(market);
    }
    let dir = keys_dir(db, keys);
    let loaded = ProofKeys::load(&dir).with_context(|| format!("loading proof keys from {}", dir.display()))?;
    market.check_keys(&loaded)?;
    Ok(market.with_verifier(loaded.verifier()))
}

/// Runs the setup with a spinner naming each kind.
pub fn generate(dir: &Path, shapes: &[CircuitShape], quiet: bool) -> anyhow::Result<ProofKeys> {
    let spinner = if quiet { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
    spinner.set_style(
        ProgressStyle::with_template("{spinner} trusted setup: {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    let keys = ProofKeys::generate(dir, shapes, |name| spinner.set_message(name.to_string()))
        .with_context(|| format!("generating proof keys in {}", dir.display()))?;
    spinner.finish_and_clear();
    Ok(keys)
}

pub fn setup(db: &Path, keys: Option<&Path>, args: SetupArgs) -> anyhow::Result<()> {
    let dir = keys_dir(db, keys);
    let shapes: Vec<CircuitShape> = default_shapes()
        .into_iter()
        .map(|shape| match shape {
            CircuitShape::Hashchain { .. } => CircuitShape::Hashchain { depth: args.hashchain_depth },
            other => other,
        })
        .collect();
    let generated = generate(&dir, &shapes, false)?;
    print_pretty(&serde_json::json!({ "keys": dir.display().to_string(), "kinds": generated.kind_specs() }))
}

pub fn prove(db: &Path, keys: Option<&Path>, args: ProveArgs) -> anyhow::Result<()> {
    let worker = AgentKey::from_secret_hex(&args.secret).context("--secret")?;
    let text = crate::input::read_text_bounded(&args.witness, "witness", crate::input::MAX_WITNESS_JSON_BYTES)?;
    let witness = Witness::from_json(&text).with_context(|| format!("parsing witness {}", args.witness.display()))?;
    let dir = keys_dir(db, keys);
    let loaded = ProofKeys::load(&dir).with_context(|| format!("loading proof keys from {}", dir.display()))?;
    let market = open_market(db, keys)?;
    let (tx, completion) = market.prove_completion(&loaded, &worker, TaskId(args.task), &witness, args.nonce)?;
    if let Some(path) = &args.completion_out {
        std::fs::write(path, serde_json::to_string_pretty(&completion)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    print_json(&tx)
}

/// Default shapes, re-exported for `init --with-proofs` and the demo.
pub fn shapes() -> Vec<CircuitShape> {
    default_shapes()
}

pub fn import(db: &Path, keys: Option<&Path>, args: ImportKeysArgs) -> anyhow::Result<()> {
    let shape = match args.kind.as_str() {
        "aggregate" => CircuitShape::Aggregate,
        "classify" => CircuitShape::Classify,
        "hashchain" => CircuitShape::Hashchain { depth: args.depth },
        "fair_aggregate" => CircuitShape::FairAggregate,
        "fair_classify" => CircuitShape::FairClassify,
        other => {
            anyhow::bail!("unknown kind {other:?} (aggregate, classify, hashchain, fair_aggregate or fair_classify)")
        }
    };
    let read = |path: &Path| crate::input::read_bounded(path, "key file", crate::input::MAX_KEY_FILE_BYTES);
    let dir = keys_dir(db, keys);
    let imported = ProofKeys::import(&dir, shape, &read(&args.vk)?, &read(&args.pk)?)?;
    print_pretty(&serde_json::json!({ "keys": dir.display().to_string(), "kinds": imported.kind_specs() }))
}
