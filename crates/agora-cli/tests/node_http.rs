//! The node over HTTP, driven through the real `agora serve` binary: a whole task lifecycle
//! with a proof-gated completion, the event stream, OpenAPI, metrics, CLI parity with --node,
//! bad input and a flooded mempool, the development database and the database lock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod node_support;

use agora::core::{chain_field, task_field, worker_field};
use agora::zk::kinds::AggregateWitness;
use agora::{
    Action, AgentKey, AssetId, CircuitShape, Created, FieldBytes, PostTask, ProofKeys, Status, TxBody, Witness,
};
use agora_api::{EventFilter, PrepareRequest};
use agora_client::{Client, NodeEvent};
use node_support::*;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

async fn send(client: &Client, key: &AgentKey, action: Action) -> agora::Receipt {
    let nonce = client.next_nonce(&key.id()).await.unwrap();
    let tx = client.sign(key, nonce, action).await.unwrap();
    client.submit(&tx).await.unwrap()
}

async fn ok(client: &Client, key: &AgentKey, action: Action) -> agora::Receipt {
    let receipt = send(client, key, action).await;
    assert_eq!(receipt.status, Status::Ok, "{receipt:?}");
    receipt
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lifecycle_with_a_proof_gated_completion_over_http_events_openapi_metrics_and_cli_parity() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let [employer, worker]: [AgentKey; 2] = keys(2).try_into().unwrap();
    let mut keys_dir = db.as_os_str().to_owned();
    keys_dir.push(".keys");
    let shapes = [CircuitShape::Aggregate, CircuitShape::FairAggregate];
    let proof_keys = ProofKeys::generate(&keys_dir, &shapes, |_| {}).unwrap();
    let mut genesis = agora::Genesis::development(operator.id(), now_secs());
    genesis.kinds = proof_keys.kind_specs();
    genesis.balances = [&employer, &worker]
        .iter()
        .map(|k| agora::core::InitialBalance { agent: k.id(), asset: "USD".into(), amount: 1_000_000_000_000 })
        .collect();
    drop(agora::Marketplace::create(&db, genesis).unwrap());

    let mut node = start(&db, &[]);
    let client = Client::new(&node.url).unwrap();
    let mut events = client.events(EventFilter::default(), Some(1)).await.unwrap();

    // A second node on the same file fails at once, naming the lock.
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(message.contains("already open"), "{message}");

    let mut acked = vec![ok(&client, &employer, Action::Register {}).await];
    acked.push(ok(&client, &worker, Action::Register {}).await);
    let witness = Witness::Aggregate(AggregateWitness {
        threshold: 2_500,
        records: (0..agora::circuits::aggregate::N as u64).map(|j| (j * 37) % 5_000).collect(),
        input_salt: FieldBytes::hash_to_field("node test input", b"1"),
        output_salt: FieldBytes::hash_to_field("node test output", b"1"),
    });
    let (kind, input_commitment, params) = agora::task_terms(&witness).unwrap();
    let now = now_secs();
    let offer = PostTask {
        title: "proof task".into(),
        requirements: "aggregate over the committed records".into(),
        kind,
        params,
        input_commitment,
        asset: AssetId(1),
        budget: 10_000,
        bid_deadline: now + 600,
        delivery_deadline: now + 3_600,
        splits: vec![],
        min_reputation: 0,
    };
    let offer_template = offer.clone();
    let posted = ok(&client, &employer, Action::PostTask(offer)).await;
    let Created::Task(task) = posted.created else { panic!("no task created: {posted:?}") };
    acked.push(posted);
    let bid = Action::PlaceBid { task, price: 9_000, eta_secs: 600, plan_hash: [7; 32] };
    acked.push(ok(&client, &worker, bid).await);
    acked.push(ok(&client, &employer, Action::AwardBid { task, bidder: worker.id() }).await);

    let genesis_hash = client.genesis_hash().await.unwrap();
    let pk = proof_keys.proving_key(kind).unwrap();
    let completion = agora::zk::prove_completion(
        &witness,
        chain_field(&genesis_hash),
        task_field(task),
        worker_field(&worker.id()),
        &pk,
        &mut agora::zk::os_rng().unwrap(),
    )
    .unwrap();
    let submit = Action::SubmitCompletion {
        task,
        output_commitment: completion.output_commitment,
        proof: completion.proof.clone(),
        sealed: None,
    };
    acked.push(ok(&client, &worker, submit).await);
    let task_view = client.get_value(&format!("/v1/tasks/{}", task.0)).await.unwrap();
    assert_eq!(task_view["status"], "completed", "{task_view}");
    assert!(client.sealed_task(task).await.unwrap().is_none(), "a plain task has no sealed part");

    // A fair exchange over HTTP: the worker reads the task's employer key from the node, and
    // the employer decrypts through `agora --node … decrypt`.
    let encryption = agora::EncryptionKey::generate().unwrap();
    let key_file = dir.path().join("employer.enc.json");
    std::fs::write(&key_file, serde_json::to_string(&encryption.to_file()).unwrap()).unwrap();
    acked.push(ok(&client, &employer, encryption.registration(&genesis_hash, &employer.id())).await);
    let registered = client.encryption_key(&employer.id()).await.unwrap();
    assert_eq!(registered.encryption_key.map(|r| r.key), Some(encryption.public()));
    let fair_witness = Witness::Aggregate(AggregateWitness {
        output_salt: FieldBytes::hash_to_field("node test output", b"2"),
        input_salt: FieldBytes::hash_to_field("node test input", b"2"),
        ..match &witness {
            Witness::Aggregate(a) => a.clone(),
            _ => unreachable!(),
        }
    });
    let (_, input_commitment, params) = agora::task_terms(&fair_witness).unwrap();
    let fair_offer = PostTask {
        kind: agora::circuits::fair_exchange::aggregate::KIND,
        input_commitment,
        params,
        title: "fair-exchange task".into(),
        ..offer_template.clone()
    };
    let posted = ok(&client, &employer, Action::PostTask(fair_offer.clone())).await;
    let Created::Task(fair_task) = posted.created else { panic!("no task created: {posted:?}") };
    acked.push(posted);
    let bid = Action::PlaceBid { task: fair_task, price: 9_000, eta_secs: 600, plan_hash: [8; 32] };
    acked.push(ok(&client, &worker, bid).await);
    acked.push(ok(&client, &employer, Action::AwardBid { task: fair_task, bidder: worker.id() }).await);
    let employer_key = client.sealed_task(fair_task).await.unwrap().expect("a fair-exchange task").sealed.employer_key;
    let sealed_completion = agora::prove_offer(
        &proof_keys,
        &genesis_hash,
        fair_task,
        &fair_offer,
        &worker.id(),
        &fair_witness,
        Some(&employer_key),
    )
    .unwrap();
    let submit = Action::SubmitCompletion {
        task: fair_task,
        output_commitment: sealed_completion.output_commitment,
        proof: sealed_completion.proof.clone(),
        sealed: sealed_completion.sealed.clone(),
    };
    acked.push(ok(&client, &worker, submit).await);
    let decrypted = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["--node", &node.url, "decrypt", "--task", &fair_task.0.to_string(), "--key"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(decrypted.status.success(), "{}", String::from_utf8_lossy(&decrypted.stderr));
    let decrypted: serde_json::Value = serde_json::from_slice(&decrypted.stdout).unwrap();
    assert_eq!(decrypted["result"], serde_json::to_value(&sealed_completion.result).unwrap());

    // Prepare, sign the digest elsewhere, post.
    let prepared = client
        .prepare(&PrepareRequest {
            sender: employer.id(),
            nonce: None,
            action: Action::Transfer { to: worker.id(), asset: AssetId(1), amount: 5 },
        })
        .await
        .unwrap();
    let digest: [u8; 32] = agora_api::hex32::parse(&prepared.signing_digest).unwrap();
    let signed = prepared.signed(employer.sign_digest(&digest).to_bytes());
    let receipt = client.submit(&signed).await.unwrap();
    assert_eq!(receipt.status, Status::Ok);
    acked.push(receipt);

    // Receipt lookup by hash, a refused nonce answered with its receipt.
    let view = client.receipt(&acked[0].tx_id).await.unwrap().unwrap();
    assert_eq!(view.receipt, acked[0]);
    let stale = TxBody { sender: worker.id(), nonce: 0, action: Action::Register {} }.sign(&worker, &genesis_hash);
    let refused = client.submit(&stale).await.unwrap();
    assert_eq!(refused.status, Status::BadNonce);
    acked.push(refused);

    // The stream delivered every receipt, then the block that held it.
    let last = acked.iter().map(|r| r.height).max().unwrap();
    let mut seen = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout(deadline - Instant::now(), events.next()).await.unwrap().unwrap().unwrap();
        match event {
            NodeEvent::Receipt(r) => {
                seen.insert(r.receipt.tx_id);
            }
            NodeEvent::Block(b) if b.height >= last => break,
            NodeEvent::Block(_) => {}
        }
    }
    for receipt in &acked {
        assert!(seen.contains(&receipt.tx_id), "event stream missed {receipt:?}");
    }
    // Resuming after block 1 sends block 2 first.
    let mut resumed = client.events(EventFilter { agent: Some(worker.id()), task: None }, Some(2)).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(10), resumed.next()).await.unwrap().unwrap().unwrap() {
        NodeEvent::Receipt(r) => assert!(r.receipt.height >= 2 && r.agents.contains(&worker.id())),
        NodeEvent::Block(b) => assert_eq!(b.height, 2),
    }

    let doc = client.get_value("/openapi.json").await.unwrap();
    for route in agora_api::routes::ALL {
        assert!(doc["paths"].get(*route).is_some(), "{route} missing from openapi.json");
    }
    let metrics = client.metrics().await.unwrap();
    assert!(metrics.contains("agora_blocks_total"), "{metrics}");
    assert!(metrics.contains("agora_proof_verifications_total{result=\"valid\"} 2"), "{metrics}");
    assert!(metrics.contains("agora_txs_total{status=\"Ok\"}"), "{metrics}");

    // `--node` prints what the local command prints.
    let queries: Vec<Vec<String>> = vec![
        vec!["query".into(), "tip".into()],
        vec!["query".into(), "agent".into(), worker.id().did()],
        vec!["query".into(), "task".into(), task.0.to_string()],
        vec!["query".into(), "bids".into(), task.0.to_string()],
        vec!["query".into(), "tasks".into()],
        vec!["query".into(), "reputation".into(), worker.id().did()],
        vec!["query".into(), "totals".into()],
        vec!["query".into(), "receipts".into(), "1".into()],
        vec!["query".into(), "sealed".into(), fair_task.0.to_string()],
        vec!["query".into(), "encryption-key".into(), employer.id().did()],
    ];
    let remote: Vec<Vec<u8>> = queries
        .iter()
        .map(|q| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
                .args(["--node", &node.url])
                .args(q)
                .output()
                .unwrap();
            assert!(out.status.success(), "{q:?}: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        })
        .collect();
    let status = node.terminate();
    assert!(status.success(), "node exited with {status}");
    // Every acknowledged transaction is stored, and the chain with its proof-gated completion
    // replays to the same digest (with the keys of `<db>.keys`).
    check_acked_and_replay(&db, &acked);
    for (q, remote) in queries.iter().zip(remote) {
        let args: Vec<&str> = q.iter().map(String::as_str).collect();
        let local = agora(&db, &args);
        assert!(local.status.success(), "{q:?}: {}", String::from_utf8_lossy(&local.stderr));
        assert_eq!(String::from_utf8_lossy(&local.stdout), String::from_utf8_lossy(&remote), "{q:?}");
    }
}

#[test]
fn serve_without_a_database_creates_a_development_one_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let mut node = start(&db, &[]);
    let mut operator_file = db.as_os_str().to_owned();
    operator_file.push(".operator.json");
    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(&operator_file).unwrap()).unwrap();
    let client = agora_client::blocking::Client::new(&node.url).unwrap();
    let tip = client.tip().unwrap();
    assert_eq!(tip.genesis.operators[0].did(), key["did"].as_str().unwrap());
    assert!(node.terminate().success());
    assert!(db.exists());
}

