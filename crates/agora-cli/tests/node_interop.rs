//! The node's interoperability routes through the real `agora serve` binary: the operator's A2A
//! agent card and ERC-8004 registration files checked against their published forms, with
//! their endpoints at the node's address or `--public-url`; `agora credential verify --node`
//! confirming a credential's state digest and completion claims and naming what differs; and
//! the open-bid listing across tasks, page for page the same locally and through the node.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod node_support;
#[path = "../../agora-interop/tests/published/mod.rs"]
mod published;

use agora::{Action, AgentId, AgentKey, AssetId, Created, FieldBytes, Marketplace, PostTask, Status, TaskId};
use agora_api::routes::{self, path};
use agora_api::{BidCursor, OpenBidsPage};
use agora_client::Client;
use common::{json, resigned};
use node_support::{create_db, db_in, keys, start};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

/// Runs `agora --db DB ARGS…`.
fn agora(db: &Path, args: &[&str]) -> Output {
    common::agora(db, args, None)
}

fn failure(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure, got: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A demo marketplace with one verified completion per built-in kind (tasks 2, 3 and 4), made
/// once per test process and copied (database and key directory) into `dir` for each test.
fn demo_market(dir: &Path) -> PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        // One fixed place, replaced by each run: a static has no drop at exit, so a name per
        // process would leave one copy behind per run.
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("node-interop-template");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let db = root.join("m.redb");
        let out = agora(&db, &["demo", "--agents", "2", "--tasks", "1", "--proof-tasks", "3", "--quiet"]);
        assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
        db
    });
    let db = dir.join("m.redb");
    std::fs::copy(template, &db).unwrap();
    let keys = |db: &Path| {
        let mut name = db.as_os_str().to_owned();
        name.push(".keys");
        PathBuf::from(name)
    };
    copy_dir(&keys(template), &keys(&db));
    db
}

async fn get_json(url: &str) -> (u16, Value) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/json"), "{url}: content-type {content_type}");
    (status, response.json().await.unwrap())
}

