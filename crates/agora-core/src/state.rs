//! The state the machine reads and writes: byte-keyed tables behind a trait, so the core never
//! knows whether they live in redb or in memory.

use crate::encoding::Writer;
use std::collections::BTreeMap;

/// The tables of the state. The numeric tags are part of the digest: never renumber.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u8)]
pub enum Table {
    /// Agent id → account record (nonce, registration, reputation, counters).
    Accounts = 1,
    /// Agent id ‖ asset id (big-endian) → balance (u128 little-endian).
    Balances = 2,
    /// Asset id (big-endian) → asset record.
    Assets = 3,
    /// Asset symbol → asset id.
    AssetSymbols = 4,
    /// Task id (big-endian) → task record.
    Tasks = 5,
    /// Task id (big-endian) ‖ bidder id → bid record.
    Bids = 6,
    /// Completion nullifier → empty.
    Nullifiers = 7,
    /// Task kind (big-endian) → kind record (name, layout, weight, current version, retired).
    Kinds = 8,
    /// Counter name → u64.
    Counters = 9,
    /// Worker id ‖ employer id → evidence edge (verified completions between the pair).
    TrustEdges = 10,
    /// Agent id → standing (u64, parts per million of full), recomputed each epoch.
    Standing = 11,
    /// Loan id (big-endian) → loan record.
    Loans = 20,
    /// Agent id → reputation locked by its active loans.
    ReputationLocks = 21,
    /// Parent task id ‖ sub-task id (both big-endian) → empty.
    SubTasks = 22,
    /// Sub-task id (big-endian) → parent task id (big-endian).
    TaskParents = 23,
    /// Case id (big-endian) → dispute case record (task disputes and freeze appeals).
    Disputes = 30,
    /// Agent id → arbitrator record (bond, standing, open cases).
    Arbitrators = 31,
    /// Agent id → freeze record (active freeze and pending operator approvals).
    Freezes = 32,
    /// Sequence number (big-endian) → hash-chained audit entry.
    AuditLog = 33,
    /// The arbitrator sum tree: `0 ‖ node (u32 BE)` → subtree weight (u128 LE), and
    /// `1 ‖ slot (u32 BE)` → arbitrator id ‖ weight (u128 LE).
    ArbitratorSlots = 34,
    /// Seed height (u64 BE) ‖ case id (u64 BE) → round (u8): panels waiting for their block.
    PendingDraws = 35,
    /// Task id (big-endian) → the case id of its open dispute.
    TaskCases = 36,
    /// (u64::MAX − evidence) (big-endian) ‖ worker id ‖ employer id → empty: the evidence edges
    /// ranked highest evidence first, the order the epoch recompute reads them in.
    TrustRank = 37,
    /// Agent id → empty: the trusted seeds of standing, seeded from the genesis list and
    /// changed by operator quorum (`ChangeTrusted`).
    TrustedSet = 39,
    /// Agent id → u64: reputation points removed from the agent's `received` by slashes.
    Slashed = 40,
    /// Agent id ‖ change (1 = add, 0 = remove) → pending trusted-set proposal.
    TrustProposals = 41,
    /// Task kind (big-endian) ‖ version (big-endian) → the verifying key of that version.
    KindVersions = 42,
    /// Kind name → task kind (big-endian): names are unique.
    KindNames = 43,
    /// blake3 of the proposed kind change → the operator approvals it has collected.
    KindProposals = 44,
    /// Agent id → encryption key record (fair exchange).
    EncryptionKeys = 45,
    /// Task id (big-endian) → sealed task record: the employer key a fair-exchange task was
    /// posted with, and its delivery.
    SealedTasks = 46,
    /// blake3 of (employer key, ephemeral key) → task id (big-endian): ephemeral keys used.
    EphemeralKeys = 47,
}

impl Table {
    /// Every table, in tag order.
    pub const ALL: [Table; 32] = [
        Table::Accounts,
        Table::Balances,
        Table::Assets,
        Table::AssetSymbols,
        Table::Tasks,
        Table::Bids,
        Table::Nullifiers,
        Table::Kinds,
        Table::Counters,
        Table::TrustEdges,
        Table::Standing,
        Table::Loans,
        Table::ReputationLocks,
        Table::SubTasks,
        Table::TaskParents,
        Table::Disputes,
        Table::Arbitrators,
        Table::Freezes,
        Table::AuditLog,
        Table::ArbitratorSlots,
        Table::PendingDraws,
        Table::TaskCases,
        Table::TrustRank,
        Table::TrustedSet,
        Table::Slashed,
        Table::TrustProposals,
        Table::KindVersions,
        Table::KindNames,
        Table::KindProposals,
        Table::EncryptionKeys,
        Table::SealedTasks,
        Table::EphemeralKeys,
    ];

