//! Reputation work per block is bounded (issue 11 §7): the epoch recompute runs once per block
//! even when the block's proofs are checked in two passes, completions worth nothing store no
//! evidence edge, and cheap edges cannot push honest evidence out of the recompute window.

mod common;

use std::cell::Cell;

use agora_core::reputation::{EPOCH_COUNTER, evidence_window};
use agora_core::{
    Action, AgentKey, Amount, Block, BlockHeader, Entries, FieldBytes, StateError, StateView, Status, Table, TaskId,
    apply_block,
};
use agora_tests::{TestOnlyAcceptAllProofs, World, key};
use common::{USD_1, agent_key, edges, genesis_with, offer_terms, placeholder_hashchain_kind, post_and_award};

/// The table the recompute reads its edges from.
const WINDOW_TABLE: Table = Table::TrustRank;

/// A view that counts the scans of the recompute's edge table.
struct Counting<'a> {
    inner: &'a dyn StateView,
    scans: Cell<usize>,
}

impl StateView for Counting<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.inner.get(table, key)
    }
    fn scan_prefix(&self, table: Table, prefix: &[u8], limit: usize) -> Result<Entries, StateError> {
        if table == WINDOW_TABLE {
            self.scans.set(self.scans.get() + 1);
        }
        self.inner.scan_prefix(table, prefix, limit)
    }
}

fn world(trusted: &AgentKey) -> World {
    let operator = key(200);
    let genesis = genesis_with(&operator, vec![trusted.id()], vec![placeholder_hashchain_kind()]);
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    w
}

/// Posts, awards and returns a proof-gated task paying `price`.
fn awarded(w: &mut World, employer: &AgentKey, worker: &AgentKey, n: u64, price: Amount) -> TaskId {
    let kind = placeholder_hashchain_kind().kind;
    let mut offer = offer_terms(w, kind, FieldBytes::from_u64(n), vec![FieldBytes::from_u64(1)], price, 0);
    offer.delivery_deadline = w.time + 3 * w.config.genesis.reputation.epoch_secs;
    post_and_award(w, employer, worker, offer)
}

fn prove(task: TaskId) -> Action {
    Action::SubmitCompletion { task, output_commitment: FieldBytes::ZERO, proof: vec![], sealed: None }
}

#[test]
fn an_epoch_opening_block_with_a_completion_recomputes_standing_once() {
    let employer = key(1);
    let worker = key(2);
    let mut w = world(&employer);
    w.register(&employer, 0);
    w.register(&worker, 0);
    let earlier = awarded(&mut w, &employer, &worker, 1, USD_1);
    assert_eq!(w.run(&worker, prove(earlier)), Status::Ok);
    let task = awarded(&mut w, &employer, &worker, 2, USD_1);

    // The next block opens an epoch and carries a completion (so its proofs take two passes).
    let epoch_secs = w.config.genesis.reputation.epoch_secs;
    let time = (w.time / epoch_secs + 1) * epoch_secs;
    let step = w.config.genesis.max_block_time_step_secs;
    while w.tip.time + step < time {
        w.time = w.tip.time + step;
        w.apply(vec![]);
    }
    let tx = w.sign(&worker, prove(task));
    let block =
        Block { header: BlockHeader { height: w.tip.height + 1, time, prev_digest: w.tip.digest }, txs: vec![tx] };
    let counting = Counting { inner: &w.state, scans: Cell::new(0) };
    let outcome = apply_block(&w.config, &counting, &w.tip, &block, &TestOnlyAcceptAllProofs).expect("block applies");
    assert_eq!(outcome.receipts[0].status, Status::Ok);
    assert!(outcome.diff.writes.contains_key(&(Table::Counters, EPOCH_COUNTER.as_bytes().to_vec())), "an epoch opened");
    println!("edge-window scans in the epoch-opening block: {}", counting.scans.get());
    assert_eq!(counting.scans.get(), 1, "the recompute runs exactly once per block");
}

#[test]
fn a_completion_worth_nothing_stores_no_evidence_edge() {
    let employer = key(1);
    let worker = key(2);
    let mut w = world(&employer);
    w.register(&employer, 0);
    w.register(&worker, 0);
    // One unit of USD is a millionth of the reference amount: value weight 0.
    let task = awarded(&mut w, &employer, &worker, 1, 1);
    assert_eq!(w.run(&worker, prove(task)), Status::Ok);
    assert!(edges(&w).is_empty(), "a zero-evidence edge was stored: {:?}", edges(&w));
    let task = awarded(&mut w, &employer, &worker, 2, USD_1);
    assert_eq!(w.run(&worker, prove(task)), Status::Ok);
    let stored = edges(&w);
    assert_eq!(stored.len(), 1);
    assert!(stored.values().all(|e| e.evidence > 0 && e.count == 1), "{stored:?}");
}

#[test]
fn cheap_edges_cannot_push_an_honest_edge_out_of_the_recompute_window() {
    let trusted = key(1);
    let mut w = world(&trusted);
    // The honest worker has the highest key of the group: in key order it would be read last.
    let mut workers: Vec<AgentKey> = (0..6).map(|i| agent_key(9, i)).collect();
    workers.sort_by_key(|k| *k.id().as_bytes());
    let honest = workers.pop().expect("six workers");
    let attacker = key(3);
    w.register(&trusted, 0);
    w.register(&attacker, 0);
    w.register(&honest, 0);
    for k in &workers {
        w.register(k, 0);
    }
    let task = awarded(&mut w, &trusted, &honest, 1, 10 * USD_1);
    assert_eq!(w.run(&honest, prove(task)), Status::Ok);
    // Cheap edges: a thousandth of the reference amount each (1 point of evidence).
    for (n, k) in workers.iter().enumerate() {
        let task = awarded(&mut w, &attacker, k, 100 + n as u64, USD_1 / 1_000);
        assert_eq!(w.run(k, prove(task)), Status::Ok);
    }
    let all = evidence_window(&w.state, usize::MAX).expect("window");
    assert_eq!(all.len(), workers.len() + 1);
    // A window with room for only as many edges as the attacker made still holds the honest one.
    let window = evidence_window(&w.state, workers.len()).expect("window");
    assert!(
        window.iter().any(|e| e.worker == honest.id() && e.employer == trusted.id()),
        "the honest edge was evicted by cheap ones: {window:?}"
    );
    assert!(window.windows(2).all(|p| p[0].evidence >= p[1].evidence), "window is read highest evidence first");
}
