//! Credentials of a real marketplace: a task settled by a verified hash-chain proof is issued as
//! a VC 2.0 completion credential that verifies (signature, did:key, Groth16) without the
//! marketplace; tampering with a claim, the proof or the public inputs, or signing with another
//! key, is caught with its reason. The reputation credential carries the state digest and the
//! ERC-8004-style feedback summary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora::zk::kinds::HashchainWitness;
use agora::zk::snarkjs::vk_to_json;
use agora::{Action, AgentKey, AssetId, CircuitShape, FieldBytes, Genesis, Marketplace, PostTask, ProofKeys, Status};
use agora::{TaskId, Witness, task_terms};
use agora_interop::did_key::signing_key_of;
use agora_interop::error::{CredentialError, DataIntegrityError};
use agora_interop::{completion_credential, reputation_credential, verify_credential};
use serde_json::Value;

const DEPTH: u32 = 2;
const USD: AssetId = AssetId(1);
const T0: u64 = 1_700_000_000;

struct World {
    market: Marketplace,
    keys: ProofKeys,
    worker: AgentKey,
    issuer: AgentKey,
    task: TaskId,
    _dir: tempfile::TempDir,
}

fn ok(outcome: &agora::BlockOutcome) {
    for r in &outcome.receipts {
        assert_eq!(r.status, Status::Ok, "{r:?}");
    }
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let keys =
        ProofKeys::generate(dir.path().join("keys"), &[CircuitShape::Hashchain { depth: DEPTH }], |_| {}).unwrap();
    let operator = AgentKey::from_seed([1; 32]);
    let employer = AgentKey::from_seed([2; 32]);
    let worker = AgentKey::from_seed([3; 32]);
    let mut genesis = Genesis::development(operator.id(), T0);
    genesis.kinds = keys.kind_specs();
    genesis.reputation.trusted = vec![employer.id()];
    let mut market = Marketplace::create(dir.path().join("m.redb"), genesis).unwrap().with_verifier(keys.verifier());
    let bond = market.config().bond_amount;
    let deposits = vec![
        market.sign_with_nonce(&operator, 0, Action::Deposit { to: employer.id(), asset: USD, amount: bond + 5_000 }),
        market.sign_with_nonce(&operator, 1, Action::Deposit { to: worker.id(), asset: USD, amount: bond }),
    ];
    ok(&market.submit(deposits, T0 + 1).unwrap());
    let regs =
        vec![market.sign(&employer, Action::Register {}).unwrap(), market.sign(&worker, Action::Register {}).unwrap()];
    ok(&market.submit(regs, T0 + 2).unwrap());
    let witness = Witness::Hashchain(HashchainWitness {
        depth: DEPTH,
        seed: FieldBytes::from_u64(42),
        input_salt: FieldBytes::from_u64(7),
        output_salt: FieldBytes::from_u64(9),
    });
    let (kind, input_commitment, params) = task_terms(&witness).unwrap();
    let offer = PostTask {
        title: "chain".into(),
        requirements: "hash chain".into(),
        kind,
        params,
        input_commitment,
        asset: USD,
        budget: 5_000,
        bid_deadline: T0 + 100,
        delivery_deadline: T0 + 1_000,
        splits: vec![],
        min_reputation: 0,
    };
    ok(&market.submit(vec![market.sign(&employer, Action::PostTask(offer)).unwrap()], T0 + 3).unwrap());
    let task = TaskId(1);
    let bid = Action::PlaceBid { task, price: 4_000, eta_secs: 60, plan_hash: [5; 32] };
    ok(&market.submit(vec![market.sign(&worker, bid).unwrap()], T0 + 4).unwrap());
    let award = Action::AwardBid { task, bidder: worker.id() };
    ok(&market.submit(vec![market.sign(&employer, award).unwrap()], T0 + 5).unwrap());
    let (tx, _) = market.prove_completion(&keys, &worker, task, &witness, None).unwrap();
    ok(&market.submit(vec![tx], T0 + 6).unwrap());
    World { market, keys, worker, issuer: AgentKey::from_seed([9; 32]), task, _dir: dir }
}

fn issue(w: &World) -> Value {
    let vk = vk_to_json(&w.keys.verifying_key(3).unwrap());
    completion_credential(&w.market, w.task, vk, &signing_key_of(&w.issuer).unwrap()).unwrap()
}

fn resign(w: &World, mut credential: Value) -> Value {
    credential.as_object_mut().unwrap().remove("proof");
    let key = signing_key_of(&w.issuer).unwrap();
    let method = agora_interop::did_key::VerificationMethod::of(w.issuer.id()).id();
    let options = agora_interop::data_integrity::ProofOptions {
        created: Some("2023-11-14T22:13:26Z".into()),
        verification_method: method,
        proof_purpose: "assertionMethod".into(),
    };
    agora_interop::data_integrity::add_proof(&credential, &key, &options).unwrap()
}

