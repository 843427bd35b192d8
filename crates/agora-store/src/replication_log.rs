//! The replication log: a second redb file beside a marketplace database that holds a
//! consensus engine's log entries by index and a few named values (its vote, its committed and
//! purged positions). The entries are opaque bytes here; the cluster crate gives them meaning,
//! so the consensus engine never reaches this crate. Every write is durable (fsynced) before it
//! returns, as a Raft log must be before a vote or an append is acknowledged.

use crate::error::StoreError;
use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Log entries by index.
const ENTRIES: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("replication.entries");
/// Named values: vote, committed, purged, and the log's format.
const VALUES: TableDefinition<'static, &'static str, &'static [u8]> = TableDefinition::new("replication.values");
const FORMAT_KEY: &str = "format";
/// Version of this file's layout.
pub const REPLICATION_LOG_FORMAT: u32 = 1;

/// An open replication log. Cloning shares the open file (the log's readers and its writer are
/// clones of one handle); writes are serialised by redb's single writer.
#[derive(Clone)]
pub struct ReplicationLog {
    db: Arc<Database>,
    path: PathBuf,
}

impl ReplicationLog {
    /// Opens the log at `path`, creating an empty one if the file does not exist.
    pub fn open(path: impl AsRef<Path>) -> Result<ReplicationLog, StoreError> {
        let path = path.as_ref().to_path_buf();
        let db = Database::create(&path).map_err(|e| StoreError::from_redb(&path, e))?;
        let log = ReplicationLog { db: Arc::new(db), path };
        match log.value(FORMAT_KEY)? {
            None => log.write(|txn, path| {
                txn.open_table(ENTRIES).map_err(|e| StoreError::from_redb(path, e))?;
                let mut values = txn.open_table(VALUES).map_err(|e| StoreError::from_redb(path, e))?;
                values
                    .insert(FORMAT_KEY, &REPLICATION_LOG_FORMAT.to_le_bytes()[..])
                    .map_err(|e| StoreError::from_redb(path, e))?;
                Ok(())
            })?,
            Some(bytes) => {
                let found = <[u8; 4]>::try_from(bytes.as_slice())
                    .map(u32::from_le_bytes)
                    .map_err(|_| StoreError::Corrupt(format!("{}: replication log format", log.path.display())))?;
                if found != REPLICATION_LOG_FORMAT {
                    return Err(StoreError::SchemaMismatch { found, expected: REPLICATION_LOG_FORMAT });
                }
            }
        }
        Ok(log)
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `entries` (index, bytes) in one durable transaction, replacing any entry already
    /// at one of those indexes.
    pub fn append(&self, entries: &[(u64, Vec<u8>)]) -> Result<(), StoreError> {
        self.write(|txn, path| {
            let mut table = txn.open_table(ENTRIES).map_err(|e| StoreError::from_redb(path, e))?;
            for (index, bytes) in entries {
                table.insert(*index, bytes.as_slice()).map_err(|e| StoreError::from_redb(path, e))?;
            }
            Ok(())
        })
    }

    /// Removes every entry at `index` or after (a leader's conflicting suffix), durably.
    pub fn truncate_from(&self, index: u64) -> Result<(), StoreError> {
        self.write(|txn, path| {
            let mut table = txn.open_table(ENTRIES).map_err(|e| StoreError::from_redb(path, e))?;
            table.retain_in(index.., |_, _| false).map_err(|e| StoreError::from_redb(path, e))
        })
    }

    /// Removes every entry up to and including `index` and records `purged` under `name` in the
    /// same durable transaction (log compaction after a snapshot).
    pub fn purge_through(&self, index: u64, name: &str, purged: &[u8]) -> Result<(), StoreError> {
        self.write(|txn, path| {
            let mut table = txn.open_table(ENTRIES).map_err(|e| StoreError::from_redb(path, e))?;
            table.retain_in(..=index, |_, _| false).map_err(|e| StoreError::from_redb(path, e))?;
            let mut values = txn.open_table(VALUES).map_err(|e| StoreError::from_redb(path, e))?;
            values.insert(name, purged).map_err(|e| StoreError::from_redb(path, e))?;
            Ok(())
        })
    }

    /// The entries with index in `(start, end)`, in order, at most `limit` of them.
    pub fn entries(&self, start: Bound<u64>, end: Bound<u64>, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        let table = read.open_table(ENTRIES).map_err(|e| StoreError::from_redb(&self.path, e))?;
        let range = table.range::<u64>((start, end)).map_err(|e| StoreError::from_redb(&self.path, e))?;
        let mut out = Vec::new();
        for item in range.take(limit) {
            let (index, bytes) = item.map_err(|e| StoreError::from_redb(&self.path, e))?;
            out.push((index.value(), bytes.value().to_vec()));
        }
        Ok(out)
    }

    /// The entry with the highest index, if the log holds any.
    pub fn last(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        let table = read.open_table(ENTRIES).map_err(|e| StoreError::from_redb(&self.path, e))?;
        let last = table.last().map_err(|e| StoreError::from_redb(&self.path, e))?;
        Ok(last.map(|(index, bytes)| (index.value(), bytes.value().to_vec())))
    }

    /// The value recorded under `name`, if any.
    pub fn value(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        let table = match read.open_table(VALUES) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(StoreError::from_redb(&self.path, e)),
        };
        Ok(table.get(name).map_err(|e| StoreError::from_redb(&self.path, e))?.map(|v| v.value().to_vec()))
    }

    /// Records `bytes` under `name`, durably.
    pub fn set_value(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.write(|txn, path| {
            let mut values = txn.open_table(VALUES).map_err(|e| StoreError::from_redb(path, e))?;
            values.insert(name, bytes).map_err(|e| StoreError::from_redb(path, e))?;
            Ok(())
        })
    }

    fn write(&self, body: impl FnOnce(&WriteTransaction, &Path) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut txn = self.db.begin_write().map_err(|e| StoreError::from_redb(&self.path, e))?;
        txn.set_durability(Durability::Immediate).map_err(|e| StoreError::Storage(e.to_string()))?;
        body(&txn, &self.path)?;
        txn.commit().map_err(|e| StoreError::from_redb(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn appends_truncates_and_purges_without_holes_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.redb");
        let log = ReplicationLog::open(&path).unwrap();
        log.append(&(1..=10).map(|i| (i, vec![i as u8])).collect::<Vec<_>>()).unwrap();
        log.truncate_from(8).unwrap();
        log.purge_through(3, "purged", b"3").unwrap();
        log.set_value("vote", b"v").unwrap();
        drop(log);
        let log = ReplicationLog::open(&path).unwrap();
        let all = log.entries(Bound::Unbounded, Bound::Unbounded, usize::MAX).unwrap();
        assert_eq!(all.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![4, 5, 6, 7]);
        assert_eq!(log.last().unwrap(), Some((7, vec![7])));
        assert_eq!(log.value("purged").unwrap().as_deref(), Some(&b"3"[..]));
        assert_eq!(log.value("vote").unwrap().as_deref(), Some(&b"v"[..]));
        let some = log.entries(Bound::Included(5), Bound::Excluded(7), 10).unwrap();
        assert_eq!(some, vec![(5, vec![5]), (6, vec![6])]);
    }
}
