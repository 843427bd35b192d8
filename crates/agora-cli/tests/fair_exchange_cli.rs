//! Fair exchange through the `agora` binary: an employer generates and registers an encryption
//! key, posts a fair-exchange task, the worker proves and is paid by the sealed completion, and
//! `agora decrypt` recovers exactly the output — and refuses any other key.

mod common;

use common::{agora, json};
use serde_json::Value;
use std::path::Path;

fn ok(out: &std::process::Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn submit(db: &Path, txs: &str, time: u64) -> Value {
    json(&agora(db, &["submit", "--time", &time.to_string()], Some(txs)))
}

#[test]
fn an_employer_decrypts_the_output_it_paid_for_and_no_one_else_can() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000", "--with-proofs"], None));
    let operator = init["operator"]["secret"].as_str().unwrap().to_string();
    let employer = json(&agora(&db, &["key", "new"], None));
    let worker = json(&agora(&db, &["key", "new"], None));
    let (employer_secret, employer_did) = (employer["secret"].as_str().unwrap(), employer["did"].as_str().unwrap());
    let (worker_secret, worker_did) = (worker["secret"].as_str().unwrap(), worker["did"].as_str().unwrap());
    let mut time = 1001;
    let mut run = |secret: &str, args: &[&str]| -> Value {
        let mut full = vec!["tx", "--secret", secret];
        full.extend_from_slice(args);
        let tx = ok(&agora(&db, &full, None));
        time += 1;
        submit(&db, &tx, time)
    };
    for did in [employer_did, worker_did] {
        assert_eq!(run(&operator, &["deposit", "--to", did, "--asset", "1", "--amount", "200000000"])["code"], 0);
    }
    assert_eq!(run(employer_secret, &["register"])["code"], 0);
    assert_eq!(run(worker_secret, &["register"])["code"], 0);

    let key_file = dir.path().join("employer.enc.json");
    let generated = json(&agora(&db, &["key", "encryption", "--out", key_file.to_str().unwrap()], None));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let registered = run(employer_secret, &["register-encryption-key", "--key-file", key_file.to_str().unwrap()]);
    assert_eq!(registered["code"], 0, "{registered}");
    let on_chain = json(&agora(&db, &["query", "encryption-key", employer_did], None));
    assert_eq!(on_chain["encryption_key"]["key"], generated["encryption_key"]);

    let witness = serde_json::json!({
        "kind": "aggregate",
        "threshold": "2500",
        "records": (0..64u64).map(|j| ((j * 53 + 11) % 5_000).to_string()).collect::<Vec<_>>(),
        "input_salt": format!("{:064x}", 7),
        "output_salt": format!("{:064x}", 9),
    });
    let witness_file = dir.path().join("task.json");
    std::fs::write(&witness_file, witness.to_string()).unwrap();
    let expected_sum: u64 = (0..64u64).map(|j| (j * 53 + 11) % 5_000).sum();
    let expected_count = (0..64u64).filter(|j| (j * 53 + 11) % 5_000 > 2_500).count();

    let w = witness_file.to_str().unwrap();
    let post = [
        "post-task",
        "--title",
        "fx",
        "--asset",
        "1",
        "--budget",
        "1000000",
        "--bid-deadline",
        "5000",
        "--delivery-deadline",
        "9000",
        "--terms-from",
        w,
        "--fair-exchange",
    ];
    let posted = run(employer_secret, &post);
    assert_eq!(posted["created"]["task"], "1", "{posted}");
    let bid = ["place-bid", "--task", "1", "--price", "1000000", "--eta", "60", "--plan-hash", &"ab".repeat(32)];
    assert_eq!(run(worker_secret, &bid)["code"], 0);
    assert_eq!(run(employer_secret, &["award", "--task", "1", "--bidder", worker_did])["code"], 0);

    let proved = ok(&agora(&db, &["prove", "--secret", worker_secret, "--task", "1", "--witness", w], None));
    let tx: Value = serde_json::from_str(&proved).unwrap();
    assert_eq!(tx["action"]["sealed"]["ciphertext"].as_array().map(Vec::len), Some(3), "{tx}");
    let receipt = submit(&db, &proved, 2_000);
    assert_eq!(receipt["code"], 0, "{receipt}");
    assert_eq!(json(&agora(&db, &["query", "task", "1"], None))["status"], "completed");
    let sealed = json(&agora(&db, &["query", "sealed", "1"], None));
    assert_eq!(sealed["sealed"]["delivery"], tx["action"]["sealed"]);

    let opened = json(&agora(&db, &["decrypt", "--task", "1", "--key", key_file.to_str().unwrap()], None));
    assert_eq!(opened["result"]["kind"], "aggregate");
    assert_eq!(opened["result"]["sum"], expected_sum.to_string());
    assert_eq!(opened["result"]["count"], expected_count.to_string());
    assert_eq!(opened["output_salt"], witness["output_salt"]);

    let other = dir.path().join("other.enc.json");
    ok(&agora(&db, &["key", "encryption", "--out", other.to_str().unwrap()], None));
    let refused = agora(&db, &["decrypt", "--task", "1", "--key", other.to_str().unwrap()], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another encryption key"));
    // The key file is never overwritten.
    assert!(!agora(&db, &["key", "encryption", "--out", key_file.to_str().unwrap()], None).status.success());
    assert_eq!(json(&agora(&db, &["replay"], None))["matches"], true);
}
