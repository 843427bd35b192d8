//! The kind registry: what registering a kind costs (the verifying key's import — decoding,
//! curve and subgroup checks, sanity — and preparation; and a whole `register_kind` block
//! through the state machine), and verifying a snarkjs-made proof (the circom `sort8` fixture
//! in `circuits/circom/fixtures/`, 6 public inputs) beside an arkworks-made one of the same size
//! (a `hashchain` proof, 6 public inputs), both through `Groth16Verifier` with the key the
//! registry hands over in the claim.
//!
//! `cargo bench -p agora-benches --bench kinds`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::zk::kinds::HashchainWitness;
use agora::zk::snarkjs::{ProofJson, VerificationKeyJson, parse_public_json};
use agora::{Action, CircuitShape, FieldBytes, Genesis, KindRegistration, TxBody, Witness};
use agora_bench_support::{MemoryChain, bench_key, expect_all_ok, seeded_rng};
use agora_benches::measurement;
use agora_core::{ProofClaim, ProofVerdict, ProofVerifier, key_id_of};
use agora_zk::Groth16Verifier;
use agora_zk::keys::vk_to_bytes;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../circuits/circom/fixtures").join(name);
    std::fs::read_to_string(path).unwrap()
}

/// A claim carrying its key, as the state machine builds one for a registry-held key.
fn claim(vk: &[u8], public_inputs: Vec<FieldBytes>, proof: Vec<u8>) -> ProofClaim {
    ProofClaim { key_id: key_id_of(vk), key: Some(Arc::from(vk.to_vec())), public_inputs, proof }
}

fn snarkjs_claim() -> (Vec<u8>, ProofClaim) {
    let vk = VerificationKeyJson::parse(&fixture("verification_key.json")).unwrap().to_vk().unwrap();
    let vk = vk_to_bytes(&vk).unwrap();
    let proof = ProofJson::parse(&fixture("proof.json")).unwrap().to_proof_bytes().unwrap();
    let public = parse_public_json(&fixture("public.json")).unwrap();
    let c = claim(&vk, public, proof);
    (vk, c)
}

fn arkworks_claim() -> (Vec<u8>, ProofClaim) {
    let pair = agora_zk::setup_kind(CircuitShape::Hashchain { depth: 4 }, &mut seeded_rng(7)).unwrap();
    let salt = |i: u64| FieldBytes::hash_to_field("agora kinds bench", &i.to_le_bytes());
    let witness =
        Witness::Hashchain(HashchainWitness { depth: 4, seed: salt(0), input_salt: salt(1), output_salt: salt(2) });
    let done =
        agora_zk::prove_completion(&witness, salt(3), FieldBytes::from_u64(42), salt(4), &pair.pk, &mut seeded_rng(8))
            .unwrap();
    let vk = vk_to_bytes(&pair.vk).unwrap();
    let c = claim(&vk, done.public_inputs, done.proof);
    (vk, c)
}

fn register(c: &mut Criterion) {
    let (snarkjs_vk, _) = snarkjs_claim();
    let (arkworks_vk, _) = arkworks_claim();
    let mut group = c.benchmark_group("kinds/register");
    group.sample_size(30).measurement_time(measurement(5));
    group.bench_function("inspect key (snarkjs sort8, import + prepare)", |b| {
        b.iter(|| Groth16Verifier::new().inspect_key(black_box(&snarkjs_vk)).unwrap())
    });
    group.bench_function("inspect key (arkworks hashchain, import + prepare)", |b| {
        b.iter(|| Groth16Verifier::new().inspect_key(black_box(&arkworks_vk)).unwrap())
    });
    let operator = bench_key("kinds operator", 0);
    let genesis = Genesis::development(operator.id(), 1_000);
    let chain = MemoryChain::new(genesis).unwrap();
    let registration = KindRegistration {
        kind: 20,
        name: "sort8".into(),
        description: "sorts a committed list of eight numbers below a bound".into(),
        param_count: 1,
        weight_bps: 10_000,
        max_gain: 0,
        key_id: key_id_of(&snarkjs_vk),
        vk: snarkjs_vk.clone(),
    };
    let tx = TxBody { sender: operator.id(), nonce: 0, action: Action::RegisterKind(registration) }
        .sign(&operator, &chain.config.genesis_hash);
    group.bench_function("register_kind block (state machine, quorum of one)", |b| {
        b.iter_batched(
            || (chain.clone(), Groth16Verifier::new()),
            |(mut chain, verifier)| {
                let (_, outcome) = chain.apply(vec![tx.clone()], &verifier).unwrap();
                expect_all_ok(&outcome, "register_kind").unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let (_, snarkjs) = snarkjs_claim();
    let (_, arkworks) = arkworks_claim();
    let verifier = Groth16Verifier::new();
    assert_eq!(verifier.verify_single(&snarkjs), ProofVerdict::Valid);
    assert_eq!(verifier.verify_single(&arkworks), ProofVerdict::Valid);
    let mut group = c.benchmark_group("kinds/verify");
    group.sample_size(50).measurement_time(measurement(5));
    group.bench_function("snarkjs-made proof (circom sort8, 6 inputs)", |b| {
        b.iter(|| assert_eq!(verifier.verify_single(black_box(&snarkjs)), ProofVerdict::Valid))
    });
    group.bench_function("arkworks-made proof (hashchain, 6 inputs)", |b| {
        b.iter(|| assert_eq!(verifier.verify_single(black_box(&arkworks)), ProofVerdict::Valid))
    });
    group.finish();
}

criterion_group!(benches, register, verify);
criterion_main!(benches);
