//! Agora's credentials checked by a W3C VC verifier that is not Agora: Digital Bazaar's
//! `@digitalbazaar/vc` with `@digitalbazaar/data-integrity` and
//! `@digitalbazaar/eddsa-jcs-2022-cryptosuite` (pinned in package-lock.json, installed with
//! `npm ci`), run through `docs/examples/verify_credential.mjs`, which also checks a
//! completion's embedded Groth16 proof with snarkjs. A completion and a reputation credential
//! issued by the CLI are accepted; tampered copies of each are rejected with the reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agora::zk::kinds::AggregateWitness;
use agora::{
    Action, AgentKey, AssetId, CircuitShape, Created, FieldBytes, Genesis, Marketplace, PostTask, ProofKeys, Status,
    TaskId, Witness,
};
use common::{agora, json, resigned};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the independent verifier said: accepted, and its JSON answer.
fn independent_verify(file: &Path) -> (bool, Value) {
    independent_verify_at(file, None)
}

/// [`independent_verify`] as of `now` (an XML Schema dateTime), if given.
fn independent_verify_at(file: &Path, now: Option<&str>) -> (bool, Value) {
    let root = common::npm::tools();
    let mut command = Command::new("node");
    command.arg(root.join("docs/examples/verify_credential.mjs"));
    if let Some(now) = now {
        command.args(["--now", now]);
    }
    let out = command.arg(file).current_dir(root).output().unwrap();
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify_credential.mjs printed no JSON ({e}): stdout {} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.success(), answer["verified"] == true, "exit status and answer disagree: {answer}");
    (out.status.success(), answer)
}

fn write(dir: &Path, name: &str, value: &Value) -> std::path::PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(value).unwrap()).unwrap();
    file
}

fn reason(answer: &Value) -> String {
    answer["reason"].as_str().unwrap_or_default().to_string()
}

/// A marketplace whose task 1 settled by a verified `aggregate` completion proof, its blocks
/// an hour in the past (as a live node's would be: a credential's `validFrom` is a block time,
/// and a verifier refuses credentials not valid yet). Returns the database and the task.
fn market_with_a_proven_completion(dir: &Path) -> (PathBuf, TaskId) {
    let db = dir.join("m.redb");
    let mut keys_dir = db.as_os_str().to_owned();
    keys_dir.push(".keys");
    let proof_keys = ProofKeys::generate(&keys_dir, &[CircuitShape::Aggregate], |_| {}).unwrap();
    let [operator, employer, worker]: [AgentKey; 3] = std::array::from_fn(|_| AgentKey::generate().unwrap());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut time = now - 3_600;
    let mut genesis = Genesis::development(operator.id(), time);
    genesis.kinds = proof_keys.kind_specs();
    genesis.reputation.trusted = vec![employer.id()];
    genesis.balances = [&employer, &worker]
        .iter()
        .map(|k| agora::core::InitialBalance { agent: k.id(), asset: "USD".into(), amount: 1_000_000_000_000 })
        .collect();
    let mut market = Marketplace::create(&db, genesis).unwrap().with_verifier(proof_keys.verifier());
    let mut apply = |market: &mut Marketplace, tx: agora::SignedTx| {
        time += 10;
        let receipt = market.submit(vec![tx], time).unwrap().receipts[0].clone();
        assert_eq!(receipt.status, Status::Ok, "{receipt:?}");
        receipt
    };
    for key in [&employer, &worker] {
        let tx = market.sign(key, Action::Register {}).unwrap();
        apply(&mut market, tx);
    }
    let witness = Witness::Aggregate(AggregateWitness {
        threshold: 2_500,
        records: (0..agora::circuits::aggregate::N as u64).map(|j| (j * 37) % 5_000).collect(),
        input_salt: FieldBytes::hash_to_field("vc test input", b"1"),
        output_salt: FieldBytes::hash_to_field("vc test output", b"1"),
    });
    let (kind, input_commitment, params) = agora::task_terms(&witness).unwrap();
    let offer = PostTask {
        title: "aggregate the committed records".into(),
        requirements: "sum and count above the threshold".into(),
        kind,
        params,
        input_commitment,
        asset: AssetId(1),
        budget: 10_000,
        bid_deadline: now - 3_000,
        delivery_deadline: now - 600,
        splits: vec![],
        min_reputation: 0,
    };
    let tx = market.sign(&employer, Action::PostTask(offer)).unwrap();
    let Created::Task(task) = apply(&mut market, tx).created else { panic!("no task created") };
    let tx = market.sign(&worker, Action::PlaceBid { task, price: 9_000, eta_secs: 600, plan_hash: [7; 32] }).unwrap();
    apply(&mut market, tx);
    let tx = market.sign(&employer, Action::AwardBid { task, bidder: worker.id() }).unwrap();
    apply(&mut market, tx);
    let (tx, _) = market.prove_completion(&proof_keys, &worker, task, &witness, None).unwrap();
    apply(&mut market, tx);
    assert!(market.verified_completion(task).unwrap().is_some());
    (db, task)
}

