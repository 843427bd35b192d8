//! Criterion benchmarks for Agora live under `benches/benches/` (`cargo bench -p agora-benches`);
//! the workloads they run come from [`agora_bench_support`], which `agora bench` shares. This
//! library holds the little they have in common besides: sizes from the environment and the
//! criterion settings for slow (proof) benchmarks.

use std::time::Duration;

/// True when `AGORA_BENCH_FULL=1`: also run the optional large sizes (10,000-tx blocks are
/// always on; this adds 2^16-constraint proving and 1,024-proof plain verification loops).
pub fn full() -> bool {
    std::env::var("AGORA_BENCH_FULL").is_ok_and(|v| v == "1")
}

/// A list of sizes from the environment variable `var` (comma-separated), or `default`.
pub fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(var) {
        Ok(text) => {
            let parsed: Vec<usize> = text.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            if parsed.is_empty() { default.to_vec() } else { parsed }
        }
        Err(_) => default.to_vec(),
    }
}

/// Seconds of measurement per benchmark from `AGORA_BENCH_SECS`, or `default`.
pub fn measurement(default: u64) -> Duration {
    Duration::from_secs(std::env::var("AGORA_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(default))
}
