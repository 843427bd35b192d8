//! Running the `agora` binary from the CLI test suites.

#![allow(dead_code, clippy::unwrap_used)]

pub mod npm;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `agora --db DB ARGS…`, feeding `stdin` if given.
pub fn agora(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// The command's stdout as JSON, after checking it succeeded.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The credential with `change` applied and signed again by `issuer` (as a dishonest issuer
/// would), so only checks beyond the signature can catch it.
pub fn resigned(
    credential: &serde_json::Value,
    issuer: &agora::AgentKey,
    change: impl FnOnce(&mut serde_json::Value),
) -> serde_json::Value {
    let mut document = credential.clone();
    let proof = document.as_object_mut().unwrap().remove("proof").unwrap();
    change(&mut document);
    let key = agora_interop::did_key::signing_key_of(issuer).unwrap();
    let options = agora_interop::data_integrity::ProofOptions {
        created: proof["created"].as_str().map(String::from),
        verification_method: agora_interop::did_key::VerificationMethod::of(
            agora_interop::did_key::did_of(&key).unwrap(),
        )
        .id(),
        proof_purpose: agora_interop::data_integrity::ASSERTION_METHOD.into(),
    };
    agora_interop::data_integrity::add_proof(&document, &key, &options).unwrap()
}
