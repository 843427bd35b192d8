//! Errors of starting and running a node.

/// Why a node could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The marketplace (database open, lock held, read failure).
    #[error(transparent)]
    Market(#[from] agora::Error),
    /// Binding or serving the socket.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// The public URL is not an http(s) base URL.
    #[error("--public-url: {0}")]
    PublicUrl(#[from] agora_interop::endpoints::BadBaseUrl),
    /// The producer thread failed.
    #[error("producer: {0}")]
    Producer(String),
}
