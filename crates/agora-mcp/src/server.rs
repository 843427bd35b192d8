//! The transports: stdio (one client, the process that started the server) and streamable
//! HTTP on a loopback address (any number of sessions, all acting for the same agent).

use crate::error::McpError;
use crate::tools::AgoraTools;
use rmcp::ServiceExt;
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest MCP message the server reads (one JSON-RPC line on stdio, one POST body on HTTP).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// The path of the streamable HTTP endpoint.
pub const MCP_PATH: &str = "/mcp";

/// Serves the tools on stdin/stdout until the client closes the stream.
pub async fn serve_stdio(tools: AgoraTools) -> Result<(), McpError> {
    let (stdin, stdout) = rmcp::transport::stdio();
    let transport = AsyncRwTransport::new_server(stdin, stdout).with_max_line_length(MAX_MESSAGE_BYTES);
    let running =
        tools.serve(transport).await.map_err(|e| McpError::Transport(format!("starting the session: {e}")))?;
    running.waiting().await.map_err(|e| McpError::Transport(format!("the session stopped: {e}")))?;
    Ok(())
}

/// A bound streamable HTTP server. Only loopback addresses are accepted: the server acts for
/// its agent without authenticating its clients, so it must not be reachable from elsewhere
/// (the transport also refuses `Host` headers other than loopback names).
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    local_addr: SocketAddr,
}

impl HttpServer {
    /// Binds `addr` (port 0: any free port; see [`HttpServer::local_addr`]).
    pub async fn bind(addr: SocketAddr) -> Result<HttpServer, McpError> {
        if !addr.ip().is_loopback() {
            return Err(McpError::Transport(format!(
                "--http {addr}: only loopback addresses (127.0.0.1, ::1) are allowed, the server does not authenticate clients"
            )));
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| McpError::Transport(format!("binding {addr}: {e}")))?;
        let local_addr = listener.local_addr().map_err(|e| McpError::Transport(e.to_string()))?;
        Ok(HttpServer { listener, local_addr })
    }

    /// The address bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The endpoint's URL.
    pub fn url(&self) -> String {
        format!("http://{}{MCP_PATH}", self.local_addr)
    }

    /// Serves the tools at [`MCP_PATH`] until `shutdown` completes, then ends every session.
    pub async fn run(
        self,
        tools: AgoraTools,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), McpError> {
        let config = StreamableHttpServerConfig::default().with_max_request_body_bytes(MAX_MESSAGE_BYTES);
        let sessions_end = config.cancellation_token.clone();
        let service =
            StreamableHttpService::new(move || Ok(tools.clone()), Arc::new(LocalSessionManager::default()), config);
        let router = axum::Router::new().nest_service(MCP_PATH, service);
        axum::serve(self.listener, router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                sessions_end.cancel();
            })
            .await
            .map_err(|e| McpError::Transport(format!("serving: {e}")))
    }
}
