//! The proof gate: reputation moves only when the state machine verifies a Groth16 (BN254)
//! proof of completion bound to the task and the worker. Real keys, real proofs, the real
//! `apply_block`; every attack is rejected with its own status code and leaves the state
//! exactly as it was.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use agora::proofs::DEFAULT_HASHCHAIN_DEPTH;
use agora::{Completion, ProofKeys, Witness, default_shapes, task_terms};
use agora_core::{
    Action, AgentKey, Amount, Created, FieldBytes, Genesis, MAX_PROOF_BYTES, NoProofKeys, PostTask, SignedTx, Status,
    TaskId, TaskStatus, chain_field, completion_public_inputs, task_field, worker_field,
};
use agora_tests::{USD, World, key};
use agora_zk::kinds::{AggregateWitness, ClassifyWitness, HashchainWitness};
use agora_zk::{Groth16Verifier, decode_proof, encode_proof, prove_completion};
use ark_bn254::Bn254;
use ark_groth16::{Groth16, ProvingKey};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

/// What every proof-gated task in this suite pays its worker.
const PRICE: Amount = 10_000;
/// The fee on `PRICE` at the development genesis' 30 bps.
const FEE: Amount = PRICE * 30 / 10_000;

// ---------------------------------------------------------------------------------------------
// Keys (generated once per test binary) and worlds.
// ---------------------------------------------------------------------------------------------

struct Fixture {
    keys: ProofKeys,
    /// Proving keys by kind, read once (the key directory is deleted after setup).
    pks: BTreeMap<u16, ProvingKey<Bn254>>,
}

/// Keys for the default shapes (aggregate, classify, hashchain depth 16) from a seeded RNG.
/// Deterministic setup randomness is only acceptable in tests (whoever knows it can forge).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut rng = StdRng::seed_from_u64(0x00a6_07a0_6a7e);
        let keys =
            ProofKeys::generate_with_rng(dir.path(), &default_shapes(), &mut rng, |_| {}).expect("key generation");
        let pks = keys
            .kind_specs()
            .iter()
            .map(|spec| (spec.kind, keys.proving_key(spec.kind).expect("proving key")))
            .collect();
        // The verifier and the proving keys are in memory now; the directory can go.
        drop(dir);
        Fixture { keys, pks }
    })
}

fn proof_genesis(operator: &AgentKey) -> Genesis {
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = fixture().keys.kind_specs();
    // The employers of these tests are trusted seeds, so a completion earns its full gain.
    genesis.reputation.trusted = (1..=30).map(|i| key(i).id()).collect();
    genesis
}

/// What the first verified completion at `PRICE` for a trusted employer earns.
fn first_gain() -> u64 {
    agora_core::reputation::completion_gain(PRICE, Some(1_000_000), 0, agora_core::reputation::STANDING_ONE)
}

/// A development world whose genesis registers the three proof-gated kinds, verifying with
/// the real Groth16 verifier.
fn proof_world() -> World {
    let operator = key(200);
    let mut w = World::with_genesis(proof_genesis(&operator), operator);
    w.set_verifier(Box::new((*fixture().keys.verifier()).clone()));
    w
}

// ---------------------------------------------------------------------------------------------
// Witnesses, tasks and proofs.
// ---------------------------------------------------------------------------------------------

fn salt(n: u64) -> FieldBytes {
    FieldBytes::hash_to_field("agora proof_gate test salt", &n.to_le_bytes())
}

/// A hashchain witness; distinct `n` give distinct input commitments.
fn hashchain(n: u64) -> Witness {
    Witness::Hashchain(HashchainWitness {
        depth: DEFAULT_HASHCHAIN_DEPTH,
        seed: salt(3 * n),
        input_salt: salt(3 * n + 1),
        output_salt: salt(3 * n + 2),
    })
}

