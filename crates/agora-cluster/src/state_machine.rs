//! openraft's state machine over the marketplace: each committed entry becomes one block,
//! committed together with the entry's log id (the replication mark) in one redb write
//! transaction, so a replica that crashes re-applies from exactly where its file stands.

use crate::admissions::LocalAdmissions;
use crate::types::{Applied, BlockProposal, Member, NodeId, TypeConfig};
use agora::Marketplace;
use agora_node::BlockFeed;
use openraft::storage::{RaftStateMachine, Snapshot};
use openraft::{
    Entry, EntryPayload, ErrorSubject, ErrorVerb, LogId, OptionalSend, RaftSnapshotBuilder, SnapshotMeta, StorageError,
    StorageIOError, StoredMembership,
};
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use std::sync::{Arc, Mutex, PoisonError};

/// What the replication mark records: the last applied entry and the membership in force.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mark {
    pub applied: Option<LogId<NodeId>>,
    pub membership: StoredMembership<NodeId, Member>,
}

/// A built snapshot: its metadata and the state export.
type Built = (SnapshotMeta<NodeId, Member>, Vec<u8>);
/// The snapshot held for `get_current_snapshot`, shared with the builders.
type Held = Arc<Mutex<Option<Built>>>;

/// The state machine of one node.
pub struct StateMachine {
    market: Marketplace,
    mark: Mark,
    feed: Option<BlockFeed>,
    snapshot: Held,
    admissions: LocalAdmissions,
}

fn io_error(subject: ErrorSubject<NodeId>, verb: ErrorVerb, error: impl ToString) -> StorageError<NodeId> {
    StorageIOError::new(subject, verb, openraft::AnyError::error(error.to_string())).into()
}

fn read_mark(market: &Marketplace) -> Result<Mark, StorageError<NodeId>> {
    match market.replication_mark().map_err(|e| io_error(ErrorSubject::StateMachine, ErrorVerb::Read, e))? {
        None => Ok(Mark::default()),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            io_error(ErrorSubject::StateMachine, ErrorVerb::Read, format!("the replication mark is damaged: {e}"))
        }),
    }
}

impl StateMachine {
    /// The state machine over `market`, resuming from the mark its file holds; every applied
    /// block is published to `feed` (the node's receipt index and event streams) if given.
    pub fn new(market: Marketplace, feed: Option<BlockFeed>) -> Result<StateMachine, StorageError<NodeId>> {
        let mark = read_mark(&market)?;
        Ok(StateMachine {
            market,
            mark,
            feed,
            snapshot: Arc::new(Mutex::new(None)),
            admissions: LocalAdmissions::default(),
        })
    }

    /// Trusts the signatures this member's own node admitted before proposing (see
    /// [`LocalAdmissions`]).
    pub fn with_local_admissions(mut self, admissions: LocalAdmissions) -> StateMachine {
        self.admissions = admissions;
        self
    }

    fn mark_bytes(&self) -> Result<Vec<u8>, StorageError<NodeId>> {
        serde_json::to_vec(&self.mark).map_err(|e| io_error(ErrorSubject::StateMachine, ErrorVerb::Write, e))
    }

    fn apply_proposal(
        &mut self,
        log_id: LogId<NodeId>,
        proposal: &BlockProposal,
    ) -> Result<Applied, StorageError<NodeId>> {
        self.mark.applied = Some(log_id);
        let mark = self.mark_bytes()?;
        let txs = match proposal.decode_txs() {
            Ok(txs) => txs,
            Err(error) => return self.refuse(&mark, format!("the proposal does not decode: {error}")),
        };
        let admissions = self.admissions.take(proposal);
        match self.market.submit_marked(txs, proposal.proposed_time, &mark, &admissions) {
            Ok((block, outcome)) => {
                if let Some(feed) = &self.feed {
                    feed.publish(
                        outcome.tip.height,
                        outcome.tip.time,
                        outcome.digest,
                        block.txs,
                        outcome.receipts.clone(),
                    );
                }
                Ok(Applied { height: outcome.tip.height, receipts: outcome.receipts, refused: None })
            }
            Err(agora::Error::Store(agora::store::StoreError::Block(error))) => {
                self.refuse(&mark, format!("the block was refused (block error {}): {error}", error.code()))
            }
            Err(error) => Err(io_error(ErrorSubject::Apply(log_id), ErrorVerb::Write, error)),
        }
    }

