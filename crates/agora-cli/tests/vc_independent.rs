//! Agora's credentials checked by a W3C VC verifier that is not Agora: Digital Bazaar's
//! `@digitalbazaar/vc` with `@digitalbazaar/data-integrity` and
//! `@digitalbazaar/eddsa-jcs-2022-cryptosuite` (pinned in package-lock.json, installed with
//! `npm ci`), run through `docs/examples/verify_credential.mjs`, which also checks a
//! completion's embedded Groth16 proof with snarkjs. A completion and a reputation credential
//! issued by the CLI are accepted; tampered copies of each are rejected with the reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agora::AgentKey;
use agora_interop::data_integrity::{ASSERTION_METHOD, ProofOptions, add_proof};
use agora_interop::did_key::{VerificationMethod, did_of, signing_key_of};
use common::{agora, json};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// What the independent verifier said: accepted, and its JSON answer.
fn independent_verify(file: &Path) -> (bool, Value) {
    let root = common::npm::tools();
    let out = Command::new("node")
        .arg(root.join("docs/examples/verify_credential.mjs"))
        .arg(file)
        .current_dir(root)
        .output()
        .unwrap();
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

#[test]
fn digital_bazaars_vc_verifier_accepts_agora_credentials_and_rejects_tampered_copies() {
    common::npm::tools();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let out = agora(&db, &["demo", "--agents", "2", "--tasks", "1", "--proof-tasks", "1", "--quiet"], None);
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    let issuer = AgentKey::generate().unwrap();
    let issuer_file = write(
        dir.path(),
        "issuer.json",
        &serde_json::json!({ "did": issuer.id().did(), "secret": issuer.secret_hex() }),
    );
    let issuer_path = issuer_file.to_str().unwrap();
    let completion = json(&agora(&db, &["credential", "completion", "--task", "2", "--issuer-key", issuer_path], None));
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
    let mut other = reputation.clone();
    let proof = other.as_object_mut().unwrap().remove("proof").unwrap();
    let impostor = signing_key_of(&AgentKey::generate().unwrap()).unwrap();
    let options = ProofOptions {
        created: proof["created"].as_str().map(String::from),
        verification_method: VerificationMethod::of(did_of(&impostor).unwrap()).id(),
        proof_purpose: ASSERTION_METHOD.into(),
    };
    let other = add_proof(&other, &impostor, &options).unwrap();
    let (accepted, answer) = independent_verify(&write(dir.path(), "reputation-impostor.json", &other));
    assert!(!accepted, "{answer}");

    // Re-signed by the issuer with a changed public signal: the signature holds, snarkjs
    // rejects the proof.
    let mut changed = completion.clone();
    let proof = changed.as_object_mut().unwrap().remove("proof").unwrap();
    changed["credentialSubject"]["publicSignals"][4] = "12345".into();
    let key = signing_key_of(&issuer).unwrap();
    let options = ProofOptions {
        created: proof["created"].as_str().map(String::from),
        verification_method: VerificationMethod::of(did_of(&key).unwrap()).id(),
        proof_purpose: ASSERTION_METHOD.into(),
    };
    let changed = add_proof(&changed, &key, &options).unwrap();
    let (accepted, answer) = independent_verify(&write(dir.path(), "completion-bad-proof.json", &changed));
    assert!(!accepted, "{answer}");
    assert!(reason(&answer).contains("Groth16"), "{answer}");
}
