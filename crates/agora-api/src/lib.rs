//! The JSON forms of the Agora node's HTTP API and its route paths: one definition of each
//! form, used by the node (`agora-node`), the Rust client (`agora-client`) and the CLI.
//!
//! Core types (signed transactions, receipts, records) keep their own serde forms from
//! `agora_core`; this crate only adds what the HTTP API needs on top: request and response
//! bodies, the error body, pagination, the prepare step and event payloads. Every form follows
//! the rules of `agora_core::json`: unknown fields are refused, u64/u128 are decimal strings.

pub mod error;
pub mod events;
pub mod hex32;
pub mod limits;
pub mod open_bids;
pub mod page;
pub mod routes;
pub mod tx;
pub mod views;

pub use error::{ApiError, ErrorKind};
pub use events::{BlockEvent, EventFilter, ReceiptEvent};
pub use open_bids::{BidCursor, OpenBidsPage};
pub use page::Page;
pub use tx::{BatchAccepted, BatchAck, BatchRequest, HexDigest, PrepareRequest, PrepareResponse, TxAccepted, TxAck};
pub use views::{
    AgentView, ArbitratorView, BalanceEntry, BalanceView, BlockDigestView, EncryptionKeyView, FreezeView,
    KindVersionView, KindView, KindsView, ReceiptView, SealedTaskView, TipView, TotalsView, TrustedView,
};
