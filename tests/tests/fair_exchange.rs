//! Fair exchange: a fair-exchange task pays only against a completion that publishes the output
//! encrypted to the employer's registered key, with one Groth16 proof that the ciphertext is
//! that encryption of an output satisfying the task. Real keys, real proofs, the real
//! `apply_block`: every forgery is rejected with its own status and pays nothing; a valid one
//! pays, and the employer recovers exactly the output.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use agora::{CircuitShape, Completion, EncryptionKey, ProofKeys, Witness, task_terms};
use agora_core::{
    Action, AgentKey, Amount, Canonical, Created, CurvePoint, FieldBytes, Genesis, PostTask, SealedOutput,
    SealedTaskRecord, SignedTx, StateView, Status, Table, TaskId, TaskStatus, chain_field, sealing_keys, task_field,
    worker_field,
};
use agora_tests::{USD, World, key};
use agora_zk::kinds::{AggregateWitness, ClassifyWitness, TaskResult};
use agora_zk::{open_sealed, prove_completion, prove_fair_completion};
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

/// What every task in this suite pays its worker.
const PRICE: Amount = 10_000;
/// The fee on `PRICE` at the development genesis' 30 bps.
const FEE: Amount = PRICE * 30 / 10_000;
/// Kind numbers of fair-exchange aggregate and classify.
const FAIR_AGGREGATE: u16 = 11;
const FAIR_CLASSIFY: u16 = 12;

struct Fixture {
    keys: ProofKeys,
    pks: BTreeMap<u16, ProvingKey<Bn254>>,
}

/// Keys for plain aggregate and the two fair-exchange kinds, from a seeded RNG (tests only).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut rng = StdRng::seed_from_u64(0xfa1e_c4a6_9e00);
        let shapes = [CircuitShape::Aggregate, CircuitShape::FairAggregate, CircuitShape::FairClassify];
        let keys = ProofKeys::generate_with_rng(dir.path(), &shapes, &mut rng, |_| {}).expect("key generation");
        let pks = keys
            .kind_specs()
            .iter()
            .map(|spec| (spec.kind, keys.proving_key(spec.kind).expect("proving key")))
            .collect();
        Fixture { keys, pks }
    })
}

fn world() -> World {
    let operator = key(200);
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = fixture().keys.kind_specs();
    genesis.reputation.trusted = (1..=30).map(|i| key(i).id()).collect();
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new((*fixture().keys.verifier()).clone()));
    w
}

fn salt(n: u64) -> FieldBytes {
    FieldBytes::hash_to_field("agora fair_exchange test salt", &n.to_le_bytes())
}

fn aggregate(n: u64) -> Witness {
    Witness::Aggregate(AggregateWitness {
        threshold: 1_000,
        records: (0..64u64).map(|i| i * 41 + (i % 3) * 700 + n).collect(),
        input_salt: salt(2 * n),
        output_salt: salt(2 * n + 1),
    })
}

fn with_output_salt(witness: &Witness, output_salt: FieldBytes) -> Witness {
    match witness {
        Witness::Aggregate(w) => Witness::Aggregate(AggregateWitness { output_salt, ..w.clone() }),
        Witness::Classify(w) => Witness::Classify(ClassifyWitness { output_salt, ..w.clone() }),
        Witness::Hashchain(_) => unreachable!("no fair-exchange hashchain"),
    }
}

fn classify(n: u64) -> Witness {
    Witness::Classify(ClassifyWitness {
        weights: (0..16i32).map(|i| (i - 7) * 250).collect(),
        bias: 321,
        model_salt: salt(5_000 + n),
        features: (0..16i32).map(|i| 900 - i * 130).collect(),
        input_salt: salt(6_000 + 2 * n),
        output_salt: salt(6_001 + 2 * n),
    })
}

/// The employer's encryption key (a fixed secret per seed: tests only).
fn encryption_key(seed: u8) -> EncryptionKey {
    EncryptionKey::from_secret_bytes(&[seed; 32]).expect("non-zero secret")
}

/// Registers `agent` with no spare funds and, if given, its encryption key.
fn register(w: &mut World, agent: &AgentKey, key: Option<&EncryptionKey>) {
    w.register(agent, 0);
    if let Some(key) = key {
        let action = key.registration(&w.config.genesis_hash, &agent.id());
        assert_eq!(w.run(agent, action), Status::Ok);
    }
}

