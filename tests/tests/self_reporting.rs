//! # Attack: self-reported reputation
//!
//! Every path to reputation other than a verified proof: an agent tries to raise its own (or a
//! friend's) score by any transaction it can send — deposits, transfers, registering,
//! posting, bidding, withdrawing bids, awarding, cancelling, expiring, accepting deliveries,
//! and completions with garbage, truncated, corrupted, mismatched (valid for another task or
//! with another output) proofs — in any order, in blocks of several transactions, across
//! epoch boundaries.
//!
//! # Defence
//!
//! Reputation, proven completions and the evidence graph are written in exactly one place,
//! `credit_reputation`, reached only after the verifier returned `Valid` for the statement
//! the state machine built from its own records. Acceptance pays but never credits.
//!
//! # Asserted (proptest, after every block)
//!
//! * no account's stored `reputation`, `reputation_updated_at` or `proven_completions`
//!   changes, and no `TrustEdges` entry appears or changes, unless the block holds a
//!   `SubmitCompletion` with status `Ok` — and then only for its sender (proven completions
//!   +1 per such completion) and the edge from that task's employer to it (count +1);
//! * the `Standing` table changes only in a block that starts a new epoch;
//! * the nullifier set grows by exactly the number of accepted completions;
//! * funds are conserved.
//!
//! The world starts with reputation already earned by real proofs (so there is something to
//! tamper with), two awarded proof-gated tasks whose real proofs are in the generator's pool
//! (so an accepted completion is possible, rare, and checked), and standing recomputed once.
//! Run twice: with the real Groth16 verifier holding the kinds' keys, and with `NoProofKeys`
//! (under which no completion can ever be accepted). No proving happens inside the proptest.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use agora::Completion;
use agora_core::reputation::EdgeRecord;
use agora_core::{
    AccountRecord, Action, AgentId, AgentKey, Amount, Canonical, ChainTip, FieldBytes, MemoryState, NoProofKeys,
    PostTask, ProofVerifier, SignedTx, Split, Status, Table, TaskId, TxBody,
};
use agora_tests::{USD, World, key};
use common::*;
use proptest::prelude::*;

const AGENTS: u8 = 6;
/// Task ids the generator refers to (the base world holds 1–5).
const TASKS: u64 = 14;
/// The hashchain kind code and its one parameter (depth 16).
const HASHCHAIN: u16 = 3;

fn agent(i: u8) -> AgentKey {
    key(i + 1)
}

/// The starting point shared by every case.
struct Base {
    state: MemoryState,
    tip: ChainTip,
    time: u64,
    /// Real proofs of the two awarded tasks, (task, completion).
    pool: Vec<(TaskId, Completion)>,
}

fn trusted() -> Vec<AgentId> {
    vec![agent(0).id(), agent(1).id()]
}

fn new_world(verifier: Box<dyn ProofVerifier>) -> World {
    let mut w = proof_world(trusted());
    w.set_verifier(verifier);
    w
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut w = proof_world(trusted());
        for i in 0..AGENTS {
            w.register(&agent(i), 50 * USD_1);
        }
        // Completed with real proofs: agent 2 and 3 earn from trusted employers, agent 3 also
        // from agent 2 (no standing yet, so 0 points, but evidence).
        for (n, (e, k)) in [(0u8, 2u8), (1, 3), (2, 3)].into_iter().enumerate() {
            let witness = hashchain(n as u64 + 1);
            let task = job(&mut w, &agent(e), &agent(k), &witness, USD_1);
            let done = prove(&w, &witness, task, &agent(k).id());
            assert_eq!(w.run(&agent(k), submit_completion(task, &done)), Status::Ok);
        }
        // Standing recomputed from those edges (agent 2 now has some as an employer).
        start_next_epoch(&mut w);
        // Awarded, with proofs kept for the generator: 0 → 4 and 2 → 5 (posted after the epoch
        // jump, so their delivery deadlines lie ahead).
        let mut pool = Vec::new();
        for (n, (e, k)) in [(0u8, 4u8), (2, 5)].into_iter().enumerate() {
            let witness = hashchain(n as u64 + 10);
            let task = job(&mut w, &agent(e), &agent(k), &witness, USD_1);
            pool.push((task, prove(&w, &witness, task, &agent(k).id())));
        }
        assert!(!standings(&w).is_empty(), "standing recomputed");
        assert!(w.account(&agent(2).id()).reputation_stored() > 0);
        Base { state: w.state.clone(), tip: w.tip, time: w.time, pool }
    })
}

