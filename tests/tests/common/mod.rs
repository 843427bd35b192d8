//! Helpers shared by the reputation attack suites (`sybil_farm`, `near_duplicate_tasks`,
//! `identical_work_twice`, `underbidding`, `self_reporting`): proof keys generated once per
//! test binary from a seeded RNG, witnesses with distinct input commitments, posting, awarding
//! and proving tasks, signing many transactions per block with tracked nonces, and the
//! CI / full size switch.
//!
//! Included with `mod common;` (a directory module is not a test target of its own). Each suite
//! uses a subset, hence `dead_code` is allowed.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use agora::proofs::DEFAULT_HASHCHAIN_DEPTH;
use agora::{CircuitShape, Completion, ProofKeys, Witness, task_terms};
use agora_core::reputation::EdgeRecord;
use agora_core::{
    Action, AgentId, AgentKey, Amount, Canonical, Created, Digest, FieldBytes, Genesis, KeyId, KindSpec, PostTask,
    SignedTx, Status, Table, TaskId, TxBody, chain_field, task_field, worker_field,
};
use agora_tests::{BOND, USD, World, key};
use agora_zk::kinds::{AggregateWitness, HashchainWitness};
use agora_zk::prove_completion;
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

/// One USD in its smallest unit (6 decimals): the development genesis' reference amount, worth
/// `POINTS_PER_REFERENCE` = 1,000 points at full standing.
pub const USD_1: Amount = 1_000_000;

/// True when the suite should run at full size (`AGORA_FULL=1`).
pub fn full_size() -> bool {
    std::env::var("AGORA_FULL").is_ok_and(|v| v == "1")
}

/// `part / whole` in basis points (0 when `whole` is 0), for printing percentages without
/// floating point.
pub fn bps(part: u128, whole: u128) -> u128 {
    (part * 10_000).checked_div(whole).unwrap_or(0)
}

/// Formats basis points as a percentage with two decimals.
pub fn pct(bps: u128) -> String {
    format!("{}.{:02}%", bps / 100, bps % 100)
}

/// Formats an amount of USD (6 decimals) with two decimals.
pub fn usd(amount: Amount) -> String {
    format!("{}.{:02} USD", amount / USD_1, (amount % USD_1) / 10_000)
}

// ---------------------------------------------------------------------------------------------
// Keys.
// ---------------------------------------------------------------------------------------------

/// Proof keys for some kinds, and their proving keys.
pub struct Fixture {
    /// The keys (verifier and kind specs).
    pub keys: ProofKeys,
    /// Proving keys by kind.
    pub pks: BTreeMap<u16, ProvingKey<Bn254>>,
}

fn generate(shapes: &[CircuitShape]) -> Fixture {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = StdRng::seed_from_u64(0x5eed_0fa6_07a0);
    let keys = ProofKeys::generate_with_rng(dir.path(), shapes, &mut rng, |_| {}).expect("key generation");
    let pks =
        keys.kind_specs().iter().map(|spec| (spec.kind, keys.proving_key(spec.kind).expect("proving key"))).collect();
    // The verifier and the proving keys are in memory now; the directory can go.
    drop(dir);
    println!("[fixture] proof keys for {shapes:?} generated in {:.2?}", started.elapsed());
    Fixture { keys, pks }
}

/// Keys for the `hashchain` kind (depth 16) only, generated once per test binary from a seeded
/// RNG. Deterministic setup randomness is only acceptable in tests (whoever knows it can forge
/// proofs).
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| generate(&[CircuitShape::Hashchain { depth: DEFAULT_HASHCHAIN_DEPTH }]))
}

/// Keys for the `aggregate` and `hashchain` kinds (for suites that need a kind whose parameter
/// can vary over the same input commitment). A test binary uses either this or [`fixture`].
pub fn fixture_with_aggregate() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        generate(&[CircuitShape::Aggregate, CircuitShape::Hashchain { depth: DEFAULT_HASHCHAIN_DEPTH }])
    })
}

/// The hashchain kind as a genesis registers it, with a placeholder key id: for worlds that
/// verify with [`TestOnlyAcceptAllProofs`] and need no keys at all.
pub fn placeholder_hashchain_kind() -> KindSpec {
    KindSpec {
        kind: CircuitShape::Hashchain { depth: DEFAULT_HASHCHAIN_DEPTH }.code(),
        name: "hashchain".into(),
        key_id: KeyId([0x77; 32]),
        param_count: 1,
        sealed_fields: 0,
        base_kind: None,
    }
}

