//! openraft's log storage over the replication log file (`agora_store::ReplicationLog`):
//! entries and vote, each durable before openraft is told so. The committed index is not
//! stored (openraft's optional `save_committed`): what is applied is recorded with each block
//! (the replication mark), and a restarted member re-learns the commit index from the leader.

use crate::types::{NodeId, TypeConfig};
use agora::store::{ReplicationLog, StoreError};
use openraft::storage::{LogFlushed, LogState, RaftLogReader, RaftLogStorage};
use openraft::{Entry, ErrorSubject, ErrorVerb, LogId, OptionalSend, RaftLogId, StorageError, StorageIOError, Vote};
use std::fmt::Debug;
use std::ops::RangeBounds;

const VOTE: &str = "vote";
const PURGED: &str = "purged";
/// Most entries one read returns (replication sends at most `max_payload_entries` anyway).
const MAX_ENTRIES_PER_READ: usize = 4096;

/// The log store of one node (cloned as its log reader).
#[derive(Clone)]
pub struct LogStore {
    log: ReplicationLog,
}

impl LogStore {
    /// The log store over `log`.
    pub fn new(log: ReplicationLog) -> LogStore {
        LogStore { log }
    }

    fn value<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, StorageError<NodeId>> {
        match self.log.value(name).map_err(|e| read_error(ErrorSubject::Store, e))? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                read_error(ErrorSubject::Store, format!("{} holds a damaged {name}: {e}", self.log.path().display()))
            }),
        }
    }

    fn decode(&self, index: u64, bytes: &[u8]) -> Result<Entry<TypeConfig>, StorageError<NodeId>> {
        let entry: Entry<TypeConfig> = serde_json::from_slice(bytes).map_err(|e| {
            read_error(
                ErrorSubject::Log(LogId::new(Default::default(), index)),
                format!("log entry {index} of {} is damaged: {e}", self.log.path().display()),
            )
        })?;
        if entry.get_log_id().index != index {
            return Err(read_error(
                ErrorSubject::Log(*entry.get_log_id()),
                format!("log entry at {index} of {} claims index {}", self.log.path().display(), entry.log_id.index),
            ));
        }
        Ok(entry)
    }
}

fn read_error(subject: ErrorSubject<NodeId>, error: impl ToString) -> StorageError<NodeId> {
    StorageIOError::new(subject, ErrorVerb::Read, openraft::AnyError::error(error.to_string())).into()
}

fn write_error(subject: ErrorSubject<NodeId>, error: impl ToString) -> StorageError<NodeId> {
    StorageIOError::new(subject, ErrorVerb::Write, openraft::AnyError::error(error.to_string())).into()
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StorageError<NodeId>> {
    serde_json::to_vec(value).map_err(|e| write_error(ErrorSubject::Store, e))
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry<TypeConfig>>, StorageError<NodeId>> {
        let start = range.start_bound().cloned();
        let end = range.end_bound().cloned();
        let rows = self.log.entries(start, end, MAX_ENTRIES_PER_READ).map_err(|e| read_error(ErrorSubject::Logs, e))?;
        let mut entries = Vec::with_capacity(rows.len());
        // Entries before the first one held (purged) are simply absent; a gap between two held
        // entries is damage.
        let mut expected: Option<u64> = None;
        for (index, bytes) in rows {
            if let Some(expected) = expected
                && index != expected
            {
                return Err(read_error(
                    ErrorSubject::Logs,
                    format!("{} has a hole in its log: entry {expected} is missing", self.log.path().display()),
                ));
            }
            expected = index.checked_add(1);
            entries.push(self.decode(index, &bytes)?);
        }
        Ok(entries)
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError<NodeId>> {
        let last_purged_log_id: Option<LogId<NodeId>> = self.value(PURGED)?;
        let last = match self.log.last().map_err(|e| read_error(ErrorSubject::Logs, e))? {
            Some((index, bytes)) => Some(*self.decode(index, &bytes)?.get_log_id()),
            None => last_purged_log_id,
        };
        Ok(LogState { last_purged_log_id, last_log_id: last })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<NodeId>) -> Result<(), StorageError<NodeId>> {
        self.log.set_value(VOTE, &encode(vote)?).map_err(|e| write_error(ErrorSubject::Vote, e))
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<NodeId>>, StorageError<NodeId>> {
        self.value(VOTE)
    }

    async fn append<I>(&mut self, entries: I, callback: LogFlushed<TypeConfig>) -> Result<(), StorageError<NodeId>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let rows = entries
            .into_iter()
            .map(|entry| Ok((entry.log_id.index, encode(&entry)?)))
            .collect::<Result<Vec<_>, StorageError<NodeId>>>()?;
        // The append is durable when `append` returns, so the flush is reported at once.
        let result = self.log.append(&rows);
        let io = result.as_ref().map(|_| ()).map_err(|e| std::io::Error::other(e.to_string()));
        callback.log_io_completed(io);
        result.map_err(|e: StoreError| write_error(ErrorSubject::Logs, e))
    }

    async fn truncate(&mut self, log_id: LogId<NodeId>) -> Result<(), StorageError<NodeId>> {
        self.log.truncate_from(log_id.index).map_err(|e| write_error(ErrorSubject::Log(log_id), e))
    }

    async fn purge(&mut self, log_id: LogId<NodeId>) -> Result<(), StorageError<NodeId>> {
        self.log
            .purge_through(log_id.index, PURGED, &encode(&log_id)?)
            .map_err(|e| write_error(ErrorSubject::Log(log_id), e))
    }
}
