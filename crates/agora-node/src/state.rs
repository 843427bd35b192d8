//! What every handler shares: the read handle, the mempool's sending side, the block feed
//! (hash index and event feed), the replicator of a cluster member, metrics and the node's lifecycle flags.

use crate::config::NodeConfig;
use crate::metrics::Metrics;
use agora::{AdmittedTx, MarketReader, Receipt};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Instant;
use tokio::sync::{Semaphore, oneshot, watch};

pub(crate) use crate::feed::TxLocation;

/// Why the transactions of a submission were not committed.
#[derive(Clone, Debug)]
pub(crate) enum Unanswered {
    /// The block could not be committed; nothing was applied.
    Failed(String),
    /// In a cluster: no leader is known, or leadership moved while they waited.
    NoLeader(String),
}

/// What the producer answers a waiting client: the receipts in order, or why not.
pub(crate) type Reply = Result<Vec<Receipt>, Unanswered>;

/// Transactions handed to the producer together (one post or one batch).
pub(crate) struct Submission {
    pub txs: Vec<AdmittedTx>,
    pub reply: Option<oneshot::Sender<Reply>>,
    pub arrived: Instant,
}

/// The mempool's sending side with its depth in transactions.
pub(crate) struct Mempool {
    sender: Mutex<Option<mpsc::Sender<Submission>>>,
    depth: AtomicUsize,
    capacity: usize,
}

/// Why the mempool did not take a submission.
pub(crate) enum Refused {
    Full { depth: usize, capacity: usize },
    Closed,
}

impl Mempool {
    pub fn new(sender: mpsc::Sender<Submission>, capacity: usize) -> Self {
        Mempool { sender: Mutex::new(Some(sender)), depth: AtomicUsize::new(0), capacity }
    }

    /// Reserves room for `count` transactions and hands them to the producer.
    pub fn push(&self, submission: Submission) -> Result<(), Refused> {
        let count = submission.txs.len();
        let reserved = self.depth.fetch_update(Ordering::AcqRel, Ordering::Acquire, |depth| {
            (depth + count <= self.capacity).then_some(depth + count)
        });
        if let Err(depth) = reserved {
            return Err(Refused::Full { depth, capacity: self.capacity });
        }
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner).clone();
        match sender.map(|s| s.send(submission)) {
            Some(Ok(())) => Ok(()),
            _ => {
                self.release(count);
                Err(Refused::Closed)
            }
        }
    }

    /// Called by the producer for transactions it took out.
    pub fn release(&self, count: usize) {
        self.depth.fetch_sub(count, Ordering::AcqRel);
    }

    /// Transactions waiting (taken by the producer but not yet committed included).
    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Acquire)
    }

    /// Closes the sending side: the producer commits what it holds and stops.
    pub fn close(&self) {
        self.sender.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

/// State shared by handlers and the producer.
pub(crate) struct Shared {
    pub reader: MarketReader,
    pub genesis_hash: [u8; 32],
    pub config: NodeConfig,
    pub mempool: Mempool,
    pub feed: crate::feed::BlockFeed,
    pub replicator: Option<Arc<dyn crate::replicator::Replicator>>,
    pub metrics: Metrics,
    pub shutting_down: AtomicBool,
    pub producer_running: AtomicBool,
    pub shutdown: watch::Receiver<bool>,
    pub endpoints: agora_interop::endpoints::NodeEndpoints,
    pub operator_mcp: Option<agora_interop::endpoints::NodeEndpoints>,
    pub requests: Arc<Semaphore>,
    pub streams: Arc<Semaphore>,
}

impl Shared {
    /// Where the transaction with this hash was committed, if it was.
    pub fn locate(&self, hash: &[u8; 32]) -> Option<TxLocation> {
        self.feed.locate(hash)
    }

    /// True once shutdown began: new transactions are refused with 503.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Acquire)
    }
}

/// The handlers' state.
pub(crate) type AppState = Arc<Shared>;
