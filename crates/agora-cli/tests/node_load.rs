//! The node under load: 32 concurrent clients, and SIGKILL in the middle of load. Every
//! acknowledged transaction must be in the database and the stored blocks must replay to the
//! recorded digest.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod node_support;

use agora::{Action, AgentKey, AssetId, Receipt, Status, TxBody};
use agora_client::Client;
use node_support::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One client's posts: transfers from `key` starting at `nonce`; single posts or batches.
async fn post_transfers(
    client: Client,
    key: AgentKey,
    to: agora::AgentId,
    first: u64,
    count: usize,
    batch: usize,
    genesis: [u8; 32],
) -> Vec<Receipt> {
    let txs: Vec<_> = (0..count as u64)
        .map(|i| {
            TxBody { sender: key.id(), nonce: first + i, action: Action::Transfer { to, asset: AssetId(1), amount: 1 } }
                .sign(&key, &genesis)
        })
        .collect();
    let mut acked = Vec::new();
    for chunk in txs.chunks(batch) {
        let receipts = if chunk.len() == 1 {
            match client.submit(&chunk[0]).await {
                Ok(r) => vec![r],
                Err(_) => break,
            }
        } else {
            match client.submit_batch(chunk).await {
                Ok(r) => r,
                Err(_) => break,
            }
        };
        acked.extend(receipts);
    }
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_clients_every_acknowledged_tx_is_stored_and_the_digest_equals_replay() {
    const CLIENTS: usize = 32;
    let total = if full() { 20_000 } else { 2_000 };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let agents = keys(CLIENTS);
    create_db(&db, &operator, &agents, 1_000_000_000_000);
    let mut node = start(&db, &[]);
    let client = Client::new(&node.url).unwrap();
    let genesis = client.genesis_hash().await.unwrap();
    let mut tasks = Vec::new();
    for (i, key) in agents.iter().enumerate() {
        let to = agents[(i + 1) % CLIENTS].id();
        // Half the clients post one by one, half in batches of 25.
        let batch = if i % 2 == 0 { 1 } else { 25 };
        tasks.push(tokio::spawn(post_transfers(client.clone(), key.clone(), to, 0, total / CLIENTS, batch, genesis)));
    }
    let mut acked = Vec::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    assert_eq!(acked.len(), total / CLIENTS * CLIENTS);
    assert!(acked.iter().all(|r| r.status == Status::Ok), "a transfer was refused");
    let tip = client.tip().await.unwrap().tip;
    assert!(node.terminate().success());
    let height = check_acked_and_replay(&db, &acked);
    assert_eq!(height, tip.height);
    let out = agora(&db, &["replay"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["digest"], hex::encode(tip.digest));
    assert_eq!(report["matches"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_load_never_loses_an_acknowledged_tx() {
    const CLIENTS: usize = 8;
    let kills = if full() { 200 } else { 20 };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let agents = Arc::new(keys(CLIENTS));
    create_db(&db, &operator, &agents, 1_000_000_000_000);
    let mut acked: Vec<Receipt> = Vec::new();
    for round in 0..kills {
        let mut node = start(&db, &[]);
        let client = Client::new(&node.url).unwrap();
        let genesis = client.genesis_hash().await.unwrap();
        let mut tasks = Vec::new();
        for (i, key) in agents.iter().enumerate() {
            let first = client.next_nonce(&key.id()).await.unwrap();
            let to = agents[(i + 1) % CLIENTS].id();
            let batch = if i % 2 == 0 { 1 } else { 10 };
            tasks.push(tokio::spawn(post_transfers(client.clone(), key.clone(), to, first, 10_000, batch, genesis)));
        }
        // Kill at a different point of each round.
        tokio::time::sleep(Duration::from_millis(150 + (round as u64 * 37) % 250)).await;
        node.kill9();
        let deadline = Instant::now() + Duration::from_secs(30);
        for task in tasks {
            let left = deadline.saturating_duration_since(Instant::now());
            acked.extend(tokio::time::timeout(left, task).await.expect("client hung after the kill").unwrap());
        }
        assert!(acked.iter().all(|r| r.status == Status::Ok));
        check_acked_and_replay(&db, &acked);
    }
    assert!(!acked.is_empty(), "no transaction was acknowledged in any round");
}
