//! Proving: every circuit kind through `agora_zk::prove_completion` (native witness check,
//! proof, self-verification, encoding) beside plain `Groth16::<Bn254>::prove` of the same
//! circuit with the same key, and `hashchain` at depths giving about 2^10, 2^12 and 2^14
//! constraints (2^16 with `AGORA_BENCH_FULL=1`).
//!
//! `cargo bench -p agora-benches --bench prove`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use agora::circuits::hashchain::depth_for_constraints;
use agora::{CircuitShape, TaskId};
use agora_bench_support::{
    BENCH_GENESIS_HASH, bench_key, bench_witness, plain_circuit, prove_ours, prove_plain, seeded_rng, setup_keys,
    shape_constraints, shape_name,
};
use agora_benches::{full, measurement};
use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::time::Duration;

fn bench_shape(c: &mut Criterion, group_name: &str, shape: CircuitShape) {
    // Keys are made on first use only, so a filtered run skips the setup of the others.
    let cell = std::sync::OnceLock::new();
    let keys = || cell.get_or_init(|| setup_keys(shape, 7).unwrap());
    let worker = bench_key("prove worker", 0).id();
    let witness = bench_witness(shape, 1);
    let task = TaskId(1);
    let mut group = c.benchmark_group(group_name);
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(measurement(10));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(1));
    let label = format!("{} ({} constraints)", shape_name(shape), shape_constraints(shape));
    let mut rng = seeded_rng(11);
    group.bench_function(BenchmarkId::new("ours", &label), |b| {
        let keys = keys();
        b.iter(|| prove_ours(shape, &keys.pk, &witness, &BENCH_GENESIS_HASH, task, &worker, &mut rng).unwrap())
    });
    let mut rng = seeded_rng(12);
    group.bench_function(BenchmarkId::new("plain-ark-groth16", &label), |b| {
        let keys = keys();
        b.iter_batched(
            || plain_circuit(shape, &witness, &BENCH_GENESIS_HASH, task, &worker).unwrap(),
            |circuit| prove_plain(&keys.pk, circuit, &mut rng).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn kinds(c: &mut Criterion) {
    for shape in [
        CircuitShape::Aggregate,
        CircuitShape::Classify,
        CircuitShape::Hashchain { depth: agora::proofs::DEFAULT_HASHCHAIN_DEPTH },
        CircuitShape::FairAggregate,
        CircuitShape::FairClassify,
    ] {
        bench_shape(c, "prove/kind", shape);
    }
}

fn hashchain_sizes(c: &mut Criterion) {
    let mut logs = vec![10, 12, 14];
    if full() {
        logs.push(16);
    }
    for log in logs {
        let depth = depth_for_constraints(1 << log);
        bench_shape(c, "prove/hashchain-size", CircuitShape::Hashchain { depth });
    }
}

criterion_group!(benches, kinds, hashchain_sizes);
criterion_main!(benches);
