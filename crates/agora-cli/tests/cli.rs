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
    assert_eq!(tip["tip"]["height"], 0, "nothing applied");
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
    assert_eq!(offered["created"]["loan"], 1);
    let loan = json(&agora(&db, &["query", "loan", "1"], None));
    assert_eq!((loan["status"].as_str(), loan["escrow"].as_str()), (Some("offered"), Some("5000000")));
    assert_eq!(submit(&["cancel-loan", "--loan", "1"], "1004")["code"], 0);
    assert_eq!(json(&agora(&db, &["query", "loan", "1"], None))["status"], "cancelled");
    assert_eq!(json(&agora(&db, &["query", "reputation", &did], None))["locked"], 0);
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
    assert_eq!((tx["action"]["type"].as_str(), tx["action"]["parent"].as_u64()), (Some("post_subtask"), Some(7)));
    assert_eq!(tx["action"]["offer"]["budget"], "10");
    assert_eq!(json(&agora(&db, &["query", "totals"], None))["conserved"], true);
}