fn aggregate(n: u64) -> Witness {
    Witness::Aggregate(AggregateWitness {
        threshold: 1_000,
        records: (0..64u64).map(|i| i * 37 + (i % 5) * 1_000_000 + n).collect(),
        input_salt: salt(1_000 + 2 * n),
        output_salt: salt(1_001 + 2 * n),
    })
}

fn classify(n: u64) -> Witness {
    Witness::Classify(ClassifyWitness {
        weights: (0..16i32).map(|i| (i - 8) * 300).collect(),
        bias: -1_234,
        model_salt: salt(2_000 + n),
        features: (0..16i32).map(|i| 1_000 - i * 170).collect(),
        input_salt: salt(3_000 + 2 * n),
        output_salt: salt(3_001 + 2 * n),
    })
}

/// The offer an employer posts for `witness`: kind, input commitment and params from
/// `task_terms`, budget `PRICE`.
fn offer(w: &World, witness: &Witness) -> PostTask {
    let (kind, input_commitment, params) = task_terms(witness).expect("task terms");
    PostTask {
        title: "proof-gated task".into(),
        requirements: String::new(),
        kind,
        params,
        input_commitment,
        asset: USD,
        budget: PRICE,
        bid_deadline: w.time + 100,
        delivery_deadline: w.time + 1_000,
        splits: vec![],
        min_reputation: 0,
    }
}