#[derive(Debug, Clone)]
enum ProofChoice {
    /// Pool entry i's proof with its own output commitment.
    Pool(usize),
    /// Pool entry i's proof with the other entry's output commitment.
    SwappedOutput(usize),
    /// Pool entry i's proof with one bit flipped.
    Flipped(usize, usize, u8),
    /// Arbitrary bytes.
    Garbage(Vec<u8>),
    /// 128 zero bytes.
    Zeros,
}

#[derive(Debug, Clone)]
enum Op {
    Deposit(u8, Amount),
    Withdraw(u8, Amount),
    Transfer(u8, u8, Amount),
    Register(u8),
    Deregister(u8),
    Reclaim(u8),
    /// Poster, budget, proof-gated (hashchain terms of work n) or manual, min reputation.
    Post(u8, Amount, Option<u64>, u64),
    Bid(u8, u64, Amount),
    WithdrawBid(u8, u64),
    Award(u8, u64, u8),
    Cancel(u8, u64),
    Expire(u8, u64),
    Accept(u8, u64),
    Submit(u8, u64, ProofChoice),
    /// The awarded worker of pool task i submits on that very task (the right task and sender,
    /// so only the proof decides).
    SubmitOwn(usize, ProofChoice),
}

fn proof_choice() -> impl Strategy<Value = ProofChoice> {
    prop_oneof![
        3 => (0..2usize).prop_map(ProofChoice::Pool),
        1 => (0..2usize).prop_map(ProofChoice::SwappedOutput),
        1 => (0..2usize, 0..128usize, 0..8u8).prop_map(|(i, b, bit)| ProofChoice::Flipped(i, b, bit)),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(ProofChoice::Garbage),
        1 => Just(ProofChoice::Zeros),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let a = 0..AGENTS;
    let amount = prop_oneof![0..10u128, 0..5_000_000u128, 0..200_000_000u128];
    let task = 1..=TASKS;
    prop_oneof![
        1 => (a.clone(), amount.clone()).prop_map(|(x, m)| Op::Deposit(x, m)),
        1 => (a.clone(), amount.clone()).prop_map(|(x, m)| Op::Withdraw(x, m)),
        1 => (a.clone(), a.clone(), amount.clone()).prop_map(|(x, y, m)| Op::Transfer(x, y, m)),
        1 => a.clone().prop_map(Op::Register),
        1 => a.clone().prop_map(Op::Deregister),
        1 => a.clone().prop_map(Op::Reclaim),
        3 => (a.clone(), amount.clone(), prop::option::of(0..16u64), prop_oneof![Just(0u64), 0..3_000u64])
            .prop_map(|(x, m, k, r)| Op::Post(x, m, k, r)),
        3 => (a.clone(), task.clone(), amount.clone()).prop_map(|(x, t, m)| Op::Bid(x, t, m)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::WithdrawBid(x, t)),
        3 => (a.clone(), task.clone(), a.clone()).prop_map(|(x, t, y)| Op::Award(x, t, y)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Cancel(x, t)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Expire(x, t)),
        2 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Accept(x, t)),
        3 => (a.clone(), task.clone(), proof_choice()).prop_map(|(x, t, p)| Op::Submit(x, t, p)),
        2 => (0..2usize, proof_choice()).prop_map(|(i, p)| Op::SubmitOwn(i, p)),
    ]
}

