//! redb storage for Agora: the only crate that touches the database file.
//!
//! One redb write transaction per block holds the block's state changes, the block itself, its
//! receipts and the digest chained over blocks — so after a crash the database holds either the
//! whole block or none of it. [`replay`] rebuilds the state from the stored blocks into a fresh
//! database and checks that every digest matches.

mod error;
pub mod fault;
mod pipeline;
mod replay;
mod replication_log;
mod schema;
mod snapshot;
mod state_export;
mod store;

pub use error::StoreError;
pub use pipeline::{NextBlock, PIPELINE_DEPTH, commit_pipelined};
pub use replay::{ReplayReport, replay};
pub use replication_log::{REPLICATION_LOG_FORMAT, ReplicationLog};
pub use schema::SCHEMA_VERSION;
pub use snapshot::Snapshot;
pub use state_export::MAX_STATE_EXPORT_BYTES;
pub use store::{Store, StoreOptions};
