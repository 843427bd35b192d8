//! The redb store: atomic blocks, replay to the same digest, clear errors for a database held
//! elsewhere or a damaged file, and nothing lost.

use agora::{Action, Genesis, Marketplace, Status};
use agora_tests::{USD, key};
use std::process::Command;

fn market_with_history(path: &std::path::Path) -> Marketplace {
    let operator = key(200);
    let mut m = Marketplace::create(path, Genesis::development(operator.id(), 1_000)).unwrap();
    for round in 0..5u64 {
        let txs = (1..=4u8)
            .map(|i| {
                m.sign_with_nonce(
                    &operator,
                    round * 4 + u64::from(i) - 1,
                    Action::Deposit { to: key(i).id(), asset: USD, amount: 1_000 + u128::from(i) },
                )
            })
            .collect();
        let outcome = m.submit(txs, 1_000 + round).unwrap();
        assert!(outcome.receipts.iter().all(|r| r.status == Status::Ok));
    }
    let a = key(1);
    let tx = m.sign(&a, Action::Transfer { to: key(2).id(), asset: USD, amount: 500 }).unwrap();
    m.submit(vec![tx], 2_000).unwrap();
    m
}

#[test]
fn replay_reaches_the_identical_digest() {
    let dir = tempfile::tempdir().unwrap();
    let m = market_with_history(&dir.path().join("m.redb"));
    let report = m.replay(dir.path().join("replayed.redb")).unwrap();
    assert_eq!(report.blocks, 6);
    assert!(report.matches(), "{report:?}");
    assert_eq!(report.digest, m.tip().digest);
}

#[test]
fn state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let (tip, balance) = {
        let m = market_with_history(&path);
        (m.tip(), m.balance(&key(2).id(), USD).unwrap())
    };
    let m = Marketplace::open(&path).unwrap();
    assert_eq!(m.tip(), tip);
    assert_eq!(m.balance(&key(2).id(), USD).unwrap(), balance);
    assert!(m.asset_totals().unwrap().iter().all(|t| t.conserved()));
}

#[test]
fn a_refused_block_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = market_with_history(&dir.path().join("m.redb"));
    let tip = m.tip();
    let err = m.submit(vec![], tip.time - 1).unwrap_err();
    assert!(err.to_string().contains("before the previous block time"), "{err}");
    assert_eq!(m.tip(), tip);
    assert!(m.block(tip.height + 1).unwrap().is_none());
}

#[test]
fn a_second_handle_on_the_same_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let _held = market_with_history(&path);
    let err = Marketplace::open(&path).err().expect("second open must fail");
    assert!(err.to_string().contains("already open"), "{err}");
}

#[test]
fn a_second_process_on_the_same_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let _held = market_with_history(&path);
    let bin = env!("CARGO_BIN_EXE_agora-open-probe");
    let out = Command::new(bin).arg(&path).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already open in another process"), "{stderr}");
}

#[test]
fn a_corrupted_file_gives_a_clear_error_and_the_original_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    drop(market_with_history(&path));
    let mut bytes = std::fs::read(&path).unwrap();
    let copy = dir.path().join("damaged.redb");
    for b in bytes.iter_mut().take(4096) {
        *b ^= 0x5a;
    }
    std::fs::write(&copy, &bytes).unwrap();
    let err = Marketplace::open(&copy).err().expect("damaged file must not open");
    let message = err.to_string();
    assert!(
        message.contains("corrupt") || message.contains("not an Agora database") || message.contains("IO"),
        "{message}"
    );
    let original = Marketplace::open(&path).unwrap();
    assert_eq!(original.tip().height, 6);

    std::fs::write(&copy, b"this is not a database").unwrap();
    assert!(Marketplace::open(&copy).is_err());
    assert!(Marketplace::open(dir.path().join("missing.redb")).err().unwrap().to_string().contains("no database"));
}

#[test]
fn a_block_holding_a_rejected_over_limit_transaction_still_decodes_and_replays() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = market_with_history(&dir.path().join("m.redb"));
    let operator = key(200);
    let long_symbol = "X".repeat(agora_core::limits::MAX_SYMBOL_BYTES + 7);
    let tx = m.sign(&operator, Action::DeclareAsset { symbol: long_symbol, decimals: 0 }).unwrap();
    let outcome = m.submit(vec![tx], 3_000).unwrap();
    assert_eq!(outcome.receipts[0].status, Status::LimitExceeded);
    let stored = m.block(m.tip().height).unwrap().expect("stored block decodes");
    assert_eq!(stored.txs.len(), 1);
    assert!(m.replay(dir.path().join("replayed.redb")).unwrap().matches());
}
