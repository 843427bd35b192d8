//! Verification: one proof through `Groth16Verifier` beside plain
//! `Groth16::<Bn254>::verify_with_processed_vk` (and the strict decoding that is the
//! difference), then batches of n = 1, 4, 16, 64, 256, 1,024 through
//! `ProofVerifier::verify_batch` beside n plain verifications, the stages of a batch of 64
//! timed one by one, and whole blocks of proof-gated completions through the state machine
//! (batch verification included).
//!
//! Proofs: `hashchain` at about 2^10 constraints from a seeded RNG, 32 real ones re-randomised
//! up to the largest n. Fixtures are built only for the benchmarks that run.
//! `cargo bench -p agora-benches --bench verify` (sizes: `AGORA_BENCH_BATCH_SIZES`,
//! `AGORA_BENCH_COMPLETIONS`; plain loops above 256 with `AGORA_BENCH_FULL=1`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::circuits::hashchain::depth_for_constraints;
use agora_bench_support::{CompletionBench, VerifyFixture, expect_all_ok};
use agora_benches::{full, measurement, sizes};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

fn fixture(total: usize) -> VerifyFixture {
    VerifyFixture::new(depth_for_constraints(1 << 10), 32, total, 21).unwrap()
}

fn single(c: &mut Criterion) {
    let cell = OnceLock::new();
    let f = || cell.get_or_init(|| fixture(1));
    let mut group = c.benchmark_group("verify/single");
    group.sample_size(50).measurement_time(measurement(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours (decode + verify)", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.ours_single(black_box(1)), 1))
    });
    group.bench_function("plain-ark-groth16 (verify_with_processed_vk)", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.plain(black_box(1)), 1))
    });
    group.bench_function("plain-ark-groth16 with strict decoding", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.plain_with_decode(black_box(1)), 1))
    });
    group.bench_function("decode only (strict, subgroup checks)", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.decode_only(black_box(1)), 1))
    });
    group.bench_function("ours batch of 1", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.ours_batch(black_box(1)), 1))
    });
    group.finish();
}

fn batch(c: &mut Criterion) {
    let mut ns = sizes("AGORA_BENCH_BATCH_SIZES", &[1, 4, 16, 64, 256, 1_024]);
    ns.sort_unstable();
    let largest = ns.last().copied().unwrap_or(1);
    let cell = OnceLock::new();
    let f = || cell.get_or_init(|| fixture(largest));
    let mut group = c.benchmark_group("verify/batch");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for n in ns {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("ours-batch", n), |b| {
            let f = f();
            b.iter(|| assert_eq!(f.ours_batch(n), n))
        });
        if n <= 256 || full() {
            group.bench_function(BenchmarkId::new("plain-ark-groth16-loop", n), |b| {
                let f = f();
                b.iter(|| assert_eq!(f.plain(n), n))
            });
        }
    }
    group.finish();
}

/// The stages of a batch check of 64 proofs, timed one at a time (the per-proof stages on one
/// core; the multi-Miller loop and the MSM as arkworks runs them, in parallel).
fn batch_breakdown(c: &mut Criterion) {
    const N: usize = 64;
    let cell = OnceLock::new();
    let f = || cell.get_or_init(|| fixture(N));
    let mut group = c.benchmark_group("verify/batch-64-stages");
    group.sample_size(20).measurement_time(measurement(3));
    group.throughput(Throughput::Elements(N as u64));
    let weights: Vec<Fr> = (1..=N as u128).map(|i| Fr::from(i * 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834)).collect();
    group.bench_function("decode, strict (per proof, 1 core)", |b| {
        let f = f();
        b.iter(|| assert_eq!(f.decode_only(N), N))
    });
    group.bench_function("r_i * A_i (per proof, 1 core)", |b| {
        let f = f();
        b.iter(|| {
            let weighted: Vec<G1Projective> =
                f.decoded().iter().zip(&weights).map(|((proof, _), r)| proof.a * r).collect();
            G1Projective::normalize_batch(&weighted)
        })
    });
    group.bench_function("prepare B_i (per proof, 1 core)", |b| {
        let f = f();
        b.iter(|| {
            f.decoded().iter().map(|(proof, _)| <Bn254 as Pairing>::G2Prepared::from(proof.b)).collect::<Vec<_>>()
        })
    });
    group.bench_function("MSM of the C_i", |b| {
        let f = f();
        let cs: Vec<G1Affine> = f.decoded().iter().map(|(proof, _)| proof.c).collect();
        b.iter(|| G1Projective::msm(&cs, &weights).unwrap())
    });
    group.bench_function("multi-Miller loop, n + 3 pairs", |b| {
        let f = f();
        let vk = &f.prepared_key().vk;
        let mut g1: Vec<G1Affine> = f.decoded().iter().map(|(proof, _)| proof.a).collect();
        let mut g2: Vec<<Bn254 as Pairing>::G2Prepared> = f.decoded().iter().map(|(proof, _)| proof.b.into()).collect();
        for _ in 0..3 {
            g1.push(vk.alpha_g1);
            g2.push(vk.beta_g2.into());
        }
        b.iter(|| Bn254::multi_miller_loop(g1.iter().copied(), g2.iter().cloned()))
    });
    group.bench_function("final exponentiation (once per batch)", |b| {
        let f = f();
        let vk = &f.prepared_key().vk;
        let ml = Bn254::multi_miller_loop([vk.alpha_g1], [<Bn254 as Pairing>::G2Prepared::from(vk.beta_g2)]);
        b.iter(|| Bn254::final_exponentiation(ml).unwrap())
    });
    group.bench_function("G1 generator check (reference: one cheap op)", |b| {
        b.iter(|| black_box(G1Affine::generator()).is_on_curve())
    });
    group.finish();
}

fn completions(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify/completions-block");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(measurement(5));
    group.sampling_mode(SamplingMode::Flat);
    for count in sizes("AGORA_BENCH_COMPLETIONS", &[64, 256]) {
        group.throughput(Throughput::Elements(count as u64));
        // Built on first use only (criterion calls the closure once per sample).
        let cell = OnceLock::new();
        group.bench_function(BenchmarkId::new("apply (memory)", count), |b| {
            let bench = cell.get_or_init(|| {
                let bench = CompletionBench::new(count, depth_for_constraints(1 << 10), 31).unwrap();
                expect_all_ok(&bench.apply().unwrap(), "completions").unwrap();
                bench
            });
            b.iter(|| bench.apply().unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, single, batch, batch_breakdown, completions);
criterion_main!(benches);
