//! Arguments of the interoperability commands: `agora export`, `agora import`,
//! `agora credential`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `agora export`.
#[derive(Args)]
pub struct ExportArgs {
    /// What to export.
    #[command(subcommand)]
    pub command: ExportCommand,
}

/// What `agora export` writes.
#[derive(Subcommand)]
pub enum ExportCommand {
    /// The public inputs the state machine will supply for a completion of a task by a worker
    /// (all but the output commitment), as snarkjs decimal strings: what a circom prover puts
    /// in its input.json.
    Statement {
        /// Task id.
        #[arg(long)]
        task: u64,
        /// The worker's did:key.
        #[arg(long)]
        worker: String,
    },
    /// A kind's verifying key as snarkjs verification_key.json (stdout, or --out FILE).
    Vk {
        /// Kind name (aggregate, classify, hashchain) or number.
        #[arg(long)]
        kind: String,
        /// Key version (default: the kind's current one; genesis keys are version 1).
        #[arg(long)]
        version: Option<u16>,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A verified completion's proof as snarkjs proof.json and public.json (with --out DIR:
    /// the two files plus the kind's verification_key.json; else one JSON object on stdout).
    Proof {
        /// Task id (settled by a verified completion proof).
        #[arg(long)]
        task: u64,
        /// Directory to write proof.json, public.json and verification_key.json into.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// An agent's ERC-8004 registration file.
    Registration {
        /// The agent's did:key.
        did: String,
        /// The node's public base URL (its A2A card is advertised under it).
        #[arg(long, env = "AGORA_NODE_URL")]
        base_url: String,
        /// URL of the agent's MCP wallet (`agora mcp --http`), if it runs one.
        #[arg(long)]
        mcp_url: Option<String>,
        /// Display name (default: "Agora agent" and the DID's last characters).
        #[arg(long)]
        name: Option<String>,
        /// Description (default: the agent's proven-completion count and score).
        #[arg(long)]
        description: Option<String>,
        /// Image URL.
        #[arg(long)]
        image: Option<String>,
    },
    /// The A2A agent card of the marketplace's operator (one skill per task kind).
    AgentCard {
        /// The node's public base URL.
        #[arg(long, env = "AGORA_NODE_URL")]
        base_url: String,
    },
}

/// `agora import`.
#[derive(Args)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub command: ImportCommand,
}

/// What `agora import` reads.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// A snarkjs proof.json → Agora's proof bytes (hex, for `agora tx submit-completion --proof`).
    Proof {
        /// The snarkjs proof.json.
        file: PathBuf,
    },
    /// A snarkjs public.json → the output commitment (hex, for `agora tx submit-completion
    /// --output-commitment`), after checking every other signal is what the state machine will
    /// supply for this task and worker.
    Public {
        /// The snarkjs public.json.
        file: PathBuf,
        /// Task id.
        #[arg(long)]
        task: u64,
        /// The worker's did:key.
        #[arg(long)]
        worker: String,
    },
}

/// `agora credential`.
#[derive(Args)]
pub struct CredentialArgs {
    /// Which credential.
    #[command(subcommand)]
    pub command: CredentialCommand,
}

/// `agora credential` commands.
#[derive(Subcommand)]
pub enum CredentialCommand {
    /// A W3C VC 2.0 credential of a verified completion (eddsa-jcs-2022), on stdout.
    Completion {
        /// Task id.
        #[arg(long)]
        task: u64,
        /// Issuer key file: the JSON `agora key new` prints, or the hex secret alone.
        #[arg(long)]
        issuer_key: PathBuf,
    },
    /// A W3C VC 2.0 credential of an agent's reputation at the tip, on stdout (unsecured
    /// without --issuer-key).
    Reputation {
        /// The agent's did:key.
        #[arg(long)]
        agent: String,
        /// Issuer key file (as for `completion`).
        #[arg(long)]
        issuer_key: Option<PathBuf>,
    },
    /// Verify a credential: signature, did:key and, for a completion, the Groth16 proof; with
    /// --node also the chain, the state digest at its height and (completions) the block's
    /// completion and the task, against that node.
    Verify {
        /// The credential file.
        file: PathBuf,
        /// Also check the chain and state digest against the local --db.
        #[arg(long)]
        check_db: bool,
    },
}
