//! The producer: the one thread that owns the marketplace and commits blocks (group commit: a
//! block closes when full, after the maximum wait, or when no transaction arrived for the idle gap).

use crate::state::{CommittedBlock, Shared, Submission};
use agora::{AdmittedTx, Marketplace};
use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (the node's clock; the state machine never reads one).
fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The block time: the clock, never before the tip and never more than the genesis maximum
/// step after it (a node idle for longer catches up one step per block).
pub(crate) fn block_time(now: u64, tip_time: u64, max_step: u64) -> u64 {
    let latest = tip_time.saturating_add(max_step).min(agora::core::limits::MAX_BLOCK_TIME);
    now.clamp(tip_time, latest.max(tip_time))
}

/// Runs until the mempool's sending side is closed and everything taken is committed.
pub(crate) fn run(mut market: Marketplace, inbox: mpsc::Receiver<Submission>, shared: Arc<Shared>) {
    shared.producer_running.store(true, Ordering::Release);
    let max_txs = shared.config.block_txs();
    let max_wait = shared.config.max_wait;
    let max_idle = shared.config.max_idle.max(std::time::Duration::from_micros(1));
    let mut carried: Option<Submission> = None;
    loop {
        let first = match carried.take() {
            Some(s) => s,
            None => match inbox.recv() {
                Ok(s) => s,
                Err(mpsc::RecvError) => break,
            },
        };
        let deadline = first.arrived + max_wait;
        let mut count = first.txs.len();
        let mut batch = vec![first];
        while count < max_txs {
            let next = match inbox.try_recv() {
                Ok(s) => Some(s),
                Err(mpsc::TryRecvError::Disconnected) => None,
                Err(mpsc::TryRecvError::Empty) => {
                    let now = Instant::now();
                    if now >= deadline { None } else { inbox.recv_timeout((deadline - now).min(max_idle)).ok() }
                }
            };
            let Some(s) = next else { break };
            if count + s.txs.len() > max_txs {
                carried = Some(s);
                break;
            }
            count += s.txs.len();
            batch.push(s);
        }
        commit(&mut market, &shared, batch, count);
    }
    shared.producer_running.store(false, Ordering::Release);
    tracing::info!(height = market.tip().height, "producer stopped");
}

fn commit(market: &mut Marketplace, shared: &Shared, batch: Vec<Submission>, count: usize) {
    let mut admitted: Vec<AdmittedTx> = Vec::with_capacity(count);
    let mut replies = Vec::with_capacity(batch.len());
    for submission in batch {
        replies.push((submission.txs.len(), submission.reply));
        admitted.extend(submission.txs);
    }
    let tip = market.tip();
    let time = block_time(now_secs(), tip.time, market.config().genesis.max_block_time_step_secs);
    let started = Instant::now();
    let result = market.submit_admitted(admitted, time);
    let elapsed = started.elapsed();
    shared.mempool.release(count);
    shared.metrics.set_mempool_depth(shared.mempool.depth());
    match result {
        Ok((block, outcome)) => {
            let txs = block.txs;
            shared.metrics.block_committed(&txs, &outcome.receipts, elapsed);
            shared.index_receipts(&outcome.receipts);
            let mut offset = 0;
            for (len, reply) in replies {
                let receipts = outcome.receipts[offset..offset + len].to_vec();
                offset += len;
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(receipts));
                }
            }
            let block = CommittedBlock {
                height: outcome.tip.height,
                time: outcome.tip.time,
                digest: outcome.digest,
                txs,
                receipts: outcome.receipts,
            };
            // No subscriber is fine: the send only fails when nobody listens.
            let _ = shared.blocks.send(Arc::new(block));
        }
        Err(error) => {
            tracing::error!(%error, txs = count, "block commit failed; its transactions were not applied");
            shared.metrics.commit_failed();
            let message = format!("the block could not be committed: {error}");
            for (_, reply) in replies {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}

/// Waits for `handle` without blocking the async runtime.
pub(crate) async fn join(handle: std::thread::JoinHandle<()>) -> Result<(), String> {
    tokio::task::spawn_blocking(move || handle.join())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|_| "the producer thread panicked".to_string())
}

#[cfg(test)]
mod tests {
    use super::block_time;

    #[test]
    fn block_time_never_goes_back_nor_jumps_beyond_the_step() {
        assert_eq!(block_time(100, 50, 3600), 100);
        assert_eq!(block_time(10, 50, 3600), 50);
        assert_eq!(block_time(10_000, 50, 3600), 3650);
        assert_eq!(block_time(u64::MAX, u64::MAX - 1, 3600), u64::MAX - 1);
    }
}
