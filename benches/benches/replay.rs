//! Replay: blocks per second rebuilt from the stored log into a fresh database
//! (`agora_store::replay`, which re-applies every block and compares every digest).
//!
//! `cargo bench -p agora-benches --bench replay`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::{Marketplace, StoreOptions};
use agora_bench_support::{TransferLoad, expect_all_ok};
use agora_benches::{measurement, sizes};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::time::Duration;

const BLOCKS: u64 = 50;

fn replay(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for size in sizes("AGORA_BENCH_REPLAY_SIZES", &[100, 1_000]) {
        let dir = tempfile::tempdir().unwrap();
        let mut load = TransferLoad::new(1_024).unwrap();
        let options = StoreOptions { durable: false };
        let mut market =
            Marketplace::create_with(dir.path().join("source.redb"), load.genesis().clone(), options).unwrap();
        for _ in 0..BLOCKS {
            let time = market.tip().time + 1;
            expect_all_ok(&market.submit(load.txs(size), time).unwrap(), "source block").unwrap();
        }
        group.throughput(Throughput::Elements(BLOCKS));
        let mut run = 0u64;
        group.bench_function(BenchmarkId::new(format!("blocks of {size} transfers"), BLOCKS), |b| {
            b.iter(|| {
                run += 1;
                let target = dir.path().join(format!("replay-{run}.redb"));
                let report = market.replay(&target).unwrap();
                assert!(report.matches());
                std::fs::remove_file(&target).unwrap();
                report
            })
        });
    }
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
