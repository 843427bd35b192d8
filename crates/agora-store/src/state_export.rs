//! The whole database as one byte string, and its installation in place of another database's
//! contents: how a replica far behind, or new, catches up (a Raft snapshot).
//!
//! Layout: `MAGIC`, then per table (every table of the schema, in a fixed order) its name
//! (u16 length + UTF-8), its row count (u64) and its rows (u32 length + key, u32 length +
//! value; height keys as 8 big-endian bytes, metadata keys as UTF-8), then a blake3 hash of
//! everything before it. All integers are little-endian except the height keys.

use crate::error::StoreError;
use crate::schema::*;
use agora_core::{Canonical, ChainTip, Genesis, Table};
use redb::{ReadTransaction, ReadableTable, TableDefinition, TableHandle, WriteTransaction};
use std::path::Path;

/// First bytes of an export.
const MAGIC: &[u8; 16] = b"agora-state-v1\0\0";
/// Largest export accepted for installation, checked before anything is decoded.
pub const MAX_STATE_EXPORT_BYTES: usize = 1 << 30;
/// Longest table name in an export.
const MAX_TABLE_NAME_BYTES: usize = 64;

/// One table's rows as raw bytes.
type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// What an export says about itself, checked before it replaces anything.
#[derive(Debug)]
pub(crate) struct ParsedExport {
    pub tables: Vec<(String, Rows)>,
    pub genesis: Genesis,
    pub tip: ChainTip,
}

fn height_tables() -> [TableDefinition<'static, u64, &'static [u8]>; 3] {
    [BLOCKS, RECEIPTS, DIGESTS]
}

fn db_err<'p, E: Into<redb::Error>>(path: &'p Path) -> impl Fn(E) -> StoreError + 'p {
    move |e| StoreError::from_redb(path, e)
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("state export: {what}"))
}

/// Every table of the database as of the read transaction `read`.
pub(crate) fn export(path: &Path, read: &ReadTransaction) -> Result<Vec<u8>, StoreError> {
    let mut out = MAGIC.to_vec();
    let put_table = |out: &mut Vec<u8>, name: &str, rows: Rows| {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(rows.len() as u64).to_le_bytes());
        for (key, value) in rows {
            out.extend_from_slice(&(key.len() as u32).to_le_bytes());
            out.extend_from_slice(&key);
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
            out.extend_from_slice(&value);
        }
    };
    let meta = read.open_table(META).map_err(db_err(path))?;
    let mut rows = Rows::new();
    for item in meta.iter().map_err(db_err(path))? {
        let (k, v) = item.map_err(db_err(path))?;
        rows.push((k.value().as_bytes().to_vec(), v.value().to_vec()));
    }
    put_table(&mut out, META.name(), rows);
    for definition in height_tables() {
        let table = read.open_table(definition).map_err(db_err(path))?;
        let mut rows = Rows::new();
        for item in table.iter().map_err(db_err(path))? {
            let (k, v) = item.map_err(db_err(path))?;
            rows.push((k.value().to_be_bytes().to_vec(), v.value().to_vec()));
        }
        put_table(&mut out, definition.name(), rows);
    }
    for table in Table::ALL {
        let definition = state_table(table);
        let handle = read.open_table(definition).map_err(db_err(path))?;
        let mut rows = Rows::new();
        for item in handle.iter().map_err(db_err(path))? {
            let (k, v) = item.map_err(db_err(path))?;
            rows.push((k.value().to_vec(), v.value().to_vec()));
        }
        put_table(&mut out, definition.name(), rows);
    }
    let hash = blake3::hash(&out);
    out.extend_from_slice(hash.as_bytes());
    Ok(out)
}

struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        if self.bytes.len() < n {
            return Err(corrupt("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u16(&mut self) -> Result<u16, StoreError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().map_err(|_| corrupt("u16"))?))
    }
    fn u32(&mut self) -> Result<u32, StoreError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| corrupt("u32"))?))
    }
    fn u64(&mut self) -> Result<u64, StoreError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| corrupt("u64"))?))
    }
}

/// The names of every table an export holds, in export order.
fn expected_names() -> Vec<String> {
    let mut names = vec![META.name().to_string()];
    names.extend(height_tables().iter().map(|t| t.name().to_string()));
    names.extend(Table::ALL.iter().map(|t| state_table(*t).name().to_string()));
    names
}

