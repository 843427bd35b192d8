//! The `agora` binary: JSON in and out, and one clear line with exit code 1 on bad input.

mod common;

use common::{agora, json};
use std::process::Output;

fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(stderr.trim_end().lines().count(), 1, "error must be one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn init_sign_submit_query_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000"], None));
    let secret = init["operator"]["secret"].as_str().unwrap().to_string();
    let worker = json(&agora(&db, &["key", "new"], None));
    let did = worker["did"].as_str().unwrap();
    assert!(did.starts_with("did:key:z6Mk"));

    let tx =
        agora(&db, &["tx", "--secret", &secret, "deposit", "--to", did, "--asset", "1", "--amount", "12345"], None);
    assert!(tx.status.success());
    let receipts = agora(&db, &["submit", "--time", "1001"], Some(&String::from_utf8_lossy(&tx.stdout)));
    let receipt: serde_json::Value = serde_json::from_slice(&receipts.stdout).unwrap();
    assert_eq!(receipt["code"], 0);
    let balance = json(&agora(&db, &["query", "balance", did], None));
    assert_eq!(balance["amount"], "12345");
    let totals = json(&agora(&db, &["query", "totals"], None));
    assert_eq!(totals["conserved"], true);
    let replay = json(&agora(&db, &["replay"], None));
    assert_eq!(replay["matches"], true);
    let doc = json(&agora(&db, &["key", "document", did], None));
    assert_eq!(doc["id"], did);
}

#[test]
fn malformed_input_is_refused_whole_with_one_line_and_nothing_applied() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    json(&agora(&db, &["init", "--time", "1000"], None));
    let err = one_line_error(&agora(&db, &["submit", "--time", "1001"], Some("{\"not\": \"a tx\"}\n")));
    assert!(err.contains("line 1"), "{err}");
    let tip = json(&agora(&db, &["query", "tip"], None));
    assert_eq!(tip["tip"]["height"], "0", "nothing applied");
    let err = one_line_error(&agora(&db, &["query", "agent", "did:key:zNOPE"], None));
    assert!(err.contains("invalid did"), "{err}");
    let err = one_line_error(&agora(&db, &["query", "task", "99"], None));
    assert!(err.contains("no task 99"), "{err}");
    let err = one_line_error(&agora(&db, &["init"], None));
    assert!(err.contains("already exists"), "{err}");
    let err = one_line_error(&agora(&dir.path().join("missing.redb"), &["query", "tip"], None));
    assert!(err.contains("no database"), "{err}");
    let err = one_line_error(&agora(&db, &["tx", "--secret", "zz", "register"], None));
    assert!(err.contains("secret"), "{err}");
}

#[test]
fn loan_commands_sign_submit_and_query_and_post_task_parent_makes_a_subtask() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000"], None));
    let secret = init["operator"]["secret"].as_str().unwrap().to_string();
    let did = init["operator"]["did"].as_str().unwrap().to_string();
    let submit = |args: &[&str], time: &str| -> serde_json::Value {
        let mut full = vec!["tx", "--secret", &secret];
        full.extend_from_slice(args);
        let tx = agora(&db, &full, None);
        assert!(tx.status.success(), "stderr: {}", String::from_utf8_lossy(&tx.stderr));
        json(&agora(&db, &["submit", "--time", time], Some(&String::from_utf8_lossy(&tx.stdout))))
    };
    assert_eq!(submit(&["deposit", "--to", &did, "--asset", "1", "--amount", "200000000"], "1001")["code"], 0);
    assert_eq!(submit(&["register"], "1002")["code"], 0);
    let offered = submit(
        &["offer-loan", "--asset", "1", "--principal", "5000000", "--interest-bps", "200", "--due", "9000"],
        "1003",
    );
    assert_eq!(offered["created"]["loan"], "1");
    let loan = json(&agora(&db, &["query", "loan", "1"], None));
    assert_eq!((loan["status"].as_str(), loan["escrow"].as_str()), (Some("offered"), Some("5000000")));
    assert_eq!(submit(&["cancel-loan", "--loan", "1"], "1004")["code"], 0);
    assert_eq!(json(&agora(&db, &["query", "loan", "1"], None))["status"], "cancelled");
    assert_eq!(json(&agora(&db, &["query", "reputation", &did], None))["locked"], "0");
    for (action, flags) in [("accept-loan", vec!["--loan", "1", "--pledge", "5"]), ("repay-loan", vec!["--loan", "1"])]
    {
        let mut full = vec!["tx", "--secret", &secret, action];
        full.extend_from_slice(&flags);
        let tx = json(&agora(&db, &full, None));
        assert_eq!(tx["action"]["type"], action.replace('-', "_"));
    }
    let tx = json(&agora(
        &db,
        &[
            "tx",
            "--secret",
            &secret,
            "post-task",
            "--parent",
            "7",
            "--title",
            "sub",
            "--asset",
            "1",
            "--budget",
            "10",
            "--bid-deadline",
            "2000",
            "--delivery-deadline",
            "3000",
        ],
        None,
    ));
    assert_eq!((tx["action"]["type"].as_str(), tx["action"]["parent"].as_str()), (Some("post_subtask"), Some("7")));
    assert_eq!(tx["action"]["offer"]["budget"], "10");
    assert_eq!(json(&agora(&db, &["query", "totals"], None))["conserved"], true);
}

