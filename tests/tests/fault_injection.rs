//! Fault injection: the redb file sits behind a backend that fails a chosen write (cleanly or
//! torn: half the bytes land) or a chosen fsync. For every write and every sync a block commit
//! makes, the commit must report an error, nothing partial may be visible, and the next open
//! must be consistent: the tip is the previous block or (only if the failure came after the
//! commit point) the whole new one, the stored digests agree with a replay, funds are
//! conserved, and the database accepts the next block.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora::{Action, AgentKey, Block, BlockHeader, Genesis, Marketplace, Status};
use agora_core::{ChainConfig, ChainTip, InitialBalance, MemoryState, NoProofKeys, TxBody, apply_block};
use agora_store::fault::{FaultMode, Faults};
use agora_store::{Store, StoreOptions};
use agora_tests::{USD, key};
use std::path::Path;

const AGENTS: u8 = 6;
/// Blocks committed before the faulty one.
const HISTORY: u64 = 3;

fn genesis() -> Genesis {
    let mut genesis = Genesis::development(key(200).id(), 1_000);
    genesis.balances =
        (1..=AGENTS).map(|i| InitialBalance { agent: key(i).id(), asset: "USD".into(), amount: 1_000_000 }).collect();
    genesis
}

/// The `n`-th block of the test history (1-based), signed against `prev`. Block `n` holds
/// transfers from every agent (nonce `n - 1`) and an operator deposit.
fn block(n: u64, prev: &ChainTip) -> Block {
    let config = ChainConfig::new(genesis()).unwrap();
    let sign = |k: &AgentKey, nonce: u64, action: Action| {
        TxBody { sender: k.id(), nonce, action }.sign(k, &config.genesis_hash)
    };
    let mut txs: Vec<_> = (1..=AGENTS)
        .map(|i| {
            let to = key(i % AGENTS + 1).id();
            sign(&key(i), n - 1, Action::Transfer { to, asset: USD, amount: 1_000 + u128::from(i) + u128::from(n) })
        })
        .collect();
    txs.push(sign(&key(200), n - 1, Action::Deposit { to: key(1).id(), asset: USD, amount: 77 }));
    Block { header: BlockHeader { height: n, time: 1_000 + n, prev_digest: prev.digest }, txs }
}

/// The chain of tips the history reaches, computed in memory: `tips[n]` is the tip after
/// block `n` (`tips[0]` = genesis).
fn reference_tips(blocks: u64) -> Vec<ChainTip> {
    let config = ChainConfig::new(genesis()).unwrap();
    let mut state = MemoryState::new();
    state.apply(&config.genesis_diff());
    let mut tips = vec![ChainTip { height: 0, time: 1_000, digest: config.genesis_hash }];
    for n in 1..=blocks {
        let prev = *tips.last().unwrap();
        let outcome = apply_block(&config, &state, &prev, &block(n, &prev), &NoProofKeys).unwrap();
        assert!(outcome.receipts.iter().all(|r| r.status == Status::Ok));
        state.apply(&outcome.diff);
        tips.push(outcome.tip);
    }
    tips
}

fn commit(store: &mut Store, n: u64) -> Result<ChainTip, agora_store::StoreError> {
    let tip = store.tip();
    let outcome = store.commit_block(&block(n, &tip), &NoProofKeys)?;
    assert!(outcome.receipts.iter().all(|r| r.status == Status::Ok));
    Ok(outcome.tip)
}

/// A store through `faults` holding the first `HISTORY` blocks.
fn store_with_history(path: &Path, faults: &Faults) -> Store {
    let mut store = Store::create_with_faults(path, genesis(), StoreOptions::default(), faults).unwrap();
    for n in 1..=HISTORY {
        commit(&mut store, n).unwrap();
    }
    store
}

/// How many writes and syncs committing block `HISTORY + 1` takes.
fn operations_per_commit(dir: &Path) -> (u64, u64) {
    let faults = Faults::new();
    let mut store = store_with_history(&dir.join("probe.redb"), &faults);
    let (writes, syncs) = (faults.writes(), faults.syncs());
    commit(&mut store, HISTORY + 1).unwrap();
    (faults.writes() - writes, faults.syncs() - syncs)
}

/// Checks the database at `path` after a failed commit of block `HISTORY + 1`; returns the
/// height it holds.
fn check_reopened(path: &Path, tips: &[ChainTip], what: &str) -> u64 {
    let market = Marketplace::open(path).unwrap_or_else(|e| panic!("{what}: reopen failed: {e}"));
    let tip = market.tip();
    let before = tips[HISTORY as usize];
    let after = tips[HISTORY as usize + 1];
    assert!(tip == before || tip == after, "{what}: tip {tip:?} is neither the previous nor the new block");
    for height in 0..=tip.height {
        assert_eq!(market.digest_at(height).unwrap(), Some(tips[height as usize].digest), "{what}: digest {height}");
    }
    let next = tip.height + 1;
    assert!(market.block(next).unwrap().is_none(), "{what}: block {next} stored beyond the tip");
    assert!(market.receipts(next).unwrap().is_none(), "{what}: receipts {next} stored beyond the tip");
    assert!(market.digest_at(next).unwrap().is_none(), "{what}: digest {next} stored beyond the tip");
    if tip == before {
        // The old state exactly: nonces not advanced.
        assert_eq!(market.account(&key(1).id()).unwrap().nonce, HISTORY, "{what}: partial state");
    } else {
        assert!(market.block(tip.height).unwrap().is_some() && market.receipts(tip.height).unwrap().is_some());
        assert_eq!(market.account(&key(1).id()).unwrap().nonce, HISTORY + 1, "{what}: partial state");
    }
    let report = market.replay(path.with_extension("replay.redb")).unwrap();
    assert!(report.matches(), "{what}: replay diverges: {report:?}");
    for totals in market.asset_totals().unwrap() {
        assert!(totals.conserved(), "{what}: {totals:?}");
    }
    drop(market);
    // The database carries on: the next block commits and lands on the reference digest.
    let mut store = Store::open(path, StoreOptions::default()).unwrap();
    let height = store.tip().height;
    let new_tip = commit(&mut store, height + 1).unwrap_or_else(|e| panic!("{what}: next commit failed: {e}"));
    assert_eq!(new_tip, tips[height as usize + 1], "{what}: next block digest");
    height
}

