//! The kind registry: proof-gated kinds registered, rotated and retired at runtime by operator
//! quorum, with real Groth16 keys and proofs through the real `apply_block`. The verifier holds
//! no key at all: a runtime kind's key reaches it from the registry in state, so a replica (or a
//! restarted node) needs nothing but the chain. Every refusal has its stable code and changes
//! nothing.

use agora::{CircuitShape, Completion, Witness, task_terms};
use agora_core::{
    Action, AgentKey, AuditKind, Canonical, Created, FieldBytes, Genesis, KeyId, KindRecord, KindRegistration,
    KindVersion, PostTask, SignedTx, StateView, Status, Table, TaskId, TaskStatus, chain_field, kind_keys, task_field,
    worker_field,
};
use agora_tests::{USD, World, key};
use agora_zk::keys::vk_to_bytes;
use agora_zk::kinds::HashchainWitness;
use agora_zk::{Groth16Verifier, KeyPair, prove_completion, setup_kind};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

const PRICE: u128 = 10_000;
/// Depth of the circuits registered here (small: setup and proving take milliseconds).
const DEPTH: u32 = 4;
/// The runtime kind's number.
const KIND: u16 = 7;

fn keys(seed: u64) -> KeyPair {
    // Seeded setup randomness: tests only (whoever knows it can forge).
    setup_kind(CircuitShape::Hashchain { depth: DEPTH }, &mut StdRng::seed_from_u64(seed)).expect("setup")
}

fn registration(pair: &KeyPair, weight_bps: u16) -> KindRegistration {
    let vk = vk_to_bytes(&pair.vk).expect("vk bytes");
    KindRegistration {
        kind: KIND,
        name: "hashchain-4".into(),
        description: "four Poseidon hashes of a committed seed".into(),
        param_count: 1,
        weight_bps,
        max_gain: 0,
        key_id: pair.key_id,
        vk,
    }
}

fn rotation(pair: &KeyPair, version: u16) -> Action {
    Action::RotateKindKey { kind: KIND, version, key_id: pair.key_id, vk: vk_to_bytes(&pair.vk).expect("vk bytes") }
}

/// A world with two operators and a quorum of two, the employers trusted, verifying with a
/// Groth16 verifier that holds no key.
fn world() -> (World, AgentKey) {
    let operator = key(200);
    let second = key(201);
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.operators.push(second.id());
    genesis.arbitration.operator_threshold = 2;
    genesis.reputation.trusted = (1..=10).map(|i| key(i).id()).collect();
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new(Groth16Verifier::new()));
    (w, second)
}

/// Both operators approve `action`; asserts each approval is accepted.
fn quorum(w: &mut World, second: &AgentKey, action: Action) {
    let first = w.operator.clone();
    assert_eq!(w.run(&first, action.clone()), Status::Ok);
    assert_eq!(w.run(second, action), Status::Ok);
}

fn record<T: Canonical>(w: &World, table: Table, key: &[u8]) -> Option<T> {
    w.state.get(table, key).expect("memory read").map(|bytes| T::from_canonical_bytes(&bytes).expect("decodes"))
}

fn kind(w: &World) -> Option<KindRecord> {
    record(w, Table::Kinds, &kind_keys::kind(KIND))
}

fn version(w: &World, v: u16) -> Option<KindVersion> {
    record(w, Table::KindVersions, &kind_keys::version(KIND, v))
}

fn witness(n: u64) -> Witness {
    let salt = |i: u64| FieldBytes::hash_to_field("agora kind_registry test salt", &(3 * n + i).to_le_bytes());
    Witness::Hashchain(HashchainWitness { depth: DEPTH, seed: salt(0), input_salt: salt(1), output_salt: salt(2) })
}