/// A development genesis (USD, 1 USD = 1,000 points, 30-day half-life, daily epochs) whose
/// reputation seeds are exactly `trusted`, registering `kinds`.
pub fn genesis_with(operator: &AgentKey, trusted: Vec<AgentId>, kinds: Vec<KindSpec>) -> Genesis {
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = kinds;
    genesis.reputation.trusted = trusted;
    genesis
}

/// A world with [`fixture`]'s kinds, the real Groth16 verifier, and `trusted` seeds.
pub fn proof_world(trusted: Vec<AgentId>) -> World {
    proof_world_with(fixture(), trusted)
}

/// A world with `fx`'s kinds, the real Groth16 verifier holding `fx`'s keys, and `trusted` seeds.
pub fn proof_world_with(fx: &Fixture, trusted: Vec<AgentId>) -> World {
    let operator = key(200);
    let mut w = World::with_genesis(genesis_with(&operator, trusted, fx.keys.kind_specs()), operator);
    w.set_verifier(Box::new((*fx.keys.verifier()).clone()));
    w
}

// ---------------------------------------------------------------------------------------------
// Identities.
// ---------------------------------------------------------------------------------------------

/// The `i`-th key of group `group`: distinct from every other group's and from `key(n)` (whose
/// seed bytes are all equal).
pub fn agent_key(group: u8, i: u32) -> AgentKey {
    let mut seed = [0x5a; 32];
    seed[0] = 0xa5;
    seed[1] = group;
    seed[2..6].copy_from_slice(&i.to_le_bytes());
    AgentKey::from_seed(seed)
}

// ---------------------------------------------------------------------------------------------
// Witnesses and tasks.
// ---------------------------------------------------------------------------------------------

/// A field element derived from `n` (salts, seeds).
pub fn salt(n: u64) -> FieldBytes {
    FieldBytes::hash_to_field("agora reputation attack suites salt", &n.to_le_bytes())
}

/// A hashchain witness of the registered depth; distinct `n` give distinct input commitments
/// (different seed and input salt).
pub fn hashchain(n: u64) -> Witness {
    Witness::Hashchain(HashchainWitness {
        depth: DEFAULT_HASHCHAIN_DEPTH,
        seed: salt(3 * n),
        input_salt: salt(3 * n + 1),
        output_salt: salt(3 * n + 2),
    })
}

/// A hashchain witness on the same chain seed as `hashchain(0)`-style data but with its own
/// input salt: the same underlying work, a distinct input commitment ("near duplicate").
pub fn hashchain_resalted(seed: u64, salt_n: u64) -> Witness {
    Witness::Hashchain(HashchainWitness {
        depth: DEFAULT_HASHCHAIN_DEPTH,
        seed: salt(seed),
        input_salt: salt(1_000_000 + salt_n),
        output_salt: salt(2_000_000 + salt_n),
    })
}

/// An aggregate witness over fixed records (`n` varies them) with the given threshold (the
/// kind's public parameter; the input commitment does not depend on it).
pub fn aggregate(n: u64, threshold: u64) -> Witness {
    Witness::Aggregate(AggregateWitness {
        threshold,
        records: (0..64u64).map(|i| i * 37 + (i % 5) * 1_000 + n).collect(),
        input_salt: salt(5_000_000 + n),
        output_salt: salt(6_000_000 + n),
    })
}

/// An offer for `witness`'s terms at `budget` with `min_reputation`.
pub fn offer(w: &World, witness: &Witness, budget: Amount, min_reputation: u64) -> PostTask {
    let (kind, input_commitment, params) = task_terms(witness).expect("task terms");
    offer_terms(w, kind, input_commitment, params, budget, min_reputation)
}

/// An offer with explicit terms (for worlds that do not prove for real).
pub fn offer_terms(
    w: &World,
    kind: u16,
    input_commitment: FieldBytes,
    params: Vec<FieldBytes>,
    budget: Amount,
    min_reputation: u64,
) -> PostTask {
    PostTask {
        title: "attack suite task".into(),
        requirements: String::new(),
        kind,
        params,
        input_commitment,
        asset: USD,
        budget,
        bid_deadline: w.time + 1_000,
        delivery_deadline: w.time + 10_000,
        splits: vec![],
        min_reputation,
    }
}

