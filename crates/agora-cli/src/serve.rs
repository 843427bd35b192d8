//! `agora serve`: the network node on --db.

use agora::{AgentKey, Genesis, Marketplace};
use agora_node::{Node, NodeConfig};
use anyhow::Context;
use clap::Args;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `agora serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the log names the one chosen).
    #[arg(long, default_value = "127.0.0.1:8645")]
    pub listen: SocketAddr,
    /// Longest a block waits for more transactions after its first one (milliseconds).
    #[arg(long, default_value_t = agora_node::DEFAULT_MAX_WAIT.as_millis() as u64)]
    pub max_wait_ms: u64,
    /// A block also closes once no transaction arrived for this long (microseconds).
    #[arg(long, default_value_t = agora_node::DEFAULT_MAX_IDLE.as_micros() as u64)]
    pub max_idle_us: u64,
    /// Most transactions per block.
    #[arg(long, default_value_t = agora_node::DEFAULT_MAX_BLOCK_TXS)]
    pub max_block_txs: usize,
    /// Most transactions waiting in the mempool (beyond it posts answer 429).
    #[arg(long, default_value_t = agora_node::DEFAULT_MEMPOOL_CAPACITY)]
    pub mempool: usize,
    /// Per-request timeout in milliseconds (beyond it 408).
    #[arg(long, default_value_t = agora_node::DEFAULT_REQUEST_TIMEOUT.as_millis() as u64)]
    pub request_timeout_ms: u64,
    /// Most requests served at once (beyond it 429).
    #[arg(long, default_value_t = agora_node::DEFAULT_MAX_CONCURRENT_REQUESTS)]
    pub max_concurrent: usize,
    /// The base URL clients reach this node at (e.g. https://node.example), advertised in the
    /// A2A agent card and ERC-8004 registration files; default: http:// and the bound address.
    #[arg(long, env = "AGORA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// URL of the operator agent's MCP wallet (`agora mcp --http`), advertised in the operator's
    /// ERC-8004 registration; without it no MCP service is advertised.
    #[arg(long, env = "AGORA_OPERATOR_MCP_URL")]
    pub operator_mcp_url: Option<String>,
    /// Run as a member of the cluster this file describes (`agora cluster init` writes one);
    /// the member listens on its address from the file, not --listen.
    #[arg(long, requires_all = ["node_id", "node_key"])]
    pub cluster: Option<PathBuf>,
    /// This member's id in the cluster file.
    #[arg(long)]
    pub node_id: Option<u64>,
    /// This member's key file (`{"did", "secret"}`, as `agora cluster init` writes it).
    #[arg(long)]
    pub node_key: Option<PathBuf>,
    /// Seconds added to this member's clock in what it signs and checks: only for testing how a
    /// cluster treats a member whose clock is far off.
    #[arg(long, default_value_t = 0, hide = true, allow_hyphen_values = true)]
    pub clock_offset_secs: i64,
}

/// Where a newly created development database keeps its operator key.
fn operator_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".operator.json");
    PathBuf::from(name)
}

/// Opens --db, or creates it from the development genesis with a new operator whose key is
/// written next to it.
fn open_or_create(db: &Path, keys: Option<&Path>) -> anyhow::Result<Marketplace> {
    if db.exists() {
        return crate::keys::open_market(db, keys);
    }
    let operator = AgentKey::generate()?;
    let file = operator_file(db);
    let market = Marketplace::create(db, Genesis::development(operator.id(), crate::init::now_secs()))
        .with_context(|| format!("creating {}", db.display()))?;
    let key = serde_json::json!({ "did": operator.id().did(), "secret": operator.secret_hex() });
    write_private(&file, &serde_json::to_string_pretty(&key)?)?;
    tracing::info!(db = %db.display(), operator = %operator.id().did(), key_file = %file.display(),
        "created a development marketplace; its operator key is in the key file");
    Ok(market)
}

/// Writes `text` to a new file readable only by its owner (refusing an existing file).
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return ctrl_c.await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

pub fn run(db: &Path, keys: Option<&Path>, args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_max_level(tracing::Level::INFO)
        .init();
    let config = NodeConfig {
        listen: args.listen,
        max_wait: Duration::from_millis(args.max_wait_ms),
        max_idle: Duration::from_micros(args.max_idle_us.max(1)),
        max_block_txs: args.max_block_txs,
        mempool_capacity: args.mempool,
        request_timeout: Duration::from_millis(args.request_timeout_ms.max(1)),
        max_concurrent_requests: args.max_concurrent,
        public_url: args.public_url.clone(),
        operator_mcp_url: args.operator_mcp_url.clone(),
        ..NodeConfig::default()
    };
    if let (Some(cluster), Some(node_id), Some(node_key)) = (&args.cluster, args.node_id, &args.node_key) {
        return crate::cluster::serve(db, keys, cluster, node_id, node_key, config, args.clock_offset_secs);
    }
    let market = open_or_create(db, keys)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let tip = market.tip();
        let node = Node::bind(market, config).await.with_context(|| format!("binding {}", args.listen))?;
        tracing::info!(listen = %node.local_addr(), public_url = %node.public_url(), genesis_hash = %hex::encode(node.genesis_hash()),
            height = tip.height, db = %db.display(), "agora node listening");
        node.run(shutdown_signal()).await.context("serving")
    })
}
