//! The seam between a node and a replication layer: a node whose blocks are agreed by a
//! cluster hands each batch of admitted transactions to a [`Replicator`] instead of committing
//! it to its own file, and answers clients when the replicator says the block is committed by
//! a majority and applied here.

use agora::{AdmittedTx, Receipt};
use std::future::Future;
use std::pin::Pin;

/// A future a replicator answers with.
pub type Pending<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// This member's part in the cluster now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// It leads: it takes writes and serves consistent reads.
    Leader,
    /// It follows `leader` (its base URL, if one is known).
    Follower {
        /// The leader's base URL.
        leader: Option<String>,
    },
}

/// Why a proposal or a read barrier did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicationError {
    /// This member does not lead (the leader's base URL, if known).
    NotLeader(Option<String>),
    /// The cluster failed to commit; the transactions may or may not be committed.
    Failed(String),
}

/// What a node needs of a replication layer.
pub trait Replicator: Send + Sync + 'static {
    /// This member's role now (cheap: read from the replication layer's latest metrics).
    fn role(&self) -> Role;

    /// Proposes `txs` (admitted here) as one block at `proposed_time`; resolves with their
    /// receipts once the block is committed by a majority and applied on this member.
    fn propose(&self, txs: Vec<AdmittedTx>, proposed_time: u64) -> Pending<Result<Vec<Receipt>, ReplicationError>>;

    /// Resolves once this member, as leader, has confirmed its leadership with a majority and
    /// applied everything committed before the call (a linearizable read may follow).
    fn read_barrier(&self) -> Pending<Result<(), ReplicationError>>;

    /// Most proposals this member keeps in flight at once.
    fn max_in_flight(&self) -> usize;
}