/// A block: the seconds to wait before it (sometimes across an epoch boundary) and its ops.
fn block() -> impl Strategy<Value = (u64, Vec<Op>)> {
    (prop_oneof![8 => Just(0u64), 2 => 0..5_000u64, 1 => 0..200_000u64], prop::collection::vec(op(), 1..5))
}

fn proof_bytes(pool: &[(TaskId, Completion)], choice: &ProofChoice) -> (FieldBytes, Vec<u8>) {
    match choice {
        ProofChoice::Pool(i) => (pool[*i].1.output_commitment, pool[*i].1.proof.clone()),
        ProofChoice::SwappedOutput(i) => (pool[1 - *i].1.output_commitment, pool[*i].1.proof.clone()),
        ProofChoice::Flipped(i, b, bit) => {
            let mut proof = pool[*i].1.proof.clone();
            proof[*b] ^= 1 << bit;
            (pool[*i].1.output_commitment, proof)
        }
        ProofChoice::Garbage(bytes) => (FieldBytes::from_u64(bytes.len() as u64), bytes.clone()),
        ProofChoice::Zeros => (FieldBytes::ZERO, vec![0; 128]),
    }
}

fn action(w: &World, pool: &[(TaskId, Completion)], op: &Op) -> (AgentKey, Action) {
    match op.clone() {
        Op::Deposit(x, m) => (w.operator.clone(), Action::Deposit { to: agent(x).id(), asset: USD, amount: m }),
        Op::Withdraw(x, m) => (agent(x), Action::Withdraw { asset: USD, amount: m }),
        Op::Transfer(x, y, m) => (agent(x), Action::Transfer { to: agent(y).id(), asset: USD, amount: m }),
        Op::Register(x) => (agent(x), Action::Register {}),
        Op::Deregister(x) => (agent(x), Action::Deregister {}),
        Op::Reclaim(x) => (agent(x), Action::ReclaimBond {}),
        Op::Post(x, m, work, min_reputation) => {
            let (kind, input_commitment, params) = match work {
                // Work 1–2 and 10–11 are the base world's: re-posting them invites NullifierUsed.
                Some(n) => {
                    let (kind, input, params) = agora::task_terms(&hashchain_terms_of(n)).expect("terms");
                    (kind, input, params)
                }
                None => (0, FieldBytes::from_u64(m as u64), vec![]),
            };
            debug_assert!(kind == 0 || kind == HASHCHAIN);
            let splits = if m % 3 == 0 { vec![Split { to: agent((x + 1) % AGENTS).id(), bps: 2_500 }] } else { vec![] };
            let offer = PostTask {
                title: "p".into(),
                requirements: String::new(),
                kind,
                params,
                input_commitment,
                asset: USD,
                budget: m,
                bid_deadline: w.time + 1_000,
                delivery_deadline: w.time + 10_000,
                splits,
                min_reputation,
            };
            (agent(x), Action::PostTask(offer))
        }
        Op::Bid(x, t, m) => (agent(x), Action::PlaceBid { task: TaskId(t), price: m, eta_secs: 1, plan_hash: [0; 32] }),
        Op::WithdrawBid(x, t) => (agent(x), Action::WithdrawBid { task: TaskId(t), bidder: agent(x).id() }),
        Op::Award(x, t, y) => (agent(x), Action::AwardBid { task: TaskId(t), bidder: agent(y).id() }),
        Op::Cancel(x, t) => (agent(x), Action::CancelTask { task: TaskId(t) }),
        Op::Expire(x, t) => (agent(x), Action::ExpireTask { task: TaskId(t) }),
        Op::Accept(x, t) => (agent(x), Action::AcceptDelivery { task: TaskId(t) }),
        Op::Submit(x, t, choice) => {
            let (output_commitment, proof) = proof_bytes(pool, &choice);
            (agent(x), Action::SubmitCompletion { task: TaskId(t), output_commitment, proof, sealed: None })
        }
        Op::SubmitOwn(i, choice) => {
            let (task, _) = &pool[i];
            let worker = w.task(*task).expect("pool task").worker.expect("awarded");
            let signer = (0..AGENTS).map(agent).find(|k| k.id() == worker).expect("an agent");
            let (output_commitment, proof) = proof_bytes(pool, &choice);
            (signer, Action::SubmitCompletion { task: *task, output_commitment, proof, sealed: None })
        }
    }
}

