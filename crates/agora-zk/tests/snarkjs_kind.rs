//! A proof made by snarkjs for a circom circuit (`circuits/circom/sort8.circom`, the committed
//! fixture in `circuits/circom/fixtures/`) verified by Agora's verifier the way the kind
//! registry hands it over: the key's bytes in the claim, inspected, prepared once and cached.
//! Every public signal is bound, unconstrained ones (chain, task, worker) included.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use agora_core::{FieldBytes, KeyId, ProofClaim, ProofVerdict, ProofVerifier, key_id_of};
use agora_zk::Groth16Verifier;
use agora_zk::keys::vk_to_bytes;
use agora_zk::snarkjs::{ProofJson, VerificationKeyJson, parse_public_json};
use std::path::PathBuf;
use std::sync::Arc;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../circuits/circom/fixtures").join(name);
    std::fs::read_to_string(path).unwrap()
}

struct Fixture {
    vk: Vec<u8>,
    proof: Vec<u8>,
    public: Vec<FieldBytes>,
}

fn load() -> Fixture {
    let vk = VerificationKeyJson::parse(&fixture("verification_key.json")).unwrap().to_vk().unwrap();
    Fixture {
        vk: vk_to_bytes(&vk).unwrap(),
        proof: ProofJson::parse(&fixture("proof.json")).unwrap().to_proof_bytes().unwrap(),
        public: parse_public_json(&fixture("public.json")).unwrap(),
    }
}

fn claim(f: &Fixture, public: Vec<FieldBytes>) -> ProofClaim {
    ProofClaim {
        key_id: key_id_of(&f.vk),
        key: Some(Arc::from(f.vk.clone())),
        public_inputs: public,
        proof: f.proof.clone(),
    }
}

#[test]
fn a_snarkjs_proof_verifies_under_the_key_the_registry_hands_over_and_is_cached_once() {
    let f = load();
    let verifier = Groth16Verifier::new();
    let facts = verifier.inspect_key(&f.vk).unwrap();
    assert_eq!(facts.public_inputs, 6, "five binding inputs and the bound");
    assert_eq!(verifier.cached_runtime_keys(), 1);
    let fresh = Groth16Verifier::new();
    assert_eq!(fresh.verify_batch(&[claim(&f, f.public.clone())]), vec![ProofVerdict::Valid]);
    assert_eq!(fresh.verify_batch(&[claim(&f, f.public.clone())]), vec![ProofVerdict::Valid]);
    assert_eq!(fresh.cached_runtime_keys(), 1, "the key is prepared once");
}

#[test]
fn changing_any_public_signal_of_a_snarkjs_proof_fails_verification_even_unconstrained_ones() {
    let f = load();
    let verifier = Groth16Verifier::new();
    for index in 0..f.public.len() {
        let mut public = f.public.clone();
        public[index] = FieldBytes::from_u64(7 + index as u64);
        assert_eq!(verifier.verify_single(&claim(&f, public)), ProofVerdict::Invalid, "signal {index} is bound");
    }
    let mut short = f.public.clone();
    short.pop();
    assert_eq!(verifier.verify_single(&claim(&f, short)), ProofVerdict::WrongInputCount);
}

#[test]
fn a_claim_whose_key_bytes_do_not_hash_to_its_key_id_finds_no_key() {
    let f = load();
    let verifier = Groth16Verifier::new();
    let mut wrong = claim(&f, f.public.clone());
    wrong.key_id = KeyId([3; 32]);
    assert_eq!(verifier.verify_single(&wrong), ProofVerdict::UnknownKey);
    let mut missing = claim(&f, f.public.clone());
    missing.key = None;
    assert_eq!(verifier.verify_single(&missing), ProofVerdict::UnknownKey);
}
