//! Committed blocks as a node publishes them: the index of receipts by transaction hash and the
//! live feed the event streams read. On a single node the producer publishes each block it
//! commits; in a cluster every member's state machine publishes each block it applies.

use agora::{Marketplace, Receipt, SignedTx};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use tokio::sync::broadcast;

/// Where a committed transaction is: block height and position.
pub(crate) type TxLocation = (u64, u32);

/// A committed block as the event streams see it.
pub(crate) struct CommittedBlock {
    pub height: u64,
    pub time: u64,
    pub digest: [u8; 32],
    pub txs: Vec<SignedTx>,
    pub receipts: Vec<Receipt>,
}

struct Inner {
    index: RwLock<HashMap<[u8; 32], TxLocation>>,
    blocks: broadcast::Sender<Arc<CommittedBlock>>,
}

/// The receipt index and block feed of one node (cloning shares them).
#[derive(Clone)]
pub struct BlockFeed {
    inner: Arc<Inner>,
}

/// Hash → (height, index) of every committed transaction, read from the stored receipts.
fn build_index(market: &Marketplace) -> Result<HashMap<[u8; 32], TxLocation>, agora::Error> {
    let mut index = HashMap::new();
    for height in 1..=market.tip().height {
        for receipt in market.receipts(height)?.unwrap_or_default() {
            index.entry(receipt.tx_id).or_insert((receipt.height, receipt.index));
        }
    }
    Ok(index)
}

impl BlockFeed {
    /// The feed of `market`, its index built from the stored receipts.
    pub fn new(market: &Marketplace) -> Result<BlockFeed, agora::Error> {
        let (blocks, _) = broadcast::channel(crate::limits::EVENT_BUFFER_BLOCKS);
        Ok(BlockFeed { inner: Arc::new(Inner { index: RwLock::new(build_index(market)?), blocks }) })
    }

    /// Publishes a committed block: its receipts enter the index, and the event streams get it.
    pub fn publish(&self, height: u64, time: u64, digest: [u8; 32], txs: Vec<SignedTx>, receipts: Vec<Receipt>) {
        {
            let mut index = self.inner.index.write().unwrap_or_else(PoisonError::into_inner);
            for receipt in &receipts {
                index.entry(receipt.tx_id).or_insert((receipt.height, receipt.index));
            }
        }
        // No subscriber is fine: the send only fails when nobody listens.
        let _ = self.inner.blocks.send(Arc::new(CommittedBlock { height, time, digest, txs, receipts }));
    }

    /// Rebuilds the index from `market`'s stored receipts (after its whole state was replaced).
    pub fn reindex(&self, market: &Marketplace) {
        match build_index(market) {
            Ok(index) => *self.inner.index.write().unwrap_or_else(PoisonError::into_inner) = index,
            Err(error) => tracing::error!(%error, "could not rebuild the receipt index"),
        }
    }

    /// Where the transaction with this hash was committed, if it was.
    pub(crate) fn locate(&self, hash: &[u8; 32]) -> Option<TxLocation> {
        self.inner.index.read().unwrap_or_else(PoisonError::into_inner).get(hash).copied()
    }

    /// A receiver of the blocks published from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<CommittedBlock>> {
        self.inner.blocks.subscribe()
    }
}