/// The witness behind work `n` of the generator (only its terms are used: nothing is proven).
fn hashchain_terms_of(n: u64) -> agora::Witness {
    hashchain(n)
}

/// What only a verified completion may change.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    /// agent → (reputation, reputation_updated_at, proven_completions)
    accounts: BTreeMap<AgentId, (u64, u64, u64, u64, u64)>,
    edges: BTreeMap<(AgentId, AgentId), EdgeRecord>,
    standing: BTreeMap<AgentId, u64>,
    nullifiers: usize,
}

fn snapshot(w: &World) -> Snapshot {
    let accounts = w
        .state
        .entries(Table::Accounts)
        .map(|(k, v)| {
            let id = AgentId::from_public_key_bytes(k.as_slice().try_into().expect("32 bytes")).expect("id");
            let a = AccountRecord::from_canonical_bytes(v).expect("account");
            (id, (a.reputation_micro, a.reputation_updated_at, a.proven_completions, a.received, a.conferred))
        })
        .collect();
    Snapshot {
        accounts,
        edges: edges(w),
        standing: standings(w),
        nullifiers: w.state.entries(Table::Nullifiers).count(),
    }
}

/// The invariant for one block: `credited` are the senders of its accepted completions (with
/// their number), `edge_counts` the (worker, employer) pairs of those completions. An employer
/// of an accepted completion may change only its `conferred` total, by exactly what its
/// edges' `gained` rose by (a genesis-trusted employer changes nothing).
fn check_block(
    before: &Snapshot,
    after: &Snapshot,
    credited: &BTreeMap<AgentId, u64>,
    edge_counts: &BTreeMap<(AgentId, AgentId), u32>,
    same_epoch: bool,
) -> Result<(), TestCaseError> {
    for id in before.accounts.keys().chain(after.accounts.keys()) {
        let was = before.accounts.get(id).copied().unwrap_or_default();
        let now = after.accounts.get(id).copied().unwrap_or_default();
        let employed = edge_counts.keys().any(|(_, employer)| employer == id);
        match credited.get(id) {
            None if employed => {
                let conferred: u64 = edge_counts
                    .keys()
                    .filter(|(_, employer)| employer == id)
                    .map(|key| {
                        let gained = |s: &Snapshot| s.edges.get(key).map(|e| e.gained).unwrap_or(0);
                        gained(after) - gained(before)
                    })
                    .sum();
                prop_assert_eq!((now.0, now.1, now.2, now.3), (was.0, was.1, was.2, was.3), "employer {} changed", id);
                // Genesis-trusted employers have no budget and keep no `conferred` total.
                let expected = if trusted().contains(id) { was.4 } else { was.4 + conferred };
                prop_assert_eq!(now.4, expected, "conferred by {}", id);
            }
            None => prop_assert_eq!(now, was, "reputation fields of {} changed without a verified completion", id),
            Some(n) => prop_assert_eq!(now.2, was.2 + n, "proven completions of {}", id),
        }
    }
    for key in before.edges.keys().chain(after.edges.keys()) {
        let (was, now) = (before.edges.get(key), after.edges.get(key));
        match edge_counts.get(key) {
            None => prop_assert_eq!(was, now, "evidence edge {:?} changed without a verified completion", key),
            Some(n) => prop_assert_eq!(
                now.map(|e| e.count),
                Some(was.map(|e| e.count).unwrap_or(0) + n),
                "evidence edge count {:?}",
                key
            ),
        }
    }
    if same_epoch {
        prop_assert_eq!(&after.standing, &before.standing, "standing changed within an epoch");
    }
    prop_assert_eq!(after.nullifiers, before.nullifiers + credited.values().sum::<u64>() as usize);
    Ok(())
}