/// The offer for `witness` under `kind` (a fair-exchange kind takes its base kind's terms).
fn offer(w: &World, witness: &Witness, kind: u16) -> PostTask {
    let (_, input_commitment, params) = task_terms(witness).expect("task terms");
    PostTask {
        title: "fair-exchange task".into(),
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

/// Funds the employer, posts a task of `kind` for `witness`, and awards it to `worker`.
fn job(w: &mut World, employer: &AgentKey, worker: &AgentKey, witness: &Witness, kind: u16) -> TaskId {
    let o = offer(w, witness, kind);
    w.fund(employer.id(), o.budget);
    let receipt = w.run_receipt(employer, Action::PostTask(o));
    assert_eq!(receipt.status, Status::Ok);
    let Created::Task(task) = receipt.created else { panic!("expected a task, got {:?}", receipt.created) };
    assert_eq!(w.run(worker, Action::PlaceBid { task, price: PRICE, eta_secs: 60, plan_hash: [7; 32] }), Status::Ok);
    assert_eq!(w.run(employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    task
}

/// A sealed completion of `task` by `worker`, sealed to `to` under the ephemeral key drawn from
/// `seed`.
fn prove_sealed(
    w: &World,
    kind: u16,
    witness: &Witness,
    task: TaskId,
    worker: &AgentKey,
    to: &CurvePoint,
    seed: u64,
) -> Completion {
    let chain = chain_field(&w.config.genesis_hash);
    let mut rng = StdRng::seed_from_u64(seed);
    prove_fair_completion(
        witness,
        chain,
        task_field(task),
        worker_field(&worker.id()),
        to,
        &fixture().pks[&kind],
        &mut rng,
    )
    .expect("honest fair-exchange proof")
}

fn submit(task: TaskId, c: &Completion, sealed: Option<SealedOutput>) -> Action {
    Action::SubmitCompletion { task, output_commitment: c.output_commitment, proof: c.proof.clone(), sealed }
}

fn sealed(c: &Completion) -> SealedOutput {
    c.sealed.clone().expect("a fair-exchange completion carries its sealed output")
}

/// Applies `tx` alone in a block and asserts it got `status`, changed nothing and paid no one.
fn assert_rejected_without_effect(w: &mut World, tx: SignedTx, status: Status) {
    let before = w.state.clone();
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, status);
    assert_eq!(w.state, before, "a rejected transaction must not change state");
}

fn assert_rejected(w: &mut World, from: &AgentKey, action: Action, status: Status) {
    let tx = w.sign(from, action);
    assert_rejected_without_effect(w, tx, status);
}

/// An employer with key 1's encryption key, a worker, and an awarded task of `kind`.
/// A world with a registered employer (key 1) holding an encryption key and a registered
/// worker (key 2).
fn parties() -> (World, AgentKey, AgentKey, EncryptionKey) {
    let mut w = world();
    let (employer, worker, enc) = (key(1), key(2), encryption_key(41));
    register(&mut w, &employer, Some(&enc));
    register(&mut w, &worker, None);
    (w, employer, worker, enc)
}

/// A plain (kind 1) completion of `task` by `worker`, proving randomness from `seed`.
fn prove_plain(w: &World, witness: &Witness, task: TaskId, worker: &AgentKey, seed: u64) -> Completion {
    let chain = chain_field(&w.config.genesis_hash);
    let mut rng = StdRng::seed_from_u64(seed);
    prove_completion(witness, chain, task_field(task), worker_field(&worker.id()), &fixture().pks[&1], &mut rng)
        .expect("plain proof")
}

fn awarded(kind: u16, witness: &Witness) -> (World, AgentKey, AgentKey, EncryptionKey, TaskId) {
    let (mut w, employer, worker, enc) = parties();
    let task = job(&mut w, &employer, &worker, witness, kind);
    (w, employer, worker, enc, task)
}

// ---------------------------------------------------------------------------------------------
// Honest exchanges.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_valid_sealed_completion_pays_and_the_employer_recovers_exactly_the_output() {
    for (kind, witness) in [(FAIR_AGGREGATE, aggregate(1)), (FAIR_CLASSIFY, classify(1))] {
        let (mut w, employer, worker, enc, task) = awarded(kind, &witness);
        let done = prove_sealed(&w, kind, &witness, task, &worker, &enc.public(), 7);
        assert_eq!(done.public_inputs.len(), 6 + agora_core::ENVELOPE_PUBLIC_INPUTS);
        assert_eq!(w.run(&worker, submit(task, &done, Some(sealed(&done)))), Status::Ok, "kind {kind}");
        let t = w.task(task).expect("task");
        assert_eq!((t.status, t.escrow, t.output_commitment), (TaskStatus::Completed, 0, Some(done.output_commitment)));
        assert_eq!(w.balance(&worker.id(), USD), PRICE - FEE, "the worker is paid by the same transaction");
        assert_eq!(w.account(&worker.id()).proven_completions, 1);
        w.assert_conserved();

        // The ciphertext is stored with the task; the employer opens it with its secret.
        let stored = SealedTaskRecord::from_canonical_bytes(
            &w.state
                .get(Table::SealedTasks, &sealing_keys::sealed_task(task))
                .expect("state read")
                .expect("sealed record"),
        )
        .expect("decodes");
        assert_eq!(stored.employer_key, enc.public());
        assert_eq!(stored.delivery.as_ref(), Some(&sealed(&done)));
        let opened = enc.open(&t, &stored).expect("the employer opens the output");
        assert_eq!(opened.result, done.result);
        let expected_salt = match &witness {
            Witness::Aggregate(a) => a.output_salt,
            Witness::Classify(c) => c.output_salt,
            Witness::Hashchain(_) => unreachable!(),
        };
        assert_eq!(opened.output_salt, expected_salt);
        // Anyone else's key opens nothing.
        assert!(open_sealed(kind, encryption_key(42).secret(), &sealed(&done), &done.output_commitment).is_err());
        assert!(encryption_key(42).open(&t, &stored).is_err());
        assert_eq!(w.account(&employer.id()).open_tasks, 0);
    }
}

#[test]
fn the_employer_key_is_fixed_when_the_task_is_posted() {
    let witness = aggregate(2);
    let (mut w, employer, worker, old, task) = awarded(FAIR_AGGREGATE, &witness);
    // The employer rotates its key after posting: the task keeps the key it was posted with.
    let new = encryption_key(43);
    assert_eq!(w.run(&employer, new.registration(&w.config.genesis_hash, &employer.id())), Status::Ok);
    let to_new = prove_sealed(&w, FAIR_AGGREGATE, &witness, task, &worker, &new.public(), 8);
    assert_rejected(&mut w, &worker, submit(task, &to_new, Some(sealed(&to_new))), Status::ProofInvalid);
    let to_old = prove_sealed(&w, FAIR_AGGREGATE, &witness, task, &worker, &old.public(), 9);
    assert_eq!(w.run(&worker, submit(task, &to_old, Some(sealed(&to_old)))), Status::Ok);
    assert_eq!(w.task(task).expect("task").status, TaskStatus::Completed);
}

// ---------------------------------------------------------------------------------------------
// Keys.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_encryption_key_registers_only_with_its_own_proof_of_possession() {
    let mut w = world();
    let (alice, bob) = (key(1), key(2));
    w.register(&alice, 0);
    w.register(&bob, 0);
    let enc = encryption_key(50);
    // Bob replays Alice's registration: the possession message names Alice.
    let alices = enc.registration(&w.config.genesis_hash, &alice.id());
    assert_rejected(&mut w, &bob, alices.clone(), Status::EncryptionKeyInvalid);
    // A registration made for another marketplace does not verify here.
    let elsewhere = enc.registration(&[9; 32], &alice.id());
    assert_rejected(&mut w, &alice, elsewhere, Status::EncryptionKeyInvalid);
    // Someone else's key with this proof.
    let Action::RegisterEncryptionKey { possession, .. } = alices.clone() else { unreachable!() };
    let stolen = Action::RegisterEncryptionKey { key: encryption_key(51).public(), possession };
    assert_rejected(&mut w, &alice, stolen, Status::EncryptionKeyInvalid);
    // A point off the curve, and the identity.
    for key in [
        CurvePoint { x: FieldBytes::from_u64(1), y: FieldBytes::from_u64(2) },
        CurvePoint { x: FieldBytes::ZERO, y: FieldBytes::from_u64(1) },
    ] {
        assert_rejected(
            &mut w,
            &alice,
            Action::RegisterEncryptionKey { key, possession },
            Status::EncryptionKeyInvalid,
        );
    }
    // An unregistered agent cannot register a key.
    let stranger = key(3);
    w.fund(stranger.id(), 1);
    let strangers = enc.registration(&w.config.genesis_hash, &stranger.id());
    assert_rejected(&mut w, &stranger, strangers, Status::NotRegistered);
    assert_eq!(w.run(&alice, alices), Status::Ok);
}

#[test]
fn a_fair_exchange_task_needs_an_employer_with_an_encryption_key() {
    let mut w = world();
    let (employer, worker) = (key(1), key(2));
    register(&mut w, &employer, None);
    register(&mut w, &worker, None);
    let o = offer(&w, &aggregate(3), FAIR_AGGREGATE);
    w.fund(employer.id(), o.budget);
    assert_rejected(&mut w, &employer, Action::PostTask(o.clone()), Status::NoEncryptionKey);
    // The plain kind needs none.
    let plain = offer(&w, &aggregate(3), 1);
    assert_eq!(w.run(&employer, Action::PostTask(plain)), Status::Ok);
}

// ---------------------------------------------------------------------------------------------
// Forged deliveries: each rejected with its own status, nothing paid.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_ciphertext_encrypting_a_different_output_is_rejected() {
    let witness = aggregate(4);
    let (mut w, _, worker, enc, task) = awarded(FAIR_AGGREGATE, &witness);
    let honest = prove_sealed(&w, FAIR_AGGREGATE, &witness, task, &worker, &enc.public(), 10);
    // Another valid encryption of another output (a different output salt): paired with the
    // first proof and commitment, its ciphertext hash is not the proven one.
    let other =
        prove_sealed(&w, FAIR_AGGREGATE, &with_output_salt(&witness, salt(999)), task, &worker, &enc.public(), 11);
    assert_ne!(other.output_commitment, honest.output_commitment);
    assert_rejected(&mut w, &worker, submit(task, &honest, Some(sealed(&other))), Status::ProofInvalid);
    // One element changed.
    let mut tampered = sealed(&honest);
    tampered.ciphertext[0] = FieldBytes::from_u64(12_345);
    assert_rejected(&mut w, &worker, submit(task, &honest, Some(tampered)), Status::ProofInvalid);
    assert_eq!(w.balance(&worker.id(), USD), 0);
    assert_eq!(w.run(&worker, submit(task, &honest, Some(sealed(&honest)))), Status::Ok);
}

