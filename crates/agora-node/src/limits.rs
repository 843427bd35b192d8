//! The node's named limits and defaults (the request-size limits clients need are in
//! `agora_api::limits`).

use std::time::Duration;

/// The port `agora serve` listens on by default.
pub const DEFAULT_PORT: u16 = 8645;
/// Default longest wait of a block for more transactions after its first (group commit).
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_millis(2);
/// Default idle gap that closes a block early: once no transaction arrived for this long, the
/// block commits without waiting out `DEFAULT_MAX_WAIT` (clients waiting on their acks send
/// nothing more until it commits).
pub const DEFAULT_MAX_IDLE: Duration = Duration::from_micros(300);
/// Default most transactions per block.
pub const DEFAULT_MAX_BLOCK_TXS: usize = 5_000;
/// Default mempool capacity, in transactions.
pub const DEFAULT_MEMPOOL_CAPACITY: usize = 50_000;
/// Default per-request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Default most requests served at once.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 1_024;
/// Default most open event streams.
pub const DEFAULT_MAX_EVENT_STREAMS: usize = 256;
/// Committed blocks buffered for event streams; a stream further behind catches up from the
/// database.
pub const EVENT_BUFFER_BLOCKS: usize = 1_024;
/// Events buffered per stream connection before the stream waits for its client.
pub const EVENT_STREAM_QUEUE: usize = 1_024;
/// How often the idle producer checks whether it should stop.
pub const PRODUCER_IDLE_POLL: Duration = Duration::from_millis(50);
