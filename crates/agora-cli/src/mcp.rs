//! `agora mcp`: an MCP server acting as one agent's wallet on a node (crate `agora-mcp`).

use agora_mcp::{AgoraTools, HttpServer, Wallet, read_key_file, serve_stdio};
use anyhow::{Context, anyhow};
use clap::Args;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// `agora mcp`.
#[derive(Args)]
pub struct McpArgs {
    /// The agent's key file, as `agora key new` prints it (`{"did", "secret"}`). The key stays
    /// in this process: transactions are signed here and only they go to the node.
    #[arg(long)]
    pub key: PathBuf,
    /// Serve streamable HTTP on this loopback address (path `/mcp`; port 0: any free port, the
    /// log names the URL) instead of stdio.
    #[arg(long)]
    pub http: Option<SocketAddr>,
    /// The agent's encryption key file (`agora key encryption`), for the fair-exchange tools
    /// `register_encryption_key` and `decrypt_output`.
    #[arg(long)]
    pub encryption_key: Option<PathBuf>,
}

pub fn run(node: Option<&str>, keys: Option<&Path>, args: McpArgs) -> anyhow::Result<()> {
    // stdout carries the protocol on stdio: every log line goes to stderr. Only this server's
    // and the wallet's lines (and rmcp's warnings): the proving libraries trace their
    // constraint systems, and formatting those would cost more than the proof.
    let targets = Targets::new()
        .with_target("agora::mcp", Level::INFO)
        .with_target("agora_mcp", Level::INFO)
        .with_target("rmcp", Level::WARN);
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(Level::INFO)
        .finish()
        .with(targets)
        .init();
    let node = node.ok_or_else(|| anyhow!("agora mcp needs --node URL (or AGORA_NODE): the node it posts to"))?;
    let key = read_key_file(&args.key)?;
    let did = key.id().did();
    let mut wallet = Wallet::new(node, key, keys)?;
    if let Some(path) = &args.encryption_key {
        wallet = wallet.with_encryption_key(crate::encryption_key::read(path)?);
    }
    let tools = AgoraTools::new(Arc::new(wallet));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        match args.http {
            None => {
                tracing::info!(did = %did, node = %node, "agora mcp serving on stdio");
                serve_stdio(tools).await?;
            }
            Some(addr) => {
                let server = HttpServer::bind(addr).await?;
                tracing::info!(url = %server.url(), did = %did, node = %node, "agora mcp listening");
                server.run(tools, crate::serve::shutdown_signal()).await?;
            }
        }
        anyhow::Ok(())
    })
}
