//! The node's [`Replicator`] over openraft: proposals are `client_write`s, the read barrier is
//! openraft's read index (`ensure_linearizable`), the role comes from the latest metrics.

use crate::admissions::LocalAdmissions;
use crate::limits::MAX_PROPOSALS_IN_FLIGHT;
use crate::types::{BlockProposal, Member, NodeId, Raft};
use agora::core::Admissions;
use agora::{AdmittedTx, Receipt};
use agora_node::{Pending, ReplicationError, Replicator, Role};
use openraft::error::{CheckIsLeaderError, ClientWriteError, ForwardToLeader, RaftError};

/// The replicator of one member.
pub struct RaftReplicator {
    raft: Raft,
    id: NodeId,
    admissions: LocalAdmissions,
}

impl RaftReplicator {
    /// The replicator of member `id` over `raft`, recording its admissions in `admissions`
    /// (shared with its state machine).
    pub fn new(raft: Raft, id: NodeId, admissions: LocalAdmissions) -> RaftReplicator {
        RaftReplicator { raft, id, admissions }
    }
}

/// The leader's URL, if the cluster knows one.
pub(crate) fn leader_url(raft: &Raft) -> Option<String> {
    let metrics = raft.metrics();
    let metrics = metrics.borrow();
    let leader = metrics.current_leader?;
    metrics.membership_config.membership().get_node(&leader).map(|m| m.url.clone())
}

fn not_leader(forward: &ForwardToLeader<NodeId, Member>) -> ReplicationError {
    ReplicationError::NotLeader(forward.leader_node.as_ref().map(|m| m.url.clone()))
}

impl Replicator for RaftReplicator {
    fn role(&self) -> Role {
        let leader = self.raft.metrics().borrow().current_leader;
        if leader == Some(self.id) { Role::Leader } else { Role::Follower { leader: leader_url(&self.raft) } }
    }

    fn propose(
        &self,
        admitted: Vec<AdmittedTx>,
        proposed_time: u64,
    ) -> Pending<Result<Vec<Receipt>, ReplicationError>> {
        let raft = self.raft.clone();
        let (txs, vouched) = Admissions::split(admitted);
        let proposal = BlockProposal::new(&txs, proposed_time);
        let key = self.admissions.insert(&proposal, vouched);
        let admissions = self.admissions.clone();
        Box::pin(async move {
            let written = raft.client_write(proposal).await;
            // Applied already (taken there), or never to be applied here.
            admissions.forget(&key);
            match written {
                Ok(response) => match response.data.refused {
                    None => Ok(response.data.receipts),
                    Some(reason) => Err(ReplicationError::Failed(reason)),
                },
                Err(RaftError::APIError(ClientWriteError::ForwardToLeader(forward))) => Err(not_leader(&forward)),
                Err(error) => Err(ReplicationError::Failed(error.to_string())),
            }
        })
    }

    fn read_barrier(&self) -> Pending<Result<(), ReplicationError>> {
        let raft = self.raft.clone();
        Box::pin(async move {
            match raft.ensure_linearizable().await {
                Ok(_) => Ok(()),
                Err(RaftError::APIError(CheckIsLeaderError::ForwardToLeader(forward))) => Err(not_leader(&forward)),
                Err(error) => Err(ReplicationError::Failed(error.to_string())),
            }
        })
    }

    fn max_in_flight(&self) -> usize {
        MAX_PROPOSALS_IN_FLIGHT
    }
}
