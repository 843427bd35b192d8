//! How a node runs.

use crate::limits::*;
use std::net::SocketAddr;
use std::time::Duration;

/// Settings of a node; [`NodeConfig::default`] is what `agora serve` uses without flags.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Longest a block waits for more transactions after its first one arrived.
    pub max_wait: Duration,
    /// A block also closes once no transaction arrived for this long (at least 1 µs).
    pub max_idle: Duration,
    /// Most transactions in one block (at most `agora::core::limits::MAX_TXS_PER_BLOCK`).
    pub max_block_txs: usize,
    /// Most transactions waiting in the mempool; beyond it posts answer 429.
    pub mempool_capacity: usize,
    /// Longest one request may take, body upload included; beyond it the answer is 408.
    pub request_timeout: Duration,
    /// Most requests served at once (event streams not counted); beyond it 429.
    pub max_concurrent_requests: usize,
    /// Most open event streams.
    pub max_event_streams: usize,
    /// The base URL clients reach this node at (`https://node.example`), advertised in the
    /// operator's A2A agent card and the ERC-8004 registration files; `None`: `http://` and
    /// the address actually bound.
    pub public_url: Option<String>,
    /// The URL of the operator agent's MCP wallet (`agora mcp --http`), advertised in the
    /// operator's registration file; `None`: no MCP service is advertised (the node itself
    /// serves none).
    pub operator_mcp_url: Option<String>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            max_wait: DEFAULT_MAX_WAIT,
            max_idle: DEFAULT_MAX_IDLE,
            max_block_txs: DEFAULT_MAX_BLOCK_TXS,
            mempool_capacity: DEFAULT_MEMPOOL_CAPACITY,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            max_event_streams: DEFAULT_MAX_EVENT_STREAMS,
            public_url: None,
            operator_mcp_url: None,
        }
    }
}

impl NodeConfig {
    /// The block size actually used: at least one batch, at most the state machine's maximum.
    pub(crate) fn block_txs(&self) -> usize {
        self.max_block_txs.clamp(agora_api::limits::MAX_BATCH_TXS, agora::core::limits::MAX_TXS_PER_BLOCK)
    }
}
