//! Errors of the cluster layer.

use std::path::PathBuf;

/// Why a cluster operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// The cluster file is unreadable or invalid.
    #[error("cluster file {path}: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// This node's id is not in the cluster file, or its key is not the one listed.
    #[error("{0}")]
    Identity(String),
    /// The marketplace failed.
    #[error(transparent)]
    Market(#[from] agora::Error),
    /// The node failed.
    #[error(transparent)]
    Node(#[from] agora_node::NodeError),
    /// openraft refused or failed.
    #[error("raft: {0}")]
    Raft(String),
    /// Another member could not be reached or answered an error.
    #[error("{0}")]
    Remote(String),
}
