//! Signatures checked once on the member that admitted them: the leader's node admits each
//! transaction (signature included) before proposing it, so when that member applies the entry
//! it need not check those signatures again. The other members check every one. Proposals
//! are keyed by the hash of their transaction bytes; an entry is taken when applied and dropped
//! when its proposal ends either way, so the map holds at most the proposals in flight.

use crate::types::BlockProposal;
use agora::core::Admissions;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The admissions of this member's proposals in flight.
#[derive(Clone, Default)]
pub struct LocalAdmissions {
    inner: Arc<Mutex<HashMap<[u8; 32], Admissions>>>,
}

fn key(proposal: &BlockProposal) -> [u8; 32] {
    *blake3::hash(&proposal.txs).as_bytes()
}

impl LocalAdmissions {
    /// Records what vouches for `proposal`'s transactions; returns the key to forget it by.
    pub(crate) fn insert(&self, proposal: &BlockProposal, admissions: Admissions) -> [u8; 32] {
        let key = key(proposal);
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).insert(key, admissions);
        key
    }

    /// Takes what vouches for `proposal`'s transactions (nothing if this member did not admit
    /// them; a member with no proposal in flight, a follower, does not even hash it).
    pub(crate) fn take(&self, proposal: &BlockProposal) -> Admissions {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.is_empty() {
            return Admissions::none();
        }
        inner.remove(&key(proposal)).unwrap_or_default()
    }

    /// Drops the admissions recorded under `key` (its proposal ended, applied or not).
    pub(crate) fn forget(&self, key: &[u8; 32]) {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
    }
}
