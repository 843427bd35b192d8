//! Agora's proofs checked by the real snarkjs (pinned in package-lock.json, installed with
//! `npm ci`): for each built-in kind, `snarkjs groth16 verify` accepts the exported verifying
//! key, proof and public inputs of a verified completion and rejects them when one public input
//! is changed; `agora import proof` turns the snarkjs proof back into the stored bytes and
//! names what is wrong with a bad file; credentials of those completions verify, and fail with
//! their reason when tampered with.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::npm::snarkjs;
use common::{agora, json};
use serde_json::Value;
use std::path::Path;

fn snarkjs_accepts(dir: &Path) -> (bool, String) {
    let out = snarkjs(&[
        "groth16",
        "verify",
        dir.join("verification_key.json").to_str().unwrap(),
        dir.join("public.json").to_str().unwrap(),
        dir.join("proof.json").to_str().unwrap(),
    ]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && text.contains("OK!"), text)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn error_line(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "expected a failure: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// A marketplace with one verified completion per built-in kind (tasks 2, 3 and 4).
fn demo_market(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("m.redb");
    let out = agora(&db, &["demo", "--agents", "2", "--tasks", "1", "--proof-tasks", "3", "--quiet"], None);
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    db
}

#[test]
fn snarkjs_verifies_every_kind_and_agora_round_trips_its_proofs_and_credentials() {
    common::npm::tools();
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_market(tmp.path());
    let mut kinds = Vec::new();
    for task in 2..=4u64 {
        let out_dir = tmp.path().join(format!("task{task}"));
        let summary = json(&agora(
            &db,
            &["export", "proof", "--task", &task.to_string(), "--out", out_dir.to_str().unwrap()],
            None,
        ));
        let kind = summary["kind"].as_str().unwrap().to_string();

        // snarkjs accepts the exported statement...
        let (ok, text) = snarkjs_accepts(&out_dir);
        assert!(ok, "snarkjs rejected task {task} ({kind}): {text}");
        // ...and `export vk` gives the same key as the proof directory.
        let vk = json(&agora(&db, &["export", "vk", "--kind", &kind], None));
        assert_eq!(vk, read_json(&out_dir.join("verification_key.json")));
        assert_eq!(vk["protocol"], "groth16");
        assert_eq!(vk["curve"], "bn128");
        assert_eq!(vk["nPublic"], 6);

        // One changed public input, each position in turn: snarkjs rejects.
        let original = std::fs::read_to_string(out_dir.join("public.json")).unwrap();
        let public: Vec<String> = serde_json::from_str(&original).unwrap();
        for index in [0usize, 1, 2, 4, 5] {
            let mut changed = public.clone();
            changed[index] = if changed[index] == "1" { "2".into() } else { "1".into() };
            std::fs::write(out_dir.join("public.json"), serde_json::to_string(&changed).unwrap()).unwrap();
            let (ok, text) = snarkjs_accepts(&out_dir);
            assert!(!ok, "snarkjs accepted task {task} with public input {index} changed: {text}");
        }
        std::fs::write(out_dir.join("public.json"), &original).unwrap();

        // The snarkjs proof imports back into exactly the stored proof bytes.
        let imported = json(&agora(&db, &["import", "proof", out_dir.join("proof.json").to_str().unwrap()], None));
        let market = agora::Marketplace::open(&db).unwrap();
        let stored = market.verified_completion(agora::TaskId(task)).unwrap().unwrap();
        assert_eq!(imported["proof"].as_str().unwrap(), hex::encode(&stored.proof));
        assert_eq!(public, agora::zk::snarkjs::public_to_json(&stored.public_inputs));
        drop(market);
        kinds.push(kind);
    }
    kinds.sort();
    assert_eq!(kinds, ["aggregate", "classify", "hashchain"]);

    // The demo's fair-exchange task (task 6, after the runtime kind's task 5): snarkjs verifies
    // its proof with the envelope inputs (employer key, ephemeral key, ciphertext hash) the
    // state machine built, and rejects it with the ciphertext hash changed.
    let fair_dir = tmp.path().join("task6");
    let summary = json(&agora(&db, &["export", "proof", "--task", "6", "--out", fair_dir.to_str().unwrap()], None));
    assert_eq!(summary["kind"], "fair_aggregate");
    let (ok, text) = snarkjs_accepts(&fair_dir);
    assert!(ok, "snarkjs rejected the fair-exchange proof: {text}");
    assert_eq!(read_json(&fair_dir.join("verification_key.json"))["nPublic"], 11);
    let public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(fair_dir.join("public.json")).unwrap()).unwrap();
    let mut changed = public.clone();
    changed[10] = "1".into();
    std::fs::write(fair_dir.join("public.json"), serde_json::to_string(&changed).unwrap()).unwrap();
    assert!(!snarkjs_accepts(&fair_dir).0, "snarkjs accepted a changed ciphertext hash");

    // Bad proof files get a one-line error naming the fault.
    let good = read_json(&tmp.path().join("task2/proof.json"));
    type Tamper = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Tamper)> = vec![
        ("curve is \"bls12381\"", Box::new(|v| v["curve"] = "bls12381".into())),
        ("protocol is \"plonk\"", Box::new(|v| v["protocol"] = "plonk".into())),
        ("unknown field `extra`", Box::new(|v| v["extra"] = 1.into())),
        (
            "pi_a: expected 3 elements, got 2",
            Box::new(|v| {
                v["pi_a"].as_array_mut().unwrap().pop();
            }),
        ),
        ("pi_c: point is not on the curve", Box::new(|v| v["pi_c"][1] = "5".into())),
        (
            "pi_a[0]: value is not below the base field modulus",
            Box::new(|v| {
                v["pi_a"][0] = "21888242871839275222246405745257275088696311157297823662689037894645226208583".into()
            }),
        ),
        ("is not a canonical decimal number", Box::new(|v| v["pi_b"][0][1] = "0x12".into())),
    ];
    for (expect, tamper) in cases {
        let mut bad = good.clone();
        tamper(&mut bad);
        let path = tmp.path().join("bad.json");
        std::fs::write(&path, bad.to_string()).unwrap();
        let err = error_line(&agora(&db, &["import", "proof", path.to_str().unwrap()], None));
        assert!(err.contains(expect), "expected {expect:?} in {err:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let big = tmp.path().join("big.json");
    std::fs::write(&big, " ".repeat(agora::zk::snarkjs::MAX_PROOF_JSON_BYTES + 1)).unwrap();
    let err = error_line(&agora(&db, &["import", "proof", big.to_str().unwrap()], None));
    assert!(err.contains("above the limit"), "{err}");

    // Credentials of the same marketplace.
    let issuer = tmp.path().join("issuer.json");
    let key = agora(&db, &["key", "new"], None);
    std::fs::write(&issuer, &key.stdout).unwrap();
    let credential =
        json(&agora(&db, &["credential", "completion", "--task", "3", "--issuer-key", issuer.to_str().unwrap()], None));
    let file = tmp.path().join("completion.json");
    std::fs::write(&file, credential.to_string()).unwrap();
    let verified = json(&agora(&db, &["credential", "verify", file.to_str().unwrap(), "--check-db"], None));
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["report"]["credentialType"], "AgoraCompletionCredential");
    let mut tampered = credential.clone();
    tampered["credentialSubject"]["price"] = "1".into();
    std::fs::write(&file, tampered.to_string()).unwrap();
    let err = error_line(&agora(&db, &["credential", "verify", file.to_str().unwrap()], None));
    assert!(err.contains("signature does not verify"), "{err}");

    let worker = credential["credentialSubject"]["id"].as_str().unwrap().to_string();
    let reputation = json(&agora(
        &db,
        &["credential", "reputation", "--agent", &worker, "--issuer-key", issuer.to_str().unwrap()],
        None,
    ));
    let file = tmp.path().join("reputation.json");
    std::fs::write(&file, reputation.to_string()).unwrap();
    let verified = json(&agora(&db, &["credential", "verify", file.to_str().unwrap(), "--check-db"], None));
    assert_eq!(verified["report"]["credentialType"], "AgoraReputationCredential");
    assert!(!reputation["credentialSubject"]["feedback"].as_array().unwrap().is_empty());

    // Registration file and agent card.
    let registration =
        json(&agora(&db, &["export", "registration", &worker, "--base-url", "https://node.example"], None));
    assert_eq!(registration["type"], "https://eips.ethereum.org/EIPS/eip-8004#registration-v1");
    assert_eq!(registration["services"][0]["endpoint"], "https://node.example/.well-known/agent-card.json");
    assert_eq!(registration["active"], true);
    let card = json(&agora(&db, &["export", "agent-card", "--base-url", "https://node.example"], None));
    // One skill per kind taking tasks: the five genesis kinds and the one the demo registered.
    let skills: Vec<&str> = card["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        skills,
        [
            "agora.kind.aggregate",
            "agora.kind.classify",
            "agora.kind.hashchain",
            "agora.kind.hashchain-8",
            "agora.kind.fair_aggregate",
            "agora.kind.fair_classify"
        ]
    );

    // Unknown kinds and versions are named.
    let err = error_line(&agora(&db, &["export", "vk", "--kind", "sorting"], None));
    assert!(err.contains("unknown kind \"sorting\""), "{err}");
    let err = error_line(&agora(&db, &["export", "vk", "--kind", "aggregate", "--version", "2"], None));
    assert!(err.contains("no key version 2"), "{err}");
    let err = error_line(&agora(&db, &["export", "proof", "--task", "1"], None));
    assert!(err.contains("not settled by a verified completion proof"), "{err}");
}
