//! openraft's own storage test suite, run against the redb log store and the marketplace state
//! machine (logs without holes, vote and committed durability, truncation, purge, membership
//! recovery, snapshot transfer).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use agora::store::ReplicationLog;
use agora::{AgentKey, Genesis, Marketplace};
use agora_cluster::{LogStore, NodeId, StateMachine, TypeConfig};
use openraft::StorageError;
use openraft::testing::{StoreBuilder, Suite};

struct RedbBuilder;

impl StoreBuilder<TypeConfig, LogStore, StateMachine, tempfile::TempDir> for RedbBuilder {
    async fn build(&self) -> Result<(tempfile::TempDir, LogStore, StateMachine), StorageError<NodeId>> {
        let dir = tempfile::tempdir().unwrap();
        let operator = AgentKey::from_seed([3; 32]);
        let market =
            Marketplace::create(dir.path().join("m.redb"), Genesis::development(operator.id(), 1_000)).unwrap();
        let log = ReplicationLog::open(dir.path().join("m.redb.raft")).unwrap();
        let state_machine = StateMachine::new(market, None)?;
        Ok((dir, LogStore::new(log), state_machine))
    }
}

#[test]
fn the_redb_log_store_and_state_machine_pass_openraft_s_storage_suite() {
    Suite::test_all(RedbBuilder).unwrap();
}
