//! Three `agora serve --cluster` processes on loopback ports: clients post signed transfers to
//! every member while the leader is killed with SIGKILL; a new leader takes over; every
//! acknowledged transaction is on every member; after the killed member restarts, all three
//! files hold the same digest at the same height, equal to `agora replay` of each. Also: a
//! wiped member rejoins by snapshot, and a wrong key, a damaged log and a far-off clock give
//! clear errors without divergence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::zombie_processes)]

mod node_support;

use agora::core::TxBody;
use agora::{Action, AgentKey, AssetId, Marketplace, Receipt, SignedTx, Status};
use agora_api::AgentView;
use agora_client::blocking::Client;
use node_support::{NodeProcess, check_acked_and_replay, full, spawn_until_logged};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest the cluster may take to agree on a leader or converge.
const SETTLE: Duration = Duration::from_secs(60);
/// Clients posting at once.
const CLIENTS: usize = 4;

/// A cluster written by `agora cluster init` and its member processes.
struct Cluster {
    dir: tempfile::TempDir,
    base_port: u16,
    members: Vec<Option<NodeProcess>>,
    genesis_hash: [u8; 32],
    operator: AgentKey,
}

/// Four consecutive free loopback ports (three members and one to add), never the same for
/// two tests of this process.
fn free_ports() -> u16 {
    static NEXT: Mutex<u16> = Mutex::new(0);
    let mut next = NEXT.lock().unwrap();
    if *next == 0 {
        // Below the ephemeral range (32768 and up), where other tests' port-0 binds land.
        *next = 20_000 + (std::process::id() % 1_500) as u16 * 8;
    }
    while *next < 32_700 {
        let base = *next;
        *next += 8;
        if (0..4).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no four free consecutive loopback ports");
}

fn agora(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_agora")).args(args).output().unwrap()
}

fn read_key(path: &Path) -> AgentKey {
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    AgentKey::from_secret_hex(value["secret"].as_str().unwrap()).unwrap()
}

impl Cluster {
    /// `agora cluster init` with small snapshot intervals, then three members.
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let base_port = free_ports();
        let out = agora(&[
            "cluster",
            "init",
            "--dir",
            dir.path().to_str().unwrap(),
            "--nodes",
            "3",
            "--name",
            "test",
            "--base-port",
            &base_port.to_string(),
        ]);
        assert!(out.status.success(), "{out:?}");
        // Snapshots every 50 entries, logs purged behind them: a wiped member needs one.
        let file = dir.path().join("cluster.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text
            .replace("snapshot_every = 5000", "snapshot_every = 50")
            .replace("keep_after_snapshot = 1000", "keep_after_snapshot = 0");
        std::fs::write(&file, text).unwrap();
        let operator = read_key(&dir.path().join("operator.json"));
        let genesis: agora::Genesis =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("genesis.json")).unwrap()).unwrap();
        let genesis_hash = agora::core::ChainConfig::new(genesis).unwrap().genesis_hash;
        let members = (0..4).map(|_| None).collect();
        let mut cluster = Cluster { dir, base_port, members, genesis_hash, operator };
        for id in 1..=3 {
            cluster.launch(id, &[]);
        }
        cluster
    }

    fn db(&self, id: u64) -> PathBuf {
        self.dir.path().join(format!("node{id}.redb"))
    }

    fn url(&self, id: u64) -> String {
        format!("http://127.0.0.1:{}", self.base_port + id as u16 - 1)
    }

    fn command(&self, id: u64, key_of: u64, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
        command
            .arg("--db")
            .arg(self.db(id))
            .args(["serve", "--cluster"])
            .arg(self.dir.path().join("cluster.toml"))
            .args(["--node-id", &id.to_string(), "--node-key"])
            .arg(self.dir.path().join(format!("node{key_of}.json")))
            .args(extra);
        command
    }

    fn launch(&mut self, id: u64, extra: &[&str]) {
        let command = self.command(id, id, extra);
        self.members[id as usize - 1] = Some(spawn_until_logged(command, "agora cluster member listening", "listen"));
    }

    fn kill(&mut self, id: u64) {
        if let Some(mut member) = self.members[id as usize - 1].take() {
            member.kill9();
        }
    }

    fn terminate_all(&mut self) {
        for member in self.members.iter_mut().filter_map(Option::take) {
            let mut member = member;
            assert!(member.terminate().success(), "a member did not stop cleanly");
        }
    }

    fn running(&self) -> Vec<u64> {
        (1..=self.members.len() as u64).filter(|id| self.members[*id as usize - 1].is_some()).collect()
    }

    fn status(&self, id: u64) -> Option<serde_json::Value> {
        Client::new(&self.url(id)).ok()?.get_value("/v1/cluster").ok()
    }

    /// The leader every running member agrees on.
    fn leader(&self) -> u64 {
        let deadline = Instant::now() + SETTLE;
        while Instant::now() < deadline {
            let running = self.running();
            let leaders: Vec<Option<u64>> =
                running.iter().map(|id| self.status(*id).and_then(|s| s["leader"].as_u64())).collect();
            if let Some(Some(leader)) = leaders.first()
                && leaders.iter().all(|l| *l == Some(*leader))
                && running.contains(leader)
            {
                return *leader;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the members did not agree on a leader within {SETTLE:?}");
    }

    /// Waits until every running member applied the same log and reports the same tip.
    fn converge(&self) -> (u64, String) {
        let deadline = Instant::now() + SETTLE;
        let mut last = Vec::new();
        while Instant::now() < deadline {
            let running = self.running();
            let views: Vec<Option<(u64, u64, String)>> = running
                .iter()
                .map(|id| {
                    let status = self.status(*id)?;
                    let tip = Client::new(&self.url(*id)).ok()?.tip().ok()?;
                    Some((status["last_applied"].as_u64()?, tip.tip.height, hex::encode(tip.tip.digest)))
                })
                .collect();
            if views.iter().all(Option::is_some) && views.windows(2).all(|w| w[0] == w[1]) {
                let (_, height, digest) = views[0].clone().unwrap();
                return (height, digest);
            }
            last = views;
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the members did not converge within {SETTLE:?}: {last:?}");
    }

    fn sign(&self, key: &AgentKey, nonce: u64, action: Action) -> SignedTx {
        TxBody { sender: key.id(), nonce, action }.sign(key, &self.genesis_hash)
    }

    /// Funds `agents` with deposits from the operator, through the leader.
    fn fund(&self, agents: &[AgentKey]) {
        let leader = Client::new(&self.url(self.leader())).unwrap();
        let nonce = leader.next_nonce(&self.operator.id()).unwrap();
        let txs: Vec<SignedTx> = agents
            .iter()
            .enumerate()
            .map(|(i, a)| {
                self.sign(
                    &self.operator,
                    nonce + i as u64,
                    Action::Deposit { to: a.id(), asset: AssetId(1), amount: 1_000_000 },
                )
            })
            .collect();
        let receipts = leader.submit_batch(&txs).unwrap();
        assert!(receipts.iter().all(|r| r.status == Status::Ok), "{receipts:?}");
    }
}

/// What a client needs to reach the members and sign.
#[derive(Clone)]
struct Reach {
    urls: Vec<String>,
    genesis_hash: [u8; 32],
    payee: agora::AgentId,
}

/// One client: transfers of 1 to the operator, posted to the members in turn; after a failed
/// post it asks the leader (a consistent read) for its next nonce before going on.
fn client_loop(reach: &Reach, key: &AgentKey, stop: &AtomicBool, acked: &Mutex<Vec<Receipt>>, start_at: usize) {
    let mut nonce = 0u64;
    let mut turn = start_at;
    let deadline = Instant::now() + Duration::from_secs(120);
    while !stop.load(Ordering::Acquire) && Instant::now() < deadline {
        turn += 1;
        let Ok(client) = Client::new(&reach.urls[turn % reach.urls.len()]) else { continue };
        let action = Action::Transfer { to: reach.payee, asset: AssetId(1), amount: 1 };
        let tx = TxBody { sender: key.id(), nonce, action }.sign(key, &reach.genesis_hash);
        match client.submit(&tx) {
            Ok(receipt) if receipt.status == Status::Ok => {
                acked.lock().unwrap().push(receipt);
                nonce += 1;
            }
            _ => {
                std::thread::sleep(Duration::from_millis(100));
                let path = format!("/v1/agents/{}?consistent=true", key.id().did());
                let fresh = reach.urls.iter().find_map(|url| Client::new(url).ok()?.get::<AgentView>(&path).ok());
                if let Some(view) = fresh {
                    nonce = view.account.nonce;
                }
            }
        }
    }
}

fn wait_for_more(acked: &Mutex<Vec<Receipt>>, more: usize) {
    let target = acked.lock().unwrap().len() + more;
    let wait = Instant::now() + SETTLE;
    while acked.lock().unwrap().len() < target && Instant::now() < wait {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn killing_the_leader_under_load_loses_no_acknowledged_transaction_and_the_members_converge() {
    let rounds = if full() { 100 } else { 10 };
    let mut cluster = Cluster::start();
    let agents: Vec<AgentKey> = (0..CLIENTS).map(|i| AgentKey::from_seed([40 + i as u8; 32])).collect();
    cluster.fund(&agents);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let reach = Reach {
        urls: (1..=3).map(|id| cluster.url(id)).collect(),
        genesis_hash: cluster.genesis_hash,
        payee: cluster.operator.id(),
    };
    for round in 0..rounds {
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = agents
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, key)| {
                let (reach, stop, acked) = (reach.clone(), Arc::clone(&stop), Arc::clone(&acked));
                std::thread::spawn(move || client_loop(&reach, &key, &stop, &acked, i))
            })
            .collect();
        wait_for_more(&acked, 20);
        // SIGKILL mid-load: posts in flight to it fail; the clients go on with the others.
        let killed = cluster.leader();
        cluster.kill(killed);
        wait_for_more(&acked, 20);
        stop.store(true, Ordering::Release);
        for client in clients {
            client.join().unwrap();
        }
        let new_leader = cluster.leader();
        assert_ne!(new_leader, killed, "round {round}: the killed member still leads");
        cluster.launch(killed, &[]);
        let (height, _) = cluster.converge();
        assert!(height > 0);
    }
    let (height, digest) = cluster.converge();
    cluster.terminate_all();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= rounds * 40, "only {} transactions were acknowledged", acked.len());
    for id in 1..=3 {
        // Every acknowledged receipt is in every file, and each file replays to its digest.
        assert_eq!(check_acked_and_replay(&cluster.db(id), &acked), height);
        let market = Marketplace::open(cluster.db(id)).unwrap();
        assert_eq!(hex::encode(market.tip().digest), digest, "member {id} differs");
        drop(market);
        let out = agora(&["--db", cluster.db(id).to_str().unwrap(), "replay"]);
        assert!(out.status.success(), "agora replay of member {id}: {out:?}");
    }
}

#[test]
fn a_wiped_member_rejoins_by_installing_a_snapshot_even_the_one_that_initialised_the_cluster() {
    let mut cluster = Cluster::start();
    let agents: Vec<AgentKey> = (0..2).map(|i| AgentKey::from_seed([60 + i as u8; 32])).collect();
    cluster.fund(&agents);
    // Member 1 initialised the cluster (lowest id, empty log); wiped, it starts with an empty
    // log again and re-initialises with the file's membership before it hears from the leader.
    cluster.kill(1);
    std::fs::remove_file(cluster.db(1)).unwrap();
    std::fs::remove_file(agora_cluster::log_path(&cluster.db(1))).unwrap();
    // More than two snapshot intervals of entries while it is away.
    let leader = cluster.leader();
    let client = Client::new(&cluster.url(leader)).unwrap();
    for nonce in 0..120u64 {
        let tx = cluster.sign(&agents[0], nonce, Action::Transfer { to: agents[1].id(), asset: AssetId(1), amount: 1 });
        assert_eq!(client.submit(&tx).unwrap().status, Status::Ok);
    }
    cluster.launch(1, &[]);
    let (height, digest) = cluster.converge();
    let status = cluster.status(1).unwrap();
    assert!(status["snapshot"].as_u64().is_some(), "the wiped member did not install a snapshot: {status}");
    assert!(height >= 121);
    cluster.terminate_all();
    let market = Marketplace::open(cluster.db(1)).unwrap();
    assert_eq!(hex::encode(market.tip().digest), digest);
    assert_eq!(market.balance(&agents[1].id(), AssetId(1)).unwrap(), 1_000_120);
}

#[test]
fn a_wrong_key_a_damaged_log_and_a_far_off_clock_are_refused_with_clear_errors_and_nothing_diverges() {
    let mut cluster = Cluster::start();
    let leader = cluster.leader();
    let follower = (1..=3).find(|id| *id != leader).unwrap();

    // Wrong key: the member refuses to start.
    cluster.kill(follower);
    let other = (1..=3).find(|id| *id != follower).unwrap();
    let out = cluster.command(follower, other, &[]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("but the cluster file lists"), "{stderr}");

    // Damaged log: the member refuses to start and names the file.
    let log = agora_cluster::log_path(&cluster.db(follower));
    let mut bytes = std::fs::read(&log).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..] {
        *b = 0xA5;
    }
    std::fs::write(&log, &bytes).unwrap();
    let out = cluster.command(follower, follower, &[]).output().unwrap();
    assert!(!out.status.success(), "a damaged log was accepted");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("corrupt") || stderr.contains("damaged"), "{stderr}");

    // Truncated log: likewise.
    std::fs::write(&log, &bytes[..middle / 3]).unwrap();
    let out = cluster.command(follower, follower, &[]).output().unwrap();
    assert!(!out.status.success(), "a truncated log was accepted");

    // A far-off clock: with its files restored from scratch the member starts, but the others
    // refuse its requests and it refuses theirs, naming the skew; it never applies a block.
    std::fs::remove_file(&log).unwrap();
    std::fs::remove_file(cluster.db(follower)).unwrap();
    cluster.launch(follower, &["--clock-offset-secs", "3600"]);
    let client = Client::new(&cluster.url(leader)).unwrap();
    let nonce = client.next_nonce(&cluster.operator.id()).unwrap();
    let tx = cluster.sign(
        &cluster.operator,
        nonce,
        Action::Deposit { to: cluster.operator.id(), asset: AssetId(1), amount: 5 },
    );
    assert_eq!(client.submit(&tx).unwrap().status, Status::Ok, "the majority still commits");
    std::thread::sleep(Duration::from_secs(2));
    let skewed = cluster.members[follower as usize - 1].as_ref().unwrap();
    let lines = skewed.drain_lines();
    assert!(lines.iter().any(|l| l.contains("clock differs")), "no clock error logged: {lines:?}");
    let tip = Client::new(&cluster.url(follower)).unwrap().tip().unwrap();
    assert_eq!(tip.tip.height, 0, "the skewed member applied blocks");
    cluster.terminate_all();
}