fn offer(w: &World, witness: &Witness) -> PostTask {
    let (_, input_commitment, params) = task_terms(witness).expect("terms");
    PostTask {
        title: "runtime kind task".into(),
        requirements: String::new(),
        kind: KIND,
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

/// Posts a task of `witness` as `employer`, `worker` bids and is awarded.
fn awarded_task(w: &mut World, employer: &AgentKey, worker: &AgentKey, witness: &Witness) -> TaskId {
    w.fund(employer.id(), PRICE);
    let receipt = w.run_receipt(employer, Action::PostTask(offer(w, witness)));
    assert_eq!(receipt.status, Status::Ok, "posting a task of the runtime kind");
    let Created::Task(task) = receipt.created else { panic!("no task created") };
    assert_eq!(w.run(worker, Action::PlaceBid { task, price: PRICE, eta_secs: 60, plan_hash: [7; 32] }), Status::Ok);
    assert_eq!(w.run(employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    task
}

fn prove(w: &World, pair: &KeyPair, witness: &Witness, task: TaskId, worker: &AgentKey) -> Completion {
    let chain = chain_field(&w.config.genesis_hash);
    let mut rng = StdRng::seed_from_u64(task.0);
    prove_completion(witness, chain, task_field(task), worker_field(&worker.id()), &pair.pk, &mut rng).expect("proof")
}

fn completion(task: TaskId, c: &Completion) -> Action {
    Action::SubmitCompletion { task, output_commitment: c.output_commitment, proof: c.proof.clone(), sealed: None }
}

fn assert_rejected_without_effect(w: &mut World, tx: SignedTx, status: Status) {
    let before = w.state.clone();
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, status);
    assert_eq!(w.state, before, "a rejected transaction must not change state");
}

fn audit_kinds(w: &World) -> Vec<AuditKind> {
    agora_core::audit_entries(&w.state).expect("audit log").into_iter().map(|e| e.kind).collect()
}

#[test]
fn a_kind_registered_by_operator_quorum_settles_tasks_under_the_key_the_registry_holds() {
    let (mut w, second) = world();
    let pair = keys(1);
    let (employer, worker) = (key(1), key(50));
    w.register(&employer, 0);
    w.register(&worker, 0);

    let first = w.operator.clone();
    assert_eq!(w.run(&first, Action::RegisterKind(registration(&pair, 5_000))), Status::Ok);
    assert!(kind(&w).is_none(), "one approval of two does not register the kind");
    w.fund(employer.id(), PRICE);
    let early = w.sign(&employer, Action::PostTask(offer(&w, &witness(0))));
    assert_rejected_without_effect(&mut w, early, Status::UnknownKind);
    assert_eq!(w.run(&second, Action::RegisterKind(registration(&pair, 5_000))), Status::Ok);

    let record = kind(&w).expect("registered at the quorum");
    assert_eq!((record.version, record.retired, record.param_count, record.weight_bps), (1, false, 1, 5_000));
    let v1 = version(&w, 1).expect("version 1");
    assert_eq!(v1.key_id, pair.key_id);
    assert_eq!(v1.vk, vk_to_bytes(&pair.vk).expect("vk"), "the registry holds the key's bytes");
    assert_eq!(v1.public_inputs, 6);
    let audit = audit_kinds(&w);
    assert_eq!(audit.iter().filter(|k| **k == AuditKind::KindChangeApproved).count(), 2);
    assert!(audit.contains(&AuditKind::KindRegistered));

    let task = awarded_task(&mut w, &employer, &worker, &witness(0));
    assert_eq!(w.task(task).expect("task").kind_version, 1);
    let c = prove(&w, &pair, &witness(0), task, &worker);
    assert_eq!(w.run(&worker, completion(task, &c)), Status::Ok);
    assert_eq!(w.task(task).expect("task").status, TaskStatus::Completed);
    let full = agora_core::reputation::completion_gain(PRICE, Some(1_000_000), 0, agora_core::reputation::STANDING_ONE);
    assert_eq!(w.account(&worker.id()).received, full / 2, "the kind's weight (50 %) scales the gain");
    w.assert_conserved();
}

#[test]
fn a_proof_under_another_kind_version_or_key_is_rejected_and_old_tasks_keep_their_version() {
    let (mut w, second) = world();
    let (v1, v2, stranger) = (keys(1), keys(2), keys(3));
    let (employer, worker) = (key(1), key(50));
    w.register(&employer, 0);
    w.register(&worker, 0);
    quorum(&mut w, &second, Action::RegisterKind(registration(&v1, 10_000)));
    let old_task = awarded_task(&mut w, &employer, &worker, &witness(1));

    quorum(&mut w, &second, rotation(&v2, 2));
    assert_eq!(kind(&w).expect("kind").version, 2);
    assert!(audit_kinds(&w).contains(&AuditKind::KindKeyRotated));
    let new_task = awarded_task(&mut w, &employer, &worker, &witness(2));
    assert_eq!(w.task(new_task).expect("task").kind_version, 2);

    // An older version's key does not prove a task posted under the new one, nor a key the
    // registry never held (a different setup of the same circuit).
    let with_old_key = prove(&w, &v1, &witness(2), new_task, &worker);
    let tx = w.sign(&worker, completion(new_task, &with_old_key));
    assert_rejected_without_effect(&mut w, tx, Status::ProofInvalid);
    let with_other_key = prove(&w, &stranger, &witness(2), new_task, &worker);
    let tx = w.sign(&worker, completion(new_task, &with_other_key));
    assert_rejected_without_effect(&mut w, tx, Status::ProofInvalid);

    // The task posted before the rotation still settles under version 1; the new one under 2.
    let c = prove(&w, &v1, &witness(1), old_task, &worker);
    assert_eq!(w.run(&worker, completion(old_task, &c)), Status::Ok);
    let c = prove(&w, &v2, &witness(2), new_task, &worker);
    assert_eq!(w.run(&worker, completion(new_task, &c)), Status::Ok);
}

#[test]
fn a_retired_kind_takes_no_new_tasks_but_its_open_tasks_still_settle() {
    let (mut w, second) = world();
    let pair = keys(1);
    let (employer, worker) = (key(1), key(50));
    w.register(&employer, 0);
    w.register(&worker, 0);
    quorum(&mut w, &second, Action::RegisterKind(registration(&pair, 10_000)));
    let open = awarded_task(&mut w, &employer, &worker, &witness(3));
    quorum(&mut w, &second, Action::RetireKind { kind: KIND });
    assert!(kind(&w).expect("kind").retired);

    w.fund(employer.id(), PRICE);
    let post = w.sign(&employer, Action::PostTask(offer(&w, &witness(4))));
    assert_rejected_without_effect(&mut w, post, Status::KindRetired);
    let first = w.operator.clone();
    let rotate = w.sign(&first, rotation(&keys(2), 2));
    assert_rejected_without_effect(&mut w, rotate, Status::KindRetired);

    let c = prove(&w, &pair, &witness(3), open, &worker);
    assert_eq!(w.run(&worker, completion(open, &c)), Status::Ok, "an open task of a retired kind settles");
}

#[test]
fn registry_changes_that_break_a_rule_are_refused_with_their_code_and_change_nothing() {
    let (mut w, second) = world();
    let pair = keys(1);
    let operator = w.operator.clone();
    let outsider = key(60);
    w.register(&outsider, 0);
    let reject = |w: &mut World, from: &AgentKey, action: Action, status: Status| {
        let tx = w.sign(from, action);
        assert_rejected_without_effect(w, tx, status);
    };

    reject(&mut w, &outsider, Action::RegisterKind(registration(&pair, 10_000)), Status::NotOperator);
    let mut manual = registration(&pair, 10_000);
    manual.kind = 0;
    reject(&mut w, &operator, Action::RegisterKind(manual), Status::KindExists);
    let mut zero_weight = registration(&pair, 0);
    zero_weight.weight_bps = 0;
    reject(&mut w, &operator, Action::RegisterKind(zero_weight), Status::KindLayoutInvalid);
    let mut too_many_params = registration(&pair, 10_000);
    too_many_params.param_count = 17;
    reject(&mut w, &operator, Action::RegisterKind(too_many_params), Status::KindLayoutInvalid);
    let mut wrong_id = registration(&pair, 10_000);
    wrong_id.key_id = KeyId([9; 32]);
    reject(&mut w, &operator, Action::RegisterKind(wrong_id), Status::KindKeyIdMismatch);
    let mut garbage = registration(&pair, 10_000);
    garbage.vk = vec![0xff; 400];
    garbage.key_id = agora_core::key_id_of(&garbage.vk);
    reject(&mut w, &operator, Action::RegisterKind(garbage), Status::KindKeyInvalid);

    // A key whose first input base is the identity leaves the chain input unbound.
    let mut unbound = pair.vk.clone();
    unbound.gamma_abc_g1[1] = ark_ec::AffineRepr::zero();
    let mut degenerate = registration(&pair, 10_000);
    degenerate.vk = vk_to_bytes(&unbound).expect("vk");
    degenerate.key_id = agora_core::key_id_of(&degenerate.vk);
    reject(&mut w, &operator, Action::RegisterKind(degenerate), Status::KindKeyInvalid);

    // A circuit that does not expose the binding inputs: its key's input count is not 5 + params.
    let mut no_params = registration(&pair, 10_000);
    no_params.param_count = 0;
    reject(&mut w, &operator, Action::RegisterKind(no_params), Status::KindKeyLayoutMismatch);
    let toy = agora_zk::setup_with_rng(agora_zk::toy::ToyCircuit::shape(1), &mut StdRng::seed_from_u64(5))
        .expect("toy setup");
    let mut toy_reg = registration(&toy, 10_000);
    toy_reg.param_count = 0;
    reject(&mut w, &operator, Action::RegisterKind(toy_reg), Status::KindKeyLayoutMismatch);

    // Approving the same change twice, rotating past the next version, unknown kinds.
    assert_eq!(w.run(&operator, Action::RegisterKind(registration(&pair, 10_000))), Status::Ok);
    reject(&mut w, &operator, Action::RegisterKind(registration(&pair, 10_000)), Status::KindChangeConflict);
    assert_eq!(w.run(&second, Action::RegisterKind(registration(&pair, 10_000))), Status::Ok);
    reject(&mut w, &operator, Action::RegisterKind(registration(&pair, 10_000)), Status::KindExists);
    let mut same_name = registration(&keys(2), 10_000);
    same_name.kind = KIND + 1;
    reject(&mut w, &operator, Action::RegisterKind(same_name), Status::KindExists);
    reject(&mut w, &operator, rotation(&keys(2), 3), Status::KindVersionMismatch);
    reject(&mut w, &operator, rotation(&keys(2), 1), Status::KindVersionMismatch);
    reject(
        &mut w,
        &operator,
        Action::RotateKindKey { kind: 99, version: 2, key_id: pair.key_id, vk: vk_to_bytes(&pair.vk).expect("vk") },
        Status::UnknownKind,
    );
    reject(&mut w, &operator, Action::RetireKind { kind: 99 }, Status::UnknownKind);
    let oversized = Action::RotateKindKey { kind: KIND, version: 2, key_id: pair.key_id, vk: vec![1; 2_049] };
    reject(&mut w, &operator, oversized, Status::LimitExceeded);
}

#[test]
fn a_quorum_collects_only_identical_approvals_within_the_proposal_window() {
    let (mut w, second) = world();
    let (a, b) = (keys(1), keys(2));
    let operator = w.operator.clone();
    // Two operators approving different keys for the same kind do not make a quorum.
    assert_eq!(w.run(&operator, Action::RegisterKind(registration(&a, 10_000))), Status::Ok);
    assert_eq!(w.run(&second, Action::RegisterKind(registration(&b, 10_000))), Status::Ok);
    assert!(kind(&w).is_none(), "approvals of different keys never combine");
    // An approval lapses after the window: a late second approval starts over.
    w.time += agora_core::limits::KIND_PROPOSAL_TTL_SECS + 10;
    assert_eq!(w.run(&second, Action::RegisterKind(registration(&a, 10_000))), Status::Ok);
    assert!(kind(&w).is_none(), "a lapsed approval does not count");
    assert_eq!(w.run(&operator, Action::RegisterKind(registration(&a, 10_000))), Status::Ok);
    assert_eq!(kind(&w).expect("registered").version, 1);
    assert_eq!(version(&w, 1).expect("v1").key_id, a.key_id);
}
