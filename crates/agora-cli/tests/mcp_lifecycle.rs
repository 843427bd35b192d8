//! `agora mcp` driven by the official MCP TypeScript SDK against the real `agora serve`: two
//! wallets (employer and worker) over stdio run whole task lifecycles — a proof-gated task
//! proven in the worker's wallet, a manual task accepted, a manual task disputed — and the
//! node's database is checked afterwards; one wallet over streamable HTTP answers too. Bad
//! tool input is a tool error naming the field, never a crash.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::zombie_processes)]

mod common;
mod node_support;

use agora::zk::kinds::AggregateWitness;
use agora::{Action, AgentKey, CircuitShape, FieldBytes, ProofKeys, Status, TaskId, TaskStatus, Witness};
use node_support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest the whole Node script may run (it proves once).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(600);

/// A marketplace with the aggregate kind's keys, the employer trusted (so a completion it pays
/// confers reputation), panels of one arbitrator (so one registered arbitrator lets a dispute
/// open) and the agents funded; returns the database, the key directory and the running node.
fn market(dir: &Path, agents: &[&AgentKey]) -> (PathBuf, PathBuf, NodeProcess) {
    let db = db_in(dir);
    let mut keys_dir = db.as_os_str().to_owned();
    keys_dir.push(".keys");
    let keys_dir = PathBuf::from(keys_dir);
    let shapes = [CircuitShape::Aggregate, CircuitShape::FairAggregate];
    let proof_keys = ProofKeys::generate(&keys_dir, &shapes, |_| {}).unwrap();
    let operator = AgentKey::generate().unwrap();
    let mut genesis = agora::Genesis::development(operator.id(), now_secs());
    genesis.kinds = proof_keys.kind_specs();
    genesis.reputation.trusted.push(agents[0].id());
    genesis.arbitration.panel_size = 1;
    genesis.arbitration.quorum = 1;
    genesis.arbitration.min_arbitrator_reputation = 0;
    genesis.balances = agents
        .iter()
        .map(|k| agora::core::InitialBalance { agent: k.id(), asset: "USD".into(), amount: 1_000_000_000_000 })
        .collect();
    drop(agora::Marketplace::create(&db, genesis).unwrap());
    let node = start(&db, &[]);
    (db, keys_dir, node)
}

/// Sends each `(key, action)` through the node and checks it applied (the agents exist before
/// any wallet starts).
fn send_all(url: &str, txs: &[(&AgentKey, Action)]) -> Vec<agora::Receipt> {
    let client = agora_client::blocking::Client::new(url).unwrap();
    let genesis_hash = agora_api::hex32::parse(&client.tip().unwrap().genesis_hash).unwrap();
    txs.iter()
        .map(|(key, action)| {
            let nonce = client.next_nonce(&key.id()).unwrap();
            let tx = agora::TxBody { sender: key.id(), nonce, action: action.clone() }.sign(key, &genesis_hash);
            let receipt = client.submit(&tx).unwrap();
            assert_eq!(receipt.status, Status::Ok, "{receipt:?}");
            receipt
        })
        .collect()
}

/// Writes `key` as `agora key new` prints it.
fn key_file(dir: &Path, name: &str, key: &AgentKey) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::json!({ "did": key.id().did(), "secret": key.secret_hex() });
    std::fs::write(&path, serde_json::to_string_pretty(&text).unwrap()).unwrap();
    path
}

fn witness(n: u8) -> Witness {
    Witness::Aggregate(AggregateWitness {
        threshold: 2_500,
        records: (0..agora::circuits::aggregate::N as u64).map(|j| (j * 53 + u64::from(n)) % 5_000).collect(),
        input_salt: FieldBytes::hash_to_field("mcp test input", &[n]),
        output_salt: FieldBytes::hash_to_field("mcp test output", &[n]),
    })
}