/// Funds `employer` with the budget, posts `offer`, has `worker` bid `PRICE` and awards it.
/// Both agents must be registered.
fn post_and_award(w: &mut World, employer: &AgentKey, worker: &AgentKey, offer: PostTask) -> TaskId {
    w.fund(employer.id(), offer.budget);
    let receipt = w.run_receipt(employer, Action::PostTask(offer));
    assert_eq!(receipt.status, Status::Ok);
    let Created::Task(task) = receipt.created else { panic!("expected a task, got {:?}", receipt.created) };
    assert_eq!(w.run(worker, Action::PlaceBid { task, price: PRICE, eta_secs: 60, plan_hash: [7; 32] }), Status::Ok);
    assert_eq!(w.run(employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    task
}

/// An awarded task of `witness`'s kind and input commitment.
fn job(w: &mut World, employer: &AgentKey, worker: &AgentKey, witness: &Witness) -> TaskId {
    let o = offer(w, witness);
    post_and_award(w, employer, worker, o)
}

/// Registers each key with no spare funds.
fn register_all(w: &mut World, keys: &[&AgentKey]) {
    for k in keys {
        w.register(k, 0);
    }
}

/// Proves `witness` for `task` of `w`'s chain by `worker` (deterministic proving randomness).
fn prove(w: &World, witness: &Witness, task: TaskId, worker: &AgentKey) -> Completion {
    let pk = &fixture().pks[&witness.kind().code()];
    let id = worker.id();
    let worker_seed = u64::from_le_bytes(id.as_bytes()[..8].try_into().expect("8 bytes"));
    let mut rng = StdRng::seed_from_u64(task.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ worker_seed);
    let chain = chain_field(&w.config.genesis_hash);
    prove_completion(witness, chain, task_field(task), worker_field(&id), pk, &mut rng).expect("honest proof")
}

fn submit(task: TaskId, output_commitment: FieldBytes, proof: Vec<u8>) -> Action {
    Action::SubmitCompletion { task, output_commitment, proof, sealed: None }
}

fn submit_completion(task: TaskId, c: &Completion) -> Action {
    submit(task, c.output_commitment, c.proof.clone())
}

/// `proof` re-randomised: another valid proof of the same statement, with different bytes.
fn rerandomize(kind: u16, proof: &[u8], seed: u64) -> Vec<u8> {
    let vk = &fixture().pks[&kind].vk;
    let decoded = decode_proof(proof).expect("proof decodes");
    let fresh = Groth16::<Bn254>::rerandomize_proof(vk, &decoded, &mut StdRng::seed_from_u64(seed));
    encode_proof(&fresh).expect("proof encodes")
}

/// Applies `tx` alone in a block and asserts it got `status` and changed nothing at all.
fn assert_rejected_without_effect(w: &mut World, tx: SignedTx, status: Status) {
    let before = w.state.clone();
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, status);
    assert_eq!(w.state, before, "a rejected transaction must not change state");
}

/// Signs `action` from `from` and asserts it is rejected with `status` without effect.
fn assert_action_rejected(w: &mut World, from: &AgentKey, action: Action, status: Status) {
    let tx = w.sign(from, action);
    assert_rejected_without_effect(w, tx, status);
}

/// Asserts `task` settled by proof for `worker`, whose balance and reputation were
/// `balance_before` / `reputation_before` just before the completion.
fn assert_settled_by_proof(
    w: &World,
    task: TaskId,
    worker: &AgentKey,
    output_commitment: FieldBytes,
    balance_before: Amount,
    reputation_before: u64,
) {
    let t = w.task(task).expect("task exists");
    assert_eq!(t.status, TaskStatus::Completed);
    assert_eq!((t.escrow, t.output_commitment), (0, Some(output_commitment)));
    assert_eq!(w.balance(&worker.id(), USD), balance_before + PRICE - FEE, "worker paid the price minus the fee");
    let account = w.account(&worker.id());
    assert_eq!(account.reputation_stored(), reputation_before + first_gain());
    assert_eq!(account.active_jobs, 0);
}

// ---------------------------------------------------------------------------------------------
// Honest completions.
// ---------------------------------------------------------------------------------------------

#[test]
fn honest_proof_of_each_kind_settles_pays_and_raises_reputation() {
    let mut w = proof_world();
    let employer = key(1);
    let workers = [key(2), key(3), key(4)];
    register_all(&mut w, &[&employer, &workers[0], &workers[1], &workers[2]]);
    let fee_account = w.config.fee_account;
    for (worker, witness) in workers.iter().zip([aggregate(1), classify(1), hashchain(1)]) {
        let task = job(&mut w, &employer, worker, &witness);
        let done = prove(&w, &witness, task, worker);
        // The prover's statement is exactly the one the state machine rebuilds from its records.
        let record = w.task(task).expect("task");
        assert_eq!(
            done.public_inputs,
            completion_public_inputs(
                chain_field(&w.config.genesis_hash),
                &record,
                &worker.id(),
                &done.output_commitment
            )
        );
        assert_eq!(done.input_commitment, record.offer.input_commitment);
        assert_eq!(w.account(&worker.id()).reputation_stored(), 0);
        let fees_before = w.balance(&fee_account, USD);
        assert_eq!(w.run(worker, submit_completion(task, &done)), Status::Ok, "{:?}", witness.kind());
        assert_settled_by_proof(&w, task, worker, done.output_commitment, 0, 0);
        assert_eq!(w.account(&worker.id()).proven_completions, 1);
        assert_eq!(w.balance(&fee_account, USD), fees_before + FEE);
        w.assert_conserved();
    }
    assert_eq!(w.account(&employer.id()).open_tasks, 0);
}

#[test]
fn accepting_delivery_of_a_proof_gated_task_pays_but_never_raises_reputation() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let task = job(&mut w, &employer, &worker, &hashchain(1));
    assert_eq!(w.run(&employer, Action::AcceptDelivery { task }), Status::Ok);
    assert_eq!(w.balance(&worker.id(), USD), PRICE - FEE);
    let account = w.account(&worker.id());
    assert_eq!(
        (account.reputation_stored(), account.proven_completions),
        (0, 0),
        "only a verified proof earns reputation"
    );
    // The task is closed: a completion afterwards cannot earn it either (rejected before any
    // proof is looked at).
    assert_action_rejected(&mut w, &worker, submit(task, FieldBytes::ZERO, vec![0; 128]), Status::TaskClosed);
    w.assert_conserved();
}

// ---------------------------------------------------------------------------------------------
// Replay and theft.
// ---------------------------------------------------------------------------------------------

