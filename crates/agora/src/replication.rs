//! What a replication layer needs of a marketplace: blocks formed when a replicated entry is
//! applied (time bounded by the tip, not trusted from the proposer), the replication mark that
//! commits with each block, and whole-state export and installation for catching up.

use crate::error::Error;
use crate::marketplace::Marketplace;
use agora_core::limits::MAX_BLOCK_TIME;
use agora_core::{Admissions, Block, BlockOutcome, ChainTip, SignedTx};

/// The block time for a proposed time after a tip at `tip_time`: never before the tip's time,
/// never more than `max_step` after it, never beyond `MAX_BLOCK_TIME` (a node idle for longer
/// catches up one step per block).
pub fn bounded_block_time(proposed: u64, tip_time: u64, max_step: u64) -> u64 {
    let latest = tip_time.saturating_add(max_step).min(MAX_BLOCK_TIME).max(tip_time);
    proposed.clamp(tip_time, latest)
}

impl Marketplace {
    /// The block time of the next block for a proposed time ([`bounded_block_time`] after the
    /// tip). Every replica computes the same value from the same tip, so a proposer whose clock
    /// is far off cannot move the chain's time by more than one step per block.
    pub fn bounded_block_time(&self, proposed: u64) -> u64 {
        bounded_block_time(proposed, self.tip().time, self.config().genesis.max_block_time_step_secs)
    }

    /// Applies `txs` as the next block at the bounded block time for `proposed_time` and
    /// commits it with `mark` (the replication layer's position) in the same write
    /// transaction. Every check runs as in [`Marketplace::submit`], but the signatures of
    /// transactions `admissions` vouches for (admitted by this process) are not checked twice.
    pub fn submit_marked(
        &mut self,
        txs: Vec<SignedTx>,
        proposed_time: u64,
        mark: &[u8],
        admissions: &Admissions,
    ) -> Result<(Block, BlockOutcome), Error> {
        let time = self.bounded_block_time(proposed_time);
        let block = self.store.next_block(txs, time);
        let outcome = self.store.commit_block_marked(&block, self.verifier.as_ref(), admissions, mark)?;
        Ok((block, outcome))
    }

    /// The replication mark committed last, if any.
    pub fn replication_mark(&self) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.store.replication_mark()?)
    }

    /// Records `mark` without a block (a replicated entry that carries no transactions).
    pub fn set_replication_mark(&mut self, mark: &[u8]) -> Result<(), Error> {
        Ok(self.store.set_replication_mark(mark)?)
    }

    /// The whole database as one self-checking byte string (see
    /// [`agora_store::Store::export_state`]).
    pub fn export_state(&self) -> Result<Vec<u8>, Error> {
        Ok(self.store.export_state()?)
    }

    /// Replaces the whole database with an export of the same chain, atomically (see
    /// [`agora_store::Store::install_state`]).
    pub fn install_state(&mut self, export: &[u8]) -> Result<ChainTip, Error> {
        Ok(self.store.install_state(export)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{Action, AgentKey, AssetId, Genesis, Marketplace};
    use agora_core::Admissions;

    fn market(dir: &std::path::Path, name: &str, operator: &AgentKey) -> Marketplace {
        Marketplace::create(dir.join(name), Genesis::development(operator.id(), 1_000)).unwrap()
    }

    #[test]
    fn block_time_never_goes_back_nor_jumps_beyond_the_step() {
        use super::bounded_block_time;
        assert_eq!(bounded_block_time(100, 50, 3600), 100);
        assert_eq!(bounded_block_time(10, 50, 3600), 50);
        assert_eq!(bounded_block_time(10_000, 50, 3600), 3650);
        assert_eq!(bounded_block_time(u64::MAX, u64::MAX - 1, 3600), u64::MAX - 1);
    }

    #[test]
    fn proposed_time_is_bounded_by_the_tip_and_the_step() {
        let dir = tempfile::tempdir().unwrap();
        let operator = AgentKey::from_seed([7; 32]);
        let market = market(dir.path(), "m.redb", &operator);
        let step = market.config().genesis.max_block_time_step_secs;
        assert_eq!(market.bounded_block_time(0), 1_000);
        assert_eq!(market.bounded_block_time(1_005), 1_005);
        assert_eq!(market.bounded_block_time(u64::MAX), 1_000 + step);
    }

    #[test]
    fn an_export_installed_elsewhere_reproduces_the_state_digest_and_mark() {
        let dir = tempfile::tempdir().unwrap();
        let operator = AgentKey::from_seed([7; 32]);
        let mut source = market(dir.path(), "a.redb", &operator);
        let mut target = market(dir.path(), "b.redb", &operator);
        for i in 0..3u64 {
            let tx =
                source.sign(&operator, Action::Deposit { to: operator.id(), asset: AssetId(1), amount: 5 }).unwrap();
            source.submit_marked(vec![tx], 1_000 + i, format!("mark {i}").as_bytes(), &Admissions::none()).unwrap();
        }
        let reader = target.reader();
        let tip = target.install_state(&source.export_state().unwrap()).unwrap();
        assert_eq!(tip, source.tip());
        assert_eq!(reader.tip(), source.tip(), "read handles follow the installed state");
        assert_eq!(reader.balance(&operator.id(), AssetId(1)).unwrap(), 15);
        assert_eq!(target.replication_mark().unwrap().as_deref(), Some(&b"mark 2"[..]));
        assert_eq!(target.block(3).unwrap(), source.block(3).unwrap());
        let report = target.replay(dir.path().join("replayed.redb")).unwrap();
        assert!(report.matches());
        assert_eq!(report.digest, source.tip().digest);
    }

    #[test]
    fn a_damaged_truncated_or_foreign_export_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let operator = AgentKey::from_seed([7; 32]);
        let mut source = market(dir.path(), "a.redb", &operator);
        let tx = source.sign(&operator, Action::Deposit { to: operator.id(), asset: AssetId(1), amount: 5 }).unwrap();
        source.submit(vec![tx], 1_001).unwrap();
        let export = source.export_state().unwrap();
        let mut target = market(dir.path(), "b.redb", &operator);
        let before = target.tip();
        let mut damaged = export.clone();
        damaged[40] ^= 1;
        assert!(target.install_state(&damaged).unwrap_err().to_string().contains("hash"));
        assert!(target.install_state(&export[..export.len() - 1]).is_err());
        let other = AgentKey::from_seed([8; 32]);
        let mut foreign = market(dir.path(), "c.redb", &other);
        assert!(foreign.install_state(&export).unwrap_err().to_string().contains("chain"));
        assert_eq!(target.tip(), before);
        assert_eq!(target.balance(&operator.id(), AssetId(1)).unwrap(), 0);
    }
}
