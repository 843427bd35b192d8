//! A typed client of the Agora node's HTTP API (`agora serve`), over reqwest with rustls.
//!
//! Every form is the one `agora_api` defines, so the client and the node cannot disagree on a
//! field. Async (tokio); [`blocking::Client`] wraps it for synchronous callers such as the CLI.
//!
//! ```no_run
//! use agora::{Action, AgentKey, AssetId};
//! # async fn run() -> Result<(), agora_client::ClientError> {
//! let node = agora_client::Client::new("http://127.0.0.1:8645")?;
//! let tip = node.tip().await?;
//! let operator = AgentKey::from_secret_hex("…operator secret…").map_err(agora_client::ClientError::other)?;
//! let nonce = node.next_nonce(&operator.id()).await?;
//! let deposit = node
//!     .sign(&operator, nonce, Action::Deposit { to: operator.id(), asset: AssetId(1), amount: 1_000 })
//!     .await?;
//! let receipt = node.submit(&deposit).await?;
//! println!("height {} status {}", receipt.height, receipt.status);
//! # let _ = tip; Ok(()) }
//! ```

pub mod blocking;
mod client;
mod error;
mod events;

pub use client::Client;
pub use error::ClientError;
pub use events::{EventStream, NodeEvent};