#[test]
fn replaying_a_valid_proof_on_another_task_of_the_same_worker_is_invalid() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let (first_witness, second_witness) = (hashchain(1), hashchain(2));
    let first = job(&mut w, &employer, &worker, &first_witness);
    let second = job(&mut w, &employer, &worker, &second_witness);
    assert_ne!(w.task(first).unwrap().offer.input_commitment, w.task(second).unwrap().offer.input_commitment);
    let done = prove(&w, &first_witness, first, &worker);
    // The proof is bound to task `first` (and its input commitment): worthless for `second`.
    assert_action_rejected(&mut w, &worker, submit_completion(second, &done), Status::ProofInvalid);
    // Still valid where it belongs; after settling, replaying it on `second` is still invalid.
    assert_eq!(w.run(&worker, submit_completion(first, &done)), Status::Ok);
    assert_action_rejected(&mut w, &worker, submit_completion(second, &done), Status::ProofInvalid);
    assert_eq!(w.account(&worker.id()).proven_completions, 1);
    w.assert_conserved();
}

/// Cross-chain replay: two deployments whose genesis differs only in `chain_id`, the same
/// employer posting the same task (same id, input commitment and depth) to the same worker. A
/// proof made on one chain is `ProofInvalid` on the other and changes nothing there; each chain
/// accepts its own.
#[test]
fn proof_from_another_chain_is_rejected() {
    let operator = key(200);
    let mut other_genesis = proof_genesis(&operator);
    other_genesis.chain_id = "agora-other".to_string();
    let mut ours = proof_world();
    let mut theirs = World::with_genesis(other_genesis, operator);
    theirs.set_verifier(Box::new((*fixture().keys.verifier()).clone()));
    assert_eq!(theirs.config.genesis.kinds, ours.config.genesis.kinds, "same kinds, same keys");
    assert_ne!(theirs.config.genesis_hash, ours.config.genesis_hash);
    let (employer, worker) = (key(1), key(2));
    let witness = hashchain(1);
    let mut tasks = Vec::new();
    for w in [&mut ours, &mut theirs] {
        register_all(w, &[&employer, &worker]);
        tasks.push(job(w, &employer, &worker, &witness));
    }
    let task = tasks[0];
    assert_eq!(tasks[1], task, "the same task id on both chains");
    assert_eq!(ours.task(task).unwrap().offer, theirs.task(task).unwrap().offer);

    let proven_here = prove(&ours, &witness, task, &worker);
    let proven_there = prove(&theirs, &witness, task, &worker);
    assert_eq!(proven_here.output_commitment, proven_there.output_commitment, "same work, same output");
    assert_ne!(proven_here.public_inputs[0], proven_there.public_inputs[0], "only the chain input differs");
    assert_eq!(proven_here.public_inputs[1..], proven_there.public_inputs[1..]);
    assert_action_rejected(&mut theirs, &worker, submit_completion(task, &proven_here), Status::ProofInvalid);
    assert_action_rejected(&mut ours, &worker, submit_completion(task, &proven_there), Status::ProofInvalid);
    // Each chain accepts its own proof.
    let before = ours.balance(&worker.id(), USD);
    assert_eq!(ours.run(&worker, submit_completion(task, &proven_here)), Status::Ok);
    assert_settled_by_proof(&ours, task, &worker, proven_here.output_commitment, before, 0);
    let before = theirs.balance(&worker.id(), USD);
    assert_eq!(theirs.run(&worker, submit_completion(task, &proven_there)), Status::Ok);
    assert_settled_by_proof(&theirs, task, &worker, proven_there.output_commitment, before, 0);
    ours.assert_conserved();
    theirs.assert_conserved();
}

