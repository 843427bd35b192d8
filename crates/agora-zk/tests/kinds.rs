//! End-to-end tests of the real task circuits: seeded setup, `prove_completion`, and
//! verification through `Groth16Verifier` with public inputs rebuilt as `FieldBytes` from the
//! task's data (as the core does). Seeded RNGs only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use agora_circuits::{aggregate, classify, hashchain};
use agora_core::{FieldBytes, ProofClaim, ProofVerdict, ProofVerifier};
use agora_zk::kinds::{AggregateWitness, ClassifyWitness, HashchainWitness, TaskResult, statement};
use agora_zk::{
    CircuitShape, Completion, Groth16Verifier, KeyPair, ProveError, Witness, field_to_fr, fr_to_field,
    prove_completion, setup_kind,
};
use ark_std::rand::{SeedableRng, rngs::StdRng};

const DEPTH: u32 = 8;

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

struct Fixture {
    aggregate: KeyPair,
    classify: KeyPair,
    hashchain: KeyPair,
    verifier: Groth16Verifier,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let aggregate = setup_kind(CircuitShape::Aggregate, &mut rng(1)).unwrap();
        let classify = setup_kind(CircuitShape::Classify, &mut rng(2)).unwrap();
        let hashchain = setup_kind(CircuitShape::Hashchain { depth: DEPTH }, &mut rng(3)).unwrap();
        let mut verifier = Groth16Verifier::new();
        for keys in [&aggregate, &classify, &hashchain] {
            assert_eq!(verifier.register(keys.vk.clone()).unwrap(), keys.key_id);
        }
        Fixture { aggregate, classify, hashchain, verifier }
    })
}

fn salt(n: u64) -> FieldBytes {
    FieldBytes::hash_to_field("agora-zk test salt", &n.to_le_bytes())
}

fn chain_id() -> FieldBytes {
    FieldBytes::hash_to_field("agora-zk test chain", b"chain-1")
}

fn task_id() -> FieldBytes {
    FieldBytes::hash_to_field("agora-zk test task", b"task-1")
}

fn worker_id() -> FieldBytes {
    FieldBytes::hash_to_field("agora-zk test worker", b"worker-1")
}

fn aggregate_witness() -> AggregateWitness {
    AggregateWitness {
        threshold: 1_000,
        records: (0..aggregate::N as u64).map(|i| i * 37 + (i % 5) * 1_000_000).collect(),
        input_salt: salt(1),
        output_salt: salt(2),
    }
}

fn classify_witness() -> ClassifyWitness {
    ClassifyWitness {
        weights: (0..classify::D as i32).map(|i| (i - 8) * 300).collect(),
        bias: -1234,
        model_salt: salt(3),
        features: (0..classify::D as i32).map(|i| 1000 - i * 170).collect(),
        input_salt: salt(4),
        output_salt: salt(5),
    }
}

fn hashchain_witness() -> HashchainWitness {
    HashchainWitness { depth: DEPTH, seed: salt(6), input_salt: salt(7), output_salt: salt(8) }
}

/// Claim with public inputs rebuilt from the task's own data, as the core would.
fn claim(keys: &KeyPair, inputs: Vec<FieldBytes>, proof: &[u8]) -> ProofClaim {
    ProofClaim { key_id: keys.key_id, key: None, public_inputs: inputs, proof: proof.to_vec() }
}

/// Checks the completion verifies, and that it does not verify for another chain, task,
/// worker, output or parameter.
fn check_binding(keys: &KeyPair, done: &Completion, input_commitment: FieldBytes, param: FieldBytes) {
    let v = &fixture().verifier;
    let inputs = statement(chain_id(), task_id(), worker_id(), input_commitment, done.output_commitment, param);
    assert_eq!(inputs, done.public_inputs);
    let good = claim(keys, inputs.clone(), &done.proof);
    let other_chain = claim(
        keys,
        statement(salt(77), task_id(), worker_id(), input_commitment, done.output_commitment, param),
        &done.proof,
    );
    let other_task = claim(
        keys,
        statement(chain_id(), FieldBytes::from_u64(2), worker_id(), input_commitment, done.output_commitment, param),
        &done.proof,
    );
    let other_worker = claim(
        keys,
        statement(chain_id(), task_id(), FieldBytes::from_u64(9), input_commitment, done.output_commitment, param),
        &done.proof,
    );
    let mut other_output = inputs.clone();
    other_output[4] = salt(99);
    let other_output = claim(keys, other_output, &done.proof);
    let mut other_param = inputs;
    other_param[5] = FieldBytes::from_u64(12345);
    let other_param = claim(keys, other_param, &done.proof);
    assert_eq!(v.verify_single(&good), ProofVerdict::Valid);
    assert_eq!(
        v.verify_batch(&[other_chain, other_task, good.clone(), other_worker, other_output, other_param]),
        vec![
            ProofVerdict::Invalid,
            ProofVerdict::Invalid,
            ProofVerdict::Valid,
            ProofVerdict::Invalid,
            ProofVerdict::Invalid,
            ProofVerdict::Invalid
        ]
    );
}

