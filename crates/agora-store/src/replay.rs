//! Replay: rebuild the state from the stored blocks and check every digest.

use crate::error::StoreError;
use crate::pipeline::{NextBlock, commit_pipelined};
use crate::store::{Store, StoreOptions};
use agora_core::ProofVerifier;
use std::path::Path;

/// The result of a replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayReport {
    /// Blocks re-applied.
    pub blocks: u64,
    /// The digest the replay reached.
    pub digest: [u8; 32],
    /// The digest the source database records at its tip.
    pub recorded: [u8; 32],
    /// The first height whose replayed digest differs from the recorded one, if any.
    pub first_mismatch: Option<u64>,
}

impl ReplayReport {
    /// True when every block's digest matched.
    pub fn matches(&self) -> bool {
        self.first_mismatch.is_none() && self.digest == self.recorded
    }
}

/// Re-applies every block of `source` to a fresh database at `target` (created with the same
/// genesis, not durable: it is a scratch copy) and compares the digests block by block.
/// Everything is re-verified as the block was first applied: every signature (checked by the
/// pipeline's own stateless pass, never taken from the source), every proof against the keys
/// of `verifier`, every transaction re-executed; only the result is compared.
pub fn replay(
    source: &Store,
    target: impl AsRef<Path>,
    verifier: &dyn ProofVerifier,
) -> Result<ReplayReport, StoreError> {
    let mut fresh = Store::create(target, source.config().genesis.clone(), StoreOptions { durable: false })?;
    let tip = source.tip();
    let mut first_mismatch = None;
    let blocks = (1..=tip.height).map(|height| {
        let block = source.block(height)?.ok_or_else(|| StoreError::Corrupt(format!("block {height} missing")))?;
        Ok(NextBlock::Formed(block))
    });
    commit_pipelined(&mut fresh, blocks, verifier, |block, outcome| {
        let height = block.header.height;
        if first_mismatch.is_none() && source.digest_at(height)? != Some(outcome.digest) {
            first_mismatch = Some(height);
        }
        Ok(())
    })?;
    Ok(ReplayReport { blocks: tip.height, digest: fresh.tip().digest, recorded: tip.digest, first_mismatch })
}