#[test]
fn stolen_proof_is_invalid_for_the_thiefs_task_and_unusable_on_the_victims() {
    let mut w = proof_world();
    let (employer, victim, thief) = (key(1), key(2), key(3));
    register_all(&mut w, &[&employer, &victim, &thief]);
    let witness = hashchain(1);
    let victims_task = job(&mut w, &employer, &victim, &witness);
    // The thief's task even has the very same input commitment and depth: only the task id and
    // the worker binding differ, and either is enough to sink the stolen proof.
    let thiefs_task = job(&mut w, &employer, &thief, &witness);
    let stolen = prove(&w, &witness, victims_task, &victim);
    assert_action_rejected(&mut w, &thief, submit_completion(thiefs_task, &stolen), Status::ProofInvalid);
    assert_action_rejected(&mut w, &thief, submit_completion(victims_task, &stolen), Status::NotWorker);
    // The victim's own proof still settles, and the thief gained nothing.
    assert_eq!(w.run(&victim, submit_completion(victims_task, &stolen)), Status::Ok);
    assert_eq!(w.account(&thief.id()).reputation_stored(), 0);
    assert_eq!(w.balance(&thief.id(), USD), 0);
    assert_eq!(w.task(thiefs_task).unwrap().status, TaskStatus::Awarded);
    w.assert_conserved();
}

// ---------------------------------------------------------------------------------------------
// Malleability.
// ---------------------------------------------------------------------------------------------

#[test]
fn rerandomised_proof_is_valid_once_and_identical_work_earns_once() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let witness = hashchain(1);
    let kind = witness.kind().code();
    let task = job(&mut w, &employer, &worker, &witness);
    let done = prove(&w, &witness, task, &worker);

    // Groth16 proofs are malleable: anyone can re-randomise a valid proof into different bytes
    // that verify for the same statement. That is harmless here because nothing is keyed on
    // proof bytes: the state machine checks the statement it builds itself (task, worker, input
    // commitment, claimed output, params) and closes the task and records the nullifier of the
    // statement. So a re-randomised proof from the right worker for a still-open task is simply
    // a valid proof — the statement, not the bytes, is what counts.
    let rerandomised = rerandomize(kind, &done.proof, 1);
    assert_ne!(rerandomised, done.proof);
    assert_eq!(w.run(&worker, submit(task, done.output_commitment, rerandomised)), Status::Ok);
    assert_settled_by_proof(&w, task, &worker, done.output_commitment, 0, 0);

    // Neither the original bytes nor yet another re-randomisation can settle it again.
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::TaskClosed);
    let again = rerandomize(kind, &done.proof, 2);
    assert_action_rejected(&mut w, &worker, submit(task, done.output_commitment, again), Status::TaskClosed);

    // A new task on the same input commitment for the same worker: even an honest, fresh proof
    // bound to the new task is refused — identical work earns reputation once.
    let repeat = job(&mut w, &employer, &worker, &witness);
    let honest = prove(&w, &witness, repeat, &worker);
    assert_action_rejected(&mut w, &worker, submit_completion(repeat, &honest), Status::NullifierUsed);
    let account = w.account(&worker.id());
    assert_eq!((account.reputation_stored(), account.proven_completions), (first_gain(), 1));
    w.assert_conserved();
}

// ---------------------------------------------------------------------------------------------
// Malformed and oversized proofs.
// ---------------------------------------------------------------------------------------------