/// Sends raw bytes and returns the HTTP status line's code.
fn raw_status(url: &str, request: &[u8], pause: Option<(usize, Duration)>) -> u16 {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    match pause {
        None => stream.write_all(request).unwrap(),
        Some((at, wait)) => {
            stream.write_all(&request[..at]).unwrap();
            std::thread::sleep(wait);
            let _ = stream.write_all(&request[at..]);
        }
    }
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("no status in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_gets_the_right_status_and_a_full_mempool_changes_nothing_beyond_what_it_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    let flood_agents = if full() { 5_000 } else { 500 };
    let requests = if full() { 10_000 } else { 2_000 };
    let funded = keys(flood_agents + 1);
    create_db(&db, &operator, &funded, 1_000_000);
    let mut node = start(&db, &["--mempool", "50", "--max-wait-ms", "1000", "--request-timeout-ms", "1000"]);
    let client = Client::new(&node.url).unwrap();
    let genesis_hash = client.genesis_hash().await.unwrap();
    let height_before = client.tip().await.unwrap().tip.height;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Vec<u8>| {
        let request = http.post(format!("{}{path}", node.url)).body(body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let error: agora_api::ApiError = response.json().await.unwrap();
            (status, error)
        }
    };
    let sender = &funded[flood_agents];
    let good = TxBody { sender: sender.id(), nonce: 0, action: Action::Withdraw { asset: AssetId(1), amount: 1 } };
    let good_json = serde_json::to_value(good.clone().sign(sender, &genesis_hash)).unwrap();

    let (status, error) = post("/v1/txs", b"{not json".to_vec()).await;
    assert_eq!((status, error.name.as_str()), (400, "MalformedRequest"));
    let mut unknown = good_json.clone();
    unknown["extra"] = serde_json::json!(1);
    let (status, error) = post("/v1/txs", serde_json::to_vec(&unknown).unwrap()).await;
    assert_eq!((status, error.name.as_str()), (400, "MalformedRequest"));
    assert!(error.message.contains("unknown field"), "{error}");
    let mut number = good_json.clone();
    number["nonce"] = serde_json::json!(0);
    let (status, error) = post("/v1/txs", serde_json::to_vec(&number).unwrap()).await;
    assert_eq!((status, error.field.as_deref()), (400, Some("nonce")), "{error}");
    // Oversized bodies are refused by their declared length, before the rest is read (the
    // node may close the connection while a client still writes, so only a prefix is sent).
    let oversized = |path: &str, body: Vec<u8>| {
        let url = node.url.clone();
        let head = format!("POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n", body.len());
        let mut request = head.into_bytes();
        request.extend_from_slice(&body[..body.len().min(4_096)]);
        tokio::task::spawn_blocking(move || raw_status(&url, &request, None))
    };
    assert_eq!(oversized("/v1/txs", vec![b' '; 70 * 1024]).await.unwrap(), 413);
    let mut huge = good_json.clone();
    huge["action"] = serde_json::json!({"type": "declare_asset", "symbol": "x".repeat(10 << 20), "decimals": 0});
    assert_eq!(oversized("/v1/txs", serde_json::to_vec(&huge).unwrap()).await.unwrap(), 413);
    let batch = serde_json::to_vec(&serde_json::json!({"txs": [huge]})).unwrap();
    assert_eq!(oversized("/v1/txs/batch", batch).await.unwrap(), 413);
    let mut forged = good_json.clone();
    forged["signature"] = serde_json::json!("00".repeat(64));
    let (status, error) = post("/v1/txs", serde_json::to_vec(&forged).unwrap()).await;
    assert_eq!((status, error.code, error.name.as_str()), (400, 3, "BadSignature"));
    let other_chain = good.clone().sign(sender, &[9; 32]);
    let (status, error) = post("/v1/txs", serde_json::to_vec(&other_chain).unwrap()).await;
    assert_eq!((status, error.name.as_str()), (400, "BadSignature"));
    let (status, error) = post("/v1/nothing", vec![]).await;
    assert_eq!((status, error.name.as_str()), (404, "NotFound"));
    let response = http.get(format!("{}/v1/agents/not-a-did", node.url)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    // A body that arrives slower than the request timeout.
    let url = node.url.clone();
    let slow = tokio::task::spawn_blocking(move || {
        let request = format!("POST /v1/txs HTTP/1.1\r\nhost: x\r\ncontent-length: 400\r\n\r\n{}", "{".repeat(400));
        raw_status(&url, request.as_bytes(), Some((80, Duration::from_millis(2_500))))
    });
    assert_eq!(slow.await.unwrap(), 408);
    assert_eq!(client.tip().await.unwrap().tip.height, height_before, "bad input changed the chain");

    // Flood: many posts against a mempool of 50; only 202 or 429, and the node keeps answering.
    let txs: Vec<_> = funded[..flood_agents]
        .iter()
        .map(|k| {
            TxBody { sender: k.id(), nonce: 0, action: Action::Withdraw { asset: AssetId(1), amount: 1 } }
                .sign(k, &genesis_hash)
        })
        .collect();
    let txs = std::sync::Arc::new(txs);
    let mut tasks = Vec::new();
    const FLOODERS: usize = 16;
    for f in 0..FLOODERS {
        let (client, txs) = (client.clone(), txs.clone());
        tasks.push(tokio::spawn(async move {
            let (mut accepted, mut full) = (Vec::new(), 0usize);
            for i in (f..requests).step_by(FLOODERS) {
                match client.submit_nowait(&txs[i % txs.len()]).await {
                    Ok(hash) => accepted.push(hash),
                    Err(e) if e.status() == Some(429) => full += 1,
                    Err(e) => panic!("flood post: {e}"),
                }
            }
            (accepted, full)
        }));
    }
    for _ in 0..5 {
        assert!(client.healthy().await, "healthz failed under flood");
        client.tip().await.unwrap();
    }
    let (mut accepted, mut full) = (HashSet::new(), 0);
    for task in tasks {
        let (a, f) = task.await.unwrap();
        accepted.extend(a);
        full += f;
    }
    assert!(full > 0, "the mempool never filled");
    let deadline = Instant::now() + Duration::from_secs(60);
    for hash in &accepted {
        while client.receipt(hash).await.unwrap().is_none() {
            assert!(Instant::now() < deadline, "accepted transaction never committed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let metrics = client.metrics().await.unwrap();
    assert!(metrics.contains("agora_panics_total 0"), "{metrics}");
    assert!(node.terminate().success());
    let market = agora::Marketplace::open(&db).unwrap();
    for (key, tx) in funded[..flood_agents].iter().zip(txs.iter()) {
        let nonce = market.account(&key.id()).unwrap().nonce;
        assert_eq!(nonce == 1, accepted.contains(&tx.id()), "state changed beyond the accepted transactions");
    }
    assert_eq!(market.account(&sender.id()).unwrap().nonce, 0);
}

#[test]
fn javascript_example_signs_with_node_crypto_and_posts_through_prepare() {
    let version = std::process::Command::new("node").arg("--version").output();
    let major = version.ok().filter(|o| o.status.success()).and_then(|o| {
        String::from_utf8_lossy(&o.stdout).trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok()
    });
    assert!(
        major.is_some_and(|m| m >= 20),
        "this test runs docs/examples/sign_and_post.mjs: install Node >= 20 (found {major:?})"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let operator = AgentKey::generate().unwrap();
    create_db(&db, &operator, &[], 0);
    let mut node = start(&db, &[]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/sign_and_post.mjs");
    let out = std::process::Command::new("node")
        .arg(script)
        .arg(&node.url)
        .arg("4242")
        .env("AGORA_SECRET", operator.secret_hex())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let client = agora_client::blocking::Client::new(&node.url).unwrap();
    let balance: serde_json::Value =
        client.get_value(&format!("/v1/agents/{}/balances/1", operator.id().did())).unwrap();
    assert_eq!(balance["amount"], "4242");
    assert!(node.terminate().success());
}

#[test]
fn slow_headers_lose_their_connection_and_requests_beyond_the_concurrency_limit_get_429() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let mut node = start(&db, &["--max-concurrent", "2", "--request-timeout-ms", "4000"]);
    let addr = node.url.trim_start_matches("http://").to_string();

    // Slowloris: headers that never complete. The node closes the connection once the header
    // read timeout passes, instead of holding it for as long as the client likes.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(b"POST /v1/txs HTTP/1.1\r\nhost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = [0u8; 1024];
    match slow.read(&mut buf) {
        Ok(_) => {}
        Err(e) => panic!("a connection with incomplete headers was kept open: {e}"),
    }

    // Two requests whose bodies stall hold both request slots; a third is answered 429 while
    // /healthz (outside the limit) still answers. A probe that reaches the node before a holder
    // takes the holder's slot (the holder is then the one refused), so the round is repeated,
    // a bounded number of times, until both holders held their slot to the timeout.
    let get = |path: &str| raw_status(&node.url, format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes(), None);
    let mut held = false;
    for _round in 0..3 {
        let holders: Vec<_> = (0..2)
            .map(|_| {
                let url = node.url.clone();
                std::thread::spawn(move || {
                    let request =
                        format!("POST /v1/txs HTTP/1.1\r\nhost: x\r\ncontent-length: 400\r\n\r\n{}", "{".repeat(400));
                    raw_status(&url, request.as_bytes(), Some((80, Duration::from_millis(5_000))))
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut refused = false;
        while !refused && Instant::now() < deadline {
            refused = get("/v1/tip") == 429;
            if !refused {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let healthz = get("/healthz");
        let statuses: Vec<u16> = holders.into_iter().map(|h| h.join().unwrap()).collect();
        if statuses == [408, 408] {
            assert!(refused, "a request beyond the concurrency limit was not refused with 429");
            assert_eq!(healthz, 200, "healthz answers while the request slots are full");
            held = true;
            break;
        }
        assert!(statuses.iter().all(|s| [408, 429].contains(s)), "a stalled body times out: {statuses:?}");
    }
    assert!(held, "in no round did both stalled requests hold their slots");
    assert_eq!(get("/v1/tip"), 200, "the slots are free again");
    assert!(node.terminate().success());
}