    /// A stable name (used as the redb table name).
    pub fn name(self) -> &'static str {
        match self {
            Table::Accounts => "accounts",
            Table::Balances => "balances",
            Table::Assets => "assets",
            Table::AssetSymbols => "asset_symbols",
            Table::Tasks => "tasks",
            Table::Bids => "bids",
            Table::Nullifiers => "nullifiers",
            Table::Kinds => "kinds",
            Table::Counters => "counters",
            Table::TrustEdges => "trust_edges",
            Table::Standing => "standing",
            Table::Loans => "loans",
            Table::ReputationLocks => "reputation_locks",
            Table::SubTasks => "subtasks",
            Table::TaskParents => "task_parents",
            Table::Disputes => "disputes",
            Table::Arbitrators => "arbitrators",
            Table::Freezes => "freezes",
            Table::AuditLog => "audit_log",
            Table::ArbitratorSlots => "arbitrator_slots",
            Table::PendingDraws => "pending_draws",
            Table::TaskCases => "task_cases",
            Table::TrustRank => "trust_rank",
            Table::TrustedSet => "trusted_set",
            Table::Slashed => "slashed",
            Table::TrustProposals => "trust_proposals",
            Table::KindVersions => "kind_versions",
            Table::KindNames => "kind_names",
            Table::KindProposals => "kind_proposals",
            Table::EncryptionKeys => "encryption_keys",
            Table::SealedTasks => "sealed_tasks",
            Table::EphemeralKeys => "ephemeral_keys",
        }
    }
}

/// A failure of the storage under the state machine. Aborts the whole block; never a tx status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The backing store failed.
    #[error("storage error: {0}")]
    Storage(String),
    /// A stored record did not decode: the database is corrupt.
    #[error("corrupt record in table {table}: {reason}")]
    Corrupt {
        /// Table name.
        table: &'static str,
        /// Decoder message.
        reason: String,
    },
}

/// Key–value pairs of one table, in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Read access to state.
pub trait StateView {
    /// The value under `key` in `table`.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;

    /// Up to `limit` entries whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, table: Table, prefix: &[u8], limit: usize) -> Result<Entries, StateError>;
}

/// Writes of one block (or one transaction): `None` deletes. Ordered, so its encoding — and
/// therefore the digest — is the same everywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// The writes, by table and key.
    pub writes: BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>,
}

impl Diff {
    /// Canonical bytes of the diff (table tag, key, presence, value), in key order.
    pub fn to_canonical_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.len(self.writes.len());
        for ((table, key), value) in &self.writes {
            w.u8(*table as u8);
            w.var_bytes(key);
            match value {
                None => w.u8(0),
                Some(v) => {
                    w.u8(1);
                    w.var_bytes(v);
                }
            }
        }
        w.into_bytes()
    }

    /// Number of writes.
    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// True when nothing is written.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

/// Writes buffered over a read-only base. Layers nest: a transaction's layer sits over its
/// block's layer, and is merged into it only if the transaction succeeds.
pub struct Layer<'a> {
    base: &'a dyn StateView,
    diff: Diff,
}

impl<'a> Layer<'a> {
    /// An empty layer over `base`.
    pub fn new(base: &'a dyn StateView) -> Self {
        Layer { base, diff: Diff::default() }
    }

    /// Buffers a write.
    pub fn put(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) {
        self.diff.writes.insert((table, key), Some(value));
    }

    /// Buffers a delete.
    pub fn delete(&mut self, table: Table, key: Vec<u8>) {
        self.diff.writes.insert((table, key), None);
    }

    /// Takes the buffered writes.
    pub fn into_diff(self) -> Diff {
        self.diff
    }

    /// Adds writes from an inner layer on top of this one's.
    pub fn absorb(&mut self, inner: Diff) {
        self.diff.writes.extend(inner.writes);
    }
}

impl StateView for Layer<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.diff.writes.get(&(table, key.to_vec())) {
            Some(value) => Ok(value.clone()),
            None => self.base.get(table, key),
        }
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8], limit: usize) -> Result<Entries, StateError> {
        let overlay_count = self
            .diff
            .writes
            .range((table, prefix.to_vec())..)
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
            .count();
        // Deletions in the overlay may hide base entries; read enough to still fill `limit`.
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> =
            self.base.scan_prefix(table, prefix, limit.saturating_add(overlay_count))?.into_iter().collect();
        for ((_, key), value) in self
            .diff
            .writes
            .range((table, prefix.to_vec())..)
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
        {
            match value {
                Some(v) => merged.insert(key.clone(), v.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().take(limit).collect())
    }
}

/// A complete state held in memory: the reference backend for tests, models and benchmarks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryState {
    entries: BTreeMap<(Table, Vec<u8>), Vec<u8>>,
}

impl MemoryState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a diff.
    pub fn apply(&mut self, diff: &Diff) {
        for (key, value) in &diff.writes {
            match value {
                Some(v) => self.entries.insert(key.clone(), v.clone()),
                None => self.entries.remove(key),
            };
        }
    }

    /// Every entry of `table`, in key order.
    pub fn entries(&self, table: Table) -> impl Iterator<Item = (&Vec<u8>, &Vec<u8>)> {
        self.entries.range((table, Vec::new())..).take_while(move |((t, _), _)| *t == table).map(|((_, k), v)| (k, v))
    }
}

impl StateView for MemoryState {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.entries.get(&(table, key.to_vec())).cloned())
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8], limit: usize) -> Result<Entries, StateError> {
        Ok(self
            .entries
            .range((table, prefix.to_vec())..)
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
            .take(limit)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }
}