#[test]
fn corrupted_truncated_padded_and_oversized_proofs_are_rejected() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let witness = hashchain(1);
    let task = job(&mut w, &employer, &worker, &witness);
    let done = prove(&w, &witness, task, &worker);
    let out = done.output_commitment;
    assert_eq!(done.proof.len(), 128);

    // Flipped bits across A (0..32), B (32..96) and C (96..128), including the flag bits at the
    // top of each point's last byte: either the bytes no longer decode to a canonical
    // in-subgroup point (Malformed) or they decode to a different proof (Invalid).
    let mut seen = BTreeMap::new();
    for position in [0usize, 17, 31, 32, 50, 63, 64, 95, 96, 111, 127] {
        for mask in [0x01u8, 0x40, 0x80] {
            let mut proof = done.proof.clone();
            proof[position] ^= mask;
            let tx = w.sign(&worker, submit(task, out, proof));
            let before = w.state.clone();
            let status = w.apply(vec![tx])[0].status;
            assert!(
                matches!(status, Status::ProofMalformed | Status::ProofInvalid),
                "byte {position} ^ {mask:#04x}: {status}"
            );
            assert_eq!(w.state, before, "a rejected transaction must not change state");
            *seen.entry(status).or_insert(0) += 1;
        }
    }
    // The sign flag of A (top bit of byte 31) selects −A: always a valid point, never the proof.
    let mut negated_a = done.proof.clone();
    negated_a[31] ^= 0x80;
    assert_action_rejected(&mut w, &worker, submit(task, out, negated_a), Status::ProofInvalid);
    assert!(seen.contains_key(&Status::ProofMalformed), "some flip must break decoding: {seen:?}");

    // Truncated: the wrong length never reaches the curve code.
    for len in [0usize, 1, 32, 64, 96, 127] {
        assert_action_rejected(&mut w, &worker, submit(task, out, done.proof[..len].to_vec()), Status::ProofMalformed);
    }
    // Longer than a proof but within MAX_PROOF_BYTES: malformed (trailing bytes, or two proofs).
    for len in [129usize, 160, 192, 255, 256] {
        let mut proof = done.proof.clone();
        proof.resize(len, 0);
        assert_action_rejected(&mut w, &worker, submit(task, out, proof), Status::ProofMalformed);
    }
    let doubled = [done.proof.clone(), done.proof.clone()].concat();
    assert_eq!(doubled.len(), MAX_PROOF_BYTES);
    assert_action_rejected(&mut w, &worker, submit(task, out, doubled), Status::ProofMalformed);
    // Beyond MAX_PROOF_BYTES: refused statelessly, before execution.
    for len in [MAX_PROOF_BYTES + 1, 1_000, 10_000] {
        let mut proof = done.proof.clone();
        proof.resize(len, 0);
        assert_action_rejected(&mut w, &worker, submit(task, out, proof), Status::LimitExceeded);
    }
    // So large the whole transaction exceeds MAX_TX_BYTES: that check comes first.
    assert_action_rejected(&mut w, &worker, submit(task, out, vec![0; 20_000]), Status::TxTooLarge);
    // All zeros, and all ones.
    for fill in [0x00u8, 0xff] {
        let tx = w.sign(&worker, submit(task, out, vec![fill; 128]));
        let before = w.state.clone();
        let status = w.apply(vec![tx])[0].status;
        assert!(matches!(status, Status::ProofMalformed | Status::ProofInvalid), "{fill:#04x} * 128: {status}");
        assert_eq!(w.state, before);
    }

    // None of it touched the task: the honest proof still settles it.
    assert_eq!(w.task(task).unwrap().status, TaskStatus::Awarded);
    assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);
    assert_settled_by_proof(&w, task, &worker, out, 0, 0);
    w.assert_conserved();
}

// ---------------------------------------------------------------------------------------------
// Wrong statements.
// ---------------------------------------------------------------------------------------------

#[test]
fn proof_under_another_kinds_key_is_invalid() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let aggregate_task = job(&mut w, &employer, &worker, &aggregate(1));
    // A hashchain proof bound to the aggregate task's id and this worker: same input count (5),
    // but made under the hashchain key, while the task's kind registers the aggregate key.
    let hashchain_proof = prove(&w, &hashchain(1), aggregate_task, &worker);
    assert_action_rejected(&mut w, &worker, submit_completion(aggregate_task, &hashchain_proof), Status::ProofInvalid);
    let account = w.account(&worker.id());
    assert_eq!((account.reputation_stored(), account.proven_completions), (0, 0));
}

