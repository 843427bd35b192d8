//! The Agora network node: the marketplace served over HTTP.
//!
//! One producer thread owns the [`agora::Marketplace`]: transactions posted to the API wait in
//! a bounded mempool, a block closes when it holds the configured maximum or after a short
//! wait (group commit), each block is one durable redb write transaction, and every waiting
//! client is answered with its receipt only after that commit. Queries read committed state
//! through a [`agora::MarketReader`] while the producer writes.
//!
//! ```no_run
//! # async fn run() -> Result<(), agora_node::NodeError> {
//! let market = agora::Marketplace::open("market.redb")?;
//! let node = agora_node::Node::bind(market, agora_node::NodeConfig::default()).await?;
//! println!("listening on {}", node.local_addr());
//! node.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

mod accept;
mod config;
mod error;
mod events;
mod extract;
mod feed;
mod interop;
mod limits;
mod metrics;
mod openapi;
mod producer;
mod queries;
mod replication_guard;
mod replicator;
mod server;
mod state;
mod system;
mod txs;

pub use config::NodeConfig;
pub use error::NodeError;
pub use feed::BlockFeed;
pub use limits::*;
pub use openapi::openapi;
pub use replication_guard::CONSISTENT_PARAM;
pub use replicator::{Pending, ReplicationError, Replicator, Role};
pub use server::Node;
