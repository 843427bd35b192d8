//! The producer: the one thread that owns the marketplace and commits blocks (group commit: a
//! block closes when full, after the maximum wait, or when no transaction arrived for the idle gap).

use crate::replicator::{ReplicationError, Replicator};
use crate::state::{Shared, Submission, Unanswered};
use agora::{AdmittedTx, Marketplace};
use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (the node's clock; the state machine never reads one).
fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Gathers submissions into blocks until the mempool's sending side is closed, handing each
/// batch (with its transaction count) to `commit`.
fn gather(inbox: mpsc::Receiver<Submission>, shared: &Shared, mut commit: impl FnMut(Vec<Submission>, usize)) {
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
        commit(batch, count);
    }
}

/// A single node: runs until the mempool's sending side is closed and everything taken is
/// committed to the node's own file.
pub(crate) fn run(mut market: Marketplace, inbox: mpsc::Receiver<Submission>, shared: Arc<Shared>) {
    shared.producer_running.store(true, Ordering::Release);
    gather(inbox, &shared, |batch, count| commit(&mut market, &shared, batch, count));
    shared.producer_running.store(false, Ordering::Release);
    tracing::info!(height = market.tip().height, "producer stopped");
}

/// A cluster member: each batch is proposed to the cluster (up to the replicator's maximum in
/// flight at once); its clients are answered when the block is committed by a majority and
/// applied here. Runs until the mempool is closed and every proposal is answered.
pub(crate) fn run_replicated(
    replicator: Arc<dyn Replicator>,
    runtime: tokio::runtime::Handle,
    inbox: mpsc::Receiver<Submission>,
    shared: Arc<Shared>,
) {
    shared.producer_running.store(true, Ordering::Release);
    let in_flight = Arc::new(tokio::sync::Semaphore::new(replicator.max_in_flight().max(1)));
    gather(inbox, &shared, |batch, count| {
        let Ok(permit) = runtime.block_on(Arc::clone(&in_flight).acquire_owned()) else { return };
        let mut admitted = Vec::with_capacity(count);
        let mut replies = Vec::with_capacity(batch.len());
        for submission in batch {
            replies.push((submission.txs.len(), submission.reply));
            admitted.extend(submission.txs);
        }
        let txs: Vec<agora::SignedTx> = admitted.iter().map(|a| a.tx().clone()).collect();
        let proposal = replicator.propose(admitted, now_secs());
        let shared = Arc::clone(&shared);
        runtime.spawn(async move {
            let started = Instant::now();
            let result = proposal.await;
            shared.mempool.release(count);
            shared.metrics.set_mempool_depth(shared.mempool.depth());
            drop(permit);
            match result {
                Ok(receipts) => {
                    shared.metrics.block_committed(&txs, &receipts, started.elapsed());
                    answer(replies, &receipts);
                }
                Err(error) => {
                    let unanswered = match error {
                        ReplicationError::NotLeader(leader) => Unanswered::NoLeader(match leader {
                            Some(url) => format!("leadership moved to {url} while the transactions waited"),
                            None => "no cluster leader is known now".to_string(),
                        }),
                        ReplicationError::Failed(message) => Unanswered::NoLeader(message),
                    };
                    tracing::warn!(?unanswered, txs = count, "a proposal was not committed here");
                    for (_, reply) in replies {
                        if let Some(reply) = reply {
                            let _ = reply.send(Err(unanswered.clone()));
                        }
                    }
                }
            }
        });
    });
    // Every permit back means every proposal was answered.
    let all = u32::try_from(replicator.max_in_flight().max(1)).unwrap_or(u32::MAX);
    let _ = runtime.block_on(in_flight.acquire_many(all));
    shared.producer_running.store(false, Ordering::Release);
    tracing::info!(height = shared.reader.tip().height, "producer stopped");
}

/// Sends each waiting client its slice of `receipts`.
fn answer(
    replies: Vec<(usize, Option<tokio::sync::oneshot::Sender<crate::state::Reply>>)>,
    receipts: &[agora::Receipt],
) {
    let mut offset = 0;
    for (len, reply) in replies {
        let slice = receipts.get(offset..offset + len).map(<[_]>::to_vec).unwrap_or_default();
        offset += len;
        if let Some(reply) = reply {
            let _ = reply.send(Ok(slice));
        }
    }
}

fn commit(market: &mut Marketplace, shared: &Shared, batch: Vec<Submission>, count: usize) {
    let mut admitted: Vec<AdmittedTx> = Vec::with_capacity(count);
    let mut replies = Vec::with_capacity(batch.len());
    for submission in batch {
        replies.push((submission.txs.len(), submission.reply));
        admitted.extend(submission.txs);
    }
    let time = market.bounded_block_time(now_secs());
    let started = Instant::now();
    let result = market.submit_admitted(admitted, time);
    let elapsed = started.elapsed();
    shared.mempool.release(count);
    shared.metrics.set_mempool_depth(shared.mempool.depth());
    match result {
        Ok((block, outcome)) => {
            shared.metrics.block_committed(&block.txs, &outcome.receipts, elapsed);
            answer(replies, &outcome.receipts);
            shared.feed.publish(outcome.tip.height, outcome.tip.time, outcome.digest, block.txs, outcome.receipts);
        }
        Err(error) => {
            tracing::error!(%error, txs = count, "block commit failed; its transactions were not applied");
            shared.metrics.commit_failed();
            let message = format!("the block could not be committed: {error}");
            for (_, reply) in replies {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(Unanswered::Failed(message.clone())));
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