#[test]
fn kind_registered_with_the_wrong_parameter_count_yields_proof_input_count() {
    // A genesis that registers the hashchain key but declares two kind parameters: the core
    // then builds seven public inputs, and the verifier checks the count against the key (six).
    let operator = key(200);
    let mut genesis = proof_genesis(&operator);
    let spec = genesis.kinds.iter_mut().find(|s| s.name == "hashchain").expect("hashchain kind");
    spec.param_count = 2;
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new((*fixture().keys.verifier()).clone()));
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);

    let witness = hashchain(1);
    let mut o = offer(&w, &witness);
    assert_eq!(o.params.len(), 1);
    w.fund(employer.id(), o.budget);
    // One parameter no longer matches the registered kind.
    assert_action_rejected(&mut w, &employer, Action::PostTask(o.clone()), Status::InvalidParams);
    o.params.push(FieldBytes::ZERO);
    let task = post_and_award(&mut w, &employer, &worker, o);
    let done = prove(&w, &witness, task, &worker);
    let record = w.task(task).unwrap();
    assert_eq!(
        completion_public_inputs(chain_field(&w.config.genesis_hash), &record, &worker.id(), &done.output_commitment)
            .len(),
        7
    );
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::ProofInputCount);
    w.assert_conserved();
}

#[test]
fn wrong_output_commitment_with_an_otherwise_valid_proof_is_invalid() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let witness = hashchain(1);
    let task = job(&mut w, &employer, &worker, &witness);
    let done = prove(&w, &witness, task, &worker);
    // The output of other work (same chain, different salt; and a different chain).
    let other_salt = prove(
        &w,
        &Witness::Hashchain(HashchainWitness {
            depth: DEFAULT_HASHCHAIN_DEPTH,
            seed: salt(3),
            input_salt: salt(4),
            output_salt: salt(99),
        }),
        task,
        &worker,
    );
    let other_chain = prove(&w, &hashchain(7), task, &worker);
    for claimed in
        [FieldBytes::ZERO, FieldBytes::from_u64(1), other_salt.output_commitment, other_chain.output_commitment]
    {
        assert_ne!(claimed, done.output_commitment);
        assert_action_rejected(&mut w, &worker, submit(task, claimed, done.proof.clone()), Status::ProofInvalid);
    }
    assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);
    assert_eq!(w.task(task).unwrap().output_commitment, Some(done.output_commitment));
}

// ---------------------------------------------------------------------------------------------
// Double submission.
// ---------------------------------------------------------------------------------------------

#[test]
fn double_submission_settles_once() {
    let mut w = proof_world();
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let witness = hashchain(1);
    let task = job(&mut w, &employer, &worker, &witness);
    let done = prove(&w, &witness, task, &worker);
    // The same signed completion twice in one block: the second is a nonce replay.
    let tx = w.sign(&worker, submit_completion(task, &done));
    let receipts = w.apply(vec![tx.clone(), tx.clone()]);
    assert_eq!((receipts[0].status, receipts[1].status), (Status::Ok, Status::BadNonce));
    assert_settled_by_proof(&w, task, &worker, done.output_commitment, 0, 0);
    // The old transaction in a later block: still a replay.
    assert_rejected_without_effect(&mut w, tx, Status::BadNonce);
    // Re-signed with the next nonce: the task is closed.
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::TaskClosed);
    assert_eq!(w.account(&worker.id()).proven_completions, 1);
    w.assert_conserved();
}

// ---------------------------------------------------------------------------------------------
// Batches.
// ---------------------------------------------------------------------------------------------

const BATCH: usize = 8;
const CORRUPT: usize = 5;

/// One employer, eight workers, eight awarded hashchain tasks with distinct input commitments.
fn batch_world() -> (World, Vec<(AgentKey, TaskId, Witness)>) {
    let mut w = proof_world();
    let employer = key(1);
    w.register(&employer, 0);
    let mut jobs = Vec::new();
    for i in 0..BATCH {
        let worker = key(10 + u8::try_from(i).expect("small"));
        w.register(&worker, 0);
        let witness = hashchain(100 + i as u64);
        let task = job(&mut w, &employer, &worker, &witness);
        jobs.push((worker, task, witness));
    }
    (w, jobs)
}

