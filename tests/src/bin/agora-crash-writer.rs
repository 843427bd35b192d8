//! Test helper for the crash-safety suite.
//!
//! * `agora-crash-writer DB create` creates the database (development genesis, operator
//!   `key(200)`, agents `key(1..=8)` funded at genesis).
//! * `agora-crash-writer DB MAX_BLOCKS TXS_PER_BLOCK` opens it and commits up to `MAX_BLOCKS`
//!   blocks durably, each one operator deposit plus `TXS_PER_BLOCK` transfers, printing
//!   `<height> <digest hex>` on stdout after each commit has returned.
//!
//! The suite kills the writer with SIGKILL at random moments and checks that every block it
//! reported survived and that the database is consistent.

use agora::{Action, Genesis, Marketplace, Status};
use agora_core::InitialBalance;
use agora_tests::{USD, key};
use std::io::Write;

const AGENTS: u8 = 8;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match (args.get(1), args.get(2).map(String::as_str), args.get(3)) {
        (Some(path), Some("create"), None) => create(path),
        (Some(path), Some(max), Some(per)) => match (max.parse(), per.parse()) {
            (Ok(max), Ok(per)) => write(path, max, per),
            _ => usage(),
        },
        _ => usage(),
    };
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("usage: agora-crash-writer DB create | agora-crash-writer DB MAX_BLOCKS TXS_PER_BLOCK");
    std::process::exit(2);
}

fn create(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut genesis = Genesis::development(key(200).id(), 1_000);
    genesis.balances = (1..=AGENTS)
        .map(|i| InitialBalance { agent: key(i).id(), asset: "USD".into(), amount: 1_000_000_000_000 })
        .collect();
    Marketplace::create(path, genesis)?;
    Ok(())
}

fn write(path: &str, max_blocks: u64, per_block: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut market = Marketplace::open(path)?;
    let operator = key(200);
    let agents: Vec<_> = (1..=AGENTS).map(key).collect();
    let mut nonces = Vec::with_capacity(agents.len());
    for agent in &agents {
        nonces.push(market.account(&agent.id())?.nonce);
    }
    let first_operator_nonce = market.account(&operator.id())?.nonce;
    let stdout = std::io::stdout();
    for operator_nonce in first_operator_nonce..first_operator_nonce + max_blocks {
        let tip = market.tip();
        let mut txs = Vec::with_capacity(per_block + 1);
        let deposit = Action::Deposit { to: agents[0].id(), asset: USD, amount: 1 + u128::from(tip.height) };
        txs.push(market.sign_with_nonce(&operator, operator_nonce, deposit));
        for i in 0..per_block {
            let from = (tip.height as usize + i) % agents.len();
            let to = (from + 1 + i % 3) % agents.len();
            let amount = 1 + (u128::from(tip.height) * 31 + i as u128) % 997;
            let action = Action::Transfer { to: agents[to].id(), asset: USD, amount };
            txs.push(market.sign_with_nonce(&agents[from], nonces[from], action));
            nonces[from] += 1;
        }
        let outcome = market.submit(txs, tip.time + 1)?;
        if let Some(bad) = outcome.receipts.iter().find(|r| r.status != Status::Ok) {
            return Err(format!("transaction {} rejected: {}", bad.index, bad.status).into());
        }
        let digest: String = outcome.digest.iter().map(|b| format!("{b:02x}")).collect();
        let mut out = stdout.lock();
        writeln!(out, "{} {digest}", outcome.tip.height)?;
        out.flush()?;
    }
    Ok(())
}