#[test]
fn a_ciphertext_encrypted_to_a_different_key_is_rejected() {
    let witness = classify(5);
    let (mut w, _, worker, _, task) = awarded(FAIR_CLASSIFY, &witness);
    // The worker seals the output to a key of its own choosing.
    let own = encryption_key(60);
    let done = prove_sealed(&w, FAIR_CLASSIFY, &witness, task, &worker, &own.public(), 12);
    assert_rejected(&mut w, &worker, submit(task, &done, Some(sealed(&done))), Status::ProofInvalid);
    assert_eq!(w.balance(&worker.id(), USD), 0);
}

#[test]
fn a_sealed_completion_replayed_from_another_task_is_rejected() {
    let (mut w, employer, worker, enc) = parties();
    let (first, second) = (aggregate(6), aggregate(7));
    let task_a = job(&mut w, &employer, &worker, &first, FAIR_AGGREGATE);
    let task_b = job(&mut w, &employer, &worker, &second, FAIR_AGGREGATE);
    let for_a = prove_sealed(&w, FAIR_AGGREGATE, &first, task_a, &worker, &enc.public(), 13);
    assert_eq!(w.run(&worker, submit(task_a, &for_a, Some(sealed(&for_a)))), Status::Ok);
    // Task A's proof and sealed output, presented for task B: the ephemeral key is spent.
    assert_rejected(&mut w, &worker, submit(task_b, &for_a, Some(sealed(&for_a))), Status::EphemeralKeyReused);
    // A fresh proof for task B under the same ephemeral secret reuses the keystream: refused.
    let same_ephemeral = prove_sealed(&w, FAIR_AGGREGATE, &second, task_b, &worker, &enc.public(), 13);
    assert_eq!(sealed(&same_ephemeral).ephemeral_key, sealed(&for_a).ephemeral_key);
    assert_rejected(
        &mut w,
        &worker,
        submit(task_b, &same_ephemeral, Some(sealed(&same_ephemeral))),
        Status::EphemeralKeyReused,
    );
    // Task B's own statement with task A's ciphertext under B's fresh ephemeral key: the proof
    // binds the ciphertext hash.
    let for_b = prove_sealed(&w, FAIR_AGGREGATE, &second, task_b, &worker, &enc.public(), 14);
    let mixed = SealedOutput { ephemeral_key: sealed(&for_b).ephemeral_key, ciphertext: sealed(&for_a).ciphertext };
    assert_rejected(&mut w, &worker, submit(task_b, &for_b, Some(mixed)), Status::ProofInvalid);
    assert_eq!(w.run(&worker, submit(task_b, &for_b, Some(sealed(&for_b)))), Status::Ok);
}

