//! `agora submit`: signed transactions in, receipts out.

use crate::args::SubmitArgs;
use crate::init::now_secs;
use crate::input::{MAX_SUBMIT_INPUT_BYTES, MAX_TX_JSON_BYTES, read_stdin_bounded, read_text_bounded};
use crate::output::print_json;
use agora::SignedTx;
use anyhow::Context;
use std::path::Path;

/// Parses JSON lines of signed transactions; any bad line fails the whole input, so nothing is
/// applied from a half-read file.
pub fn parse_lines(text: &str) -> anyhow::Result<Vec<SignedTx>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            agora::core::json::from_str_bounded(line, "signed transaction", MAX_TX_JSON_BYTES)
                .with_context(|| format!("line {}: not a signed transaction", i + 1))
        })
        .collect()
}

pub fn run(db: &Path, keys: Option<&Path>, args: SubmitArgs) -> anyhow::Result<()> {
    let text = match &args.file {
        Some(file) => read_text_bounded(file, "transaction file", MAX_SUBMIT_INPUT_BYTES)?,
        None => read_stdin_bounded("transaction input", MAX_SUBMIT_INPUT_BYTES)?,
    };
    let txs = parse_lines(&text)?;
    let mut market = crate::keys::open_market(db, keys)?;
    let time = match args.time {
        Some(time) => time,
        None => default_block_time(now_secs(), market.tip().time, market.config().genesis.max_block_time_step_secs),
    };
    for chunk in txs.chunks(args.block_size.max(1)) {
        let outcome = market.submit(chunk.to_vec(), time)?;
        for receipt in &outcome.receipts {
            print_json(receipt)?;
        }
    }
    Ok(())
}

/// The block time `submit` uses without `--time`: the clock, but never before the tip and never
/// more than the genesis maximum step after it (a node that was idle for longer catches up one
/// step per block; the note on stderr says so).
pub fn default_block_time(now: u64, tip_time: u64, max_step: u64) -> u64 {
    let latest = tip_time.saturating_add(max_step).min(agora_core::limits::MAX_BLOCK_TIME);
    if now > latest {
        eprintln!(
            "note: block time {latest} is the tip time plus the maximum step ({max_step} s), behind the clock ({now})"
        );
    }
    now.clamp(tip_time, latest.max(tip_time))
}