/// The status line and headers of a raw HTTP/1.1 request (no redirect is followed).
fn raw(url: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, answer)
}

#[test]
fn writes_and_consistent_reads_on_a_follower_redirect_to_the_leader_and_members_change_with_agora_cluster() {
    let mut cluster = Cluster::start();
    let leader = cluster.leader();
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    let tx =
        cluster.sign(&cluster.operator, 0, Action::Deposit { to: cluster.operator.id(), asset: AssetId(1), amount: 5 });
    let body = serde_json::to_string(&tx).unwrap();
    let (status, answer) = raw(&cluster.url(follower), "POST", "/v1/txs", &body);
    assert_eq!(status, 307, "{answer}");
    let location = format!("location: {}/v1/txs", cluster.url(leader));
    assert!(answer.to_lowercase().contains(&location), "{answer}");
    assert!(answer.contains("NotLeader"), "{answer}");
    let (status, answer) = raw(&cluster.url(follower), "GET", "/v1/tip?consistent=true", "");
    assert_eq!(status, 307, "{answer}");
    assert!(answer.to_lowercase().contains(&format!("location: {}/v1/tip?consistent=true", cluster.url(leader))));
    let (status, _) = raw(&cluster.url(follower), "GET", "/v1/tip", "");
    assert_eq!(status, 200, "a local read on a follower is answered there");
    let (status, _) = raw(&cluster.url(leader), "GET", "/v1/tip?consistent=true", "");
    assert_eq!(status, 200);
    let (status, _) = raw(&cluster.url(leader), "GET", "/v1/tip?consistent=maybe", "");
    assert_eq!(status, 400);
    // The client follows the redirect: the write commits through the follower's address.
    let receipt = Client::new(&cluster.url(follower)).unwrap().submit(&tx).unwrap();
    assert_eq!(receipt.status, Status::Ok);

    // A fourth member: listed, started, then added as a voter.
    let file = cluster.dir.path().join("cluster.toml");
    let key4 = AgentKey::generate().unwrap();
    let key4_file = cluster.dir.path().join("node4.json");
    std::fs::write(&key4_file, serde_json::json!({ "did": key4.id().did(), "secret": key4.secret_hex() }).to_string())
        .unwrap();
    let addr4 = format!("127.0.0.1:{}", cluster.base_port + 3);
    let signer_key = cluster.dir.path().join(format!("node{leader}.json"));
    let add = |extra: &[&str]| {
        let mut args = vec!["cluster", "add", "--cluster", file.to_str().unwrap(), "--id", "4", "--addr", &addr4];
        let did = key4.id().did();
        let signer = leader.to_string();
        args.extend(["--key", &did, "--signer-id", &signer, "--signer-key", signer_key.to_str().unwrap()]);
        args.extend(extra);
        agora(&args)
    };
    let out = add(&["--config-only"]);
    assert!(out.status.success(), "{out:?}");
    cluster.launch(4, &[]);
    let out = add(&[]);
    assert!(out.status.success(), "{out:?}");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let voters = status["members"].as_array().unwrap().iter().filter(|m| m["voter"] == true).count();
    assert_eq!(voters, 4, "{status}");
    cluster.converge();

    let removed = (1..=3).find(|id| *id != leader).unwrap();
    let out = agora(&[
        "cluster",
        "remove",
        "--cluster",
        file.to_str().unwrap(),
        "--id",
        &removed.to_string(),
        "--signer-id",
        &leader.to_string(),
        "--signer-key",
        signer_key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<u64> = status["members"].as_array().unwrap().iter().map(|m| m["id"].as_u64().unwrap()).collect();
    assert!(!ids.contains(&removed) && ids.contains(&4), "{status}");
    cluster.kill(removed);
    let out = agora(&["cluster", "status", "--cluster", file.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let views: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(views.as_array().unwrap().len(), 4, "every listed member is asked: {views}");
    cluster.converge();
    cluster.terminate_all();
}
