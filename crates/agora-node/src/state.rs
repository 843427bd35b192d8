//! What every handler shares: the read handle, the mempool's sending side, the hash index,
//! the event feed, metrics and the node's lifecycle flags.

use crate::config::NodeConfig;
use crate::metrics::Metrics;
use agora::{AdmittedTx, MarketReader, Receipt, SignedTx};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, mpsc};
use std::time::Instant;
use tokio::sync::{Semaphore, broadcast, oneshot, watch};

/// Where a committed transaction is: block height and position.
pub(crate) type TxLocation = (u64, u32);

/// What the producer answers a waiting client: the receipts in order, or why the block failed.
pub(crate) type Reply = Result<Vec<Receipt>, String>;

/// Transactions handed to the producer together (one post or one batch).
pub(crate) struct Submission {
    pub txs: Vec<AdmittedTx>,
    pub reply: Option<oneshot::Sender<Reply>>,
    pub arrived: Instant,
}

/// A committed block as the event streams see it.
pub(crate) struct CommittedBlock {
    pub height: u64,
    pub time: u64,
    pub digest: [u8; 32],
    pub txs: Vec<SignedTx>,
    pub receipts: Vec<Receipt>,
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
    pub index: RwLock<HashMap<[u8; 32], TxLocation>>,
    pub blocks: broadcast::Sender<Arc<CommittedBlock>>,
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
        self.index.read().unwrap_or_else(PoisonError::into_inner).get(hash).copied()
    }

    /// Records the receipts of a committed block in the hash index.
    pub fn index_receipts(&self, receipts: &[Receipt]) {
        let mut index = self.index.write().unwrap_or_else(PoisonError::into_inner);
        for receipt in receipts {
            index.entry(receipt.tx_id).or_insert((receipt.height, receipt.index));
        }
    }

    /// True once shutdown began: new transactions are refused with 503.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Acquire)
    }
}

/// The handlers' state.
pub(crate) type AppState = Arc<Shared>;
