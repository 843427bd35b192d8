//! Prometheus metrics: transactions by status, blocks, mempool depth, commit latency, proof
//! verifications, refusals before the mempool and caught panics.

// Commit latencies are observed in seconds as floats for Prometheus; they never touch state.
#![allow(clippy::float_arithmetic)]

use agora::{Action, Receipt, SignedTx, Status};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// Label of a transaction status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

/// Label of a proof verification outcome (`valid` or `invalid`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: String,
}

/// Label of a refusal reason (an error name).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: String,
}

/// The node's metrics and their registry.
pub(crate) struct Metrics {
    registry: Registry,
    txs: Family<StatusLabel, Counter>,
    blocks: Counter,
    commit_failures: Counter,
    mempool_depth: Gauge,
    commit_seconds: Histogram,
    block_txs: Histogram,
    proofs: Family<ResultLabel, Counter>,
    refused: Family<ReasonLabel, Counter>,
    panics: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("agora");
        let txs = Family::<StatusLabel, Counter>::default();
        registry.register("txs", "Committed transactions by receipt status", txs.clone());
        let blocks = Counter::default();
        registry.register("blocks", "Committed blocks", blocks.clone());
        let commit_failures = Counter::default();
        registry.register("commit_failures", "Blocks whose commit failed (nothing applied)", commit_failures.clone());
        let mempool_depth = Gauge::default();
        registry.register("mempool_depth", "Transactions waiting to be committed", mempool_depth.clone());
        let commit_seconds = Histogram::new(exponential_buckets(0.000_25, 2.0, 16));
        registry.register("commit_seconds", "Time to apply and durably commit one block", commit_seconds.clone());
        let block_txs = Histogram::new(exponential_buckets(1.0, 2.0, 16));
        registry.register("block_txs", "Transactions per committed block", block_txs.clone());
        let proofs = Family::<ResultLabel, Counter>::default();
        registry.register("proof_verifications", "Completion proofs verified in blocks, by result", proofs.clone());
        let refused = Family::<ReasonLabel, Counter>::default();
        registry.register("refused", "Requests refused before the mempool, by error name", refused.clone());
        let panics = Counter::default();
        registry.register("panics", "Handler panics caught and answered with 500", panics.clone());
        Metrics {
            registry,
            txs,
            blocks,
            commit_failures,
            mempool_depth,
            commit_seconds,
            block_txs,
            proofs,
            refused,
            panics,
        }
    }

    /// Counts a committed block.
    pub fn block_committed(&self, txs: &[SignedTx], receipts: &[Receipt], elapsed: Duration) {
        self.blocks.inc();
        self.commit_seconds.observe(elapsed.as_secs_f64());
        self.block_txs.observe(receipts.len() as f64);
        for (tx, receipt) in txs.iter().zip(receipts) {
            self.txs.get_or_create(&StatusLabel { status: receipt.status.name().to_string() }).inc();
            if matches!(tx.body.action, Action::SubmitCompletion { .. }) {
                let result = match receipt.status {
                    Status::Ok => Some("valid"),
                    Status::ProofMalformed | Status::ProofInvalid | Status::ProofInputCount => Some("invalid"),
                    _ => None,
                };
                if let Some(result) = result {
                    self.proofs.get_or_create(&ResultLabel { result: result.to_string() }).inc();
                }
            }
        }
    }

    /// Counts a failed commit.
    pub fn commit_failed(&self) {
        self.commit_failures.inc();
    }

    /// Sets the mempool depth.
    pub fn set_mempool_depth(&self, depth: usize) {
        self.mempool_depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// Counts a refusal by its error name.
    pub fn refused(&self, name: &str) {
        self.refused.get_or_create(&ReasonLabel { reason: name.to_string() }).inc();
    }

    /// Counts a caught panic.
    pub fn panicked(&self) {
        self.panics.inc();
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