#[test]
fn completion_credential_verifies_signature_did_key_and_groth16_proof() {
    let w = world();
    let credential = issue(&w);
    assert_eq!(credential["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(credential["type"], serde_json::json!(["VerifiableCredential", "AgoraCompletionCredential"]));
    assert_eq!(credential["issuer"], w.issuer.id().did());
    assert_eq!(credential["validFrom"], "2023-11-14T22:13:26Z");
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["id"], w.worker.id().did());
    assert_eq!(subject["taskId"], "1");
    assert_eq!(subject["taskKind"], "hashchain");
    assert_eq!(subject["price"], "4000");
    assert_eq!(subject["assetSymbol"], "USD");
    assert_eq!(subject["blockHeight"], "6");
    assert_eq!(subject["stateDigest"], hex::encode(w.market.digest_at(6).unwrap().unwrap()));
    assert_eq!(subject["publicSignals"].as_array().unwrap().len(), 6);
    let report = verify_credential(&credential).unwrap();
    assert_eq!(report.credential_type, "AgoraCompletionCredential");
    assert_eq!(report.subject, w.worker.id().did());
    assert_eq!(report.checks.len(), 5, "{:?}", report.checks);
}

#[test]
fn the_stored_completion_matches_the_state_machines_statement() {
    let w = world();
    let completion = w.market.verified_completion(w.task).unwrap().unwrap();
    assert_eq!(completion.height, 6);
    assert_eq!(completion.worker, w.worker.id());
    let record = w.market.task(w.task).unwrap().unwrap();
    let expected = w.market.completion_public_inputs(&record, &w.worker.id(), &completion.output_commitment);
    assert_eq!(completion.public_inputs, expected);
    assert_eq!(completion.public_inputs[0], agora::core::chain_field(&w.market.genesis_hash()));
    assert!(w.market.verified_completion(TaskId(2)).unwrap().is_none());
}

#[test]
fn a_changed_claim_fails_the_signature() {
    let w = world();
    let mut credential = issue(&w);
    credential["credentialSubject"]["price"] = "4000000".into();
    let err = verify_credential(&credential).unwrap_err();
    assert!(matches!(err, CredentialError::Proof(DataIntegrityError::BadSignature { .. })), "{err}");
}

#[test]
fn a_resigned_credential_with_changed_public_inputs_fails_groth16() {
    let w = world();
    // The issuer re-signs a credential whose output commitment was changed: the signature is
    // good, the Groth16 proof is not.
    let mut credential = issue(&w);
    credential["credentialSubject"]["publicSignals"][4] = "12345".into();
    let err = verify_credential(&resign(&w, credential)).unwrap_err();
    assert!(matches!(err, CredentialError::Groth16Invalid), "{err}");
    // Claiming the proof for another worker breaks the binding of input 2.
    let mut credential = issue(&w);
    credential["credentialSubject"]["id"] = AgentKey::from_seed([4; 32]).id().did().into();
    let err = verify_credential(&resign(&w, credential)).unwrap_err();
    assert!(matches!(err, CredentialError::BindingMismatch { index: 2, .. }), "{err}");
    // Another task id breaks input 1.
    let mut credential = issue(&w);
    credential["credentialSubject"]["taskId"] = "2".into();
    let err = verify_credential(&resign(&w, credential)).unwrap_err();
    assert!(matches!(err, CredentialError::BindingMismatch { index: 1, .. }), "{err}");
    // A changed proof point is caught (off the curve, or a wrong proof).
    let mut credential = issue(&w);
    credential["credentialSubject"]["groth16Proof"]["pi_a"][1] = "1".into();
    let err = verify_credential(&resign(&w, credential)).unwrap_err();
    assert!(matches!(err, CredentialError::Snarkjs(_)), "{err}");
    // A key swapped for another one no longer matches vkHash.
    let mut credential = issue(&w);
    credential["credentialSubject"]["vkHash"] = "00".repeat(32).into();
    let err = verify_credential(&resign(&w, credential)).unwrap_err();
    assert!(matches!(err, CredentialError::VkHashMismatch { .. }), "{err}");
}

#[test]
fn a_credential_signed_by_another_key_than_its_issuer_is_refused() {
    let w = world();
    let credential = issue(&w);
    let mut forged = credential.clone();
    forged["issuer"] = AgentKey::from_seed([5; 32]).id().did().into();
    let forged = resign(&w, forged);
    let err = verify_credential(&forged).unwrap_err();
    assert!(matches!(err, CredentialError::IssuerMismatch { .. }), "{err}");
    let mut wrong_key = credential;
    wrong_key["proof"]["verificationMethod"] =
        agora_interop::did_key::VerificationMethod::of(AgentKey::from_seed([5; 32]).id()).id().into();
    let err = verify_credential(&wrong_key).unwrap_err();
    assert!(matches!(err, CredentialError::Proof(DataIntegrityError::BadSignature { .. })), "{err}");
}

#[test]
fn reputation_credential_carries_score_digest_and_feedback() {
    let w = world();
    let key = signing_key_of(&w.issuer).unwrap();
    let credential = reputation_credential(&w.market, &w.worker.id(), Some(&key)).unwrap();
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["provenCompletions"], "1");
    assert_eq!(subject["blockHeight"], "6");
    assert_eq!(subject["stateDigest"], hex::encode(w.market.tip().digest));
    assert!(subject["score"].as_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(
        subject["feedback"],
        serde_json::json!([{"tag1": "successRate", "tag2": "hashchain", "value": 100, "valueDecimals": 0, "count": "1", "proven": "1"}])
    );
    let report = verify_credential(&credential).unwrap();
    assert_eq!(report.credential_type, "AgoraReputationCredential");
    let unsigned = reputation_credential(&w.market, &w.worker.id(), None).unwrap();
    assert!(unsigned.get("proof").is_none() && unsigned.get("issuer").is_none());
    assert!(matches!(verify_credential(&unsigned), Err(CredentialError::Proof(DataIntegrityError::MissingProof))));
}
