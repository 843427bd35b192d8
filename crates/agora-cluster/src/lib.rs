//! Replicated Agora: a cluster of nodes that agree on every block with openraft.
//!
//! Each Raft log entry is one block's transactions with the leader's proposed time; every member
//! applies committed entries through the same state machine into its own redb file, forming the
//! block (height, previous digest, time bounded by the tip) itself, so all members hold the same
//! digest at every height. The log, vote and committed position live in a second redb file
//! beside the database (`agora_store::ReplicationLog`); the last applied entry commits with each
//! block. Members talk over HTTP on the node's own listener, every request signed by the
//! sender's node key. A client's transaction is answered only when its block is committed by a
//! majority and applied on the member that answers.

// openraft's traits return its `StorageError` (over 200 bytes) and axum handlers answer a
// `Response`; both are what the interfaces take, so large error variants are accepted here.
#![allow(clippy::result_large_err)]

pub mod admin;
mod admissions;
mod auth;
mod config;
mod error;
mod limits;
mod log_store;
mod member;
mod network;
mod replicator;
mod routes;
mod state_machine;
mod types;

pub use admissions::LocalAdmissions;
pub use auth::{AuthError, HEADER_FROM, HEADER_SIGNATURE, HEADER_TIME};
pub use config::{ClusterConfig, MAX_CLUSTER_FILE_BYTES, MAX_MEMBERS, MemberEntry, RaftTiming};
pub use error::ClusterError;
pub use limits::*;
pub use log_store::LogStore;
pub use member::{ClusterMember, log_path};
pub use network::{HttpNetwork, ROUTE_APPEND, ROUTE_SNAPSHOT, ROUTE_VOTE, Signer};
pub use replicator::RaftReplicator;
pub use routes::{ClusterStatus, MemberStatus, MembershipChange, ROUTE_MEMBERS, ROUTE_STATUS};
pub use state_machine::{SnapshotBuilder, StateMachine};
pub use types::{Applied, BlockProposal, Member, NodeId, Raft, TypeConfig};
