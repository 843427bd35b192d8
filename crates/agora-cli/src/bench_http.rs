//! `agora bench --http`: a node over loopback HTTP, measured beside in-process durable blocks
//! of the same transfers in the same run. Clients and node share this machine's cores.
//!
//! Four runs, each on a fresh database: in-process durable blocks; single posts from
//! `--clients` concurrent clients (each waits for its acknowledgement before the next post);
//! batch posts (each client posts `BATCH` transactions at a time); and single posts paced at
//! half the measured single-post peak, for the latency at moderate load.

#![allow(clippy::float_arithmetic)]

use crate::args::BenchArgs;
use agora::{Marketplace, SignedTx, Status, StoreOptions};
use agora_bench_support::{TransferLoad, block_after, expect_all_ok, percentile};
use agora_node::{Node, NodeConfig};
use anyhow::{Context, bail};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Transactions per post in the batch run.
const BATCH: usize = 256;
/// Transactions per in-process block.
const IN_PROCESS_BLOCK: usize = 1_000;

#[derive(Serialize)]
pub(crate) struct Run {
    pub name: &'static str,
    pub txs: usize,
    pub txs_per_sec: f64,
    pub ack_p50_ms: f64,
    pub ack_p99_ms: f64,
}

#[derive(Serialize)]
struct Report {
    cpus: usize,
    clients: usize,
    runs: Vec<Run>,
    batch_vs_in_process: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn per_sec(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64().max(1e-12)
}

/// Each client's transactions, in nonce order: transfer `i` is sent by agent `i % clients`.
pub(crate) fn partition(txs: Vec<SignedTx>, clients: usize) -> Vec<Vec<SignedTx>> {
    let mut parts = vec![Vec::new(); clients];
    for (i, tx) in txs.into_iter().enumerate() {
        parts[i % clients].push(tx);
    }
    parts
}

fn in_process(dir: &Path, n: usize) -> anyhow::Result<Run> {
    let mut load = TransferLoad::new(64)?;
    let mut market =
        Marketplace::create_with(dir.join("in-process.redb"), load.genesis().clone(), StoreOptions { durable: true })?;
    let blocks: Vec<Vec<SignedTx>> = (0..n.div_ceil(IN_PROCESS_BLOCK)).map(|_| load.txs(IN_PROCESS_BLOCK)).collect();
    let mut latencies = Vec::new();
    let start = Instant::now();
    for txs in blocks {
        let block = block_after(&market.tip(), txs);
        let began = Instant::now();
        let outcome = market.submit_block(&block)?;
        latencies.push(began.elapsed());
        expect_all_ok(&outcome, "transfer block")?;
    }
    let took = start.elapsed();
    let count = latencies.len() * IN_PROCESS_BLOCK;
    Ok(Run {
        name: "in-process durable blocks",
        txs: count,
        txs_per_sec: per_sec(count, took),
        ack_p50_ms: ms(percentile(&mut latencies, 50)),
        ack_p99_ms: ms(percentile(&mut latencies, 99)),
    })
}

/// Posts `parts` (one client each) to `url`, `batch` transactions per post, each client
/// waiting for its acknowledgement before the next post (every `pace` at most when given);
/// returns the elapsed time and every post's acknowledgement latency.
pub(crate) async fn drive(
    url: &str,
    parts: Vec<Vec<SignedTx>>,
    batch: usize,
    pace: Option<Duration>,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let client = Arc::new(agora_client::Client::new(url)?);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for part in parts {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut next_send = Instant::now();
            for chunk in part.chunks(batch) {
                if let Some(pace) = pace {
                    tokio::time::sleep_until(next_send.into()).await;
                    next_send += pace;
                }
                let began = Instant::now();
                let statuses: Vec<Status> = if chunk.len() == 1 {
                    vec![client.submit(&chunk[0]).await?.status]
                } else {
                    client.submit_batch(chunk).await?.into_iter().map(|r| r.status).collect()
                };
                latencies.push(began.elapsed());
                if statuses.iter().any(|s| *s != Status::Ok) {
                    return Err(anyhow::anyhow!("a benchmark transfer was refused: {statuses:?}"));
                }
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.context("client task")??);
    }
    Ok((start.elapsed(), latencies))
}

/// A measured run's figures.
pub(crate) fn run_figures(name: &'static str, txs: usize, took: Duration, mut latencies: Vec<Duration>) -> Run {
    Run {
        name,
        txs,
        txs_per_sec: per_sec(txs, took),
        ack_p50_ms: ms(percentile(&mut latencies, 50)),
        ack_p99_ms: ms(percentile(&mut latencies, 99)),
    }
}

/// Starts a node on a fresh database, runs the clients, stops the node.
pub(crate) async fn over_http(
    dir: &Path,
    name: &'static str,
    n: usize,
    clients: usize,
    batch: usize,
    pace: Option<Duration>,
) -> anyhow::Result<Run> {
    let mut load = TransferLoad::new(clients)?;
    let path = dir.join(format!("{}.redb", name.replace(' ', "-")));
    let market = Marketplace::create_with(&path, load.genesis().clone(), StoreOptions { durable: true })?;
    let config = NodeConfig { listen: ([127, 0, 0, 1], 0).into(), ..NodeConfig::default() };
    let node = Node::bind(market, config).await?;
    let url = format!("http://{}", node.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(node.run(async {
        let _ = stopped.await;
    }));
    let parts = partition(load.txs(n), clients);
    let (took, latencies) = drive(&url, parts, batch, pace).await?;
    let _ = stop.send(());
    server.await.context("node task")??;
    Ok(run_figures(name, n, took, latencies))
}

/// A fresh scratch directory for one benchmark, under `--dir` or the system temp directory.
pub(crate) fn scratch_dir(args: &BenchArgs, label: &str) -> anyhow::Result<PathBuf> {
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let dir = base.join(format!("agora-bench-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The table of measured runs.
pub(crate) fn print_runs(runs: &[Run]) {
    println!("{:<34} {:>8} {:>12} {:>10} {:>10}", "run", "txs", "txs/s", "p50 ms", "p99 ms");
    for run in runs {
        println!(
            "{:<34} {:>8} {:>12.0} {:>10.2} {:>10.2}",
            run.name, run.txs, run.txs_per_sec, run.ack_p50_ms, run.ack_p99_ms
        );
    }
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.clients == 0 || args.http_txs < args.clients {
        bail!("--clients must be at least 1 and --http-txs at least --clients");
    }
    let dir = scratch_dir(&args, "http")?;
    let result = measure(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    if args.json {
        return crate::output::print_pretty(&report);
    }
    println!("loopback HTTP, {} clients, {} cpus", report.clients, report.cpus);
    print_runs(&report.runs);
    println!("batch posts / in-process durable: {:.0} %", report.batch_vs_in_process * 100.0);
    Ok(())
}

fn measure(args: &BenchArgs, dir: &Path) -> anyhow::Result<Report> {
    let say = |what: &str| {
        if !(args.quiet || args.json) {
            eprintln!("measuring {what}…");
        }
    };
    let n = args.http_txs;
    let clients = args.clients;
    say("in-process durable blocks");
    let local = in_process(dir, n)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    say("single posts");
    let single = runtime.block_on(over_http(dir, "single posts", n, clients, 1, None))?;
    say("batch posts");
    let batch = runtime.block_on(over_http(dir, "batch posts", n, clients, BATCH, None))?;
    // Half the single-post peak, spread over the clients: each posts every `pace`.
    let half_rate = (single.txs_per_sec / 2.0).max(1.0);
    let pace = Duration::from_secs_f64(clients as f64 / half_rate);
    say("single posts at half the peak rate");
    let paced_n = (half_rate * 5.0).clamp(clients as f64, n as f64) as usize;
    let paced = runtime.block_on(over_http(dir, "single posts at half peak", paced_n, clients, 1, Some(pace)))?;
    let ratio = batch.txs_per_sec / local.txs_per_sec.max(1e-9);
    Ok(Report {
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        clients,
        runs: vec![local, single, batch, paced],
        batch_vs_in_process: ratio,
    })
}
