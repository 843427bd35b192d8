//! Verification: one proof through `Groth16Verifier` beside plain
//! `Groth16::<Bn254>::verify_with_processed_vk` (and the strict decoding that is the
//! difference), then batches of n = 1, 4, 16, 64, 256, 1,024 through
//! `ProofVerifier::verify_batch` beside n plain verifications; and whole blocks of proof-gated
//! completions through the state machine (batch verification included).
//!
//! Proofs: `hashchain` at about 2^10 constraints from a seeded RNG, 32 real ones re-randomised
//! up to the largest n. `cargo bench -p agora-benches --bench verify`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::bench_support::{CompletionBench, VerifyFixture, expect_all_ok};
use agora::circuits::hashchain::depth_for_constraints;
use agora_benches::{full, measurement, sizes};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn fixture(total: usize) -> VerifyFixture {
    VerifyFixture::new(depth_for_constraints(1 << 10), 32, total, 21).unwrap()
}

fn single(c: &mut Criterion) {
    let f = fixture(1);
    let mut group = c.benchmark_group("verify/single");
    group.sample_size(50).measurement_time(measurement(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours (decode + verify)", |b| b.iter(|| assert_eq!(f.ours_single(black_box(1)), 1)));
    group.bench_function("plain-ark-groth16 (verify_with_processed_vk)", |b| {
        b.iter(|| assert_eq!(f.plain(black_box(1)), 1))
    });
    group.bench_function("decode only (strict, subgroup checks)", |b| {
        b.iter(|| assert_eq!(f.decode_only(black_box(1)), 1))
    });
    group.bench_function("ours batch of 1", |b| b.iter(|| assert_eq!(f.ours_batch(black_box(1)), 1)));
    group.finish();
}

fn batch(c: &mut Criterion) {
    let mut ns = sizes("AGORA_BENCH_BATCH_SIZES", &[1, 4, 16, 64, 256, 1_024]);
    ns.sort_unstable();
    let f = fixture(ns.last().copied().unwrap_or(1));
    let mut group = c.benchmark_group("verify/batch");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for n in ns {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("ours-batch", n), |b| b.iter(|| assert_eq!(f.ours_batch(n), n)));
        if n <= 256 || full() {
            group.bench_function(BenchmarkId::new("plain-ark-groth16-loop", n), |b| {
                b.iter(|| assert_eq!(f.plain(n), n))
            });
        }
    }
    group.finish();
}

fn completions(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify/completions-block");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for count in sizes("AGORA_BENCH_COMPLETIONS", &[64, 256]) {
        let bench = CompletionBench::new(count, depth_for_constraints(1 << 10), 31).unwrap();
        expect_all_ok(&bench.apply().unwrap(), "completions").unwrap();
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(BenchmarkId::new("apply (memory)", count), |b| b.iter(|| bench.apply().unwrap()));
    }
    group.finish();
}

criterion_group!(benches, single, batch, completions);
criterion_main!(benches);
