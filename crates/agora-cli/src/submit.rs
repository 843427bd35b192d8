//! `agora submit`: signed transactions in, receipts out.

use crate::args::SubmitArgs;
use crate::init::now_secs;
use crate::output::print_json;
use agora::SignedTx;
use anyhow::Context;
use std::io::Read;
use std::path::Path;

/// Parses JSON lines of signed transactions; any bad line fails the whole input, so nothing is
/// applied from a half-read file.
pub fn parse_lines(text: &str) -> anyhow::Result<Vec<SignedTx>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).with_context(|| format!("line {}: not a signed transaction", i + 1))
        })
        .collect()
}

pub fn run(db: &Path, keys: Option<&Path>, args: SubmitArgs) -> anyhow::Result<()> {
    let text = match &args.file {
        Some(file) => std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?,
        None => {
            let mut buf = String::new();
            std::io::stdin().read_to_string(&mut buf).context("reading stdin")?;
            buf
        }
    };
    let txs = parse_lines(&text)?;
    let mut market = crate::keys::open_market(db, keys)?;
    let time = args.time.unwrap_or_else(|| now_secs().max(market.tip().time));
    for chunk in txs.chunks(args.block_size.max(1)) {
        let outcome = market.submit(chunk.to_vec(), time)?;
        for receipt in &outcome.receipts {
            print_json(receipt)?;
        }
    }
    Ok(())
}
