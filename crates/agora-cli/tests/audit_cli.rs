//! `agora audit` lists operator and arbitration actions, and `agora audit verify` recomputes the
//! hash chain from the database: a copy with one tampered entry reports the break (exit 1)
//! while the original verifies clean.

#![allow(clippy::unwrap_used, reason = "test helpers: an unwrap failing is the test failing")]

mod common;

use common::{agora, json};
use std::path::Path;

fn submit(db: &Path, secret: &str, args: &[&str], time: &str) {
    let mut full = vec!["tx", "--secret", secret];
    full.extend_from_slice(args);
    let tx = agora(db, &full, None);
    assert!(tx.status.success(), "{}", String::from_utf8_lossy(&tx.stderr));
    let receipts = agora(db, &["submit", "--time", time], Some(&String::from_utf8_lossy(&tx.stdout)));
    let receipt: serde_json::Value = serde_json::from_slice(&receipts.stdout).unwrap();
    assert_eq!(receipt["code"], 0, "{receipt}");
}

/// Rewrites one byte of audit entry `seq` in the database at `path`, bypassing the state
/// machine (as an attacker with file access would).
fn tamper(path: &Path, seq: u64, offset: usize) {
    use redb::ReadableTable;
    let table: redb::TableDefinition<&[u8], &[u8]> = redb::TableDefinition::new("state.audit_log");
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut t = tx.open_table(table).unwrap();
        let key = seq.to_be_bytes();
        let mut value = t.get(key.as_slice()).unwrap().unwrap().value().to_vec();
        value[offset] ^= 0x01;
        t.insert(key.as_slice(), value.as_slice()).unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn audit_verify_reports_a_tampered_copy_while_the_original_verifies_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.redb");
    let init = json(&agora(&db, &["init", "--time", "1000"], None));
    let secret = init["operator"]["secret"].as_str().unwrap().to_string();
    let agent = json(&agora(&db, &["key", "new"], None));
    let did = agent["did"].as_str().unwrap().to_string();
    submit(&db, &secret, &["deposit", "--to", &did, "--asset", "1", "--amount", "500"], "1001");
    submit(&db, &secret, &["deposit", "--to", &did, "--asset", "1", "--amount", "700"], "1002");
    let evidence = "ab".repeat(32);
    submit(&db, &secret, &["freeze", "--agent", &did, "--reason", "4", "--evidence", &evidence], "1003");

    let listing = json(&agora(&db, &["audit"], None));
    assert_eq!(listing["count"], 4, "two deposits, one approval, one activation: {listing}");
    assert_eq!(listing["freezes"], 1);
    let deposits = json(&agora(&db, &["audit", "--kind", "deposit"], None));
    assert_eq!(deposits["count"], 2);
    let about = json(&agora(&db, &["audit", "--agent", &did], None));
    assert_eq!(about["count"], 4);
    let frozen = json(&agora(&db, &["query", "freeze", &did], None));
    assert_eq!(frozen["frozen"], true);

    let clean = json(&agora(&db, &["audit", "verify"], None));
    assert_eq!(clean["intact"], true);
    assert_eq!(clean["entries"], "4");

    let copy = dir.path().join("copy.redb");
    std::fs::copy(&db, &copy).unwrap();
    // Entry 1 is the second deposit: seq 8, prev 32, kind 1, actor 32, subject 33, data length 4,
    // then the asset (4) and the amount (16): flip the amount's low byte.
    tamper(&copy, 1, 8 + 32 + 1 + 32 + 33 + 4 + 4);
    let broken = agora(&copy, &["audit", "verify"], None);
    assert_eq!(broken.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["first_break"]["seq"], "1");
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("audit chain broken at entry 1"), "{stderr}");

    let again = json(&agora(&db, &["audit", "verify"], None));
    assert_eq!(again["intact"], true, "the original is untouched");
}