/// Funds `employer` with the budget, posts `offer`, has `worker` bid the whole budget and
/// awards it.
pub fn post_and_award(w: &mut World, employer: &AgentKey, worker: &AgentKey, offer: PostTask) -> TaskId {
    let price = offer.budget;
    w.fund(employer.id(), price);
    let receipt = w.run_receipt(employer, Action::PostTask(offer));
    assert_eq!(receipt.status, Status::Ok);
    let Created::Task(task) = receipt.created else { panic!("expected a task, got {:?}", receipt.created) };
    assert_eq!(w.run(worker, Action::PlaceBid { task, price, eta_secs: 60, plan_hash: [7; 32] }), Status::Ok);
    assert_eq!(w.run(employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    task
}

/// Posts, bids and awards a task of `witness`'s terms at `price`.
pub fn job(w: &mut World, employer: &AgentKey, worker: &AgentKey, witness: &Witness, price: Amount) -> TaskId {
    let o = offer(w, witness, price, 0);
    post_and_award(w, employer, worker, o)
}

/// Proves `witness` for `task` of `w`'s chain by `worker` with [`fixture`]'s keys
/// (deterministic proving randomness).
pub fn prove(w: &World, witness: &Witness, task: TaskId, worker: &AgentId) -> Completion {
    prove_with(fixture(), w, witness, task, worker)
}

/// Proves `witness` for `task` of `w`'s chain by `worker` with `fx`'s keys.
pub fn prove_with(fx: &Fixture, w: &World, witness: &Witness, task: TaskId, worker: &AgentId) -> Completion {
    prove_on(fx, &w.config.genesis_hash, witness, task, worker)
}

/// Proves `witness` for `task` by `worker` on the chain with genesis hash `chain`, with `fx`'s
/// keys.
pub fn prove_on(fx: &Fixture, chain: &Digest, witness: &Witness, task: TaskId, worker: &AgentId) -> Completion {
    let pk = &fx.pks[&witness.kind().code()];
    let worker_seed = u64::from_le_bytes(worker.as_bytes()[..8].try_into().expect("8 bytes"));
    let mut rng = StdRng::seed_from_u64(task.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ worker_seed);
    prove_completion(witness, chain_field(chain), task_field(task), worker_field(worker), pk, &mut rng)
        .expect("honest proof")
}

/// The `SubmitCompletion` of a proven completion.
pub fn submit_completion(task: TaskId, c: &Completion) -> Action {
    Action::SubmitCompletion { task, output_commitment: c.output_commitment, proof: c.proof.clone(), sealed: None }
}

/// Applies `tx` alone and asserts it got `status` and changed nothing (apart from what the
/// block itself does at an epoch boundary: the epoch counter and recomputed standings).
pub fn assert_rejected_without_effect(w: &mut World, tx: SignedTx, status: Status) {
    let before = w.transaction_state();
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, status);
    // Not assert_eq!: a failure would print the whole state.
    assert!(w.transaction_state() == before, "a rejected transaction ({status}) must not change state");
}

/// Signs `action` from `from` and asserts it is rejected with `status` without effect.
pub fn assert_action_rejected(w: &mut World, from: &AgentKey, action: Action, status: Status) {
    let tx = w.sign(from, action);
    assert_rejected_without_effect(w, tx, status);
}

// ---------------------------------------------------------------------------------------------
// Many transactions per block.
// ---------------------------------------------------------------------------------------------

/// Signs many transactions for one block: tracks each sender's next nonce locally, so one
/// sender can have several transactions in the same block. Call [`Batch::apply`] to run them.
#[derive(Default)]
pub struct Batch {
    nonces: HashMap<AgentId, u64>,
    txs: Vec<SignedTx>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Appends `action` from `key` with its next nonce.
    pub fn push(&mut self, w: &World, key: &AgentKey, action: Action) {
        let id = key.id();
        let nonce = self.nonces.entry(id).or_insert_with(|| w.account(&id).nonce);
        let tx = TxBody { sender: id, nonce: *nonce, action }.sign(key, &w.config.genesis_hash);
        *nonce += 1;
        self.txs.push(tx);
    }

    /// Transactions queued.
    pub fn len(&self) -> usize {
        self.txs.len()
    }

    /// Nothing queued.
    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    /// Applies the queued transactions as one block and asserts every one succeeded (nonces
    /// were predicted assuming so). Returns the receipts' created objects.
    pub fn apply(self, w: &mut World) -> Vec<Created> {
        let receipts = w.apply(self.txs);
        for r in &receipts {
            assert_eq!(r.status, Status::Ok, "transaction {} of a bulk block", r.index);
        }
        receipts.into_iter().map(|r| r.created).collect()
    }
}

/// One job of a bulk scenario: who employs whom, at what price, on which offer.
pub struct BulkJob<'a> {
    /// The employer, who posts and awards.
    pub employer: &'a AgentKey,
    /// The worker, who bids the whole price and completes.
    pub worker: &'a AgentKey,
    /// The offer the employer posts (its budget is the price bid).
    pub offer: PostTask,
}