#[test]
fn a_truncated_or_padded_ciphertext_is_rejected() {
    let witness = aggregate(8);
    let (mut w, _, worker, enc, task) = awarded(FAIR_AGGREGATE, &witness);
    let done = prove_sealed(&w, FAIR_AGGREGATE, &witness, task, &worker, &enc.public(), 15);
    let mut truncated = sealed(&done);
    truncated.ciphertext.pop();
    assert_rejected(&mut w, &worker, submit(task, &done, Some(truncated)), Status::CiphertextLength);
    let mut padded = sealed(&done);
    padded.ciphertext.push(FieldBytes::ZERO);
    assert_rejected(&mut w, &worker, submit(task, &done, Some(padded)), Status::CiphertextLength);
    // Empty or over the limit: refused before anything is decoded further.
    let mut empty = sealed(&done);
    empty.ciphertext.clear();
    assert_rejected(&mut w, &worker, submit(task, &done, Some(empty)), Status::LimitExceeded);
    assert_eq!(w.balance(&worker.id(), USD), 0);
}

#[test]
fn a_wrong_ephemeral_key_is_rejected() {
    let witness = classify(9);
    let (mut w, _, worker, enc, task) = awarded(FAIR_CLASSIFY, &witness);
    let done = prove_sealed(&w, FAIR_CLASSIFY, &witness, task, &worker, &enc.public(), 16);
    // Another valid point: the proof was made for the published one.
    let mut other_point = sealed(&done);
    other_point.ephemeral_key = encryption_key(70).public();
    assert_rejected(&mut w, &worker, submit(task, &done, Some(other_point)), Status::ProofInvalid);
    // Not a point of the subgroup at all: off the curve, the identity, a point of order 2.
    for point in [
        CurvePoint { x: FieldBytes::from_u64(3), y: FieldBytes::from_u64(4) },
        CurvePoint { x: FieldBytes::ZERO, y: FieldBytes::from_u64(1) },
        CurvePoint { x: FieldBytes::ZERO, y: agora_zk::fr_to_field(-ark_bn254::Fr::from(1u64)) },
    ] {
        let mut bad = sealed(&done);
        bad.ephemeral_key = point;
        assert_rejected(&mut w, &worker, submit(task, &done, Some(bad)), Status::EphemeralKeyInvalid);
    }
    assert_eq!(w.balance(&worker.id(), USD), 0);
    assert_eq!(w.run(&worker, submit(task, &done, Some(sealed(&done)))), Status::Ok);
}

