//! `agora bench --cluster`: three cluster members in this process on loopback ports, measured
//! beside a single node in the same run with the same transfers. All three members, the
//! single node and the clients share this machine's cores, so the cluster pays for three
//! state machines, three fsyncs per entry and the replication traffic on the same CPUs.

#![allow(clippy::float_arithmetic)]

use crate::args::BenchArgs;
use crate::bench_http::{Run, drive, over_http, partition, print_runs, run_figures, scratch_dir};
use agora::{AgentKey, Marketplace, StoreOptions};
use agora_bench_support::TransferLoad;
use agora_cluster::{ClusterConfig, ClusterMember, MemberEntry, RaftTiming};
use agora_node::NodeConfig;
use anyhow::Context;
use serde::Serialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Transactions per post in the batch runs.
const BATCH: usize = 256;
/// Members of the measured cluster.
const MEMBERS: u64 = 3;
/// Longest the members may take to elect a leader.
const ELECTION_WAIT: Duration = Duration::from_secs(30);

#[derive(Serialize)]
struct Report {
    cpus: usize,
    clients: usize,
    members: u64,
    runs: Vec<Run>,
    single_posts_cluster_vs_node: f64,
    batch_posts_cluster_vs_node: f64,
}

/// Free loopback addresses for the members (bound, read, released).
fn free_addrs(n: u64) -> anyhow::Result<Vec<SocketAddr>> {
    let listeners: Vec<std::net::TcpListener> =
        (0..n).map(|_| std::net::TcpListener::bind("127.0.0.1:0")).collect::<Result<_, _>>()?;
    Ok(listeners.iter().map(|l| l.local_addr()).collect::<Result<_, _>>()?)
}

/// Starts a fresh cluster, posts `n` transfers to its leader from `clients` clients, stops it.
async fn cluster_run(dir: &Path, name: &'static str, n: usize, clients: usize, batch: usize) -> anyhow::Result<Run> {
    let mut load = TransferLoad::new(clients)?;
    let dir = dir.join(name.replace(' ', "-"));
    std::fs::create_dir_all(&dir)?;
    let keys: Vec<AgentKey> = (0..MEMBERS).map(|_| AgentKey::generate()).collect::<Result<_, _>>()?;
    let addrs = free_addrs(MEMBERS)?;
    let nodes = (1..=MEMBERS)
        .zip(&keys)
        .zip(&addrs)
        .map(|((id, key), addr)| MemberEntry { id, addr: *addr, key: key.id().did() })
        .collect();
    let raft = RaftTiming { heartbeat_ms: 50, election_min_ms: 300, election_max_ms: 600, ..RaftTiming::default() };
    let config = ClusterConfig { name: "bench".into(), genesis: PathBuf::from("unused"), raft, nodes };
    let mut stops = Vec::new();
    let mut servers = Vec::new();
    let mut rafts = Vec::new();
    for (id, key) in (1..=MEMBERS).zip(keys) {
        let db = dir.join(format!("node{id}.redb"));
        let market = Marketplace::create_with(&db, load.genesis().clone(), StoreOptions { durable: true })?;
        let member = ClusterMember::start(
            market,
            &agora_cluster::log_path(&db),
            config.clone(),
            id,
            key,
            NodeConfig::default(),
            0,
        )
        .await?;
        rafts.push(member.raft().clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push(stop);
        servers.push(tokio::spawn(member.run(async {
            let _ = stopped.await;
        })));
    }
    let deadline = Instant::now() + ELECTION_WAIT;
    let leader = loop {
        let leaders: Vec<Option<u64>> = rafts.iter().map(|r| r.metrics().borrow().current_leader).collect();
        if let Some(Some(leader)) = leaders.first()
            && leaders.iter().all(|l| *l == Some(*leader))
        {
            break *leader;
        }
        anyhow::ensure!(Instant::now() < deadline, "the benchmark cluster elected no leader");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let url = format!("http://{}", config.node(leader).context("leader not in the cluster file")?.addr);
    let parts = partition(load.txs(n), clients);
    let (took, latencies) = drive(&url, parts, batch, None).await?;
    for stop in stops {
        let _ = stop.send(());
    }
    for server in servers {
        server.await.context("member task")??;
    }
    Ok(run_figures(name, n, took, latencies))
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.clients > 0 && args.http_txs >= args.clients,
        "--clients must be at least 1 and --http-txs at least --clients"
    );
    let dir = scratch_dir(&args, "cluster")?;
    let result = measure(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    if args.json {
        return crate::output::print_pretty(&report);
    }
    println!("loopback HTTP, {} clients, {} members, {} cpus", report.clients, report.members, report.cpus);
    print_runs(&report.runs);
    println!("single posts, cluster / node: {:.0} %", report.single_posts_cluster_vs_node * 100.0);
    println!("batch posts, cluster / node: {:.0} %", report.batch_posts_cluster_vs_node * 100.0);
    Ok(())
}

fn measure(args: &BenchArgs, dir: &Path) -> anyhow::Result<Report> {
    let say = |what: &str| {
        if !(args.quiet || args.json) {
            eprintln!("measuring {what}…");
        }
    };
    let (n, clients) = (args.http_txs, args.clients);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    say("single posts to one node");
    let node_single = runtime.block_on(over_http(dir, "node single posts", n, clients, 1, None))?;
    say("single posts to the cluster's leader");
    let cluster_single = runtime.block_on(cluster_run(dir, "cluster single posts", n, clients, 1))?;
    say("batch posts to one node");
    let node_batch = runtime.block_on(over_http(dir, "node batch posts", n, clients, BATCH, None))?;
    say("batch posts to the cluster's leader");
    let cluster_batch = runtime.block_on(cluster_run(dir, "cluster batch posts", n, clients, BATCH))?;
    Ok(Report {
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        clients,
        members: MEMBERS,
        single_posts_cluster_vs_node: cluster_single.txs_per_sec / node_single.txs_per_sec.max(1e-9),
        batch_posts_cluster_vs_node: cluster_batch.txs_per_sec / node_batch.txs_per_sec.max(1e-9),
        runs: vec![node_single, cluster_single, node_batch, cluster_batch],
    })
}
