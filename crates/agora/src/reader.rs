//! A cloneable, read-only view of an open marketplace, for serving queries from other threads
//! while the owner of the [`Marketplace`] commits blocks.

use crate::marketplace::Marketplace;
use std::ops::Deref;
use std::sync::Arc;

/// A read-only handle on an open [`Marketplace`]: every query method of `Marketplace` is
/// available through `Deref`, none of the writing ones (they need `&mut`). Reads run in their
/// own redb read transactions beside the owner's commits, see the last committed block, and the
/// handle keeps the database open (and locked against other processes) while it lives.
pub struct MarketReader {
    market: Marketplace,
}

impl Marketplace {
    /// A read-only handle sharing this marketplace's open database and verifier.
    pub fn reader(&self) -> MarketReader {
        MarketReader { market: Marketplace { store: self.store.reader(), verifier: Arc::clone(&self.verifier) } }
    }
}

impl Clone for MarketReader {
    fn clone(&self) -> Self {
        self.market.reader()
    }
}

impl Deref for MarketReader {
    type Target = Marketplace;
    fn deref(&self) -> &Marketplace {
        &self.market
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{Action, AgentKey, AssetId, Genesis, Marketplace};

    #[test]
    fn reader_follows_the_writer_and_cannot_commit() {
        let dir = tempfile::tempdir().unwrap();
        let operator = AgentKey::generate().unwrap();
        let mut market =
            Marketplace::create(dir.path().join("m.redb"), Genesis::development(operator.id(), 0)).unwrap();
        let reader = market.reader().clone();
        let deposit =
            market.sign(&operator, Action::Deposit { to: operator.id(), asset: AssetId(1), amount: 5 }).unwrap();
        market.submit(vec![deposit], 1).unwrap();
        assert_eq!(reader.tip().height, 1);
        assert_eq!(reader.balance(&operator.id(), AssetId(1)).unwrap(), 5);
        let again = reader.sign_with_nonce(&operator, 1, Action::Register {});
        // Only `&Marketplace` is reachable through the reader; committing through its store
        // handle is refused as well.
        let mut inner = reader.store.reader();
        let tip = inner.tip();
        let block = agora_core::Block {
            header: agora_core::BlockHeader { height: tip.height + 1, time: 2, prev_digest: tip.digest },
            txs: vec![again],
        };
        assert!(matches!(
            inner.commit_block(&block, &agora_core::NoProofKeys),
            Err(agora_store::StoreError::ReadOnly(_))
        ));
        assert_eq!(market.tip().height, 1);
    }
}