/// A signed deposit from the operator, as the CLI prints it.
fn signed_deposit(db: &std::path::Path, secret: &str, did: &str) -> String {
    let tx = agora(db, &["tx", "--secret", secret, "deposit", "--to", did, "--asset", "1", "--amount", "5"], None);
    assert!(tx.status.success());
    String::from_utf8_lossy(&tx.stdout).trim().to_string()
}

/// Asserts the error, then that nothing was applied and replay still matches the same digest.
fn refused_and_nothing_changed(db: &std::path::Path, input: &str, expect: &[&str]) {
    let before = json(&agora(db, &["replay"], None));
    let err = one_line_error(&agora(db, &["submit", "--time", "1001"], Some(input)));
    for part in expect {
        assert!(err.contains(part), "expected {part:?} in {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(json(&agora(db, &["query", "tip"], None))["tip"]["height"], "0", "nothing applied");
    let after = json(&agora(db, &["replay"], None));
    assert_eq!(
        (after["matches"].clone(), after["digest"].clone()),
        (serde_json::json!(true), before["digest"].clone())
    );
}

#[test]
fn oversized_and_non_strict_json_is_refused_naming_the_field_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000"], None));
    let secret = init["operator"]["secret"].as_str().unwrap().to_string();
    let did = init["operator"]["did"].as_str().unwrap().to_string();
    let tx = signed_deposit(&db, &secret, &did);
    assert!(tx.contains("\"nonce\":\"0\"") && tx.contains("\"amount\":\"5\""), "{tx}");

    // A 10 MB JSON body (here: a 10 MB DID) is refused by the body limit before it is parsed.
    let huge_did = format!("did:key:z{}", "1".repeat(10 << 20));
    refused_and_nothing_changed(&db, &tx.replace(&did, &huge_did), &["line 1", "above the limit of 65536 bytes"]);
    // A DID under the body limit but over the DID limit is refused by its length, not by base58.
    let long_did = format!("did:key:z{}", "1".repeat(50_000));
    refused_and_nothing_changed(&db, &tx.replacen(&did, &long_did, 1), &["field `sender`", "limit of 105 bytes"]);
    // Unknown field, number instead of string (2^53 + 1), duplicate key.
    refused_and_nothing_changed(&db, &tx.replacen('{', "{\"memo\":\"hi\",", 1), &["unknown field `memo`"]);
    let number = tx.replace("\"nonce\":\"0\"", "\"nonce\":9007199254740993");
    refused_and_nothing_changed(&db, &number, &["field `nonce`", "decimal string"]);
    let dup = tx.replace("\"nonce\":\"0\"", "\"nonce\":\"0\",\"nonce\":\"1\"");
    refused_and_nothing_changed(&db, &dup, &["duplicate field `nonce`"]);
    let amount = tx.replace("\"amount\":\"5\"", "\"amount\":5");
    refused_and_nothing_changed(&db, &amount, &["field `action`", "decimal string"]);

    // A 10 MB title (memo) is refused by its own limit in a body under the body limit.
    let post = agora(
        &db,
        &[
            "tx",
            "--secret",
            &secret,
            "post-task",
            "--title",
            "t",
            "--asset",
            "1",
            "--budget",
            "1",
            "--bid-deadline",
            "2000",
            "--delivery-deadline",
            "3000",
        ],
        None,
    );
    let post = String::from_utf8_lossy(&post.stdout).trim().to_string();
    let long_title = post.replace("\"title\":\"t\"", &format!("\"title\":\"{}\"", "t".repeat(20_000)));
    refused_and_nothing_changed(&db, &long_title, &["limit of 200 bytes"]);
    let huge_title = post.replace("\"title\":\"t\"", &format!("\"title\":\"{}\"", "t".repeat(10 << 20)));
    refused_and_nothing_changed(&db, &huge_title, &["above the limit of 65536 bytes"]);

    // A 10 MB DID on the command line path (query) is refused by the DID limit.
    let err = one_line_error(&agora(&db, &["query", "agent", &format!("did:key:z{}", "1".repeat(100_000))], None));
    assert!(err.contains("limit of 105 bytes"), "{err}");
}

#[test]
fn oversized_files_are_refused_by_their_size_before_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000"], None));
    let secret = init["operator"]["secret"].as_str().unwrap().to_string();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 17 << 20]).unwrap();
    let err = one_line_error(&agora(&dir.path().join("g.redb"), &["init", "--genesis", big.to_str().unwrap()], None));
    assert!(err.contains("genesis") && err.contains("above the limit of 16777216 bytes"), "{err}");
    let err = one_line_error(&agora(
        &db,
        &["prove", "--secret", &secret, "--task", "1", "--witness", big.to_str().unwrap()],
        None,
    ));
    assert!(err.contains("witness") && err.contains("above the limit of 65536 bytes"), "{err}");

    // A genesis with an unknown field or a number where a decimal string is required.
    let genesis = init["genesis"].to_string();
    for (bad, expect) in [
        (genesis.replacen('{', "{\"extra\":true,", 1), "unknown field `extra`"),
        (genesis.replace("\"genesis_time\":\"1000\"", "\"genesis_time\":1000"), "field `genesis_time`"),
    ] {
        let file = dir.path().join("bad-genesis.json");
        std::fs::write(&file, bad).unwrap();
        let err =
            one_line_error(&agora(&dir.path().join("g2.redb"), &["init", "--genesis", file.to_str().unwrap()], None));
        assert!(err.contains(expect), "{expect}: {err}");
        assert!(!dir.path().join("g2.redb").exists());
    }
}
