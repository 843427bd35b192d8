//! `agora bench`: a quick measurement on this machine, about a minute with the defaults.
//!
//! Durable blocks of signed transfers (throughput, block latency p50/p99), the same blocks
//! without fsync and in memory, whole task lifecycles, proving per kind (ours beside plain
//! ark-groth16), verification single and batched (ours beside plain ark-groth16, measured in
//! the same run) and a block of proof-gated completions — beside the reference figures and the
//! targets. The workloads are `agora_bench_support`, the same the criterion benches run.

#![allow(clippy::float_arithmetic)]

use crate::args::BenchArgs;
use agora::circuits::hashchain::depth_for_constraints;
use agora::core::limits::MAX_TXS_PER_BLOCK;
use agora::{CircuitShape, Marketplace, NoProofKeys, StoreOptions, TaskId};
use agora_bench_support::{
    BENCH_GENESIS_HASH, BIDS_PER_WORKER, CompletionBench, LifecycleLoad, MemoryChain, TransferLoad, VerifyFixture,
    bench_key, bench_witness, block_after, expect_all_ok, mean, percentile, plain_circuit, prove_ours, prove_plain,
    seeded_rng, setup_keys, shape_constraints, shape_name,
};
use anyhow::{Context, bail};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The reference figures quoted for the proprietary runtime the article measured.
const REFERENCE_TASKS_PER_SEC: f64 = 47.0;
const REFERENCE_AVG_LATENCY_MS: f64 = 82.0;

/// Targets (see docs/BENCHMARKS.md).
const TARGET_TXS_PER_SEC: f64 = 50_000.0;
const TARGET_COMPLETIONS_PER_SEC: f64 = 5_000.0;
const TARGET_BATCH_SPEEDUP: f64 = 5.0;
const TARGET_PROVE_OVERHEAD: f64 = 1.1;

#[derive(Serialize)]
struct Report {
    cpus: usize,
    commit: Commit,
    lifecycle: Lifecycle,
    proving: Vec<Prove>,
    verify: Option<Verify>,
    completions: Option<Completions>,
    reference: Reference,
    targets: Targets,
    /// Each Agora figure divided by the bound that caps it on this machine, measured in the
    /// same run (1.0 = at the bound).
    ratios: Ratios,
    wall_secs: f64,
}

#[derive(Serialize)]
struct Ratios {
    /// Durable transfers per second ÷ what batch signature checking alone allows on every core.
    durable_to_signature_bound: f64,
    /// The same for pipelined durable blocks.
    pipelined_to_signature_bound: f64,
    /// Durable ÷ in-memory transfers per second (what storage leaves of the state machine).
    durable_to_memory: f64,
    /// Durable completions per second ÷ batch-verified proofs per second (the verification bound).
    completions_to_verification_bound: Option<f64>,
    /// Ours single verification ÷ per-proof batch cost at the largest batch measured.
    batch_speedup_vs_ours_single: Option<f64>,
    /// Our proving time ÷ plain ark-groth16's, worst kind.
    worst_prove_overhead: Option<f64>,
}

#[derive(Serialize)]
struct Commit {
    block_size: usize,
    blocks: usize,
    durable_txs_per_sec: f64,
    latency_p50_ms: f64,
    latency_p99_ms: f64,
    latency_mean_ms: f64,
    latency_max_ms: f64,
    no_fsync_txs_per_sec: f64,
    no_fsync_latency_mean_ms: f64,
    memory_txs_per_sec: f64,
    memory_latency_mean_ms: f64,
    /// Durable blocks through the pipeline (the signatures of block n+1 checked while block n
    /// applies and commits).
    pipelined_txs_per_sec: f64,
    pipelined_latency_mean_ms: f64,
    /// redb's share of a block: durable mean minus in-memory mean.
    storage_ms_per_block: f64,
    /// What one block writes: state rows of its diff plus block, receipts, digest and tip.
    redb_rows_per_block: usize,
    /// Bytes of those rows (keys and values).
    redb_bytes_per_block: usize,
    signature_check_us_per_tx_one_core: f64,
    /// The most transfers per second single verification alone allows on every core.
    signature_bound_txs_per_sec: f64,
    /// One batch equation over a whole block's signatures, one core, per signature.
    signature_batch_us_per_tx_one_core: f64,
    /// The most transfers per second batch verification alone allows on every core.
    signature_batch_bound_txs_per_sec: f64,
}

#[derive(Serialize)]
struct Lifecycle {
    tasks_per_round: usize,
    rounds: usize,
    durable_tasks_per_sec: f64,
    durable_txs_per_sec: f64,
    block_latency_mean_ms: f64,
    block_latency_p99_ms: f64,
}

