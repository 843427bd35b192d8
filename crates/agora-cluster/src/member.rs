//! One running cluster member: its Raft instance over its log file and its marketplace, and the
//! node serving the API and the cluster's routes on one listener.

use crate::admissions::LocalAdmissions;
use crate::config::ClusterConfig;
use crate::error::ClusterError;
use crate::log_store::LogStore;
use crate::network::{HttpNetwork, Signer};
use crate::replicator::RaftReplicator;
use crate::routes::{ClusterState, ClusterStatus};
use crate::state_machine::StateMachine;
use crate::types::{NodeId, Raft};
use agora::store::ReplicationLog;
use agora::{AgentKey, Marketplace};
use agora_node::{BlockFeed, Node, NodeConfig};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// A bound cluster member; [`ClusterMember::run`] serves until shutdown.
pub struct ClusterMember {
    raft: Raft,
    node: Node,
    state: ClusterState,
}

/// Where a member's replication log lives: next to its database.
pub fn log_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".raft");
    std::path::PathBuf::from(name)
}

impl ClusterMember {
    /// Starts member `id` of `config` over `market` (whose replication log is `log`), signing
    /// with `key` (which must be the key the cluster file lists for `id`). `node_config.listen`
    /// is replaced by the member's address from the cluster file. The member with the lowest id
    /// initialises the cluster with the listed members when its log is empty.
    /// `clock_offset_secs` moves this member's clock in what it signs and checks (0 but in
    /// tests of a far-off clock).
    pub async fn start(
        market: Marketplace,
        log: &Path,
        config: ClusterConfig,
        id: NodeId,
        key: AgentKey,
        mut node_config: NodeConfig,
        clock_offset_secs: i64,
    ) -> Result<ClusterMember, ClusterError> {
        let entry = config.node(id).ok_or_else(|| {
            ClusterError::Identity(format!("node {id} is not listed in the cluster file of {}", config.name))
        })?;
        if entry.key != key.id().did() {
            return Err(ClusterError::Identity(format!(
                "the node key given is {} but the cluster file lists {} for node {id}",
                key.id().did(),
                entry.key
            )));
        }
        node_config.listen = entry.addr;
        let reader = market.reader();
        let feed = BlockFeed::new(&market)?;
        let log = ReplicationLog::open(log).map_err(agora::Error::from)?;
        let fresh = log.last().map_err(agora::Error::from)?.is_none()
            && log.value("purged").map_err(agora::Error::from)?.is_none();
        let admissions = LocalAdmissions::default();
        let state_machine = StateMachine::new(market, Some(feed.clone()))
            .map_err(|e| ClusterError::Raft(e.to_string()))?
            .with_local_admissions(admissions.clone());
        let signer = Signer { cluster: config.name.clone(), id, key: Arc::new(key), clock_offset_secs };
        let raft_config = Arc::new(config.raft_config()?);
        let raft = Raft::new(id, raft_config, HttpNetwork::new(signer), LogStore::new(log), state_machine)
            .await
            .map_err(|e| ClusterError::Raft(e.to_string()))?;
        let lowest = config.nodes.iter().map(|n| n.id).min();
        if fresh && lowest == Some(id) {
            match raft.initialize(config.members()).await {
                Ok(()) => tracing::info!(members = config.nodes.len(), "initialised the cluster"),
                Err(error) => tracing::info!(%error, "the cluster was initialised before"),
            }
        }
        let config = Arc::new(config);
        let state = ClusterState { raft: raft.clone(), config, id, clock_offset_secs };
        let replicator = Arc::new(RaftReplicator::new(raft.clone(), id, admissions));
        let internal = crate::routes::router(state.clone());
        let node = Node::bind_replicated(reader, feed, replicator, node_config, internal).await?;
        Ok(ClusterMember { raft, node, state })
    }

    /// The address the member's server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.node.local_addr()
    }

    /// This member's view of the cluster.
    pub fn status(&self) -> ClusterStatus {
        crate::routes::status(&self.state)
    }

    /// The Raft instance (for tests and tools that watch its metrics).
    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    /// Serves until `shutdown` completes, then stops the node (answering what is in flight)
    /// and the Raft instance.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ClusterError> {
        let result = self.node.run(shutdown).await;
        if let Err(error) = self.raft.shutdown().await {
            tracing::warn!(%error, "raft did not shut down cleanly");
        }
        result.map_err(ClusterError::from)
    }
}
