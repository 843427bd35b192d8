//! Limits of the HTTP API that clients must know (the node enforces them; clients size their
//! requests by them).

/// Largest body of `POST /v1/txs` and `POST /v1/txs/prepare`, in bytes (a canonical
/// transaction is at most 16 KiB; its JSON with hex fields at most four times that).
pub const MAX_TX_BODY_BYTES: usize = 64 * 1024;
/// Most transactions in one `POST /v1/txs/batch`.
pub const MAX_BATCH_TXS: usize = 1_000;
/// Largest body of `POST /v1/txs/batch`, in bytes.
pub const MAX_BATCH_BODY_BYTES: usize = 8 << 20;
/// Largest page of a paginated list (`limit` above it is cut to it).
pub const MAX_PAGE: usize = 1_000;
/// Page size when a request names no `limit`.
pub const DEFAULT_PAGE: usize = 100;
/// Largest response a client reads, in bytes (a block of 20,000 transactions with its JSON
/// overhead stays well below it).
pub const MAX_RESPONSE_BYTES: usize = 256 << 20;
/// Largest single Server-Sent Event a client buffers, in bytes.
pub const MAX_EVENT_BYTES: usize = 1 << 20;