#[test]
fn one_bad_proof_in_a_batch_rejects_exactly_that_completion() {
    let (mut w, jobs) = batch_world();
    let mut txs = Vec::new();
    for (i, (worker, task, witness)) in jobs.iter().enumerate() {
        let done = if i == CORRUPT {
            // Valid curve points, honest output commitment, but proven for the next task's id:
            // a wrong statement for this task.
            prove(&w, witness, jobs[i + 1].1, worker)
        } else {
            prove(&w, witness, *task, worker)
        };
        txs.push(w.sign(worker, submit_completion(*task, &done)));
    }
    let receipts = w.apply(txs.clone());
    for (i, receipt) in receipts.iter().enumerate() {
        let expected = if i == CORRUPT { Status::ProofInvalid } else { Status::Ok };
        assert_eq!(receipt.status, expected, "completion {i}");
    }
    for (i, (worker, task, _)) in jobs.iter().enumerate() {
        let account = w.account(&worker.id());
        if i == CORRUPT {
            assert_eq!(w.task(*task).unwrap().status, TaskStatus::Awarded);
            assert_eq!(w.balance(&worker.id(), USD), 0);
            assert_eq!((account.reputation_stored(), account.proven_completions, account.active_jobs), (0, 0, 1));
        } else {
            assert_eq!(w.task(*task).unwrap().status, TaskStatus::Completed);
            assert_eq!(w.balance(&worker.id(), USD), PRICE - FEE);
            assert_eq!((account.reputation_stored(), account.proven_completions), (first_gain(), 1));
        }
    }
    w.assert_conserved();

    // The bad completion had no effect at all: the state equals that of the same world after a
    // block holding only the seven good completions.
    let (mut reference, _) = batch_world();
    let good: Vec<SignedTx> = txs.iter().enumerate().filter(|(i, _)| *i != CORRUPT).map(|(_, tx)| tx.clone()).collect();
    assert!(reference.apply(good).iter().all(|r| r.status == Status::Ok));
    assert_eq!(w.state, reference.state);
}

// ---------------------------------------------------------------------------------------------
// Missing keys.
// ---------------------------------------------------------------------------------------------

#[test]
fn verifier_without_the_kinds_key_yields_unknown_proof_key() {
    // The genesis registers the kinds, but this replica's verifier holds no keys.
    let operator = key(200);
    let mut w = World::with_genesis(proof_genesis(&operator), operator);
    w.set_verifier(Box::new(NoProofKeys));
    let (employer, worker) = (key(1), key(2));
    register_all(&mut w, &[&employer, &worker]);
    let witness = hashchain(1);
    let task = job(&mut w, &employer, &worker, &witness);
    let done = prove(&w, &witness, task, &worker);
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::UnknownProofKey);
    // An empty Groth16 verifier, and one holding only another kind's key, answer the same.
    w.set_verifier(Box::new(Groth16Verifier::new()));
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::UnknownProofKey);
    let mut partial = Groth16Verifier::new();
    partial.register(fixture().pks[&aggregate(1).kind().code()].vk.clone()).expect("register");
    w.set_verifier(Box::new(partial));
    assert_action_rejected(&mut w, &worker, submit_completion(task, &done), Status::UnknownProofKey);
    // With the right key the very same completion settles.
    w.set_verifier(Box::new((*fixture().keys.verifier()).clone()));
    assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);

    // A world whose genesis registers no kinds refuses the task outright.
    let mut bare = World::new();
    register_all(&mut bare, &[&employer]);
    let o = offer(&bare, &witness);
    bare.fund(employer.id(), o.budget);
    assert_action_rejected(&mut bare, &employer, Action::PostTask(o), Status::UnknownKind);
}
