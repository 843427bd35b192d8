//! Committing a run of blocks with the stateless checks of the next block overlapping the
//! application and commit of the current one.
//!
//! A checker thread takes blocks in order, runs their stateless checks ([`Admissions::check`]:
//! encodings, limits, and every signature in batches over the cores) and hands each block with
//! its admissions to the committing thread, at most [`PIPELINE_DEPTH`] blocks ahead. The
//! committing thread applies and commits them in order exactly as [`Store::commit_block`]
//! would: the admissions only spare it re-checking what passed, a transaction that failed is
//! checked again in its block and gets its status in place, and the receipts, state and digest
//! are the same as without the pipeline.

use crate::error::StoreError;
use crate::store::Store;
use agora_core::{Admissions, Block, BlockOutcome, ProofVerifier, SignedTx};
use std::sync::mpsc::sync_channel;

/// How many checked blocks may wait for their commit.
pub const PIPELINE_DEPTH: usize = 2;

/// What the pipeline commits next: a block already formed (replay), or transactions to form
/// the next block from at `time` (a producer: the header needs the digest of the block
/// before, which the checks do not).
#[derive(Debug, Clone)]
pub enum NextBlock {
    /// A whole block, whose header must follow the tip when its turn comes.
    Formed(Block),
    /// The transactions of the block that will follow the tip, at block time `time`.
    Txs {
        /// The transactions, in block order.
        txs: Vec<SignedTx>,
        /// The block time.
        time: u64,
    },
}

impl NextBlock {
    fn txs(&self) -> &[SignedTx] {
        match self {
            NextBlock::Formed(block) => &block.txs,
            NextBlock::Txs { txs, .. } => txs,
        }
    }

    fn into_block(self, store: &Store) -> Block {
        match self {
            NextBlock::Formed(block) => block,
            NextBlock::Txs { txs, time } => store.next_block(txs, time),
        }
    }
}

/// Commits `blocks` in order through the pipeline, calling `each` after every commit (with the
/// block and its outcome; an error from it stops the run). Stops at the first error, with every
/// block before it committed. Returns how many blocks were committed.
pub fn commit_pipelined<I, F>(
    store: &mut Store,
    blocks: I,
    verifier: &dyn ProofVerifier,
    mut each: F,
) -> Result<u64, StoreError>
where
    I: Iterator<Item = Result<NextBlock, StoreError>> + Send,
    F: FnMut(&Block, BlockOutcome) -> Result<(), StoreError>,
{
    let genesis_hash = store.config().genesis_hash;
    std::thread::scope(|scope| {
        let (checked_tx, checked_rx) = sync_channel::<Result<(NextBlock, Admissions), StoreError>>(PIPELINE_DEPTH);
        scope.spawn(move || {
            for next in blocks {
                let item = next.map(|next| {
                    let admissions = Admissions::check(next.txs(), &genesis_hash);
                    (next, admissions)
                });
                let failed = item.is_err();
                if checked_tx.send(item).is_err() || failed {
                    break;
                }
            }
        });
        let mut committed = 0u64;
        for item in checked_rx {
            let (next, admissions) = item?;
            let block = next.into_block(store);
            let outcome = store.commit_block_admitted(&block, verifier, &admissions)?;
            each(&block, outcome)?;
            committed += 1;
        }
        Ok(committed)
    })
}