#[test]
fn digital_bazaars_vc_verifier_accepts_agora_credentials_and_rejects_tampered_copies() {
    common::npm::tools();
    let dir = tempfile::tempdir().unwrap();
    let (db, task) = market_with_a_proven_completion(dir.path());
    let task = task.0.to_string();
    let issuer = AgentKey::generate().unwrap();
    let issuer_file = write(
        dir.path(),
        "issuer.json",
        &serde_json::json!({ "did": issuer.id().did(), "secret": issuer.secret_hex() }),
    );
    let issuer_path = issuer_file.to_str().unwrap();
    let completion =
        json(&agora(&db, &["credential", "completion", "--task", &task, "--issuer-key", issuer_path], None));
    let worker = completion["credentialSubject"]["id"].as_str().unwrap().to_string();
    let reputation =
        json(&agora(&db, &["credential", "reputation", "--agent", &worker, "--issuer-key", issuer_path], None));

    // Both verify: the signature (Digital Bazaar) and, for the completion, the proof (snarkjs).
    let (accepted, answer) = independent_verify(&write(dir.path(), "completion.json", &completion));
    assert!(accepted, "{answer}");
    assert_eq!(answer["issuer"], issuer.id().did());
    assert!(answer["checks"].to_string().contains("Groth16 proof verifies"), "{answer}");
    let (accepted, answer) = independent_verify(&write(dir.path(), "reputation.json", &reputation));
    assert!(accepted, "{answer}");
    assert_eq!(answer["type"][1], "AgoraReputationCredential");

    // A changed claim in either: the signature no longer verifies.
    let mut tampered = completion.clone();
    tampered["credentialSubject"]["price"] = "1".into();
    let (accepted, answer) = independent_verify(&write(dir.path(), "completion-tampered.json", &tampered));
    assert!(!accepted, "{answer}");
    assert!(reason(&answer).contains("Invalid signature"), "{answer}");
    let mut tampered = reputation.clone();
    tampered["credentialSubject"]["score"] = "1000000".into();
    let (accepted, answer) = independent_verify(&write(dir.path(), "reputation-tampered.json", &tampered));
    assert!(!accepted, "{answer}");
    assert!(reason(&answer).contains("Invalid signature"), "{answer}");

    // Signed by another key than the issuer's: refused although the signature itself is good.
    let other = resigned(&reputation, &AgentKey::generate().unwrap(), |_| {});
    let (accepted, answer) = independent_verify(&write(dir.path(), "reputation-impostor.json", &other));
    assert!(!accepted, "{answer}");

    // Re-signed by the issuer with a changed public signal: the signature holds, snarkjs
    // rejects the proof.
    let changed = resigned(&completion, &issuer, |c| c["credentialSubject"]["publicSignals"][4] = "12345".into());
    let (accepted, answer) = independent_verify(&write(dir.path(), "completion-bad-proof.json", &changed));
    assert!(!accepted, "{answer}");
    assert!(reason(&answer).contains("Groth16"), "{answer}");

    // Not valid yet: a validFrom a day ahead is refused, and accepted as of that day.
    let tomorrow = agora_interop::time::datetime_utc(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 86_400,
    );
    let later = resigned(&reputation, &issuer, |c| c["validFrom"] = tomorrow.clone().into());
    let file = write(dir.path(), "reputation-later.json", &later);
    let (accepted, answer) = independent_verify(&file);
    assert!(!accepted, "{answer}");
    assert!(reason(&answer).contains("validFrom"), "{answer}");
    let (accepted, answer) = independent_verify_at(&file, Some(&tomorrow));
    assert!(accepted, "{answer}");
}
