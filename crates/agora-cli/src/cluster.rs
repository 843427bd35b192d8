//! `agora cluster` (init, add, remove, status) and `agora serve --cluster`.

use crate::output::print_pretty;
use agora::{AgentKey, Genesis, Marketplace};
use agora_cluster::{ClusterConfig, ClusterMember, MemberEntry, MembershipChange, NodeId, RaftTiming, Signer};
use agora_node::NodeConfig;
use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `agora cluster`.
#[derive(Args)]
pub struct ClusterArgs {
    #[command(subcommand)]
    pub command: ClusterCommand,
}

/// What `agora cluster` does.
#[derive(Subcommand)]
pub enum ClusterCommand {
    /// Write a new cluster's files into --dir: cluster.toml, genesis.json, the operator key and
    /// one key file per node; prints the command that starts each node.
    Init {
        /// Directory for the files (created if absent; existing files are not overwritten).
        #[arg(long)]
        dir: PathBuf,
        /// Number of nodes (3 tolerates one failure).
        #[arg(long, default_value_t = 3)]
        nodes: u64,
        /// The cluster's name.
        #[arg(long, default_value = "agora")]
        name: String,
        /// Host the nodes listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Port of node 1; node N listens on base-port + N - 1.
        #[arg(long, default_value_t = 7001)]
        base_port: u16,
        /// Genesis time (seconds; default: now).
        #[arg(long)]
        time: Option<u64>,
    },
    /// Add a member: it is listed in --cluster (if not yet), must be running (started with
    /// that file), is caught up as a learner, then becomes a voter.
    Add {
        /// The cluster file.
        #[arg(long)]
        cluster: PathBuf,
        /// The new member's id.
        #[arg(long)]
        id: NodeId,
        /// The address it listens on.
        #[arg(long)]
        addr: SocketAddr,
        /// Its did:key.
        #[arg(long)]
        key: String,
        /// Only list it in the cluster file (then start it, then run `add` again).
        #[arg(long)]
        config_only: bool,
        /// Id of the member whose key signs the request.
        #[arg(long)]
        signer_id: NodeId,
        /// That member's key file.
        #[arg(long)]
        signer_key: PathBuf,
    },
    /// Remove a member from the voters and the cluster.
    Remove {
        /// The cluster file.
        #[arg(long)]
        cluster: PathBuf,
        /// The member to remove.
        #[arg(long)]
        id: NodeId,
        /// Id of the member whose key signs the request.
        #[arg(long)]
        signer_id: NodeId,
        /// That member's key file.
        #[arg(long)]
        signer_key: PathBuf,
    },
    /// Print each member's view (role, leader, term, log and applied index, membership).
    Status {
        /// The cluster file (every listed member is asked).
        #[arg(long)]
        cluster: PathBuf,
    },
}

fn key_json(key: &AgentKey) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&json!({ "did": key.id().did(), "secret": key.secret_hex() }))?)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")
}

fn signer(config: &ClusterConfig, id: NodeId, key_file: &Path) -> anyhow::Result<Signer> {
    let key = agora_mcp::read_key_file(key_file)?;
    let listed = config.node(id).with_context(|| format!("node {id} is not in the cluster file"))?;
    anyhow::ensure!(listed.key == key.id().did(), "{} is not node {id}'s key", key_file.display());
    Ok(Signer { cluster: config.name.clone(), id, key: Arc::new(key), clock_offset_secs: 0 })
}