#[test]
fn a_fair_exchange_task_cannot_settle_without_a_sealed_output_nor_a_plain_one_with_one() {
    let witness = aggregate(10);
    let (mut w, employer, worker, enc, task) = awarded(FAIR_AGGREGATE, &witness);
    let done = prove_sealed(&w, FAIR_AGGREGATE, &witness, task, &worker, &enc.public(), 17);
    // The output withheld: no sealed output, no payment.
    assert_rejected(&mut w, &worker, submit(task, &done, None), Status::SealedOutputMismatch);
    // A plain kind's proof of the same statement, without the envelope.
    let plain = prove_plain(&w, &witness, task, &worker, 18);
    assert_rejected(&mut w, &worker, submit(task, &plain, None), Status::SealedOutputMismatch);
    // A plain task given a sealed output.
    let plain_witness = aggregate(11);
    let plain_task = job(&mut w, &employer, &worker, &plain_witness, 1);
    let plain_done = prove_plain(&w, &plain_witness, plain_task, &worker, 19);
    assert_rejected(
        &mut w,
        &worker,
        submit(plain_task, &plain_done, Some(sealed(&done))),
        Status::SealedOutputMismatch,
    );
    assert_eq!(w.run(&worker, submit(plain_task, &plain_done, None)), Status::Ok);
    assert!(matches!(plain_done.result, TaskResult::Aggregate { .. }));
}