/// Runs the blocks and checks the invariant after each; returns accepted completions and
/// counts the statuses of every completion submitted into `outcomes`.
fn run_case(
    w: &mut World,
    pool: &[(TaskId, Completion)],
    blocks: &[(u64, Vec<Op>)],
    outcomes: &mut BTreeMap<Status, usize>,
) -> Result<usize, TestCaseError> {
    let mut accepted = 0;
    for (wait, ops) in blocks {
        w.time += wait;
        // Sign with locally tracked nonces so one sender can have several transactions in a
        // block (after a rejection its later ones get BadNonce: part of the exploration).
        let mut nonces: HashMap<AgentId, u64> = HashMap::new();
        let mut txs: Vec<SignedTx> = Vec::new();
        for op in ops {
            let (signer, action) = action(w, pool, op);
            let nonce = nonces.entry(signer.id()).or_insert_with(|| w.account(&signer.id()).nonce);
            txs.push(TxBody { sender: signer.id(), nonce: *nonce, action }.sign(&signer, &w.config.genesis_hash));
            *nonce += 1;
        }
        let before = snapshot(w);
        let epoch_before = epoch_of(w, w.tip.time);
        let block_epoch = epoch_of(w, w.time);
        let receipts = w.apply(txs.clone());
        let after = snapshot(w);

        // Which (worker, employer) pairs a verified completion in this block may touch.
        let mut credited: BTreeMap<AgentId, u64> = BTreeMap::new();
        let mut edge_counts: BTreeMap<(AgentId, AgentId), u32> = BTreeMap::new();
        for (tx, receipt) in txs.iter().zip(&receipts) {
            if matches!(tx.body.action, Action::SubmitCompletion { .. }) {
                *outcomes.entry(receipt.status).or_default() += 1;
            }
            if let (Status::Ok, Action::SubmitCompletion { task, .. }) = (receipt.status, &tx.body.action) {
                let record = w.task(*task).expect("completed task exists");
                prop_assert_eq!(record.worker, Some(tx.body.sender));
                *credited.entry(tx.body.sender).or_default() += 1;
                *edge_counts.entry((tx.body.sender, record.employer)).or_default() += 1;
                accepted += 1;
            }
        }

        check_block(&before, &after, &credited, &edge_counts, block_epoch == epoch_before)?;
        w.assert_conserved();
    }
    Ok(accepted)
}

fn world_from_base(verifier: Box<dyn ProofVerifier>) -> World {
    let b = base();
    let mut w = new_world(verifier);
    w.state = b.state.clone();
    w.tip = b.tip;
    w.time = b.time;
    w
}