pub fn run(args: ClusterArgs) -> anyhow::Result<()> {
    match args.command {
        ClusterCommand::Init { dir, nodes, name, host, base_port, time } => {
            anyhow::ensure!((1..=agora_cluster::MAX_MEMBERS as u64).contains(&nodes), "--nodes must be 1 to 64");
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let operator = AgentKey::generate()?;
            let genesis = Genesis::development(operator.id(), time.unwrap_or_else(crate::init::now_secs));
            crate::serve::write_private(&dir.join("operator.json"), &key_json(&operator)?)?;
            crate::serve::write_private(&dir.join("genesis.json"), &serde_json::to_string_pretty(&genesis)?)?;
            let mut entries = Vec::new();
            let mut commands = Vec::new();
            for id in 1..=nodes {
                let key = AgentKey::generate()?;
                let key_file = dir.join(format!("node{id}.json"));
                crate::serve::write_private(&key_file, &key_json(&key)?)?;
                let port = base_port.checked_add(u16::try_from(id - 1)?).context("port out of range")?;
                entries.push(MemberEntry { id, addr: SocketAddr::new(host, port), key: key.id().did() });
                commands.push(format!(
                    "agora --db {} serve --cluster {} --node-id {id} --node-key {}",
                    dir.join(format!("node{id}.redb")).display(),
                    dir.join("cluster.toml").display(),
                    key_file.display()
                ));
            }
            let config = ClusterConfig {
                name,
                genesis: PathBuf::from("genesis.json"),
                raft: RaftTiming::default(),
                nodes: entries,
            };
            config.check().map_err(|e| anyhow::anyhow!(e))?;
            let path = dir.join("cluster.toml");
            anyhow::ensure!(!path.exists(), "{} exists already", path.display());
            config.save(&path)?;
            print_pretty(&json!({
                "cluster": path.display().to_string(),
                "operator": operator.id().did(),
                "operator_key": dir.join("operator.json").display().to_string(),
                "start": commands,
            }))
        }
        ClusterCommand::Add { cluster, id, addr, key, config_only, signer_id, signer_key } => {
            let mut config = ClusterConfig::load(&cluster)?;
            let entry = MemberEntry { id, addr, key: key.clone() };
            match config.node(id) {
                Some(listed) => anyhow::ensure!(*listed == entry, "node {id} is listed with another address or key"),
                None => {
                    config.nodes.push(entry.clone());
                    config.check().map_err(|e| anyhow::anyhow!(e))?;
                    config.save(&cluster)?;
                }
            }
            if config_only {
                return print_pretty(&json!({ "listed": id, "cluster": cluster.display().to_string() }));
            }
            let signer = signer(&config, signer_id, &signer_key)?;
            let change = MembershipChange::Add { id, url: entry.member().url, key };
            let status = runtime()?.block_on(agora_cluster::admin::change_membership(&config, &signer, &change))?;
            print_pretty(&status)
        }
        ClusterCommand::Remove { cluster, id, signer_id, signer_key } => {
            let config = ClusterConfig::load(&cluster)?;
            let signer = signer(&config, signer_id, &signer_key)?;
            let change = MembershipChange::Remove { id };
            let status = runtime()?.block_on(agora_cluster::admin::change_membership(&config, &signer, &change))?;
            print_pretty(&status)
        }
        ClusterCommand::Status { cluster } => {
            let config = ClusterConfig::load(&cluster)?;
            let views = runtime()?.block_on(async {
                let client = reqwest::Client::new();
                let mut views = Vec::new();
                for node in &config.nodes {
                    let view = match agora_cluster::admin::status(&client, &node.member().url).await {
                        Ok(status) => serde_json::to_value(status)?,
                        Err(error) => json!({ "id": node.id, "unreachable": error.to_string() }),
                    };
                    views.push(view);
                }
                anyhow::Ok(views)
            })?;
            print_pretty(&views)
        }
    }
}

/// Opens --db, or creates it from the cluster's genesis.
fn open_or_create(db: &Path, keys: Option<&Path>, genesis_file: &Path) -> anyhow::Result<Marketplace> {
    if !db.exists() {
        let text = crate::input::read_text_bounded(genesis_file, "genesis", crate::input::MAX_GENESIS_JSON_BYTES)?;
        let genesis: Genesis =
            agora::core::json::from_str_bounded(&text, "genesis", crate::input::MAX_GENESIS_JSON_BYTES as usize)
                .with_context(|| format!("parsing genesis {}", genesis_file.display()))?;
        drop(Marketplace::create(db, genesis).with_context(|| format!("creating {}", db.display()))?);
        tracing::info!(db = %db.display(), "created the member's database from the cluster genesis");
    }
    crate::keys::open_market(db, keys)
}

/// `agora serve --cluster`: runs member `node_id` of the cluster file until Ctrl-C or SIGTERM.
pub fn serve(
    db: &Path,
    keys: Option<&Path>,
    cluster: &Path,
    node_id: NodeId,
    node_key: &Path,
    config: NodeConfig,
    clock_offset_secs: i64,
) -> anyhow::Result<()> {
    let cluster_config = ClusterConfig::load(cluster)?;
    let key = agora_mcp::read_key_file(node_key)?;
    let market = open_or_create(db, keys, &cluster_config.genesis_file(cluster))?;
    let log = agora_cluster::log_path(db);
    runtime()?.block_on(async {
        let member =
            ClusterMember::start(market, &log, cluster_config, node_id, key, config, clock_offset_secs).await?;
        tracing::info!(node = node_id, listen = %member.local_addr(), db = %db.display(), log = %log.display(),
            "agora cluster member listening");
        member.run(crate::serve::shutdown_signal()).await?;
        anyhow::Ok(())
    })
}