#[test]
fn the_same_work_earns_once_whichever_variant_it_is_posted_under() {
    let (mut w, employer, worker, enc) = parties();
    let witness = aggregate(12);
    // The plain kind first.
    let plain_task = job(&mut w, &employer, &worker, &witness, 1);
    let plain = prove_plain(&w, &witness, plain_task, &worker, 20);
    assert_eq!(w.run(&worker, submit(plain_task, &plain, None)), Status::Ok);
    // The same records, input commitment and threshold posted under the fair-exchange variant:
    // one nullifier for both, so the same work is not paid in reputation twice.
    let fair_task = job(&mut w, &employer, &worker, &witness, FAIR_AGGREGATE);
    let sealed_done = prove_sealed(&w, FAIR_AGGREGATE, &witness, fair_task, &worker, &enc.public(), 21);
    assert_rejected(
        &mut w,
        &worker,
        submit(fair_task, &sealed_done, Some(sealed(&sealed_done))),
        Status::NullifierUsed,
    );
    assert_eq!(w.account(&worker.id()).proven_completions, 1);
}

#[test]
fn within_one_block_an_ephemeral_key_is_spent_only_by_a_completion_that_verifies() {
    for first_is_forged in [false, true] {
        let (mut w, employer, worker, enc) = parties();
        let (first, second) = (aggregate(13), aggregate(14));
        let task_a = job(&mut w, &employer, &worker, &first, FAIR_AGGREGATE);
        let task_b = job(&mut w, &employer, &worker, &second, FAIR_AGGREGATE);
        // Both proofs under the same ephemeral secret (the same RNG seed).
        let for_a = prove_sealed(&w, FAIR_AGGREGATE, &first, task_a, &worker, &enc.public(), 30);
        let for_b = prove_sealed(&w, FAIR_AGGREGATE, &second, task_b, &worker, &enc.public(), 30);
        assert_eq!(sealed(&for_a).ephemeral_key, sealed(&for_b).ephemeral_key);
        let mut delivered_a = sealed(&for_a);
        if first_is_forged {
            delivered_a.ciphertext[1] = FieldBytes::from_u64(77);
        }
        // A rejected transaction consumes no nonce, so after a forged first completion the
        // second one carries the same nonce (and the dry run, which takes every proof as
        // valid, cannot foresee its claim: it is verified on its own).
        let nonce = w.account(&worker.id()).nonce;
        let second_nonce = if first_is_forged { nonce } else { nonce + 1 };
        let txs = vec![
            w.sign_nonce(&worker, nonce, submit(task_a, &for_a, Some(delivered_a))),
            w.sign_nonce(&worker, second_nonce, submit(task_b, &for_b, Some(sealed(&for_b)))),
        ];
        let statuses: Vec<Status> = w.apply(txs).iter().map(|r| r.status).collect();
        if first_is_forged {
            // The forged completion spent nothing: the second, honest one settles.
            assert_eq!(statuses, [Status::ProofInvalid, Status::Ok]);
            assert_eq!(w.balance(&worker.id(), USD), PRICE - FEE);
        } else {
            assert_eq!(statuses, [Status::Ok, Status::EphemeralKeyReused]);
            assert_eq!(w.task(task_b).expect("task").status, TaskStatus::Awarded);
        }
        w.assert_conserved();
    }
}