/// Checks the size, hash, layout, schema version and tip of an export.
pub(crate) fn parse(bytes: &[u8]) -> Result<ParsedExport, StoreError> {
    if bytes.len() > MAX_STATE_EXPORT_BYTES {
        return Err(StoreError::Corrupt(format!(
            "state export of {} bytes is above the limit of {MAX_STATE_EXPORT_BYTES}",
            bytes.len()
        )));
    }
    if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not an Agora state export"));
    }
    let (body, hash) = bytes.split_at(bytes.len() - 32);
    if blake3::hash(body).as_bytes() != hash {
        return Err(corrupt("its hash does not match its contents (damaged or truncated)"));
    }
    let mut cursor = Cursor { bytes: &body[MAGIC.len()..] };
    let mut tables = Vec::new();
    for expected in expected_names() {
        let name_len = cursor.u16()? as usize;
        if name_len > MAX_TABLE_NAME_BYTES {
            return Err(corrupt("table name too long"));
        }
        let name = std::str::from_utf8(cursor.take(name_len)?).map_err(|_| corrupt("table name"))?;
        if name != expected {
            return Err(corrupt(format!("table {name} where {expected} was expected")));
        }
        let count = cursor.u64()?;
        let mut rows = Rows::new();
        for _ in 0..count {
            let key_len = cursor.u32()? as usize;
            let key = cursor.take(key_len)?.to_vec();
            let value_len = cursor.u32()? as usize;
            let value = cursor.take(value_len)?.to_vec();
            rows.push((key, value));
        }
        tables.push((name.to_string(), rows));
    }
    if !cursor.bytes.is_empty() {
        return Err(corrupt("bytes after the last table"));
    }
    let meta = |key: &str| -> Option<&[u8]> {
        tables[0].1.iter().find(|(k, _)| k.as_slice() == key.as_bytes()).map(|(_, v)| v.as_slice())
    };
    let schema = meta(META_SCHEMA).ok_or_else(|| corrupt("no schema version"))?;
    let found = u32::from_le_bytes(schema.try_into().map_err(|_| corrupt("schema version"))?);
    if found != SCHEMA_VERSION {
        return Err(StoreError::SchemaMismatch { found, expected: SCHEMA_VERSION });
    }
    let genesis = Genesis::from_canonical_bytes(meta(META_GENESIS).ok_or_else(|| corrupt("no genesis"))?)?;
    let tip = ChainTip::from_canonical_bytes(meta(META_TIP).ok_or_else(|| corrupt("no tip"))?)?;
    let digests = &tables[3].1;
    let recorded = digests
        .iter()
        .find(|(k, _)| k.as_slice() == tip.height.to_be_bytes())
        .map(|(_, v)| v.as_slice())
        .ok_or_else(|| corrupt("no digest at the tip"))?;
    if recorded != tip.digest {
        return Err(corrupt("the digest at the tip is not the tip's digest"));
    }
    Ok(ParsedExport { tables, genesis, tip })
}

/// Replaces every table's contents with the export's, inside `txn`.
pub(crate) fn install(path: &Path, txn: &WriteTransaction, export: &ParsedExport) -> Result<(), StoreError> {
    for (name, rows) in &export.tables {
        if name == META.name() {
            let mut table = txn.open_table(META).map_err(db_err(path))?;
            table.retain(|_, _| false).map_err(db_err(path))?;
            for (key, value) in rows {
                let key = std::str::from_utf8(key).map_err(|_| corrupt("metadata key"))?;
                table.insert(key, value.as_slice()).map_err(db_err(path))?;
            }
        } else if let Some(definition) = height_tables().into_iter().find(|t| t.name() == name) {
            let mut table = txn.open_table(definition).map_err(db_err(path))?;
            table.retain(|_, _| false).map_err(db_err(path))?;
            for (key, value) in rows {
                let height = u64::from_be_bytes(key.as_slice().try_into().map_err(|_| corrupt("height key"))?);
                table.insert(height, value.as_slice()).map_err(db_err(path))?;
            }
        } else {
            let definition = Table::ALL
                .iter()
                .map(|t| state_table(*t))
                .find(|t| t.name() == name)
                .ok_or_else(|| corrupt(format!("unknown table {name}")))?;
            let mut table = txn.open_table(definition).map_err(db_err(path))?;
            table.retain(|_, _| false).map_err(db_err(path))?;
            for (key, value) in rows {
                table.insert(key.as_slice(), value.as_slice()).map_err(db_err(path))?;
            }
        }
    }
    Ok(())
}