#[test]
fn aggregate_end_to_end() {
    let f = fixture();
    let w = aggregate_witness();
    let done = prove_completion(
        &Witness::Aggregate(w.clone()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.aggregate.pk,
        &mut rng(10),
    )
    .unwrap();
    assert_eq!(done.kind, aggregate::KIND);
    let records: [u64; aggregate::N] = w.records.clone().try_into().unwrap();
    let input = fr_to_field(aggregate::input_commitment(&records, field_to_fr(&w.input_salt)));
    let out = aggregate::compute_output(&records, w.threshold);
    assert_eq!(done.result, TaskResult::Aggregate { sum: out.sum, count: out.count });
    assert_eq!(done.output_commitment, fr_to_field(aggregate::output_commitment(&out, field_to_fr(&w.output_salt))));
    check_binding(&f.aggregate, &done, input, FieldBytes::from_u64(w.threshold));
}

#[test]
fn classify_end_to_end() {
    let f = fixture();
    let w = classify_witness();
    let done = prove_completion(
        &Witness::Classify(w.clone()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.classify.pk,
        &mut rng(11),
    )
    .unwrap();
    assert_eq!(done.kind, classify::KIND);
    let features: [i32; classify::D] = w.features.clone().try_into().unwrap();
    let model = classify::Model { weights: w.weights.clone().try_into().unwrap(), bias: w.bias };
    let input = fr_to_field(classify::input_commitment(&features, field_to_fr(&w.input_salt)));
    let model_commitment = fr_to_field(classify::model_commitment(&model, field_to_fr(&w.model_salt)));
    let label = classify::classify(&model, &features).unwrap();
    assert_eq!(done.result, TaskResult::Classify { label });
    check_binding(&f.classify, &done, input, model_commitment);
}

#[test]
fn hashchain_end_to_end() {
    let f = fixture();
    let w = hashchain_witness();
    let done = prove_completion(
        &Witness::Hashchain(w.clone()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.hashchain.pk,
        &mut rng(12),
    )
    .unwrap();
    assert_eq!(done.kind, hashchain::KIND);
    let input = fr_to_field(hashchain::input_commitment(field_to_fr(&w.seed), field_to_fr(&w.input_salt)));
    let head = hashchain::chain(field_to_fr(&w.seed), DEPTH).unwrap();
    assert_eq!(done.result, TaskResult::Hashchain { head: fr_to_field(head) });
    check_binding(&f.hashchain, &done, input, FieldBytes::from_u64(u64::from(DEPTH)));
}

#[test]
fn mixed_kinds_in_one_batch_and_proof_swaps() {
    let f = fixture();
    let mut r = rng(13);
    let a = prove_completion(
        &Witness::Aggregate(aggregate_witness()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.aggregate.pk,
        &mut r,
    )
    .unwrap();
    let c = prove_completion(
        &Witness::Classify(classify_witness()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.classify.pk,
        &mut r,
    )
    .unwrap();
    let h = prove_completion(
        &Witness::Hashchain(hashchain_witness()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.hashchain.pk,
        &mut r,
    )
    .unwrap();
    let claims = vec![
        claim(&f.aggregate, a.public_inputs.clone(), &a.proof),
        claim(&f.classify, c.public_inputs.clone(), &c.proof),
        claim(&f.hashchain, h.public_inputs.clone(), &h.proof),
        // A proof presented under another kind's key.
        claim(&f.classify, a.public_inputs.clone(), &a.proof),
        claim(&f.hashchain, c.public_inputs.clone(), &h.proof),
        claim(&f.aggregate, a.public_inputs.clone(), &a.proof),
    ];
    assert_eq!(
        f.verifier.verify_batch(&claims),
        vec![
            ProofVerdict::Valid,
            ProofVerdict::Valid,
            ProofVerdict::Valid,
            ProofVerdict::Invalid,
            ProofVerdict::Invalid,
            ProofVerdict::Valid
        ]
    );
}

#[test]
fn bad_witnesses_and_wrong_keys_are_reported_not_proven() {
    let f = fixture();
    let mut r = rng(14);
    let mut short = aggregate_witness();
    short.records.pop();
    assert!(matches!(
        prove_completion(&Witness::Aggregate(short), chain_id(), task_id(), worker_id(), &f.aggregate.pk, &mut r),
        Err(ProveError::Witness(_))
    ));
    let mut out_of_range = classify_witness();
    out_of_range.features[3] = classify::VALUE_MAX + 1;
    assert!(matches!(
        prove_completion(&Witness::Classify(out_of_range), chain_id(), task_id(), worker_id(), &f.classify.pk, &mut r),
        Err(ProveError::Witness(_))
    ));
    // Depth differs from the key's depth.
    let mut deeper = hashchain_witness();
    deeper.depth = DEPTH + 1;
    assert!(matches!(
        prove_completion(&Witness::Hashchain(deeper), chain_id(), task_id(), worker_id(), &f.hashchain.pk, &mut r),
        Err(ProveError::SelfCheckFailed)
    ));
    // Another kind's key (same number of public inputs).
    assert!(matches!(
        prove_completion(
            &Witness::Hashchain(hashchain_witness()),
            chain_id(),
            task_id(),
            worker_id(),
            &f.classify.pk,
            &mut r
        ),
        Err(ProveError::SelfCheckFailed)
    ));
}

#[test]
fn witnesses_read_from_json() {
    let json = format!(
        r#"{{"kind":"hashchain","depth":{DEPTH},"seed":"{}","input_salt":"{}","output_salt":"{}"}}"#,
        String::from(salt(6)),
        String::from(salt(7)),
        String::from(salt(8))
    );
    let w = Witness::from_json(&json).unwrap();
    assert_eq!(w, Witness::Hashchain(hashchain_witness()));
    for w in [
        Witness::Aggregate(aggregate_witness()),
        Witness::Classify(classify_witness()),
        Witness::Hashchain(hashchain_witness()),
    ] {
        let text = serde_json::to_string(&w).unwrap();
        assert_eq!(Witness::from_json(&text).unwrap(), w);
    }
    assert!(Witness::from_json(r#"{"kind":"hashchain","depth":1}"#).is_err());
    assert!(Witness::from_json(r#"{"kind":"nope"}"#).is_err());
    let extra = json.replace("\"depth\"", "\"surprise\":1,\"depth\"");
    assert!(Witness::from_json(&extra).is_err());
    let shape: CircuitShape = serde_json::from_str(r#"{"kind":"hashchain","depth":8}"#).unwrap();
    assert_eq!(shape, CircuitShape::Hashchain { depth: 8 });
    assert_eq!(shape.code(), 3);
}

#[test]
fn completion_round_trips_as_json() {
    let f = fixture();
    let done = prove_completion(
        &Witness::Hashchain(hashchain_witness()),
        chain_id(),
        task_id(),
        worker_id(),
        &f.hashchain.pk,
        &mut rng(15),
    )
    .unwrap();
    let text = serde_json::to_string(&done).unwrap();
    let back: Completion = serde_json::from_str(&text).unwrap();
    assert_eq!(back, done);
}

/// Informal timings of the real circuits (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn kind_timings() {
    use std::time::Instant;
    let f = fixture();
    let mut r = rng(16);
    for (name, w, keys) in [
        ("aggregate", Witness::Aggregate(aggregate_witness()), &f.aggregate),
        ("classify", Witness::Classify(classify_witness()), &f.classify),
        ("hashchain(depth 8)", Witness::Hashchain(hashchain_witness()), &f.hashchain),
    ] {
        let t = Instant::now();
        let done = prove_completion(&w, chain_id(), task_id(), worker_id(), &keys.pk, &mut r).unwrap();
        println!("{name}: prove_completion {:?}", t.elapsed());
        let c = claim(keys, done.public_inputs, &done.proof);
        let t = Instant::now();
        assert_eq!(f.verifier.verify_single(&c), ProofVerdict::Valid);
        println!("{name}: single verify {:?}", t.elapsed());
    }
    let t = Instant::now();
    let _ = setup_kind(CircuitShape::Aggregate, &mut rng(17)).unwrap();
    println!("aggregate setup: {:?}", t.elapsed());
}
