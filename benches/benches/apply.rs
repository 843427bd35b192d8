//! Applying blocks: signed transfers in blocks of 1, 100, 1,000 and 10,000, and whole task
//! lifecycles (post, bid, award, accept), each committed durably to redb (fsync per block)
//! beside the same blocks on redb without fsync and on the in-memory state.
//!
//! `cargo bench -p agora-benches --bench apply` (sizes: `AGORA_BENCH_BLOCK_SIZES=1,100,1000`,
//! `AGORA_BENCH_ROUND_SIZES=100,1000`; seconds per benchmark: `AGORA_BENCH_SECS`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::{Marketplace, NoProofKeys, SignedTx, StoreOptions};
use agora_bench_support::{BIDS_PER_WORKER, LifecycleLoad, MemoryChain, TransferLoad, block_after, expect_all_ok};
use agora_benches::{measurement, sizes};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::time::{Duration, Instant};

/// Agents sending transfers (each sends several per block in the larger blocks).
const AGENTS: usize = 1_024;

enum Backend {
    Durable,
    NoFsync,
    Memory,
}

impl Backend {
    const ALL: [Backend; 3] = [Backend::Durable, Backend::NoFsync, Backend::Memory];

    fn name(&self) -> &'static str {
        match self {
            Backend::Durable => "redb-durable",
            Backend::NoFsync => "redb-no-fsync",
            Backend::Memory => "memory",
        }
    }
}

/// Where blocks go: a redb marketplace or the in-memory chain.
enum Target {
    Store { market: Marketplace, _dir: tempfile::TempDir },
    Memory(MemoryChain),
}

impl Target {
    fn new(backend: &Backend, genesis: agora::Genesis) -> Target {
        match backend {
            Backend::Memory => Target::Memory(MemoryChain::new(genesis).unwrap()),
            Backend::Durable | Backend::NoFsync => {
                let dir = tempfile::tempdir().unwrap();
                let options = StoreOptions { durable: matches!(backend, Backend::Durable) };
                let market = Marketplace::create_with(dir.path().join("bench.redb"), genesis, options).unwrap();
                Target::Store { market, _dir: dir }
            }
        }
    }

    /// Applies (and for redb commits) one block; returns the time it took.
    fn apply(&mut self, txs: Vec<SignedTx>) -> Duration {
        match self {
            Target::Store { market, .. } => {
                let block = block_after(&market.tip(), txs);
                let start = Instant::now();
                let outcome = market.submit_block(&block).unwrap();
                let took = start.elapsed();
                expect_all_ok(&outcome, "block").unwrap();
                took
            }
            Target::Memory(chain) => {
                let block = block_after(&chain.tip, txs);
                let start = Instant::now();
                let outcome = chain.apply_block(&block, &NoProofKeys).unwrap();
                let took = start.elapsed();
                expect_all_ok(&outcome, "block").unwrap();
                took
            }
        }
    }

    fn time(&self) -> u64 {
        match self {
            Target::Store { market, .. } => market.tip().time,
            Target::Memory(chain) => chain.tip.time,
        }
    }
}

fn transfers(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply/transfers");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for size in sizes("AGORA_BENCH_BLOCK_SIZES", &[1, 100, 1_000, 10_000]) {
        group.throughput(Throughput::Elements(size as u64));
        for backend in Backend::ALL {
            let mut load = TransferLoad::new(AGENTS).unwrap();
            let mut target = Target::new(&backend, load.genesis().clone());
            group.bench_function(BenchmarkId::new(backend.name(), size), |b| {
                b.iter_custom(|iters| {
                    // Signing happens here, outside the measured time.
                    let blocks: Vec<Vec<SignedTx>> = (0..iters).map(|_| load.txs(size)).collect();
                    blocks.into_iter().map(|txs| target.apply(txs)).sum()
                })
            });
        }
    }
    group.finish();
}

fn lifecycles(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply/lifecycle");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for tasks in sizes("AGORA_BENCH_ROUND_SIZES", &[100, 1_000]) {
        // Elements are whole task lifecycles (4 transactions each, in 4 blocks).
        group.throughput(Throughput::Elements(tasks as u64));
        for backend in Backend::ALL {
            let mut load = LifecycleLoad::new(64, tasks.div_ceil(BIDS_PER_WORKER)).unwrap();
            let mut target = Target::new(&backend, load.genesis().clone());
            target.apply(load.registrations());
            group.bench_function(BenchmarkId::new(backend.name(), tasks), |b| {
                b.iter_custom(|iters| {
                    let start_time = target.time() + 1;
                    let rounds: Vec<[Vec<SignedTx>; 4]> = (0..iters).map(|_| load.round(tasks, start_time)).collect();
                    rounds.into_iter().flatten().map(|txs| target.apply(txs)).sum()
                })
            });
        }
    }
    group.finish();
}

