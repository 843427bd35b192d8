//! The epoch recompute of standing (EigenTrust) over a full window of evidence edges: the one
//! piece of work a block does besides its transactions. Default 1,000,000 edges
//! (`MAX_TRUST_EDGES`, the most a block can read); other sizes with `AGORA_TRUST_EDGES=n,m`.
//! The graph: 1,000 employers (the first 10 trusted) × workers, each edge with evidence in
//! 1..=100,000 points from a fixed LCG.

use agora_benches::{measurement, sizes};
use agora_core::limits::MAX_TRUST_EDGES;
use agora_core::reputation::{rank_key, recompute_standing_from};
use agora_core::{AgentId, AgentKey, Layer, MemoryState, Table};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeSet;
use std::time::Duration;

fn agent(group: u8, i: u32) -> AgentId {
    let mut seed = [group; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    AgentKey::from_seed(seed).id()
}

/// A state holding `edges` ranked evidence edges, and its trusted seeds.
fn graph(edges: usize) -> (MemoryState, BTreeSet<AgentId>) {
    let employers: Vec<AgentId> = (0..1_000).map(|i| agent(1, i)).collect();
    let workers: Vec<AgentId> = (0..edges.div_ceil(employers.len()) as u32).map(|i| agent(2, i)).collect();
    let mut diff = agora_core::Diff::default();
    let mut lcg: u64 = 0x2545_f491_4f6c_dd1d;
    for n in 0..edges {
        let (employer, worker) = (&employers[n % employers.len()], &workers[n / employers.len()]);
        lcg = lcg.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let evidence = 1 + (lcg >> 33) % 100_000;
        diff.writes.insert((Table::TrustRank, rank_key(evidence, worker, employer)), Some(Vec::new()));
    }
    let mut state = MemoryState::new();
    state.apply(&diff);
    (state, employers[..10].iter().copied().collect())
}

fn recompute(c: &mut Criterion) {
    let mut group = c.benchmark_group("trust_recompute");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measurement(10));
    for edges in sizes("AGORA_TRUST_EDGES", &[MAX_TRUST_EDGES]) {
        let (state, seeds) = graph(edges);
        group.bench_function(format!("{edges}_edges"), |b| {
            b.iter(|| {
                let mut layer = Layer::new(&state);
                recompute_standing_from(&mut layer, &seeds).expect("recompute");
                layer.into_diff().len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, recompute);
criterion_main!(benches);
