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