#[derive(Serialize)]
struct Prove {
    kind: String,
    constraints: usize,
    proofs: usize,
    ours_ms: f64,
    plain_ms: f64,
    ours_proofs_per_sec: f64,
    plain_proofs_per_sec: f64,
    overhead: f64,
}

#[derive(Serialize)]
struct Verify {
    constraints: usize,
    single_ours_ms: f64,
    single_plain_ms: f64,
    single_plain_with_decode_ms: f64,
    decode_ms: f64,
    batch_size: usize,
    batch_per_proof_ms: f64,
    batch_speedup_vs_plain: f64,
    batch_speedup_vs_plain_with_decode: f64,
    batch_proofs_per_sec: f64,
    /// Per-proof cost by batch size, both encodings, against ours single in the same run.
    batch_sizes: Vec<BatchPoint>,
}

#[derive(Serialize)]
struct BatchPoint {
    size: usize,
    compressed_per_proof_ms: f64,
    uncompressed_per_proof_ms: f64,
    /// Ours single (compressed) ÷ per-proof batch cost (uncompressed).
    speedup_uncompressed: f64,
    speedup_compressed: f64,
}

#[derive(Serialize)]
struct Completions {
    count: usize,
    memory_block_ms: f64,
    memory_per_sec: f64,
    durable_block_ms: f64,
    durable_per_sec: f64,
    /// The same block with uncompressed proofs.
    uncompressed_durable_block_ms: f64,
    uncompressed_durable_per_sec: f64,
    /// The uncompressed block with as many plain transfers mixed in: completions per second.
    mixed_transfers: usize,
    mixed_durable_block_ms: f64,
    mixed_durable_completions_per_sec: f64,
}

#[derive(Serialize)]
struct Reference {
    tasks_per_sec: f64,
    avg_latency_ms: f64,
}

