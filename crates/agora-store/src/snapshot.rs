//! A consistent read-only view of the committed state.

use crate::error::StoreError;
use crate::schema::state_table;
use agora_core::{StateError, StateView, Table};
use redb::{ReadOnlyTable, ReadTransaction};

/// The state as of the last committed block, isolated from later writes. Implements
/// [`StateView`], so the state machine and queries read through it.
pub struct Snapshot {
    tables: Vec<(Table, RawReadTable)>,
}

type RawReadTable = ReadOnlyTable<&'static [u8], &'static [u8]>;

impl Snapshot {
    pub(crate) fn new(path: &std::path::Path, txn: &ReadTransaction) -> Result<Self, StoreError> {
        let mut tables = Vec::with_capacity(Table::ALL.len());
        for table in Table::ALL {
            let handle = txn.open_table(state_table(table)).map_err(|e| StoreError::from_redb(path, e))?;
            tables.push((table, handle));
        }
        Ok(Snapshot { tables })
    }

    fn table(&self, table: Table) -> Result<&ReadOnlyTable<&'static [u8], &'static [u8]>, StateError> {
        self.tables
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, handle)| handle)
            .ok_or_else(|| StateError::Storage(format!("table {} missing", table.name())))
    }
}

fn storage(error: impl std::fmt::Display) -> StateError {
    StateError::Storage(error.to_string())
}

impl StateView for Snapshot {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.table(table)?.get(key).map_err(storage)?.map(|guard| guard.value().to_vec()))
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8], limit: usize) -> Result<agora_core::Entries, StateError> {
        let mut out = Vec::new();
        for entry in self.table(table)?.range::<&[u8]>(prefix..).map_err(storage)? {
            if out.len() >= limit {
                break;
            }
            let (key, value) = entry.map_err(storage)?;
            if !key.value().starts_with(prefix) {
                break;
            }
            out.push((key.value().to_vec(), value.value().to_vec()));
        }
        Ok(out)
    }
}