async fn get_ok(url: &str) -> Value {
    let (status, body) = get_json(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    body
}

fn endpoints_of(registration: &Value) -> Vec<(String, String)> {
    registration["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["endpoint"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_serves_the_operator_agent_card_and_erc_8004_registrations_in_their_published_forms() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_market(dir.path());
    let (operator, kinds, worker, proven) = {
        let market = Marketplace::open(&db).unwrap();
        let genesis = &market.config().genesis;
        let kinds: Vec<String> = market.live_kind_specs().unwrap().iter().map(|k| k.name.clone()).collect();
        let worker = market.task(TaskId(2)).unwrap().unwrap().worker.unwrap();
        let proven = market.reputation(&worker).unwrap().proven_completions;
        (genesis.operators[0], kinds, worker, proven)
    };
    // The genesis kinds and the one the demo registered at runtime, in kind-number order.
    assert_eq!(kinds, ["aggregate", "classify", "hashchain", "hashchain-8", "fair_aggregate", "fair_classify"]);

    let mut node = start(&db, &[]);
    let base = node.url.clone();

    // The A2A card: valid under the A2A 0.3.0 schema, one skill per live kind, its URL at
    // the address the node actually listens on.
    let card = get_ok(&format!("{base}{}", routes::AGENT_CARD)).await;
    let errors = published::agent_card_errors(&card);
    assert!(errors.is_empty(), "the served card does not validate: {errors:?}");
    let skills: Vec<&str> = card["skills"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(skills, kinds);
    let skill_ids: Vec<&str> = card["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        skill_ids,
        [
            "agora.kind.aggregate",
            "agora.kind.classify",
            "agora.kind.hashchain",
            "agora.kind.hashchain-8",
            "agora.kind.fair_aggregate",
            "agora.kind.fair_classify"
        ]
    );
    assert_eq!(card["url"], format!("{base}/a2a"));
    assert!(card["description"].as_str().unwrap().contains(&operator.did()), "{card}");
    let registry = get_ok(&format!("{base}{}", routes::KINDS)).await;
    let served_kinds: Vec<&str> =
        registry["kinds"].as_array().unwrap().iter().map(|k| k["kind"]["name"].as_str().unwrap()).collect();
    assert_eq!(skills, served_kinds, "the card lists the registry the node serves at /v1/kinds");

    // The operator's ERC-8004 registration file: shaped like the ERC's example, its services
    // this node's card and the operator's DID (no MCP wallet was named, so none is advertised).
    let registration = get_ok(&format!("{base}{}", routes::OPERATOR_REGISTRATION)).await;
    published::check_against_example(&registration).unwrap();
    assert_eq!(
        endpoints_of(&registration),
        [("A2A".to_string(), format!("{base}/.well-known/agent-card.json")), ("DID".to_string(), operator.did()),]
    );

    // A registered agent's file, and a key that never registered.
    let url = format!("{base}{}", path(routes::AGENT_REGISTRATION, &[("did", &worker.did())]));
    let file = get_ok(&url).await;
    published::check_against_example(&file).unwrap();
    assert_eq!(endpoints_of(&file)[1], ("DID".to_string(), worker.did()));
    assert_eq!(file["active"], true);
    let description = file["description"].as_str().unwrap();
    assert!(description.contains(&format!("{proven} completions proven")), "{description}");
    let stranger = AgentKey::generate().unwrap().id();
    let (status, error) =
        get_json(&format!("{base}{}", path(routes::AGENT_REGISTRATION, &[("did", &stranger.did())]))).await;
    assert_eq!(status, 404, "{error}");
    assert_eq!(error["name"], "NotFound");
    let (status, error) = get_json(&format!("{base}/v1/agents/did:key:nope/registration")).await;
    assert_eq!(status, 400, "{error}");

    // The typed client reads the same documents; OpenAPI lists the routes.
    let client = Client::new(&base).unwrap();
    assert_eq!(serde_json::to_value(client.agent_card().await.unwrap()).unwrap(), card);
    assert_eq!(serde_json::to_value(client.operator_registration().await.unwrap()).unwrap(), registration);
    assert_eq!(serde_json::to_value(client.registration(&worker).await.unwrap()).unwrap(), file);
    let doc = get_ok(&format!("{base}{}", routes::OPENAPI)).await;
    for route in [routes::AGENT_CARD, routes::OPERATOR_REGISTRATION, routes::AGENT_REGISTRATION] {
        assert!(doc["paths"].get(route).is_some(), "{route} missing from openapi.json");
    }
    assert!(node.terminate().success());

    // Behind a proxy: --public-url is what the documents advertise, and the operator's MCP
    // wallet appears once it is named.
    let wallet = "http://127.0.0.1:7000/mcp";
    let mut node = start(&db, &["--public-url", "https://agora.example/", "--operator-mcp-url", wallet]);
    let card = get_ok(&format!("{}{}", node.url, routes::AGENT_CARD)).await;
    assert!(published::agent_card_errors(&card).is_empty());
    assert_eq!(card["url"], "https://agora.example/a2a");
    let registration = get_ok(&format!("{}{}", node.url, routes::OPERATOR_REGISTRATION)).await;
    assert_eq!(endpoints_of(&registration)[0].1, "https://agora.example/.well-known/agent-card.json");
    assert_eq!(endpoints_of(&registration)[1], ("MCP".to_string(), wallet.to_string()));
    assert!(node.terminate().success());

    // A public URL that is not an http(s) base URL stops the node at start, saying why.
    let out = agora(&db, &["serve", "--listen", "127.0.0.1:0", "--public-url", "ftp://agora.example"]);
    let message = failure(&out);
    assert!(message.contains("--public-url") && message.contains("http://"), "{message}");
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(value).unwrap()).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn credential_verify_with_a_node_checks_the_state_digest_and_the_completion_claims() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_market(dir.path());
    let issuer = AgentKey::generate().unwrap();
    let issuer_file = write(
        dir.path(),
        "issuer.json",
        &serde_json::json!({ "did": issuer.id().did(), "secret": issuer.secret_hex() }),
    );
    let completion = json(&agora(&db, &["credential", "completion", "--task", "2", "--issuer-key", &issuer_file]));
    let worker = completion["credentialSubject"]["id"].as_str().unwrap().to_string();
    let reputation = json(&agora(&db, &["credential", "reputation", "--agent", &worker, "--issuer-key", &issuer_file]));
    let height: u64 = completion["credentialSubject"]["blockHeight"].as_str().unwrap().parse().unwrap();
    let completion_file = write(dir.path(), "completion.json", &completion);
    let reputation_file = write(dir.path(), "reputation.json", &reputation);

    let mut node = start(&db, &[]);
    let url = node.url.clone();
    let verify = |file: &str, with_node: bool| {
        let mut args = vec!["credential", "verify", file];
        if with_node {
            args.extend(["--node", url.as_str()]);
        }
        agora(&db, &args)
    };

    // Good credentials pass, with the node's checks listed.
    let report = json(&verify(&completion_file, true));
    assert_eq!(report["valid"], true);
    let checks: Vec<&str> =
        report["report"]["checks"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(checks.iter().any(|c| c.starts_with(&format!("state digest at height {height} equals the node's"))));
    assert!(checks.iter().any(|c| c.contains("holds the worker's accepted completion of task 2 with this proof")));
    assert!(checks.iter().any(|c| c.starts_with("task 2 is completed")));
    let report = json(&verify(&reputation_file, true));
    assert!(report["report"]["checks"].to_string().contains("equals the node's"), "{report}");

    // A changed digest alone breaks the signature.
    let mut tampered = completion.clone();
    tampered["credentialSubject"]["stateDigest"] = "00".repeat(32).into();
    let message = failure(&verify(&write(dir.path(), "tampered.json", &tampered), true));
    assert!(message.contains("signature does not verify"), "{message}");

    // Re-signed by the issuer after the change: it verifies on its own, the node refutes it.
    for (name, credential) in [("completion", &completion), ("reputation", &reputation)] {
        let forged = resigned(credential, &issuer, |c| c["credentialSubject"]["stateDigest"] = "ab".repeat(32).into());
        let file = write(dir.path(), &format!("forged-digest-{name}.json"), &forged);
        json(&verify(&file, false));
        let message = failure(&verify(&file, true));
        let at = forged["credentialSubject"]["blockHeight"].as_str().unwrap().to_string();
        assert!(message.contains(&format!("state digest at height {at} differs")), "{name}: {message}");
        assert!(message.contains(&"ab".repeat(32)), "{name}: {message}");
    }

    // A completion claimed one block earlier, with that block's true digest: the block holds no
    // such completion.
    let earlier = agora_client::blocking::Client::new(&url).unwrap().block_digest(height - 1).unwrap().unwrap();
    let forged = resigned(&completion, &issuer, |c| {
        c["credentialSubject"]["blockHeight"] = (height - 1).to_string().into();
        c["credentialSubject"]["stateDigest"] = hex::encode(earlier.digest).into();
    });
    let file = write(dir.path(), "forged-height.json", &forged);
    json(&verify(&file, false));
    let message = failure(&verify(&file, true));
    assert!(
        message.contains(&format!("block {} holds no accepted submit_completion of task 2", height - 1)),
        "{message}"
    );

    // A price the task was not paid.
    let price = completion["credentialSubject"]["price"].as_str().unwrap().to_string();
    let inflated = (price.parse::<u128>().unwrap() + 1).to_string();
    let forged = resigned(&completion, &issuer, |c| c["credentialSubject"]["price"] = inflated.clone().into());
    let message = failure(&verify(&write(dir.path(), "forged-price.json", &forged), true));
    assert!(
        message.contains(&format!("task 2: the node has price {price}, the credential states {inflated}")),
        "{message}"
    );

    // A credential of a height the node has not reached.
    let tip: u64 = reputation["credentialSubject"]["blockHeight"].as_str().unwrap().parse().unwrap();
    let forged =
        resigned(&reputation, &issuer, |c| c["credentialSubject"]["blockHeight"] = (tip + 50).to_string().into());
    let message = failure(&verify(&write(dir.path(), "forged-future.json", &forged), true));
    assert!(message.contains(&format!("the node has no block {}", tip + 50)), "{message}");
    assert!(node.terminate().success());
}

fn ok(market: &mut Marketplace, key: &AgentKey, action: Action, time: &mut u64) -> agora::Receipt {
    let tx = market.sign(key, action).unwrap();
    *time += 1;
    let outcome = market.submit(vec![tx], *time).unwrap();
    let receipt = outcome.receipts[0].clone();
    assert_eq!(receipt.status, Status::Ok, "{receipt:?}");
    receipt
}

fn offer(n: u64, now: u64) -> PostTask {
    PostTask {
        title: format!("task {n}"),
        requirements: "a summary".into(),
        kind: 0,
        params: vec![],
        input_commitment: FieldBytes::hash_to_field("open bids test", &n.to_le_bytes()),
        asset: AssetId(1),
        budget: 10_000,
        bid_deadline: now + 6_000,
        delivery_deadline: now + 36_000,
        splits: vec![],
        min_reputation: 0,
    }
}

/// Every page of `agora [--node URL] query open-bids --limit LIMIT`, following `next`, as
/// printed.
fn pages(db: &Path, node: Option<&str>, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = BidCursor::start();
    for _ in 0..100 {
        let from = cursor.from.0.to_string();
        let limit = limit.to_string();
        let mut args: Vec<&str> = Vec::new();
        if let Some(url) = node {
            args.extend(["--node", url]);
        }
        args.extend(["query", "open-bids", "--from", from.as_str(), "--limit", limit.as_str()]);
        let after = cursor.after.map(|a| a.did());
        if let Some(after) = &after {
            args.extend(["--after", after.as_str()]);
        }
        let printed = agora(db, &args);
        assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
        let text = String::from_utf8(printed.stdout).unwrap();
        let page: OpenBidsPage = serde_json::from_str(&text).unwrap();
        out.push(text);
        match page.next {
            Some(next) => cursor = next,
            None => return out,
        }
    }
    panic!("open-bids pages did not end");
}

fn items(pages: &[String]) -> Vec<(u64, AgentId)> {
    pages
        .iter()
        .flat_map(|text| serde_json::from_str::<OpenBidsPage>(text).unwrap().items)
        .map(|bid| {
            assert_eq!(bid.status, agora::BidStatus::Open);
            (bid.task.0, bid.bidder)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_bids_across_tasks_page_the_same_locally_and_through_the_node() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let people = keys(6);
    let (employer, workers) = (&people[0], &people[1..]);
    let genesis = create_db(&db, &operator, &people, 1_000_000_000);
    let mut time = genesis.genesis_time;
    let mut expected = Vec::new();
    {
        let mut market = Marketplace::open(&db).unwrap();
        for key in &people {
            ok(&mut market, key, Action::Register {}, &mut time);
        }
        let mut tasks = Vec::new();
        for n in 1..=4 {
            let receipt = ok(&mut market, employer, Action::PostTask(offer(n, time)), &mut time);
            let Created::Task(task) = receipt.created else { panic!("no task: {receipt:?}") };
            tasks.push(task);
        }
        // Task 1: five bids; task 2: two bids, then awarded (its bids close); task 3: none;
        // task 4: two bids, one withdrawn.
        let bids = [(0, workers), (1, &workers[..2]), (3, &workers[1..3])];
        for (index, bidders) in bids {
            for (i, worker) in bidders.iter().enumerate() {
                let bid = Action::PlaceBid {
                    task: tasks[index],
                    price: 9_000 - i as u128,
                    eta_secs: 60,
                    plan_hash: [i as u8; 32],
                };
                ok(&mut market, worker, bid, &mut time);
            }
        }
        ok(&mut market, employer, Action::AwardBid { task: tasks[1], bidder: workers[0].id() }, &mut time);
        ok(&mut market, &workers[2], Action::WithdrawBid { task: tasks[3], bidder: workers[2].id() }, &mut time);
        let mut first: Vec<AgentId> = workers.iter().map(AgentKey::id).collect();
        first.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        expected.extend(first.into_iter().map(|w| (tasks[0].0, w)));
        expected.push((tasks[3].0, workers[1].id()));
    }

    // Locally: pages of two, following the cursor to the end.
    let local = pages(&db, None, 2);
    assert_eq!(local.len(), 3, "{local:?}");
    assert_eq!(items(&local), expected);
    let one_page = pages(&db, None, 1_000);
    assert_eq!(one_page.len(), 1);
    assert_eq!(items(&one_page), expected);

    // Through the node: the same bytes, page for page.
    let mut node = start(&db, &[]);
    assert_eq!(pages(&db, Some(&node.url), 2), local);
    assert_eq!(pages(&db, Some(&node.url), 1_000), one_page);

    // The typed client walks the same list.
    let client = Client::new(&node.url).unwrap();
    let mut cursor = BidCursor::start();
    let mut walked = Vec::new();
    for _ in 0..100 {
        let page = client.open_bids(&cursor, 3).await.unwrap();
        assert!(page.items.len() <= 3);
        walked.extend(page.items.iter().map(|b| (b.task.0, b.bidder)));
        match page.next {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(walked, expected);

    // Bad parameters are 400 with the JSON error.
    let (status, error) = get_json(&format!("{}{}?after=nobody", node.url, routes::OPEN_BIDS)).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["name"], "InvalidParameter");
    let (status, _) = get_json(&format!("{}{}?status=open", node.url, routes::OPEN_BIDS)).await;
    assert_eq!(status, 400);
    assert!(node.terminate().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_client_views_of_agent_totals_arbitrator_and_freeze_equal_what_the_node_serves() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let people = keys(2);
    create_db(&db, &operator, &people, 1_000_000_000);
    let mut node = start(&db, &[]);
    let client = Client::new(&node.url).unwrap();
    let agent = people[0].id();
    let tx = client.sign(&people[0], 0, Action::Register {}).await.unwrap();
    assert_eq!(client.submit(&tx).await.unwrap().status, Status::Ok);
    let raw = |route: &str| {
        let url = format!("{}{}", node.url, path(route, &[("did", &agent.did())]));
        async move { get_ok(&url).await }
    };

    let view = client.agent(&agent).await.unwrap();
    assert_eq!(view.did, agent);
    assert_eq!(view.account.nonce, 1);
    assert!(view.account.registration.is_some());
    assert_eq!(serde_json::to_value(&view).unwrap(), raw(routes::AGENT).await);
    let totals = client.totals().await.unwrap();
    assert!(totals.conserved);
    assert_eq!(serde_json::to_value(&totals).unwrap(), raw(routes::TOTALS).await);
    let arbitrator = client.arbitrator(&agent).await.unwrap();
    assert_eq!(arbitrator.arbitrator, None);
    assert_eq!(serde_json::to_value(&arbitrator).unwrap(), raw(routes::AGENT_ARBITRATOR).await);
    let freeze = client.freeze(&agent).await.unwrap();
    assert!(!freeze.frozen);
    assert_eq!(serde_json::to_value(&freeze).unwrap(), raw(routes::AGENT_FREEZE).await);
    assert_eq!(client.next_nonce(&agent).await.unwrap(), 1);
    let digest = client.block_digest(1).await.unwrap().unwrap();
    assert_eq!(digest.digest, client.tip().await.unwrap().tip.digest);
    assert!(client.block_digest(99).await.unwrap().is_none());
    assert!(node.terminate().success());
}