enum Fault {
    Write { number: u64, torn: bool, mode: FaultMode },
    Sync { number: u64, mode: FaultMode },
}

/// Commits block `HISTORY + 1` with `fault` armed; checks the failure and the reopened file.
/// Returns false if the fault never fired (the commit made fewer operations).
fn run(dir: &Path, tips: &[ChainTip], fault: Fault, name: &str) -> bool {
    let path = dir.join(format!("{name}.redb"));
    let faults = Faults::new();
    let mut store = store_with_history(&path, &faults);
    let before = store.tip();
    match fault {
        Fault::Write { number, torn, mode } => faults.fail_write(faults.writes() + number, mode, torn),
        Fault::Sync { number, mode } => faults.fail_sync(faults.syncs() + number, mode),
    }
    let result = commit(&mut store, HISTORY + 1);
    if faults.injected() == 0 {
        assert!(result.is_ok(), "{name}: commit failed without a fault: {:?}", result.err());
        return false;
    }
    let error = result.expect_err("a commit whose write or sync failed must report it");
    assert!(!error.to_string().is_empty());
    assert_eq!(store.tip(), before, "{name}: the handle's tip moved on a failed commit");
    // Nothing of the failed block is visible through the same handle (reads may also refuse).
    if let Ok(Some(found)) = store.block(HISTORY + 1) {
        panic!("{name}: the failed block is visible: {:?}", found.header);
    }
    // The handle refuses further writes rather than building on an unknown state, or commits
    // the next block correctly on top of what is really stored.
    if let Ok(tip) = commit(&mut store, HISTORY + 1) {
        assert_eq!(tip, tips[HISTORY as usize + 1], "{name}: retry on the same handle");
    }
    drop(store);
    faults.disarm();
    let height = check_reopened(&path, tips, name);
    std::fs::remove_file(&path).unwrap();
    let _ = std::fs::remove_file(path.with_extension("replay.redb"));
    height == HISTORY || height == HISTORY + 1
}

#[test]
fn every_failed_write_or_sync_of_a_commit_leaves_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let tips = reference_tips(HISTORY + 2);
    let (writes, syncs) = operations_per_commit(dir.path());
    assert!(writes > 0 && syncs > 0, "a durable commit writes and syncs ({writes} writes, {syncs} syncs)");
    let mut fired = 0;
    for number in 1..=writes {
        for (torn, mode) in [(false, FaultMode::Persistent), (true, FaultMode::Persistent), (false, FaultMode::Once)] {
            let name = format!("write-{number}-torn-{torn}-{mode:?}");
            fired += usize::from(run(dir.path(), &tips, Fault::Write { number, torn, mode }, &name));
        }
    }
    for number in 1..=syncs {
        for mode in [FaultMode::Persistent, FaultMode::Once] {
            let name = format!("sync-{number}-{mode:?}");
            fired += usize::from(run(dir.path(), &tips, Fault::Sync { number, mode }, &name));
        }
    }
    eprintln!("{writes} writes and {syncs} syncs per commit; {fired} faults injected and survived");
    assert!(fired >= (writes + syncs) as usize, "most fault points must actually fire ({fired})");
}

#[test]
fn a_failed_genesis_commit_never_leaves_a_half_initialised_database() {
    let dir = tempfile::tempdir().unwrap();
    let probe = Faults::new();
    drop(Store::create_with_faults(dir.path().join("probe.redb"), genesis(), StoreOptions::default(), &probe).unwrap());
    let (writes, syncs) = (probe.writes(), probe.syncs());
    let config = ChainConfig::new(genesis()).unwrap();
    let mut cases = Vec::new();
    cases.extend((1..=writes).map(|n| (Some(n), None)));
    cases.extend((1..=syncs).map(|n| (None, Some(n))));
    let mut failed_creates = 0;
    for (i, (write, sync)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("genesis-{i}.redb"));
        let faults = Faults::new();
        if let Some(n) = write {
            faults.fail_write(n, FaultMode::Persistent, true);
        }
        if let Some(n) = sync {
            faults.fail_sync(n, FaultMode::Persistent);
        }
        let created = Store::create_with_faults(&path, genesis(), StoreOptions::default(), &faults);
        if created.is_err() {
            failed_creates += 1;
        }
        drop(created);
        // Either the genesis is there in full, or the file is refused as not (yet) an Agora
        // database — never a store with a genesis but no tip.
        match Store::open(&path, StoreOptions::default()) {
            Ok(store) => {
                assert_eq!(store.tip().height, 0, "case {i}");
                assert_eq!(store.tip().digest, config.genesis_hash, "case {i}");
                assert_eq!(store.digest_at(0).unwrap(), Some(config.genesis_hash), "case {i}");
            }
            Err(e) => {
                let message = e.to_string();
                assert!(
                    matches!(
                        e,
                        agora_store::StoreError::NotInitialised(_)
                            | agora_store::StoreError::Corrupt(_)
                            | agora_store::StoreError::Io(_)
                    ),
                    "case {i}: unexpected error {message}"
                );
            }
        }
    }
    assert!(failed_creates > 0, "no fault fired during create");
}