/// Runs `jobs` in three blocks — posts; each bid followed by its award (so no worker holds two
/// open bids); completions, each built by `complete(i, task)` for job `i` — and asserts every
/// transaction succeeded. Employers must already hold the escrow. Returns the tasks in order.
pub fn run_bulk_jobs(
    w: &mut World,
    jobs: Vec<BulkJob<'_>>,
    mut complete: impl FnMut(usize, TaskId) -> Action,
) -> Vec<TaskId> {
    let mut posts = Batch::new();
    let mut parties = Vec::with_capacity(jobs.len());
    for job in jobs {
        parties.push((job.employer, job.worker, job.offer.budget));
        posts.push(w, job.employer, Action::PostTask(job.offer));
    }
    let tasks: Vec<TaskId> = posts
        .apply(w)
        .into_iter()
        .map(|c| match c {
            Created::Task(t) => t,
            other => panic!("expected a task, got {other:?}"),
        })
        .collect();
    let mut awards = Batch::new();
    for ((employer, worker, price), task) in parties.iter().zip(&tasks) {
        awards.push(w, worker, Action::PlaceBid { task: *task, price: *price, eta_secs: 60, plan_hash: [1; 32] });
        awards.push(w, employer, Action::AwardBid { task: *task, bidder: worker.id() });
    }
    awards.apply(w);
    let mut completions = Batch::new();
    for (i, ((_, worker, _), task)) in parties.iter().zip(&tasks).enumerate() {
        let action = complete(i, *task);
        completions.push(w, worker, action);
    }
    completions.apply(w);
    tasks
}

/// A `SubmitCompletion` with a placeholder proof, for worlds whose verifier accepts every proof.
pub fn placeholder_completion(task: TaskId) -> Action {
    Action::SubmitCompletion { task, output_commitment: FieldBytes::from_u64(1), proof: vec![0; 128], sealed: None }
}

/// Registers every key (bond + `extra` deposited first), in blocks of at most 10,000
/// transactions.
pub fn register_many(w: &mut World, keys: &[AgentKey], extra: Amount) {
    let operator = w.operator.clone();
    for chunk in keys.chunks(5_000) {
        let mut batch = Batch::new();
        for k in chunk {
            batch.push(w, &operator, Action::Deposit { to: k.id(), asset: USD, amount: BOND + extra });
            batch.push(w, k, Action::Register {});
        }
        batch.apply(w);
    }
}

// ---------------------------------------------------------------------------------------------
// Reading reputation state.
// ---------------------------------------------------------------------------------------------

/// Every evidence edge: (worker, employer) → record.
pub fn edges(w: &World) -> BTreeMap<(AgentId, AgentId), EdgeRecord> {
    w.state
        .entries(Table::TrustEdges)
        .map(|(k, v)| {
            let worker = AgentId::from_public_key_bytes(k[..32].try_into().expect("32 bytes")).expect("worker id");
            let employer =
                AgentId::from_public_key_bytes(k[32..64].try_into().expect("32 bytes")).expect("employer id");
            ((worker, employer), EdgeRecord::from_canonical_bytes(v).expect("edge decodes"))
        })
        .collect()
}

/// An agent's standing as an employer now: full in the trusted set, else as last recomputed,
/// scaled by its slashes.
pub fn standing(w: &World, agent: &AgentId) -> u64 {
    agora_core::reputation::standing_of(&w.state, agent).expect("standing")
}

/// Every recomputed standing (agent → ppm).
pub fn standings(w: &World) -> BTreeMap<AgentId, u64> {
    w.state
        .entries(Table::Standing)
        .map(|(k, v)| {
            (
                AgentId::from_public_key_bytes(k.as_slice().try_into().expect("32 bytes")).expect("agent id"),
                u64::from_le_bytes(v.as_slice().try_into().expect("8 bytes")),
            )
        })
        .collect()
}

/// An agent's reputation at the next block's time, decay applied.
pub fn reputation_now(w: &World, agent: &AgentId) -> u64 {
    w.account(agent).reputation_at(w.time, w.config.genesis.reputation.half_life_secs)
}

/// The epoch (`time / epoch_secs`) a block at `time` belongs to.
pub fn epoch_of(w: &World, time: u64) -> u64 {
    time / w.config.genesis.reputation.epoch_secs
}

/// Moves the clock to the first second of the next epoch and applies an empty block there, so
/// standing is recomputed.
pub fn start_next_epoch(w: &mut World) {
    let epoch_secs = w.config.genesis.reputation.epoch_secs;
    w.time = (epoch_of(w, w.time) + 1) * epoch_secs;
    w.apply(vec![]);
}
