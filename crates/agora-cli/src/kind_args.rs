//! Arguments of `agora kind …`: changing the kind registry by operator transaction.

use clap::{Args, Subcommand};

/// `agora kind`: signing options (as `agora tx`) and the registry change.
#[derive(Args)]
pub struct KindArgs {
    /// Operator's secret key (hex), or set AGORA_SECRET.
    #[arg(long, env = "AGORA_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Nonce (default: the sender's next nonce from --db or --node).
    #[arg(long)]
    pub nonce: Option<u64>,
    /// Genesis hash (hex) to sign for, when signing offline without --db (needs --nonce).
    #[arg(long, requires = "nonce")]
    pub genesis_hash: Option<String>,
    /// The change.
    #[command(subcommand)]
    pub change: KindChange,
}

/// Registry changes; each is one operator's approval and takes effect at the genesis operator
/// threshold of identical approvals.
#[derive(Subcommand)]
pub enum KindChange {
    /// Approve registering a new proof-gated task kind with its verifying key.
    Register(RegisterKindArgs),
    /// Approve a kind's next verifying-key version (tasks posted before keep theirs).
    Rotate(RotateKindArgs),
    /// Approve retiring a kind: no new tasks; open ones still settle or refund.
    Retire {
        /// Kind number.
        #[arg(long)]
        kind: u16,
    },
}

/// Where a verifying key comes from: exactly one of the three.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct VkSource {
    /// snarkjs `verification_key.json` (e.g. `snarkjs zkey export verificationkey`).
    #[arg(long)]
    pub circom_vk: Option<std::path::PathBuf>,
    /// An Agora verifying-key file (`<name>.vk` of a key directory).
    #[arg(long)]
    pub vk_file: Option<std::path::PathBuf>,
    /// The key as hex of its canonical compressed arkworks bytes.
    #[arg(long)]
    pub vk_hex: Option<String>,
}

/// `agora kind register`.
#[derive(Args)]
pub struct RegisterKindArgs {
    /// The new kind's number (unused, not 0).
    #[arg(long)]
    pub kind: u16,
    /// Unique name.
    #[arg(long)]
    pub name: String,
    /// What a task of this kind asks for and what its proof establishes.
    #[arg(long, default_value = "")]
    pub description: String,
    /// Number of kind-specific public parameters each task posts (after the five binding
    /// inputs).
    #[arg(long, default_value_t = 0)]
    pub params: u8,
    /// Share of a completion's reputation gain the kind confers, in basis points.
    #[arg(long, default_value_t = 10_000)]
    pub weight_bps: u16,
    /// Cap on the reputation one completion confers (0 = none).
    #[arg(long, default_value_t = 0)]
    pub max_gain: u64,
    /// The verifying key.
    #[command(flatten)]
    pub vk: VkSource,
}

/// `agora kind rotate`.
#[derive(Args)]
pub struct RotateKindArgs {
    /// Kind number.
    #[arg(long)]
    pub kind: u16,
    /// The new version: the kind's current version plus one.
    #[arg(long)]
    pub version: u16,
    /// Number of the kind's parameters, to check the key's layout before signing.
    #[arg(long)]
    pub params: u8,
    /// The new verifying key.
    #[command(flatten)]
    pub vk: VkSource,
}