    /// Records the mark of an entry whose block was refused as a whole: every replica refuses
    /// it the same way, so the chain does not fork over it.
    fn refuse(&mut self, mark: &[u8], reason: String) -> Result<Applied, StorageError<NodeId>> {
        tracing::warn!(%reason, "a replicated entry carried no block");
        self.market
            .set_replication_mark(mark)
            .map_err(|e| io_error(ErrorSubject::StateMachine, ErrorVerb::Write, e))?;
        Ok(Applied { height: 0, receipts: Vec::new(), refused: Some(reason) })
    }

    fn export(&self) -> Result<Built, StorageError<NodeId>> {
        let bytes = self.market.export_state().map_err(|e| io_error(ErrorSubject::StateMachine, ErrorVerb::Read, e))?;
        let tip = self.market.tip();
        let last = self.mark.applied.map(|id| format!("{}-{}", id.leader_id, id.index)).unwrap_or_default();
        let meta = SnapshotMeta {
            last_log_id: self.mark.applied,
            last_membership: self.mark.membership.clone(),
            snapshot_id: format!("{last}-h{}-{}", tip.height, hex::encode(&tip.digest[..8])),
        };
        Ok((meta, bytes))
    }
}

/// Builds a snapshot from an export taken when the builder was made (between two applies).
pub struct SnapshotBuilder {
    built: Option<Built>,
    held: Held,
}

impl RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError<NodeId>> {
        let (meta, bytes) = self.built.take().ok_or_else(|| {
            io_error(ErrorSubject::StateMachine, ErrorVerb::Read, "this snapshot builder was already used")
        })?;
        *self.held.lock().unwrap_or_else(PoisonError::into_inner) = Some((meta.clone(), bytes.clone()));
        Ok(Snapshot { meta, snapshot: Box::new(Cursor::new(bytes)) })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = SnapshotBuilder;

    async fn applied_state(
        &mut self,
    ) -> Result<(Option<LogId<NodeId>>, StoredMembership<NodeId, Member>), StorageError<NodeId>> {
        Ok((self.mark.applied, self.mark.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<Applied>, StorageError<NodeId>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let mut answers = Vec::new();
        for entry in entries {
            match &entry.payload {
                EntryPayload::Normal(proposal) => answers.push(self.apply_proposal(entry.log_id, proposal)?),
                EntryPayload::Blank => {
                    self.mark.applied = Some(entry.log_id);
                    let mark = self.mark_bytes()?;
                    self.market
                        .set_replication_mark(&mark)
                        .map_err(|e| io_error(ErrorSubject::Apply(entry.log_id), ErrorVerb::Write, e))?;
                    answers.push(Applied::default());
                }
                EntryPayload::Membership(membership) => {
                    self.mark.applied = Some(entry.log_id);
                    self.mark.membership = StoredMembership::new(Some(entry.log_id), membership.clone());
                    let mark = self.mark_bytes()?;
                    self.market
                        .set_replication_mark(&mark)
                        .map_err(|e| io_error(ErrorSubject::Apply(entry.log_id), ErrorVerb::Write, e))?;
                    answers.push(Applied::default());
                }
            }
        }
        Ok(answers)
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        let built = match self.export() {
            Ok(built) => Some(built),
            Err(error) => {
                tracing::error!(%error, "could not export the state for a snapshot");
                None
            }
        };
        SnapshotBuilder { built, held: Arc::clone(&self.snapshot) }
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError<NodeId>> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta<NodeId, Member>,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError<NodeId>> {
        let bytes = snapshot.into_inner();
        let subject = ErrorSubject::Snapshot(Some(meta.signature()));
        if bytes.len() > agora::store::MAX_STATE_EXPORT_BYTES {
            return Err(io_error(subject, ErrorVerb::Read, "the snapshot is above MAX_STATE_EXPORT_BYTES"));
        }
        let tip = self.market.install_state(&bytes).map_err(|e| io_error(subject.clone(), ErrorVerb::Write, e))?;
        let mark = read_mark(&self.market)?;
        if mark.applied != meta.last_log_id {
            return Err(io_error(
                subject,
                ErrorVerb::Read,
                "the snapshot's state was taken at another log position than its metadata says",
            ));
        }
        self.mark = Mark { applied: meta.last_log_id, membership: meta.last_membership.clone() };
        tracing::info!(height = tip.height, "installed a snapshot");
        if let Some(feed) = &self.feed {
            feed.reindex(&self.market);
        }
        *self.snapshot.lock().unwrap_or_else(PoisonError::into_inner) = Some((meta.clone(), bytes));
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, StorageError<NodeId>> {
        let held = self.snapshot.lock().unwrap_or_else(PoisonError::into_inner).clone();
        Ok(held.map(|(meta, bytes)| Snapshot { meta, snapshot: Box::new(Cursor::new(bytes)) }))
    }
}
