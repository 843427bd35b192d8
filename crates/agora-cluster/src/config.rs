//! The cluster file (`cluster.toml`): the cluster's name, the genesis every member starts from,
//! the initial members (id, address, did:key) and the Raft timing.

use crate::error::ClusterError;
use crate::types::{Member, NodeId};
use agora::AgentId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Largest cluster file read.
pub const MAX_CLUSTER_FILE_BYTES: u64 = 64 * 1024;
/// Most members a cluster file lists.
pub const MAX_MEMBERS: usize = 64;

/// One member as the cluster file lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    /// The member's node id (any number but 0, unique in the cluster).
    pub id: NodeId,
    /// The address its HTTP server listens on; other members and clients reach it there.
    pub addr: SocketAddr,
    /// Its did:key (the public half of its node key).
    pub key: String,
}

/// Raft timing and log compaction, with defaults for a loopback or LAN cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftTiming {
    /// Leader heartbeat interval in milliseconds.
    pub heartbeat_ms: u64,
    /// Shortest election timeout in milliseconds.
    pub election_min_ms: u64,
    /// Longest election timeout in milliseconds.
    pub election_max_ms: u64,
    /// A snapshot is built after this many entries since the last one.
    pub snapshot_every: u64,
    /// Entries kept in the log behind a snapshot (0: purge all that a snapshot covers).
    pub keep_after_snapshot: u64,
}

impl Default for RaftTiming {
    fn default() -> Self {
        RaftTiming {
            heartbeat_ms: 100,
            election_min_ms: 500,
            election_max_ms: 1000,
            snapshot_every: 5000,
            keep_after_snapshot: 1000,
        }
    }
}

/// The cluster file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// The cluster's name, bound into every signed request between members.
    pub name: String,
    /// The genesis file every member's database is created from (a relative path is taken
    /// from the cluster file's directory).
    pub genesis: PathBuf,
    /// Raft timing.
    #[serde(default)]
    pub raft: RaftTiming,
    /// The initial members.
    pub nodes: Vec<MemberEntry>,
}

impl ClusterConfig {
    /// Reads and checks a cluster file (the genesis path stays as written; see
    /// [`ClusterConfig::genesis_file`]).
    pub fn load(path: &Path) -> Result<ClusterConfig, ClusterError> {
        let bad = |reason: String| ClusterError::Config { path: path.to_path_buf(), reason };
        let size = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?.len();
        if size > MAX_CLUSTER_FILE_BYTES {
            return Err(bad(format!("{size} bytes is above the limit of {MAX_CLUSTER_FILE_BYTES}")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let config: ClusterConfig = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        config.check().map_err(bad)?;
        Ok(config)
    }

    /// The genesis file, a relative path taken from the directory of `cluster_file`.
    pub fn genesis_file(&self, cluster_file: &Path) -> PathBuf {
        match cluster_file.parent() {
            Some(dir) if self.genesis.is_relative() => dir.join(&self.genesis),
            _ => self.genesis.clone(),
        }
    }

    /// Writes the cluster file.
    pub fn save(&self, path: &Path) -> Result<(), ClusterError> {
        let text = toml::to_string_pretty(self)
            .map_err(|e| ClusterError::Config { path: path.to_path_buf(), reason: e.to_string() })?;
        std::fs::write(path, text).map_err(|e| ClusterError::Config { path: path.to_path_buf(), reason: e.to_string() })
    }

    /// Checks ids, keys, addresses and timing.
    pub fn check(&self) -> Result<(), String> {
        if self.name.is_empty() || self.name.len() > 64 {
            return Err("the cluster name must have 1 to 64 bytes".into());
        }
        if self.nodes.is_empty() || self.nodes.len() > MAX_MEMBERS {
            return Err(format!("a cluster lists 1 to {MAX_MEMBERS} nodes"));
        }
        let mut seen = BTreeMap::new();
        for node in &self.nodes {
            if node.id == 0 {
                return Err("node id 0 is reserved".into());
            }
            AgentId::parse_did(&node.key).map_err(|e| format!("node {}: key {}: {e}", node.id, node.key))?;
            if seen.insert(node.id, ()).is_some() {
                return Err(format!("node id {} is listed twice", node.id));
            }
        }
        let t = &self.raft;
        if t.heartbeat_ms == 0 || t.election_min_ms <= t.heartbeat_ms || t.election_max_ms <= t.election_min_ms {
            return Err("raft timing needs 0 < heartbeat_ms < election_min_ms < election_max_ms".into());
        }
        Ok(())
    }

    /// The member with this id, if listed.
    pub fn node(&self, id: NodeId) -> Option<&MemberEntry> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The initial membership: every listed node as a voter.
    pub fn members(&self) -> BTreeMap<NodeId, Member> {
        self.nodes.iter().map(|n| (n.id, n.member())).collect()
    }

    /// The openraft configuration for this cluster's timing.
    pub fn raft_config(&self) -> Result<openraft::Config, ClusterError> {
        let config = openraft::Config {
            cluster_name: self.name.clone(),
            heartbeat_interval: self.raft.heartbeat_ms,
            election_timeout_min: self.raft.election_min_ms,
            election_timeout_max: self.raft.election_max_ms,
            snapshot_policy: openraft::SnapshotPolicy::LogsSinceLast(self.raft.snapshot_every.max(1)),
            max_in_snapshot_log_to_keep: self.raft.keep_after_snapshot,
            max_payload_entries: crate::limits::MAX_ENTRIES_PER_APPEND,
            ..Default::default()
        };
        config.validate().map_err(|e| ClusterError::Raft(e.to_string()))
    }
}

impl MemberEntry {
    /// The member as the Raft membership records it.
    pub fn member(&self) -> Member {
        Member { url: format!("http://{}", self.addr), key: self.key.clone() }
    }
}
