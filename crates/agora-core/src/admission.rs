//! Transactions admitted by their stateless checks, so that a block need not check them again.
//!
//! A node checks each incoming transaction before it takes mempool room (size, field limits,
//! signature); the block then runs the same checks. [`AdmittedTx`] is the proof that the first
//! check ran and passed: only [`AdmittedTx::admit`] makes one. A block applied with
//! [`Admissions`] skips the signature check for exactly those transactions (matched by the
//! transaction id, the blake3 of the whole signed encoding, and the chain's genesis hash); any
//! other transaction is checked in full. The receipts, diff and digest are the same either way,
//! and replay always checks everything.

use crate::encoding::Canonical;
use crate::ids::Digest;
use crate::status::Status;
use crate::tx::{SignedTx, TX_ID_DOMAIN};
use std::collections::BTreeSet;

/// A signed transaction whose stateless checks passed for the chain with `genesis_hash`.
#[derive(Debug, Clone)]
pub struct AdmittedTx {
    tx: SignedTx,
    id: Digest,
    genesis_hash: Digest,
}

impl AdmittedTx {
    /// Runs [`SignedTx::check_stateless`] for the chain with `genesis_hash`; on success the
    /// transaction is admitted, otherwise the status says why not.
    pub fn admit(tx: SignedTx, genesis_hash: &Digest) -> Result<AdmittedTx, Status> {
        let encoded = tx.to_canonical_bytes();
        match tx.check_stateless_encoded(genesis_hash, &encoded) {
            Status::Ok => {
                let id = blake3::derive_key(TX_ID_DOMAIN, &encoded);
                Ok(AdmittedTx { tx, id, genesis_hash: *genesis_hash })
            }
            status => Err(status),
        }
    }

    /// Admits many transactions at once, their signatures checked in batches over the cores
    /// (the same answers [`AdmittedTx::admit`] gives one by one), one result per transaction.
    pub fn admit_all(txs: Vec<SignedTx>, genesis_hash: &Digest) -> Vec<Result<AdmittedTx, Status>> {
        let checked = crate::apply::check_stateless_all(&txs, genesis_hash, &Admissions::none());
        txs.into_iter()
            .zip(checked)
            .map(|(tx, (status, id))| match status {
                Status::Ok => Ok(AdmittedTx { tx, id, genesis_hash: *genesis_hash }),
                status => Err(status),
            })
            .collect()
    }

    /// The transaction id (as [`SignedTx::id`]).
    pub fn id(&self) -> Digest {
        self.id
    }

    /// The transaction.
    pub fn tx(&self) -> &SignedTx {
        &self.tx
    }
}

/// The admitted transactions a block may trust, by chain and transaction id.
#[derive(Debug, Clone, Default)]
pub struct Admissions {
    admitted: BTreeSet<(Digest, Digest)>,
}

impl Admissions {
    /// No admissions: every transaction is checked in full.
    pub fn none() -> Admissions {
        Admissions::default()
    }

    /// Splits admitted transactions into the plain transactions (for the block) and the
    /// admissions that vouch for them.
    pub fn split(admitted: Vec<AdmittedTx>) -> (Vec<SignedTx>, Admissions) {
        let mut set = BTreeSet::new();
        let txs = admitted
            .into_iter()
            .map(|a| {
                set.insert((a.genesis_hash, a.id));
                a.tx
            })
            .collect();
        (txs, Admissions { admitted: set })
    }

    /// Runs the stateless checks of every transaction of `txs` (signatures in batches over the
    /// cores) and vouches for those that pass, so a pipeline can check the next block while the
    /// current one applies. Applying the block with these admissions gives the outcome applying
    /// it without them gives: a transaction that failed is simply checked again in the block.
    pub fn check(txs: &[SignedTx], genesis_hash: &Digest) -> Admissions {
        let checked = crate::apply::check_stateless_all(txs, genesis_hash, &Admissions::none());
        let admitted = checked
            .into_iter()
            .filter(|(status, _)| *status == Status::Ok)
            .map(|(_, id)| (*genesis_hash, id))
            .collect();
        Admissions { admitted }
    }

    /// True when the transaction with `id` was admitted for the chain with `genesis_hash`.
    pub(crate) fn covers(&self, genesis_hash: &Digest, id: &Digest) -> bool {
        self.admitted.contains(&(*genesis_hash, *id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx::{Action, TxBody};
    use agora_identity::AgentKey;

    fn transfer(key: &AgentKey, genesis: &Digest) -> SignedTx {
        let to = AgentKey::from_seed([9; 32]).id();
        TxBody { sender: key.id(), nonce: 0, action: Action::Transfer { to, asset: crate::ids::AssetId(0), amount: 1 } }
            .sign(key, genesis)
    }

    #[test]
    fn a_transaction_is_admitted_only_when_its_stateless_checks_pass() {
        let key = AgentKey::from_seed([1; 32]);
        let genesis = [3; 32];
        let tx = transfer(&key, &genesis);
        let admitted = AdmittedTx::admit(tx.clone(), &genesis);
        assert_eq!(admitted.as_ref().map(AdmittedTx::id).ok(), Some(tx.id()));
        let other_chain = AdmittedTx::admit(tx, &[4; 32]).map(|_| ());
        assert_eq!(other_chain, Err(Status::BadSignature));
    }

    #[test]
    fn admitting_many_gives_each_the_answer_admitting_one_gives() {
        let key = AgentKey::from_seed([1; 32]);
        let genesis = [3; 32];
        let mut txs: Vec<SignedTx> = (0..100).map(|_| transfer(&key, &genesis)).collect();
        txs[17].signature = crate::Signature::from_bytes([7; 64]);
        txs[60] = transfer(&key, &[4; 32]);
        let many: Vec<Result<Digest, Status>> = AdmittedTx::admit_all(txs.clone(), &genesis)
            .iter()
            .map(|r| r.as_ref().map(AdmittedTx::id).map_err(|s| *s))
            .collect();
        let one_by_one: Vec<Result<Digest, Status>> =
            txs.into_iter().map(|tx| AdmittedTx::admit(tx, &genesis).map(|a| a.id())).collect();
        assert_eq!(many, one_by_one);
        assert_eq!(many.iter().filter(|r| r.is_err()).count(), 2);
    }

    #[test]
    fn admissions_vouch_only_for_their_own_chain_and_transactions() {
        let key = AgentKey::from_seed([1; 32]);
        let genesis = [3; 32];
        let tx = transfer(&key, &genesis);
        let id = tx.id();
        let Ok(admitted) = AdmittedTx::admit(tx, &genesis) else { panic!("a valid transaction is admitted") };
        let (txs, admissions) = Admissions::split(vec![admitted]);
        assert_eq!(txs.len(), 1);
        assert!(admissions.covers(&genesis, &id));
        assert!(!admissions.covers(&[4; 32], &id));
        assert!(!admissions.covers(&genesis, &[0; 32]));
        assert!(!Admissions::none().covers(&genesis, &id));
    }
}