/// Runs `cases` random cases against a world verifying with `verifier()`, printing what was
/// explored; returns the completions accepted in all.
fn explore(name: &str, verifier: fn() -> Box<dyn ProofVerifier>) -> (usize, BTreeMap<Status, usize>) {
    use proptest::test_runner::{Config, TestRunner};
    let cases = if full_size() { 4_096 } else { 192 };
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let totals = std::cell::RefCell::new((0usize, 0usize, 0usize, BTreeMap::<Status, usize>::new()));
    let result = runner.run(&prop::collection::vec(block(), 1..40), |blocks| {
        let mut w = world_from_base(verifier());
        let mut outcomes = BTreeMap::new();
        let n = run_case(&mut w, &base().pool, &blocks, &mut outcomes)?;
        let mut t = totals.borrow_mut();
        t.0 += n;
        t.1 += blocks.len();
        t.2 += blocks.iter().map(|(_, ops)| ops.len()).sum::<usize>();
        for (status, count) in outcomes {
            *t.3.entry(status).or_default() += count;
        }
        Ok(())
    });
    let (accepted, blocks, txs, outcomes) = totals.into_inner();
    println!(
        "self-reporting ({name}): {cases} cases, {blocks} blocks, {txs} transactions, {accepted} completions accepted, in {:.2?}",
        started.elapsed()
    );
    println!(
        "  completion outcomes: {}",
        outcomes.iter().map(|(s, n)| format!("{} {n}", s.name())).collect::<Vec<_>>().join(", ")
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    (accepted, outcomes)
}

#[test]
fn only_a_verified_completion_moves_reputation() {
    let (_, outcomes) = explore("real Groth16 verifier", || Box::new((*fixture().keys.verifier()).clone()));
    // The generator must actually reach the verifier with bad proofs, not only fail earlier.
    for status in [Status::ProofInvalid, Status::ProofMalformed] {
        assert!(outcomes.get(&status).copied().unwrap_or(0) > 0, "no completion ended {status}: {outcomes:?}");
    }
}

#[test]
fn without_proof_keys_nothing_moves_reputation() {
    let (accepted, outcomes) = explore("NoProofKeys", || Box::new(NoProofKeys));
    assert_eq!(accepted, 0, "no completion can be accepted without keys");
    assert!(outcomes.get(&Status::UnknownProofKey).copied().unwrap_or(0) > 0, "{outcomes:?}");
}

/// The pool's own proofs are accepted where they belong (so the generator can reach an
/// accepted completion, and the invariant's "allowed" branch is exercised), and the checker
/// itself notices a change it was not told about.
#[test]
fn the_checker_sees_verified_completions_and_would_catch_a_stray_change() {
    let pool = &base().pool;
    let mut w = world_from_base(Box::new((*fixture().keys.verifier()).clone()));
    // Worker of pool task 0 is agent 4, of pool task 1 agent 5.
    let blocks = vec![(
        0,
        vec![Op::Submit(4, pool[0].0.0, ProofChoice::Pool(0)), Op::Submit(5, pool[1].0.0, ProofChoice::Pool(1))],
    )];
    let accepted = run_case(&mut w, pool, &blocks, &mut BTreeMap::new()).expect("invariant holds");
    assert_eq!(accepted, 2);
    assert!(w.account(&agent(4).id()).reputation_stored() > 0, "a trusted employer's verified completion earns");

    // A change nobody was credited for is reported, for each thing the invariant watches.
    let w = world_from_base(Box::new(NoProofKeys));
    let before = snapshot(&w);
    let none = (BTreeMap::new(), BTreeMap::new());
    assert!(check_block(&before, &before, &none.0, &none.1, true).is_ok());
    let id = agent(0).id();
    let mut tampered = before.clone();
    tampered.accounts.get_mut(&id).expect("agent 0").0 += 1;
    assert!(check_block(&before, &tampered, &none.0, &none.1, true).is_err(), "reputation");
    let mut tampered = before.clone();
    tampered.accounts.get_mut(&id).expect("agent 0").2 += 1;
    assert!(check_block(&before, &tampered, &none.0, &none.1, true).is_err(), "proven completions");
    let mut tampered = before.clone();
    tampered.edges.insert((id, agent(1).id()), EdgeRecord { evidence: 1, count: 1, gained: 0 });
    assert!(check_block(&before, &tampered, &none.0, &none.1, true).is_err(), "new edge");
    let mut tampered = before.clone();
    tampered.standing.insert(id, 1);
    assert!(check_block(&before, &tampered, &none.0, &none.1, true).is_err(), "standing within an epoch");
    assert!(check_block(&before, &tampered, &none.0, &none.1, false).is_ok(), "standing at an epoch start");
    // Credited for a completion but with nothing recorded: also reported.
    let credited: BTreeMap<AgentId, u64> = [(id, 1)].into();
    assert!(check_block(&before, &before, &credited, &none.1, true).is_err(), "missing credit");
}