/// Runs the Node script with `args` and the test's settings, bounded in time; returns the
/// parsed `RESULT` line.
fn run_script(args: &[&str], envs: &[(&str, &Path)]) -> serde_json::Value {
    let root = common::npm::tools();
    let script = root.join("crates/agora-cli/tests/js/mcp_lifecycle.mjs");
    let mut command = Command::new("node");
    command.arg(&script).args(args).current_dir(root).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("running node");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let deadline = Instant::now() + SCRIPT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the MCP script ran longer than {SCRIPT_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.success(), "the MCP script failed ({status}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    let line = stdout.lines().rev().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| {
        panic!("no RESULT line:\n{stdout}\n{stderr}");
    });
    serde_json::from_str(line).unwrap()
}

#[test]
fn two_wallets_over_stdio_run_a_proven_an_accepted_and_a_disputed_task_through_the_mcp_sdk() {
    let dir = tempfile::tempdir().unwrap();
    let [employer, worker, arbitrator]: [AgentKey; 3] = keys(3).try_into().unwrap();
    let (db, keys_dir, mut node) = market(dir.path(), &[&employer, &worker, &arbitrator]);
    let mut acked = send_all(
        &node.url,
        &[
            (&employer, Action::Register {}),
            (&worker, Action::Register {}),
            (&arbitrator, Action::Register {}),
            (&arbitrator, Action::RegisterArbitrator {}),
        ],
    );
    let employer_file = key_file(dir.path(), "employer", &employer);
    let worker_file = key_file(dir.path(), "worker", &worker);
    let witness_file = dir.path().join("witness.json");
    std::fs::write(&witness_file, serde_json::to_string(&witness(1)).unwrap()).unwrap();
    let fair_witness_file = dir.path().join("fair-witness.json");
    std::fs::write(&fair_witness_file, serde_json::to_string(&witness(2)).unwrap()).unwrap();
    let encryption = agora::EncryptionKey::generate().unwrap();
    let encryption_file = dir.path().join("employer.enc.json");
    std::fs::write(&encryption_file, serde_json::to_string(&encryption.to_file()).unwrap()).unwrap();
    let start_balance = {
        let client = agora_client::blocking::Client::new(&node.url).unwrap();
        client.get_value(&format!("/v1/agents/{}/balances/1", worker.id().did())).unwrap()["amount"].clone()
    };

    let url = PathBuf::from(&node.url);
    let result = run_script(
        &["stdio"],
        &[
            ("AGORA_BIN", Path::new(env!("CARGO_BIN_EXE_agora"))),
            ("AGORA_NODE_URL", &url),
            ("EMPLOYER_KEY", &employer_file),
            ("WORKER_KEY", &worker_file),
            ("AGORA_KEYS_DIR", &keys_dir),
            ("WITNESS_FILE", &witness_file),
            ("FAIR_WITNESS_FILE", &fair_witness_file),
            ("EMPLOYER_ENCRYPTION_KEY", &encryption_file),
        ],
    );
    assert_eq!(result["worker"], worker.id().did());
    assert_eq!(result["employer"], employer.id().did());
    acked.extend(
        result["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| serde_json::from_value::<agora::Receipt>(r.clone()).unwrap()),
    );
    assert_eq!(acked.len(), 4 + 17, "every transaction the wallets sent was acknowledged");
    assert!(acked.iter().all(|r| r.status == Status::Ok));

    let status = node.terminate();
    assert!(status.success(), "node exited with {status}");
    let proof_keys = ProofKeys::load(&keys_dir).unwrap();
    let market = agora::Marketplace::open_with_keys(&db, &proof_keys).unwrap();
    for receipt in &acked {
        let stored = market.receipts(receipt.height).unwrap().expect("an acknowledged block is stored");
        assert_eq!(stored.get(receipt.index as usize), Some(receipt), "acknowledged receipt differs or is missing");
    }
    let scratch = tempfile::tempdir().unwrap();
    let replayed = market.replay(scratch.path().join("replay.redb")).unwrap();
    assert!(replayed.matches(), "replaying the stored blocks gives the recorded digest");
    let task = |key: &str| {
        let id: u64 = result["tasks"][key].as_str().unwrap().parse().unwrap();
        market.task(TaskId(id)).unwrap().unwrap()
    };
    let proven = task("proven");
    assert_eq!(proven.status, TaskStatus::Completed);
    assert_eq!(proven.worker, Some(worker.id()));
    assert_eq!(proven.offer.kind, agora::circuits::aggregate::KIND);
    assert!(proven.output_commitment.is_some(), "the proven output commitment is stored");
    assert_eq!(task("accepted").status, TaskStatus::Accepted);
    let disputed = task("disputed");
    assert_eq!(disputed.status, TaskStatus::Disputed);
    let case: u64 = result["case"].as_str().unwrap().parse().unwrap();
    assert!(market.dispute(agora::CaseId(case)).unwrap().is_some(), "case {case} is stored");
    let fair = task("fair");
    assert_eq!(
        (fair.status, fair.offer.kind),
        (TaskStatus::Completed, agora::circuits::fair_exchange::aggregate::KIND)
    );
    let opened = market.open_sealed_output(fair.id, &encryption).unwrap();
    assert_eq!(serde_json::to_value(&opened.result).unwrap(), result["decrypted"]);
    let account = market.account(&worker.id()).unwrap();
    assert_eq!(account.proven_completions, 2);
    let report = market.reputation(&worker.id()).unwrap();
    assert!(report.score > 0, "the verified completion raised the worker's score");
    assert_eq!(report.score.to_string(), result["score_after"].as_str().unwrap());
    let start: u128 = start_balance.as_str().unwrap().parse().unwrap();
    assert!(market.balance(&worker.id(), agora::AssetId(1)).unwrap() > start, "the worker was paid");
    assert!(market.asset_totals().unwrap().iter().all(|t| t.conserved()));
}

fn start_mcp_http(node_url: &str, key: &Path) -> NodeProcess {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
    command.args(["mcp", "--node", node_url, "--key"]).arg(key).args(["--http", "127.0.0.1:0"]);
    spawn_until_logged(command, "agora mcp listening", "url")
}

#[test]
fn a_wallet_over_streamable_http_on_an_ephemeral_loopback_port_answers_the_sdk() {
    let dir = tempfile::tempdir().unwrap();
    let worker = AgentKey::generate().unwrap();
    let db = db_in(dir.path());
    create_db(&db, &AgentKey::generate().unwrap(), std::slice::from_ref(&worker), 1_000_000_000_000);
    let mut node = start(&db, &[]);
    send_all(&node.url, &[(&worker, Action::Register {})]);
    let worker_file = key_file(dir.path(), "worker", &worker);
    let mut mcp = start_mcp_http(&node.url, &worker_file);
    assert!(mcp.url.starts_with("http://127.0.0.1:") && mcp.url.ends_with("/mcp"), "{}", mcp.url);

    let result = run_script(&["http", &mcp.url], &[]);
    assert_eq!(result["did"], worker.id().did());

    // SIGTERM ends the sessions and the process exits cleanly.
    let status = mcp.terminate();
    assert!(status.success(), "agora mcp exited with {status}");
    assert!(node.terminate().success());
}

#[test]
fn agora_mcp_refuses_a_non_loopback_http_address_and_a_key_file_of_the_wrong_form() {
    let dir = tempfile::tempdir().unwrap();
    let key = AgentKey::generate().unwrap();
    let good = key_file(dir.path(), "agent", &key);
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["mcp", "--node", "http://127.0.0.1:9", "--key"])
        .arg(&good)
        .args(["--http", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only loopback addresses"), "{out:?}");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, key.secret_hex()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["mcp", "--node", "http://127.0.0.1:9", "--key"])
        .arg(&bad)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("key file") && message.contains("agora key new"), "{message}");
    assert!(!message.contains(&key.secret_hex()), "the secret is never printed");
}