/// Where a transfer block's time goes, stage by stage, on one core: encoding, the signing
/// digest, the Ed25519 check, the whole stateless check, the transaction id; then per block the
/// sequential execution share is what `memory` costs beyond the stateless checks spread over
/// the cores.
fn breakdown(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply/breakdown-per-tx");
    group.sample_size(20).measurement_time(measurement(3));
    let mut load = TransferLoad::new(AGENTS).unwrap();
    let hash = agora::core::ChainConfig::new(load.genesis().clone()).unwrap().genesis_hash;
    let txs = load.txs(1_000);
    group.throughput(Throughput::Elements(txs.len() as u64));
    group.bench_function("canonical encoding", |b| {
        b.iter(|| txs.iter().map(|tx| agora::core::Canonical::to_canonical_bytes(tx).len()).sum::<usize>())
    });
    group.bench_function("signing digest (encode + blake3)", |b| {
        b.iter(|| txs.iter().map(|tx| tx.body.signing_digest(&hash)[0] as usize).sum::<usize>())
    });
    let digests: Vec<[u8; 32]> = txs.iter().map(|tx| tx.body.signing_digest(&hash)).collect();
    group.bench_function("ed25519 single, ZIP-215 (keys cached)", |b| {
        b.iter(|| {
            txs.iter().zip(&digests).filter(|(tx, d)| tx.signature.verify_digest(&tx.body.sender, d).is_ok()).count()
        })
    });
    let items: Vec<agora::identity::SignedDigest> = txs
        .iter()
        .zip(&digests)
        .map(|(tx, d)| agora::identity::SignedDigest { signer: tx.body.sender, signature: tx.signature, digest: *d })
        .collect();
    group.bench_function("ed25519 one batch of 1,000, one core (keys cached)", |b| {
        b.iter(|| agora::identity::verify_batch(&items).into_iter().filter(|ok| *ok).count())
    });
    group.bench_function("ed25519 batches over every core (agora_core::verify_signatures)", |b| {
        b.iter(|| agora::core::verify_signatures(&items).into_iter().filter(|ok| *ok).count())
    });
    group.bench_function("whole stateless check", |b| {
        b.iter(|| txs.iter().filter(|tx| tx.check_stateless(&hash) == agora::Status::Ok).count())
    });
    group.bench_function("transaction id (encode + blake3)", |b| {
        b.iter(|| txs.iter().map(|tx| tx.id()[0] as usize).sum::<usize>())
    });
    let block = block_after(&agora::ChainTip { height: 0, time: 1_000, digest: hash }, txs.clone());
    group.bench_function("block hash (encode + blake3)", |b| b.iter(|| block.hash()));
    let mut chain = MemoryChain::new(load.genesis().clone()).unwrap();
    let outcome = chain.apply_block(&block, &NoProofKeys).unwrap();
    group.bench_function("diff encoding", |b| b.iter(|| outcome.diff.to_canonical_bytes().len()));
    group.finish();
}

/// Durable blocks of 1,000 transfers through the pipeline (signatures of block n+1 checked
/// while block n applies and commits), beside the same blocks committed one after another.
fn pipelined(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply/pipelined-durable");
    group.sample_size(10).measurement_time(measurement(5)).sampling_mode(SamplingMode::Flat);
    let size = 1_000;
    let run = 10;
    group.throughput(Throughput::Elements((size * run) as u64));
    for pipelined in [false, true] {
        let name = if pipelined { "pipelined" } else { "one-by-one" };
        group.bench_function(BenchmarkId::new(name, size), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut load = TransferLoad::new(AGENTS).unwrap();
                    let dir = tempfile::tempdir().unwrap();
                    let mut market = Marketplace::create_with(
                        dir.path().join("bench.redb"),
                        load.genesis().clone(),
                        StoreOptions { durable: true },
                    )
                    .unwrap();
                    let time = market.tip().time;
                    let batches: Vec<(Vec<SignedTx>, u64)> =
                        (0..run).map(|i| (load.txs(size), time + 1 + i as u64)).collect();
                    let start = Instant::now();
                    if pipelined {
                        for outcome in market.submit_pipelined(batches).unwrap() {
                            expect_all_ok(&outcome, "pipelined").unwrap();
                        }
                    } else {
                        for (txs, time) in batches {
                            expect_all_ok(&market.submit(txs, time).unwrap(), "one by one").unwrap();
                        }
                    }
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, transfers, lifecycles, breakdown, pipelined);
criterion_main!(benches);
