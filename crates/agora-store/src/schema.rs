//! The redb tables and the schema version.

use agora_core::Table;
use redb::TableDefinition;

/// Version of the table layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 5;

/// Raw bytes keyed by raw bytes: the state tables.
pub(crate) type RawTable = TableDefinition<'static, &'static [u8], &'static [u8]>;

/// Store metadata: schema version, genesis, tip.
pub(crate) const META: TableDefinition<'static, &'static str, &'static [u8]> = TableDefinition::new("meta");
/// Canonical blocks by height.
pub(crate) const BLOCKS: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("blocks");
/// Canonical receipts of each block by height.
pub(crate) const RECEIPTS: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("receipts");
/// Digest after each block by height (height 0 = genesis hash).
pub(crate) const DIGESTS: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("digests");

pub(crate) const META_SCHEMA: &str = "schema_version";
pub(crate) const META_GENESIS: &str = "genesis";
pub(crate) const META_TIP: &str = "tip";
/// The replication layer's position, written with each replicated block (see `Store::commit_block_marked`).
pub(crate) const META_REPLICATION: &str = "replication";

/// The redb table holding one state table.
pub(crate) fn state_table(table: Table) -> RawTable {
    TableDefinition::new(match table {
        Table::Accounts => "state.accounts",
        Table::Balances => "state.balances",
        Table::Assets => "state.assets",
        Table::AssetSymbols => "state.asset_symbols",
        Table::Tasks => "state.tasks",
        Table::Bids => "state.bids",
        Table::Nullifiers => "state.nullifiers",
        Table::Kinds => "state.kinds",
        Table::Counters => "state.counters",
        Table::TrustEdges => "state.trust_edges",
        Table::Standing => "state.standing",
        Table::Loans => "state.loans",
        Table::ReputationLocks => "state.reputation_locks",
        Table::SubTasks => "state.subtasks",
        Table::TaskParents => "state.task_parents",
        Table::Disputes => "state.disputes",
        Table::Arbitrators => "state.arbitrators",
        Table::Freezes => "state.freezes",
        Table::AuditLog => "state.audit_log",
        Table::ArbitratorSlots => "state.arbitrator_slots",
        Table::PendingDraws => "state.pending_draws",
        Table::TaskCases => "state.task_cases",
        Table::TrustRank => "state.trust_rank",
        Table::TrustedSet => "state.trusted_set",
        Table::Slashed => "state.slashed",
        Table::TrustProposals => "state.trust_proposals",
        Table::KindVersions => "state.kind_versions",
        Table::KindNames => "state.kind_names",
        Table::KindProposals => "state.kind_proposals",
        Table::EncryptionKeys => "state.encryption_keys",
        Table::SealedTasks => "state.sealed_tasks",
        Table::EphemeralKeys => "state.ephemeral_keys",
    })
}
