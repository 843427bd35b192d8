//! Bring your own circom circuit: `circuits/circom/sort8.circom` compiled with circom2 (the
//! WebAssembly build of circom 2), set up with snarkjs from a locally generated powers of tau,
//! registered at runtime with `agora kind register --circom-vk`, proven by the worker with
//! `snarkjs groth16 fullprove` and submitted with `agora import proof` / `agora import public`
//! / `agora tx submit-completion`. Then the attacks: a proof for another task, another worker,
//! another chain, another kind or an older version, a changed public signal, a proof made with a
//! different zkey — each refused with its stable code and no state change. The npm packages are
//! the ones pinned in package-lock.json, installed with `npm ci`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agora::zk::snarkjs::parse_public_input;
use agora::{
    Action, AgentKey, AssetId, Created, FieldBytes, Genesis, Marketplace, PostTask, Status, TaskId, TaskStatus,
};
use common::{agora, json};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SORT8: u16 = 20;
const OTHER_KIND: u16 = 21;
const PRICE: u128 = 1_000_000;
const BOUND: &str = "1000000";
const LIST: [u64; 8] = [907, 12, 450_001, 33, 999_999, 0, 12, 78_000];

/// Runs `node circuits/circom/scripts/SCRIPT ARGS…` and returns its JSON.
fn script(name: &str, args: &[&str]) -> Value {
    let root = common::npm::tools();
    let out = Command::new("node")
        .arg(root.join("circuits/circom/scripts").join(name))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{name} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Two independent setups of sort8 (the second from the first's powers of tau), made once per
/// checkout and kept under the target directory, keyed by the circuit, the scripts and the
/// lock file.
fn setups() -> &'static (PathBuf, PathBuf) {
    static SETUPS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    SETUPS.get_or_init(|| {
        let root = common::npm::tools();
        let mut hasher = blake3::Hasher::new();
        for file in ["circuits/circom/sort8.circom", "circuits/circom/scripts/setup.mjs", "package-lock.json"] {
            hasher.update(&std::fs::read(root.join(file)).unwrap());
        }
        let tag = &hasher.finalize().to_hex()[..16];
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        let base = target.join("circom-sort8").join(tag);
        let (first, second) = (base.join("a"), base.join("b"));
        if !first.join("done").exists() {
            let made = script("setup.mjs", &[first.to_str().unwrap()]);
            eprintln!(
                "sort8 setup: {} constraints, 2^{} powers of tau, {} s",
                made["constraints"], made["power"], made["seconds"]
            );
            std::fs::write(first.join("done"), made.to_string()).unwrap();
        }
        if !second.join("done").exists() {
            let ptau = script_ptau(&first);
            let made = script("setup.mjs", &[second.to_str().unwrap(), "--ptau", ptau.to_str().unwrap()]);
            std::fs::write(second.join("done"), made.to_string()).unwrap();
        }
        (first, second)
    })
}

fn script_ptau(setup: &Path) -> PathBuf {
    let made: Value = serde_json::from_str(&std::fs::read_to_string(setup.join("done")).unwrap()).unwrap();
    PathBuf::from(made["ptau"].as_str().unwrap())
}

fn decimal_to_hex(text: &str) -> String {
    hex::encode(parse_public_input("value", text).unwrap().as_bytes())
}

fn field(text: &str) -> FieldBytes {
    parse_public_input("value", text).unwrap()
}

fn commitment(values: &[u64]) -> String {
    let args: Vec<String> = values.iter().map(u64::to_string).collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    script("commit.mjs", &refs)["commitment"].as_str().unwrap().to_string()
}

struct Market {
    db: PathBuf,
    dir: tempfile::TempDir,
    operator: AgentKey,
    employer: AgentKey,
    worker: AgentKey,
    time: u64,
    /// Each task's list: distinct per task, since the same work proven twice by one worker
    /// earns once (its nullifier).
    lists: std::collections::BTreeMap<TaskId, [u64; 8]>,
}

impl Market {
    fn new() -> Market {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.redb");
        let operator = AgentKey::generate().unwrap();
        let employer = AgentKey::generate().unwrap();
        let worker = AgentKey::generate().unwrap();
        let mut genesis = Genesis::development(operator.id(), 1_000);
        genesis.reputation.trusted = vec![employer.id()];
        let mut market = Marketplace::create(&db, genesis).unwrap();
        let mut m = Market { db, dir, operator, employer, worker, time: 1_001, lists: Default::default() };
        let bond = market.config().bond_amount;
        let (op, em, wk) = (m.operator.clone(), m.employer.clone(), m.worker.clone());
        m.ok(&mut market, &op, Action::Deposit { to: em.id(), asset: AssetId(1), amount: bond + 20 * PRICE });
        m.ok(&mut market, &op, Action::Deposit { to: wk.id(), asset: AssetId(1), amount: bond });
        m.ok(&mut market, &em, Action::Register {});
        m.ok(&mut market, &wk, Action::Register {});
        m
    }

    fn open(&self) -> Marketplace {
        Marketplace::open(&self.db).unwrap()
    }

    fn ok(&mut self, market: &mut Marketplace, key: &AgentKey, action: Action) -> agora::Receipt {
        let tx = market.sign(key, action).unwrap();
        let receipt = market.submit(vec![tx], self.time).unwrap().receipts.remove(0);
        self.time += 1;
        assert_eq!(receipt.status, Status::Ok, "{receipt:?}");
        receipt
    }

    /// Submits signed transaction JSON through `agora submit`; returns the receipt.
    fn submit(&mut self, tx: &Value) -> Value {
        let time = self.time.to_string();
        self.time += 1;
        json(&agora(&self.db, &["submit", "--time", &time], Some(&format!("{tx}\n"))))
    }

    /// An awarded task of `kind` for the worker, of a list of its own (`LIST` with its first
    /// value moved by the number of tasks so far).
    fn awarded_task(&mut self, kind: u16) -> TaskId {
        let mut list = LIST;
        list[0] += self.lists.len() as u64;
        let mut market = self.open();
        let (em, wk) = (self.employer.clone(), self.worker.clone());
        let offer = PostTask {
            title: "sort these eight numbers".into(),
            requirements: "ascending; settled by a sort8 proof".into(),
            kind,
            params: vec![field(BOUND)],
            input_commitment: field(&commitment(&list)),
            asset: AssetId(1),
            budget: PRICE,
            bid_deadline: self.time + 100,
            delivery_deadline: self.time + 10_000,
            splits: vec![],
            min_reputation: 0,
        };
        let Created::Task(task) = self.ok(&mut market, &em, Action::PostTask(offer)).created else { panic!() };
        self.ok(&mut market, &wk, Action::PlaceBid { task, price: PRICE, eta_secs: 60, plan_hash: [1; 32] });
        self.ok(&mut market, &em, Action::AwardBid { task, bidder: wk.id() });
        self.lists.insert(task, list);
        task
    }

    fn operator_approval(&self, args: &[&str]) -> Value {
        let secret = self.operator.secret_hex();
        let mut full = vec!["kind", "--secret", secret.as_str()];
        full.extend_from_slice(args);
        json(&agora(&self.db, &full, None))
    }

    fn task(&self) -> TaskStatusProbe {
        TaskStatusProbe { db: self.db.clone() }
    }
}

struct TaskStatusProbe {
    db: PathBuf,
}

impl TaskStatusProbe {
    fn status(&self, task: TaskId) -> (TaskStatus, u64) {
        let market = Marketplace::open(&self.db).unwrap();
        let record = market.task(task).unwrap().unwrap();
        (record.status, market.account(&record.worker.unwrap()).unwrap().received)
    }
}

/// The worker's side: the statement from `agora export statement`, the sorted list, a proof
/// with snarkjs under `setup`'s keys; `tweak` may alter the input (another chain, task or
/// worker). Returns the signed `submit_completion` for `task`.
fn worker_completion(m: &Market, setup: &Path, task: TaskId, tweak: impl FnOnce(&mut Value)) -> Value {
    let did = m.worker.id().did();
    let statement =
        json(&agora(&m.db, &["export", "statement", "--task", &task.0.to_string(), "--worker", &did], None));
    let list = m.lists[&task];
    let mut sorted = list;
    sorted.sort_unstable();
    let mut input = json!({
        "chain": statement["chain"],
        "task": statement["task_field"],
        "worker": statement["worker"],
        "input_commitment": statement["input_commitment"],
        "output_commitment": commitment(&sorted),
        "bound": statement["params"][0],
        "x": list.iter().map(u64::to_string).collect::<Vec<_>>(),
        "y": sorted.iter().map(u64::to_string).collect::<Vec<_>>(),
    });
    tweak(&mut input);
    let work = tempfile::tempdir_in(m.dir.path()).unwrap();
    let input_path = work.path().join("input.json");
    std::fs::write(&input_path, input.to_string()).unwrap();
    let proof_dir = work.path().join("proof");
    let proved =
        script("prove.mjs", &[setup.to_str().unwrap(), input_path.to_str().unwrap(), proof_dir.to_str().unwrap()]);
    assert_eq!(proved["verified"], true);

    let proof = json(&agora(&m.db, &["import", "proof", proof_dir.join("proof.json").to_str().unwrap()], None));
    let output = hex_output_commitment(&proved["public"][4]);
    let secret = m.worker.secret_hex();
    let task_arg = task.0.to_string();
    let args = [
        "tx",
        "--secret",
        secret.as_str(),
        "submit-completion",
        "--task",
        task_arg.as_str(),
        "--output-commitment",
        output.as_str(),
        "--proof",
        proof["proof"].as_str().unwrap(),
    ];
    json(&agora(&m.db, &args, None))
}

fn hex_output_commitment(decimal: &Value) -> String {
    decimal_to_hex(decimal.as_str().unwrap())
}

/// Submits `tx` and asserts it is refused with `code` and the task and the worker's
/// reputation did not move.
fn refused(m: &mut Market, task: TaskId, tx: &Value, code: u64, what: &str) {
    let before = m.task().status(task);
    let receipt = m.submit(tx);
    assert_eq!(receipt["code"], code, "{what}: {receipt}");
    assert_eq!(m.task().status(task), before, "{what} changed state");
}

#[test]
fn a_circom_kind_registered_at_runtime_settles_by_a_snarkjs_proof_and_every_misbinding_is_refused() {
    let (key_a, key_b) = setups().clone();
    let mut m = Market::new();
    let vk_a = key_a.join("verification_key.json");
    let vk_b = key_b.join("verification_key.json");

    // A circuit whose key does not expose the binding inputs plus the layout cannot be
    // registered: the CLI says why before signing.
    let out = agora(
        &m.db,
        &[
            "kind",
            "--secret",
            &m.operator.secret_hex(),
            "register",
            "--kind",
            "20",
            "--name",
            "sort8",
            "--params",
            "0",
            "--circom-vk",
            vk_a.to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.contains("6 public inputs") && error.contains("binding inputs"), "{error}");

    // Registration by the operator (the development quorum is one operator).
    let sort8 = SORT8.to_string();
    let tx = m.operator_approval(&[
        "register",
        "--kind",
        &sort8,
        "--name",
        "sort8",
        "--params",
        "1",
        "--description",
        "sorts a committed list of eight numbers below a bound",
        "--circom-vk",
        vk_a.to_str().unwrap(),
    ]);
    assert_eq!(m.submit(&tx)["code"], 0);
    let kinds = json(&agora(&m.db, &["query", "kinds"], None));
    let registered = kinds["kinds"].as_array().unwrap().iter().find(|k| k["kind"]["name"] == "sort8").unwrap();
    assert_eq!(registered["versions"][0]["source"], "registry");
    assert_eq!(registered["versions"][0]["public_inputs"], 6);
    let exported = json(&agora(&m.db, &["export", "vk", "--kind", "sort8"], None));
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&vk_a).unwrap()).unwrap();
    assert_eq!(exported["IC"], original["IC"], "the registry's key is the snarkjs key");
    assert_eq!(exported["nPublic"], 6);

    let task = m.awarded_task(SORT8);
    let second_task = m.awarded_task(SORT8);

    // Misbound proofs: each a valid proof of some other statement.
    let other_task = worker_completion(&m, &key_a, task, |i| i["task"] = json!(second_task.0.to_string()));
    refused(&mut m, task, &other_task, 65, "a proof for another task");
    let stranger = AgentKey::generate().unwrap();
    let stranger_field = agora::core::worker_field(&stranger.id());
    let other_worker = worker_completion(&m, &key_a, task, |i| {
        i["worker"] = json!(agora::zk::snarkjs::public_to_json(&[stranger_field])[0])
    });
    refused(&mut m, task, &other_worker, 65, "a proof for another worker");
    let other_chain = agora::core::chain_field(&[7; 32]);
    let other_chain_tx = worker_completion(&m, &key_a, task, |i| {
        i["chain"] = json!(agora::zk::snarkjs::public_to_json(&[other_chain])[0])
    });
    refused(&mut m, task, &other_chain_tx, 65, "a proof for another chain");
    let other_zkey = worker_completion(&m, &key_b, task, |_| {});
    refused(&mut m, task, &other_zkey, 65, "a proof made with a different zkey");
    let mut changed = worker_completion(&m, &key_a, task, |_| {});
    let honest = changed.clone();
    let claimed = changed["action"]["output_commitment"].as_str().unwrap().to_string();
    let mut bytes = hex::decode(&claimed).unwrap();
    bytes[0] ^= 1;
    changed["action"]["output_commitment"] = json!(hex::encode(bytes));
    let resigned = resign(&m, &changed);
    refused(&mut m, task, &resigned, 65, "a changed public signal (the output commitment)");

    // The honest proof settles the task, pays the worker and moves reputation.
    assert_eq!(m.submit(&honest)["code"], 0);
    let (status, received) = m.task().status(task);
    assert_eq!(status, TaskStatus::Completed);
    assert!(received > 0, "a verified completion earns reputation");

    // Public.json checked against the statement: `agora import public` names the bad signal.
    let export = m.dir.path().join("exported");
    json(&agora(&m.db, &["export", "proof", "--task", &task.0.to_string(), "--out", export.to_str().unwrap()], None));
    let checked = json(&agora(
        &m.db,
        &[
            "import",
            "public",
            export.join("public.json").to_str().unwrap(),
            "--task",
            &task.0.to_string(),
            "--worker",
            &m.worker.id().did(),
        ],
        None,
    ));
    assert_eq!(checked["output_commitment"], honest["action"]["output_commitment"]);
    let out = agora(
        &m.db,
        &[
            "import",
            "public",
            export.join("public.json").to_str().unwrap(),
            "--task",
            &second_task.0.to_string(),
            "--worker",
            &m.worker.id().did(),
        ],
        None,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("signal 1 (task)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = common::npm::snarkjs(&[
        "groth16",
        "verify",
        export.join("verification_key.json").to_str().unwrap(),
        export.join("public.json").to_str().unwrap(),
        export.join("proof.json").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&verified.stdout).contains("OK!"), "snarkjs verifies the exported completion");

    // Another kind: the same circuit under key B as kind 21; a proof under kind 20's key does
    // not settle a kind-21 task.
    let other = OTHER_KIND.to_string();
    let tx = m.operator_approval(&[
        "register",
        "--kind",
        &other,
        "--name",
        "sort8-b",
        "--params",
        "1",
        "--circom-vk",
        vk_b.to_str().unwrap(),
    ]);
    assert_eq!(m.submit(&tx)["code"], 0);
    let kind_b_task = m.awarded_task(OTHER_KIND);
    let wrong_kind = worker_completion(&m, &key_a, kind_b_task, |_| {});
    refused(&mut m, kind_b_task, &wrong_kind, 65, "a proof under another kind's key");
    let right_kind = worker_completion(&m, &key_b, kind_b_task, |_| {});
    assert_eq!(m.submit(&right_kind)["code"], 0);

    // Rotation: sort8 moves to key B; a task posted now refuses a proof under the older
    // version's key, the task posted before the rotation still settles under it.
    let tx = m.operator_approval(&[
        "rotate",
        "--kind",
        &sort8,
        "--version",
        "2",
        "--params",
        "1",
        "--circom-vk",
        vk_b.to_str().unwrap(),
    ]);
    assert_eq!(m.submit(&tx)["code"], 0);
    let new_task = m.awarded_task(SORT8);
    let older_version = worker_completion(&m, &key_a, new_task, |_| {});
    refused(&mut m, new_task, &older_version, 65, "a proof under an older version's key");
    let current = worker_completion(&m, &key_b, new_task, |_| {});
    assert_eq!(m.submit(&current)["code"], 0);
    let kept = worker_completion(&m, &key_a, second_task, |_| {});
    assert_eq!(m.submit(&kept)["code"], 0, "a task posted under version 1 settles under version 1");

    let replay = m.dir.path().join("replay.redb");
    let report = json(&agora(&m.db, &["replay", "--into", replay.to_str().unwrap()], None));
    assert_eq!(report["matches"], true, "a replay with no key directory verifies the runtime kinds: {report}");
}

/// The same transaction with its action changed, signed again by the worker (a worker claiming
/// another output than it proved).
fn resign(m: &Market, tx: &Value) -> Value {
    let signed: agora::SignedTx = serde_json::from_value(tx.clone()).unwrap();
    let market = m.open();
    serde_json::to_value(market.sign_with_nonce(&m.worker, signed.body.nonce, signed.body.action)).unwrap()
}