#[derive(Serialize)]
struct Targets {
    durable_txs_per_sec: f64,
    completions_per_sec: f64,
    batch_speedup: f64,
    prove_overhead: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn per_sec(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64().max(1e-12)
}

/// The median of `reps` timings of `f`.
fn median_of(reps: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(percentile(&mut samples, 50))
}

struct Progress {
    quiet: bool,
}

impl Progress {
    fn say(&self, what: &str) {
        if !self.quiet {
            eprintln!("measuring {what}…");
        }
    }
}

fn scratch_dir(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let base = dir.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let path = base.join(format!("agora-bench-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
    Ok(path)
}

pub fn run(mut args: BenchArgs) -> anyhow::Result<()> {
    if args.quick {
        (args.blocks, args.lifecycle_tasks, args.lifecycle_rounds) = (8, 100, 1);
        (args.proofs, args.batch, args.completions) = (1, 64, 32);
    }
    if args.blocks == 0 || args.block_size == 0 || args.block_size > MAX_TXS_PER_BLOCK {
        bail!("--blocks must be at least 1 and --block-size between 1 and {MAX_TXS_PER_BLOCK}");
    }
    let started = Instant::now();
    let dir = scratch_dir(args.dir.as_deref())?;
    let result = measure(&args, &dir, &Progress { quiet: args.quiet || args.json });
    let _ = std::fs::remove_dir_all(&dir);
    let mut report = result?;
    report.wall_secs = started.elapsed().as_secs_f64();
    if args.json {
        crate::output::print_pretty(&report)
    } else {
        print_table(&report);
        Ok(())
    }
}

fn measure(args: &BenchArgs, dir: &Path, progress: &Progress) -> anyhow::Result<Report> {
    progress.say(&format!("{} durable blocks of {} signed transfers", args.blocks, args.block_size));
    let commit = commit(args, dir)?;
    progress.say(&format!("{} rounds of {} task lifecycles", args.lifecycle_rounds, args.lifecycle_tasks));
    let lifecycle = lifecycle(args, dir)?;
    let mut proving = Vec::new();
    if args.proofs > 0 {
        for shape in agora::default_shapes() {
            progress.say(&format!("proving {} ({} proofs each way)", shape_name(shape), args.proofs));
            proving.push(prove(shape, args.proofs)?);
        }
    }
    let verify = if args.batch > 0 {
        progress.say(&format!("verification, single and a batch of {}", args.batch));
        Some(verify(args.batch)?)
    } else {
        None
    };
    let completions = if args.completions > 0 {
        progress.say(&format!("a block of {} proof-gated completions (proving them first)", args.completions));
        Some(completions(args.completions, dir)?)
    } else {
        None
    };
    let ratios = Ratios {
        durable_to_signature_bound: commit.durable_txs_per_sec / commit.signature_batch_bound_txs_per_sec.max(1e-9),
        pipelined_to_signature_bound: commit.pipelined_txs_per_sec / commit.signature_batch_bound_txs_per_sec.max(1e-9),
        durable_to_memory: commit.durable_txs_per_sec / commit.memory_txs_per_sec.max(1e-9),
        completions_to_verification_bound: match (&completions, &verify) {
            (Some(c), Some(v)) => Some(c.durable_per_sec / v.batch_proofs_per_sec.max(1e-9)),
            _ => None,
        },
        batch_speedup_vs_ours_single: verify
            .as_ref()
            .and_then(|v| v.batch_sizes.last().map(|p| p.speedup_compressed.max(p.speedup_uncompressed))),
        worst_prove_overhead: proving.iter().map(|p| p.overhead).reduce(f64::max),
    };
    Ok(Report {
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        ratios,
        commit,
        lifecycle,
        proving,
        verify,
        completions,
        reference: Reference { tasks_per_sec: REFERENCE_TASKS_PER_SEC, avg_latency_ms: REFERENCE_AVG_LATENCY_MS },
        targets: Targets {
            durable_txs_per_sec: TARGET_TXS_PER_SEC,
            completions_per_sec: TARGET_COMPLETIONS_PER_SEC,
            batch_speedup: TARGET_BATCH_SPEEDUP,
            prove_overhead: TARGET_PROVE_OVERHEAD,
        },
        wall_secs: 0.0,
    })
}

/// Commits `blocks` blocks of `size` transfers through `market`; returns each block's time.
/// One place blocks go: a redb marketplace (durable or not) or the in-memory chain.
enum Target {
    Store(Marketplace),
    Memory(MemoryChain),
}

impl Target {
    /// Applies (and for redb commits) the next block; returns how long that took.
    fn apply(&mut self, txs: Vec<agora::SignedTx>) -> anyhow::Result<Duration> {
        let (took, outcome) = match self {
            Target::Store(market) => {
                let block = block_after(&market.tip(), txs);
                let start = Instant::now();
                let outcome = market.submit_block(&block)?;
                (start.elapsed(), outcome)
            }
            Target::Memory(chain) => {
                let block = block_after(&chain.tip, txs);
                let start = Instant::now();
                let outcome = chain.apply_block(&block, &NoProofKeys).map_err(agora::store::StoreError::from)?;
                (start.elapsed(), outcome)
            }
        };
        expect_all_ok(&outcome, "transfer block")?;
        Ok(took)
    }
}

fn commit(args: &BenchArgs, dir: &Path) -> anyhow::Result<Commit> {
    let (blocks, size) = (args.blocks, args.block_size);
    let warmup = 2.min(blocks);
    let mut load = TransferLoad::new(1_024)?;
    let genesis = load.genesis().clone();
    let store = |name: &str, durable: bool| -> anyhow::Result<Target> {
        let path = dir.join(format!("{name}.redb"));
        Ok(Target::Store(Marketplace::create_with(&path, genesis.clone(), StoreOptions { durable })?))
    };
    // The three targets get the very same blocks, interleaved, so a change in the machine's
    // load touches all three alike. Everything is signed before anything is timed.
    let mut targets =
        [store("durable", true)?, store("no-fsync", false)?, Target::Memory(MemoryChain::new(genesis.clone())?)];
    let all: Vec<_> = (0..warmup + blocks).map(|_| load.txs(size)).collect();
    let (pipelined, writes) = pipelined(dir, &genesis, &all, warmup)?;
    let mut times: [Vec<Duration>; 3] = Default::default();
    for (i, txs) in all.into_iter().enumerate() {
        for (target, samples) in targets.iter_mut().zip(times.iter_mut()) {
            let took = target.apply(txs.clone())?;
            if i >= warmup {
                samples.push(took);
            }
        }
    }
    let [mut durable, no_fsync, memory] = times;
    let Target::Memory(chain) = &targets[2] else { bail!("the third target is the in-memory chain") };

    // The signature check alone, one core: what the parallel stateless pass costs per tx.
    let txs = load.txs(size.min(1_000));
    let hash = chain.config.genesis_hash;
    let start = Instant::now();
    let ok = txs.iter().filter(|tx| tx.check_stateless(&hash) == agora::Status::Ok).count();
    let sig = start.elapsed();
    if ok != txs.len() {
        bail!("signature check failed on a benchmark transaction");
    }

    // The same signatures in one batch equation, on this thread only.
    let items: Vec<agora::identity::SignedDigest> = txs
        .iter()
        .filter_map(|tx| tx.unsigned_checks(&hash, &agora::core::Canonical::to_canonical_bytes(tx)).ok())
        .collect();
    let start = Instant::now();
    let batch_ok = agora::identity::verify_batch(&items).into_iter().filter(|ok| *ok).count();
    let batch_sig = start.elapsed();
    if batch_ok != txs.len() {
        bail!("batch signature check failed on a benchmark transaction");
    }

    let total: Duration = durable.iter().sum();
    let sig_us = sig.as_secs_f64() * 1e6 / txs.len().max(1) as f64;
    let batch_us = batch_sig.as_secs_f64() * 1e6 / txs.len().max(1) as f64;
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    Ok(Commit {
        block_size: size,
        blocks,
        durable_txs_per_sec: per_sec(blocks * size, total),
        latency_p50_ms: ms(percentile(&mut durable, 50)),
        latency_p99_ms: ms(percentile(&mut durable, 99)),
        latency_mean_ms: ms(mean(&durable)),
        latency_max_ms: ms(percentile(&mut durable, 100)),
        no_fsync_txs_per_sec: per_sec(blocks * size, no_fsync.iter().sum()),
        no_fsync_latency_mean_ms: ms(mean(&no_fsync)),
        memory_txs_per_sec: per_sec(blocks * size, memory.iter().sum()),
        memory_latency_mean_ms: ms(mean(&memory)),
        pipelined_txs_per_sec: per_sec(blocks * size, pipelined),
        pipelined_latency_mean_ms: ms(pipelined) / blocks as f64,
        storage_ms_per_block: ms(mean(&durable)) - ms(mean(&memory)),
        redb_rows_per_block: writes.0,
        redb_bytes_per_block: writes.1,
        signature_check_us_per_tx_one_core: sig_us,
        signature_bound_txs_per_sec: cpus as f64 * 1e6 / sig_us.max(1e-9),
        signature_batch_us_per_tx_one_core: batch_us,
        signature_batch_bound_txs_per_sec: cpus as f64 * 1e6 / batch_us.max(1e-9),
    })
}

/// Commits the blocks of `all` to a fresh durable database through the pipeline; returns the
/// time of every block after the first `warmup`, and the rows and bytes the last block wrote.
fn pipelined(
    dir: &Path,
    genesis: &agora::Genesis,
    all: &[Vec<agora::SignedTx>],
    warmup: usize,
) -> anyhow::Result<(Duration, (usize, usize))> {
    let mut market =
        Marketplace::create_with(dir.join("pipelined.redb"), genesis.clone(), StoreOptions { durable: true })?;
    let time = market.tip().time;
    let mut batches: Vec<(Vec<agora::SignedTx>, u64)> =
        all.iter().enumerate().map(|(i, txs)| (txs.clone(), time + 1 + i as u64)).collect();
    let rest = batches.split_off(warmup.min(batches.len()));
    for outcome in market.submit_pipelined(batches)? {
        expect_all_ok(&outcome, "pipelined transfer block")?;
    }
    let start = Instant::now();
    let outcomes = market.submit_pipelined(rest)?;
    let took = start.elapsed();
    for outcome in &outcomes {
        expect_all_ok(outcome, "pipelined transfer block")?;
    }
    let writes = match outcomes.last() {
        Some(outcome) => block_writes(&market, outcome)?,
        None => (0, 0),
    };
    Ok((took, writes))
}

/// Rows and bytes (keys and values) a committed block writes to redb: its state diff, then the
/// block, its receipts, its digest (each keyed by the 8-byte height) and the tip (value only).
fn block_writes(market: &Marketplace, outcome: &agora::core::BlockOutcome) -> anyhow::Result<(usize, usize)> {
    use agora::core::Canonical;
    let height = outcome.tip.height;
    let diff_bytes: usize =
        outcome.diff.writes.iter().map(|((_, key), value)| key.len() + value.as_ref().map_or(0, Vec::len)).sum();
    let block = market.block(height)?.context("the block just committed")?;
    let mut receipts = agora::core::Writer::new();
    agora::core::encode_seq(&mut receipts, &outcome.receipts);
    let keyed = 8 + block.to_canonical_bytes().len() + 8 + receipts.into_bytes().len() + 8 + 32;
    Ok((outcome.diff.len() + 4, diff_bytes + keyed + outcome.tip.to_canonical_bytes().len()))
}

fn lifecycle(args: &BenchArgs, dir: &Path) -> anyhow::Result<Lifecycle> {
    let tasks = args.lifecycle_tasks.clamp(1, MAX_TXS_PER_BLOCK);
    let rounds = args.lifecycle_rounds.max(1);
    let workers = tasks.div_ceil(BIDS_PER_WORKER);
    let mut load = LifecycleLoad::new(64, workers)?;
    let mut market =
        Marketplace::create_with(dir.join("lifecycle.redb"), load.genesis().clone(), StoreOptions { durable: true })?;
    let block = block_after(&market.tip(), load.registrations());
    expect_all_ok(&market.submit_block(&block)?, "registrations")?;
    let mut latencies = Vec::new();
    for _ in 0..rounds {
        let time = market.tip().time + 1;
        for txs in load.round(tasks, time) {
            let block = block_after(&market.tip(), txs);
            let start = Instant::now();
            let outcome = market.submit_block(&block)?;
            latencies.push(start.elapsed());
            expect_all_ok(&outcome, "lifecycle block")?;
        }
    }
    let total: Duration = latencies.iter().sum();
    Ok(Lifecycle {
        tasks_per_round: tasks,
        rounds,
        durable_tasks_per_sec: per_sec(tasks * rounds, total),
        durable_txs_per_sec: per_sec(4 * tasks * rounds, total),
        block_latency_mean_ms: ms(mean(&latencies)),
        block_latency_p99_ms: ms(percentile(&mut latencies, 99)),
    })
}

fn prove(shape: CircuitShape, proofs: usize) -> anyhow::Result<Prove> {
    let keys = setup_keys(shape, 7)?;
    let worker = bench_key("prove worker", 0).id();
    let mut rng = seeded_rng(11);
    // One untimed proof first (page faults on the key, thread pool start-up), then the two
    // ways alternate which goes first.
    prove_plain(
        &keys.pk,
        plain_circuit(shape, &bench_witness(shape, 0), &BENCH_GENESIS_HASH, TaskId(1), &worker)?,
        &mut rng,
    )?;
    let mut ours = Duration::ZERO;
    let mut plain = Duration::ZERO;
    for i in 0..proofs {
        let witness = bench_witness(shape, i as u64);
        let task = TaskId(i as u64 + 1);
        let mut run_ours = || -> anyhow::Result<()> {
            let start = Instant::now();
            prove_ours(shape, &keys.pk, &witness, &BENCH_GENESIS_HASH, task, &worker, &mut rng)?;
            ours += start.elapsed();
            Ok(())
        };
        let mut rng_plain = seeded_rng(1_000 + i as u64);
        let mut run_plain = || -> anyhow::Result<()> {
            let circuit = plain_circuit(shape, &witness, &BENCH_GENESIS_HASH, task, &worker)?;
            let start = Instant::now();
            prove_plain(&keys.pk, circuit, &mut rng_plain)?;
            plain += start.elapsed();
            Ok(())
        };
        if i % 2 == 0 {
            run_ours()?;
            run_plain()?;
        } else {
            run_plain()?;
            run_ours()?;
        }
    }
    Ok(Prove {
        kind: shape_name(shape),
        constraints: shape_constraints(shape),
        proofs,
        ours_ms: ms(ours) / proofs as f64,
        plain_ms: ms(plain) / proofs as f64,
        ours_proofs_per_sec: per_sec(proofs, ours),
        plain_proofs_per_sec: per_sec(proofs, plain),
        overhead: ours.as_secs_f64() / plain.as_secs_f64().max(1e-12),
    })
}

fn verify(n: usize) -> anyhow::Result<Verify> {
    let depth = depth_for_constraints(1 << 10);
    let f = VerifyFixture::new(depth, n.min(32), n, 21)?;
    let check = |valid: usize| if valid == n { Ok(()) } else { bail!("a benchmark proof did not verify") };
    // Interleaved repetitions, each in a rotated order (so none always follows the parallel
    // batch), then the median of each, so load changes hit all alike.
    let mut samples: [Vec<Duration>; 5] = Default::default();
    let runs: [&dyn Fn() -> usize; 5] =
        [&|| f.ours_single(n), &|| f.plain(n), &|| f.decode_only(n), &|| f.ours_batch(n), &|| f.plain_with_decode(n)];
    for rep in 0..9 {
        for k in 0..runs.len() {
            let which = (k + rep) % runs.len();
            let start = Instant::now();
            check(runs[which]())?;
            samples[which].push(start.elapsed());
        }
    }
    let [mut a, mut b, mut c, mut d, mut e] = samples;
    let single_ours = percentile(&mut a, 50) / n as u32;
    let single_plain = percentile(&mut b, 50) / n as u32;
    let decode = percentile(&mut c, 50) / n as u32;
    let batch = percentile(&mut d, 50);
    let single_plain_with_decode = percentile(&mut e, 50) / n as u32;
    let per_proof = batch / n as u32;
    let uncompressed_claims = f.uncompressed_claims()?;
    let mut batch_sizes = Vec::new();
    for size in [2, 4, 16, 64, 256].into_iter().filter(|size| *size <= n) {
        let mut times: [Vec<Duration>; 2] = Default::default();
        for rep in 0..7 {
            for k in 0..2 {
                let which = (k + rep) % 2;
                let claims = if which == 0 { &f.claims[..size] } else { &uncompressed_claims[..size] };
                let start = Instant::now();
                if f.batch_of(claims) != size {
                    bail!("a benchmark proof did not verify");
                }
                times[which].push(start.elapsed());
            }
        }
        let [mut compressed, mut uncompressed] = times;
        let compressed = percentile(&mut compressed, 50) / size as u32;
        let uncompressed = percentile(&mut uncompressed, 50) / size as u32;
        batch_sizes.push(BatchPoint {
            size,
            compressed_per_proof_ms: ms(compressed),
            uncompressed_per_proof_ms: ms(uncompressed),
            speedup_uncompressed: single_ours.as_secs_f64() / uncompressed.as_secs_f64().max(1e-12),
            speedup_compressed: single_ours.as_secs_f64() / compressed.as_secs_f64().max(1e-12),
        });
    }
    Ok(Verify {
        constraints: agora::circuits::hashchain::constraints_for_depth(depth),
        single_ours_ms: ms(single_ours),
        single_plain_ms: ms(single_plain),
        single_plain_with_decode_ms: ms(single_plain_with_decode),
        decode_ms: ms(decode),
        batch_size: n,
        batch_per_proof_ms: ms(per_proof),
        batch_speedup_vs_plain: single_plain.as_secs_f64() / per_proof.as_secs_f64().max(1e-12),
        batch_speedup_vs_plain_with_decode: single_plain_with_decode.as_secs_f64() / per_proof.as_secs_f64().max(1e-12),
        batch_proofs_per_sec: per_sec(n, batch),
        batch_sizes,
    })
}

fn completions(count: usize, dir: &Path) -> anyhow::Result<Completions> {
    let bench = CompletionBench::new(count, depth_for_constraints(1 << 10), 31)?;
    let memory = median_of(3, || {
        let outcome = bench.apply().map_err(agora::store::StoreError::from)?;
        Ok(expect_all_ok(&outcome, "completions")?)
    })?;
    let durable = durable_completions(&bench, &dir.join("completions.redb"))?;
    let uncompressed = CompletionBench::new_encoded(count, depth_for_constraints(1 << 10), 31, true, 0)?;
    let durable_uncompressed = durable_completions(&uncompressed, &dir.join("completions-uncompressed.redb"))?;
    let mixed = CompletionBench::new_encoded(count, depth_for_constraints(1 << 10), 31, true, count)?;
    let durable_mixed = durable_completions(&mixed, &dir.join("completions-mixed.redb"))?;
    Ok(Completions {
        count,
        memory_block_ms: ms(memory),
        memory_per_sec: per_sec(count, memory),
        durable_block_ms: ms(durable),
        durable_per_sec: per_sec(count, durable),
        uncompressed_durable_block_ms: ms(durable_uncompressed),
        uncompressed_durable_per_sec: per_sec(count, durable_uncompressed),
        mixed_transfers: count,
        mixed_durable_block_ms: ms(durable_mixed),
        mixed_durable_completions_per_sec: per_sec(count, durable_mixed),
    })
}

/// Commits the bench's set-up blocks to a fresh durable database, then times its completions
/// block.
fn durable_completions(bench: &CompletionBench, path: &Path) -> anyhow::Result<Duration> {
    let genesis = bench.chain.config.genesis.clone();
    let mut market =
        Marketplace::create_with(path, genesis, StoreOptions { durable: true })?.with_verifier(bench.verifier.clone());
    for block in &bench.setup_blocks {
        market.submit_block(block)?;
    }
    let start = Instant::now();
    let outcome = market.submit_block(&bench.block)?;
    let took = start.elapsed();
    expect_all_ok(&outcome, "completions")?;
    Ok(took)
}

fn thousands(x: f64) -> String {
    let n = x.round() as u128;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn print_table(r: &Report) {
    let c = &r.commit;
    let l = &r.lifecycle;
    let mut rows: Vec<[String; 4]> = vec![
        [
            format!("durable commit, blocks of {} signed transfers", c.block_size),
            format!("{} tx/s", thousands(c.durable_txs_per_sec)),
            "—".into(),
            format!(
                "≥ {} tx/s ({})",
                thousands(TARGET_TXS_PER_SEC),
                verdict(c.durable_txs_per_sec >= TARGET_TXS_PER_SEC)
            ),
        ],
        [
            "  block latency p50 / p99 (mean, max)".into(),
            format!(
                "{:.1} / {:.1} ms ({:.1}, {:.1})",
                c.latency_p50_ms, c.latency_p99_ms, c.latency_mean_ms, c.latency_max_ms
            ),
            format!("reference avg {REFERENCE_AVG_LATENCY_MS} ms"),
            "p99 reported".into(),
        ],
        [
            "  same blocks, durable, signatures pipelined".into(),
            format!("{} tx/s", thousands(c.pipelined_txs_per_sec)),
            format!("mean {:.1} ms/block", c.pipelined_latency_mean_ms),
            format!(
                "≥ {} tx/s ({}, {:.0} % of it)",
                thousands(TARGET_TXS_PER_SEC),
                verdict(c.pipelined_txs_per_sec >= TARGET_TXS_PER_SEC),
                100.0 * c.pipelined_txs_per_sec / TARGET_TXS_PER_SEC
            ),
        ],
        [
            "  same blocks, redb without fsync".into(),
            format!("{} tx/s", thousands(c.no_fsync_txs_per_sec)),
            format!("mean {:.1} ms/block", c.no_fsync_latency_mean_ms),
            String::new(),
        ],
        [
            "  same blocks, in memory (no storage)".into(),
            format!("{} tx/s", thousands(c.memory_txs_per_sec)),
            format!("mean {:.1} ms/block", c.memory_latency_mean_ms),
            String::new(),
        ],
        [
            "  stateless check (Ed25519 single), one core".into(),
            format!("{:.1} µs/tx", c.signature_check_us_per_tx_one_core),
            format!("bound on {} cores: {} tx/s", r.cpus, thousands(c.signature_bound_txs_per_sec)),
            String::new(),
        ],
        [
            format!("  signatures in one batch of {}, one core", c.block_size.min(1_000)),
            format!("{:.1} µs/tx", c.signature_batch_us_per_tx_one_core),
            format!("bound on {} cores: {} tx/s", r.cpus, thousands(c.signature_batch_bound_txs_per_sec)),
            format!(
                "{:.1}× cheaper than single",
                c.signature_check_us_per_tx_one_core / c.signature_batch_us_per_tx_one_core.max(1e-9)
            ),
        ],
        [
            "  durable / pipelined ÷ the batch signature bound".into(),
            format!(
                "{:.0} % / {:.0} %",
                100.0 * r.ratios.durable_to_signature_bound,
                100.0 * r.ratios.pipelined_to_signature_bound
            ),
            format!("durable ÷ in memory: {:.0} %", 100.0 * r.ratios.durable_to_memory),
            String::new(),
        ],
        [
            "  storage (redb write + fsync) per block".into(),
            format!("{:.1} ms", c.storage_ms_per_block),
            "durable mean − in-memory mean".into(),
            format!(
                "{} rows, {} bytes per block",
                thousands(c.redb_rows_per_block as f64),
                thousands(c.redb_bytes_per_block as f64)
            ),
        ],
        [
            format!("task lifecycles, durable ({} per block)", l.tasks_per_round),
            format!("{} tasks/s", thousands(l.durable_tasks_per_sec)),
            format!("reference {REFERENCE_TASKS_PER_SEC} tasks/s"),
            String::new(),
        ],
        [
            "  lifecycle block latency mean / p99".into(),
            format!("{:.1} / {:.1} ms", l.block_latency_mean_ms, l.block_latency_p99_ms),
            format!("reference avg {REFERENCE_AVG_LATENCY_MS} ms"),
            String::new(),
        ],
    ];
    for p in &r.proving {
        rows.push([
            format!("prove {} ({} constraints)", p.kind, p.constraints),
            format!("{:.2} proofs/s ({:.0} ms)", p.ours_proofs_per_sec, p.ours_ms),
            format!("plain ark-groth16 {:.2}/s ({:.0} ms)", p.plain_proofs_per_sec, p.plain_ms),
            format!(
                "overhead {:.2}× ≤ {TARGET_PROVE_OVERHEAD}× ({})",
                p.overhead,
                verdict(p.overhead <= TARGET_PROVE_OVERHEAD)
            ),
        ]);
    }
    if let Some(v) = &r.verify {
        rows.push([
            format!("verify one proof ({} constraints)", v.constraints),
            format!("{:.2} ms (decode {:.2} ms)", v.single_ours_ms, v.decode_ms),
            format!(
                "plain ark-groth16 {:.2} ms ({:.2} with decoding)",
                v.single_plain_ms, v.single_plain_with_decode_ms
            ),
            String::new(),
        ]);
        rows.push([
            format!("verify batch of {}, per proof", v.batch_size),
            format!("{:.3} ms ({} proofs/s)", v.batch_per_proof_ms, thousands(v.batch_proofs_per_sec)),
            format!(
                "{:.1}× cheaper than plain single ({:.1}× with decoding)",
                v.batch_speedup_vs_plain, v.batch_speedup_vs_plain_with_decode
            ),
            format!(
                "≥ {TARGET_BATCH_SPEEDUP}× at 64+ ({})",
                if v.batch_size >= 64 { verdict(v.batch_speedup_vs_plain >= TARGET_BATCH_SPEEDUP) } else { "n < 64" }
            ),
        ]);
        for point in &v.batch_sizes {
            rows.push([
                format!("  batch of {}, per proof: compressed / uncompressed", point.size),
                format!("{:.3} / {:.3} ms", point.compressed_per_proof_ms, point.uncompressed_per_proof_ms),
                format!(
                    "{:.1}× / {:.1}× cheaper than ours single",
                    point.speedup_compressed, point.speedup_uncompressed
                ),
                format!(
                    "≥ {TARGET_BATCH_SPEEDUP}× ({} compressed, {} uncompressed)",
                    verdict(point.speedup_compressed >= TARGET_BATCH_SPEEDUP),
                    verdict(point.speedup_uncompressed >= TARGET_BATCH_SPEEDUP)
                ),
            ]);
        }
    }
    if let Some(k) = &r.completions {
        rows.push([
            format!("proof-gated completions, block of {}", k.count),
            format!("{} /s in memory ({:.1} ms)", thousands(k.memory_per_sec), k.memory_block_ms),
            format!("durable {} /s ({:.1} ms)", thousands(k.durable_per_sec), k.durable_block_ms),
            format!(
                "≥ {} /s ({})",
                thousands(TARGET_COMPLETIONS_PER_SEC),
                verdict(k.durable_per_sec >= TARGET_COMPLETIONS_PER_SEC)
            ),
        ]);
        if let Some(ratio) = r.ratios.completions_to_verification_bound {
            rows.push([
                "  durable completions ÷ batch verification alone".into(),
                format!("{:.0} %", 100.0 * ratio),
                "verification bound: the batch row above".into(),
                String::new(),
            ]);
        }
        rows.push([
            "  same block, uncompressed proofs".into(),
            format!(
                "durable {} /s ({:.1} ms)",
                thousands(k.uncompressed_durable_per_sec),
                k.uncompressed_durable_block_ms
            ),
            String::new(),
            format!(
                "≥ {} /s ({})",
                thousands(TARGET_COMPLETIONS_PER_SEC),
                verdict(k.uncompressed_durable_per_sec >= TARGET_COMPLETIONS_PER_SEC)
            ),
        ]);
        rows.push([
            format!("  same, with {} transfers mixed in", k.mixed_transfers),
            format!(
                "durable {} completions/s ({:.1} ms)",
                thousands(k.mixed_durable_completions_per_sec),
                k.mixed_durable_block_ms
            ),
            String::new(),
            format!(
                "≥ {} /s ({})",
                thousands(TARGET_COMPLETIONS_PER_SEC),
                verdict(k.mixed_durable_completions_per_sec >= TARGET_COMPLETIONS_PER_SEC)
            ),
        ]);
    }
    let header = ["measure".to_string(), "ours".into(), "baseline / reference".into(), "target".into()];
    let widths: Vec<usize> = (0..4)
        .map(|i| rows.iter().chain(std::iter::once(&header)).map(|row| row[i].chars().count()).max().unwrap_or(0))
        .collect();
    println!("Agora bench ({} CPUs, {:.0} s; durable = one fsync'd redb commit per block)", r.cpus, r.wall_secs);
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w.saturating_sub(cell.chars().count()))))
            .collect();
        println!("  {}", cells.join("  ").trim_end());
    }
}
