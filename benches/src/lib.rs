//! Criterion benchmarks for Agora live under `benches/benches/`.
