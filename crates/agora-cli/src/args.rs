//! Command-line arguments.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Agora: an open, verifiable marketplace for autonomous agents, on an embedded redb file.
#[derive(Parser)]
#[command(name = "agora", version, about)]
pub struct Cli {
    /// The marketplace database file.
    #[arg(long, global = true, default_value = "agora.redb", env = "AGORA_DB")]
    pub db: PathBuf,
    /// Directory of proof keys (default: `<db>.keys` next to the database, if it exists).
    #[arg(long, global = true, env = "AGORA_KEYS")]
    pub keys: Option<PathBuf>,
    /// URL of a node (`agora serve`): `tx`, `submit` and `query` talk to it instead of --db;
    /// `credential verify` checks the credential against it.
    #[arg(long, global = true, env = "AGORA_NODE")]
    pub node: Option<String>,
    /// Set when --db was given explicitly.
    #[arg(skip)]
    pub db_given: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses arguments, remembering whether `--db` was given.
    pub fn parse() -> Cli {
        let given =
            std::env::args().any(|a| a == "--db" || a.starts_with("--db=")) || std::env::var_os("AGORA_DB").is_some();
        let mut cli = <Cli as Parser>::parse();
        cli.db_given = given;
        cli
    }
}

/// Commands.
#[derive(Subcommand)]
pub enum Command {
    /// Create a marketplace database from a genesis JSON file or development defaults.
    Init(InitArgs),
    /// Key management.
    Key(KeyArgs),
    /// Build and sign a transaction; prints it as JSON.
    Tx(TxArgs),
    /// Operator: sign an approval to register, rotate or retire a proof-gated task kind
    /// (snarkjs verifying keys accepted); prints the transaction as JSON.
    Kind(crate::kind_args::KindArgs),
    /// Apply signed transactions (JSON lines) as blocks; prints receipts as JSON lines.
    Submit(SubmitArgs),
    /// Read state as JSON.
    Query(QueryArgs),
    /// Employer: decrypt a settled fair-exchange task's output with the encryption key file and
    /// check it against the task's output commitment (from --db, or --node).
    Decrypt(DecryptArgs),
    /// Rebuild the state from the stored blocks and compare digests.
    Replay(ReplayArgs),
    /// List the audit log of operator and arbitration actions, or verify its hash chain.
    Audit(AuditArgs),
    /// Run a whole marketplace scenario on a fresh database and print a summary.
    Demo(DemoArgs),
    /// Generate Groth16 keys for the proof-gated task kinds (OS randomness).
    Setup(SetupArgs),
    /// Prove a task's completion from a JSON witness; prints the signed SubmitCompletion tx.
    Prove(ProveArgs),
    /// Import a ceremony's keys (raw arkworks-compressed VK and PK) for one kind.
    ImportKeys(ImportKeysArgs),
    /// Measure throughput, latency, proving and verification on this machine (about a minute;
    /// uses scratch databases, never --db).
    Bench(BenchArgs),
    /// Run a network node on --db (created from the development genesis if absent), alone or
    /// as a member of a replicated cluster (--cluster).
    Serve(crate::serve::ServeArgs),
    /// Create a cluster's files, change its membership, or show each member's view.
    Cluster(crate::cluster::ClusterArgs),
    /// Run an MCP server acting as one agent's wallet on --node (stdio; streamable HTTP with
    /// --http): tools to post, bid, award, prove, accept and dispute, signed with --key.
    Mcp(crate::mcp::McpArgs),
    /// Export keys, proofs and agent descriptions in standard forms (snarkjs, ERC-8004, A2A).
    Export(crate::interop_args::ExportArgs),
    /// Import a proof made by snarkjs.
    Import(crate::interop_args::ImportArgs),
    /// Issue and verify W3C VC 2.0 credentials of completions and reputations.
    Credential(crate::interop_args::CredentialArgs),
}

/// `agora init`.
#[derive(Args)]
pub struct InitArgs {
    /// Genesis JSON file; without it a development genesis is created.
    #[arg(long)]
    pub genesis: Option<PathBuf>,
    /// Operator secret key (hex) for the development genesis; a new one is generated if absent.
    #[arg(long)]
    pub operator_secret: Option<String>,
    /// Genesis time for the development genesis (seconds; default: now).
    #[arg(long)]
    pub time: Option<u64>,
    /// Also run the trusted setup for the proof-gated kinds (keys in --keys or `<db>.keys`)
    /// and register their key ids in the development genesis.
    #[arg(long)]
    pub with_proofs: bool,
}

/// `agora setup`.
#[derive(Args)]
pub struct SetupArgs {
    /// Depth of the `hashchain` kind's circuit.
    #[arg(long, default_value_t = agora::proofs::DEFAULT_HASHCHAIN_DEPTH)]
    pub hashchain_depth: u32,
}

/// `agora import-keys`.
#[derive(Args)]
pub struct ImportKeysArgs {
    /// Kind: aggregate, classify, hashchain, fair_aggregate or fair_classify.
    #[arg(long)]
    pub kind: String,
    /// Circuit depth, for hashchain.
    #[arg(long, default_value_t = agora::proofs::DEFAULT_HASHCHAIN_DEPTH)]
    pub depth: u32,
    /// Verifying key file (arkworks compressed).
    #[arg(long)]
    pub vk: PathBuf,
    /// Proving key file (arkworks compressed).
    #[arg(long)]
    pub pk: PathBuf,
}

/// `agora prove`.
#[derive(Args)]
pub struct ProveArgs {
    /// Worker's secret key (hex), or set AGORA_SECRET.
    #[arg(long, env = "AGORA_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Task id.
    #[arg(long)]
    pub task: u64,
    /// Witness JSON file (`{"kind": "aggregate" | "classify" | "hashchain", ...}`).
    #[arg(long)]
    pub witness: PathBuf,
    /// Nonce (default: the worker's next nonce).
    #[arg(long)]
    pub nonce: Option<u64>,
    /// Also write the completion (result in the clear, output commitment, public inputs) here,
    /// to hand to the employer with the output salt.
    #[arg(long)]
    pub completion_out: Option<PathBuf>,
}

/// `agora key`.
#[derive(Args)]
pub struct KeyArgs {
    /// Key command.
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// `agora decrypt`.
#[derive(Args)]
pub struct DecryptArgs {
    /// The task id.
    #[arg(long)]
    pub task: u64,
    /// The employer's encryption key file (from `agora key encryption`).
    #[arg(long)]
    pub key: std::path::PathBuf,
}

/// Key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a key from OS randomness; prints `{did, secret}`.
    New,
    /// Print the W3C DID document of a did:key.
    Document {
        /// The did:key.
        did: String,
    },
    /// Generate a BabyJubJub encryption key (fair exchange) from OS randomness into a new
    /// owner-only file; prints the public key. Register it with `tx register-encryption-key`.
    Encryption {
        /// The key file to create (refused if it exists).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

/// `agora tx`: common signing options and the action.
#[derive(Args)]
pub struct TxArgs {
    /// Sender's secret key (hex), or set AGORA_SECRET.
    #[arg(long, env = "AGORA_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Nonce (default: the sender's next nonce from --db).
    #[arg(long)]
    pub nonce: Option<u64>,
    /// Genesis hash (hex) to sign for, when signing offline without --db (needs --nonce).
    #[arg(long, requires = "nonce")]
    pub genesis_hash: Option<String>,
    /// The action.
    #[command(subcommand)]
    pub action: TxAction,
}

/// Transaction kinds.
#[derive(Subcommand)]
pub enum TxAction {
    /// Operator: declare an asset.
    DeclareAsset {
        /// Ticker.
        #[arg(long)]
        symbol: String,
        /// Display decimals.
        #[arg(long, default_value_t = 0)]
        decimals: u8,
    },
    /// Operator: credit a deposit.
    Deposit {
        /// Beneficiary did:key.
        #[arg(long)]
        to: String,
        /// Asset id.
        #[arg(long)]
        asset: u32,
        /// Amount in smallest units.
        #[arg(long)]
        amount: u128,
    },
    /// Withdraw own funds.
    Withdraw {
        /// Asset id.
        #[arg(long)]
        asset: u32,
        /// Amount.
        #[arg(long)]
        amount: u128,
    },
    /// Transfer funds.
    Transfer {
        /// Recipient did:key.
        #[arg(long)]
        to: String,
        /// Asset id.
        #[arg(long)]
        asset: u32,
        /// Amount.
        #[arg(long)]
        amount: u128,
    },
    /// Register (locks the bond).
    Register,
    /// Deregister (starts the bond cool-down).
    Deregister,
    /// Reclaim the bond after the cool-down.
    ReclaimBond,
    /// Post a task with its budget escrowed.
    PostTask(PostTaskArgs),
    /// Bid on a task.
    PlaceBid {
        /// Task id.
        #[arg(long)]
        task: u64,
        /// Price.
        #[arg(long)]
        price: u128,
        /// Promised delivery time in seconds.
        #[arg(long, default_value_t = 3600)]
        eta: u64,
        /// Hash (hex, 32 bytes) of the signed execution plan.
        #[arg(long)]
        plan_hash: String,
    },
    /// Withdraw your bid.
    WithdrawBid {
        /// Task id.
        #[arg(long)]
        task: u64,
    },
    /// Award a task to a bidder (employer).
    Award {
        /// Task id.
        #[arg(long)]
        task: u64,
        /// Bidder did:key.
        #[arg(long)]
        bidder: String,
    },
    /// Cancel an unawarded task (employer).
    Cancel {
        /// Task id.
        #[arg(long)]
        task: u64,
    },
    /// Expire a task after its delivery deadline (anyone).
    Expire {
        /// Task id.
        #[arg(long)]
        task: u64,
    },
    /// Accept the delivery and pay (employer).
    Accept {
        /// Task id.
        #[arg(long)]
        task: u64,
    },
    /// Submit a completion proof (worker).
    SubmitCompletion {
        /// Task id.
        #[arg(long)]
        task: u64,
        /// Output commitment (hex, canonical field element).
        #[arg(long)]
        output_commitment: String,
        /// Proof (hex).
        #[arg(long)]
        proof: String,
        /// For a fair-exchange task: the sealed output as JSON (`{"ephemeral_key":…,"ciphertext":[…]}`).
        #[arg(long)]
        sealed: Option<String>,
    },
    /// Register the BabyJubJub encryption key in --key-file (from `agora key encryption`)
    /// with its proof of possession, so fair-exchange workers can seal outputs to it.
    RegisterEncryptionKey {
        /// The encryption key file.
        #[arg(long)]
        key_file: std::path::PathBuf,
    },
    /// Offer a loan; the principal is escrowed at once (lender).
    OfferLoan {
        /// Asset id of the principal (needs a genesis reference amount).
        #[arg(long)]
        asset: u32,
        /// Principal.
        #[arg(long)]
        principal: u128,
        /// Flat interest for the whole term, in basis points (at most 10,000).
        #[arg(long, default_value_t = 0)]
        interest_bps: u16,
        /// Due time (block time, seconds); default may be claimed strictly after it.
        #[arg(long)]
        due: u64,
        /// Only this did:key may accept.
        #[arg(long)]
        borrower: Option<String>,
    },
    /// Withdraw an unaccepted loan offer; the principal is refunded (lender).
    CancelLoan {
        /// Loan id.
        #[arg(long)]
        loan: u64,
    },
    /// Accept a loan by pledging reputation points (borrower).
    AcceptLoan {
        /// Loan id.
        #[arg(long)]
        loan: u64,
        /// Reputation points pledged.
        #[arg(long)]
        pledge: u64,
    },
    /// Repay principal plus interest and unlock the pledge (borrower).
    RepayLoan {
        /// Loan id.
        #[arg(long)]
        loan: u64,
    },
    /// After the due time: burn the pledge and take the bond share (lender).
    ClaimDefault {
        /// Loan id.
        #[arg(long)]
        loan: u64,
    },
    /// Dispute an awarded task, posting the dispute fee (employer or worker).
    OpenDispute {
        /// Task id.
        #[arg(long)]
        task: u64,
    },
    /// Register as an arbitrator, locking the arbitrator bond.
    RegisterArbitrator,
    /// Retire as an arbitrator (no open panels); the bond is returned.
    RetireArbitrator,
    /// Vote on a case as a panel member.
    Vote {
        /// Case id.
        #[arg(long)]
        case: u64,
        /// Worker share of the escrow in basis points (freeze case: 10000 lifts, 0 upholds).
        #[arg(long)]
        worker_bps: u16,
    },
    /// Close a case after its appeal window, or apply the default after a missed deadline.
    ResolveDispute {
        /// Case id.
        #[arg(long)]
        case: u64,
    },
    /// Appeal a first-round ruling you lost, posting the appeal bond.
    Appeal {
        /// Case id.
        #[arg(long)]
        case: u64,
    },
    /// Operator: approve freezing an agent.
    Freeze {
        /// The agent's did:key.
        #[arg(long)]
        agent: String,
        /// Reason code.
        #[arg(long)]
        reason: u16,
        /// Evidence hash (hex, 32 bytes).
        #[arg(long)]
        evidence: String,
    },
    /// Appeal your own freeze to an arbitration panel, posting the dispute fee.
    AppealFreeze,
    /// Operator: approve adding an agent to the trusted set (or, with --remove, removing it);
    /// takes effect at the genesis operator threshold.
    Trust {
        /// The agent's did:key.
        #[arg(long)]
        agent: String,
        /// Approve removing it instead of adding it.
        #[arg(long)]
        remove: bool,
    },
}

/// `agora tx post-task`.
#[derive(Args)]
pub struct PostTaskArgs {
    /// Title.
    #[arg(long)]
    pub title: String,
    /// Requirements text.
    #[arg(long, default_value = "")]
    pub requirements: String,
    /// Task kind (0 = manual).
    #[arg(long, default_value_t = 0)]
    pub kind: u16,
    /// Kind parameter (hex field element); repeat for several.
    #[arg(long = "param")]
    pub params: Vec<String>,
    /// Input commitment (hex field element).
    #[arg(long, default_value = "00")]
    pub input_commitment: String,
    /// Asset id of the budget.
    #[arg(long)]
    pub asset: u32,
    /// Budget.
    #[arg(long)]
    pub budget: u128,
    /// Bid deadline (block time, seconds).
    #[arg(long)]
    pub bid_deadline: u64,
    /// Delivery deadline (block time, seconds).
    #[arg(long)]
    pub delivery_deadline: u64,
    /// Take kind, parameters and input commitment from this task data (a witness JSON file, as
    /// the worker will use it), instead of --kind/--param/--input-commitment.
    #[arg(long, conflicts_with_all = ["kind", "params", "input_commitment"])]
    pub terms_from: Option<PathBuf>,
    /// With --terms-from: post the fair-exchange variant of the data's kind (aggregate → 11,
    /// classify → 12), paid only against the output sealed to the employer's encryption key.
    #[arg(long, requires = "terms_from")]
    pub fair_exchange: bool,
    /// Payout split `DID=BPS`; repeat for several.
    #[arg(long = "split")]
    pub splits: Vec<String>,
    /// Minimum bidder reputation.
    #[arg(long, default_value_t = 0)]
    pub min_reputation: u64,
    /// Post as a sub-task of this awarded task (you must be its worker; the delivery deadline
    /// may not exceed the parent's).
    #[arg(long)]
    pub parent: Option<u64>,
}

/// `agora submit`.
#[derive(Args)]
pub struct SubmitArgs {
    /// File of signed transactions, one JSON object per line (default: stdin).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Block time (default: the later of now and the tip's time).
    #[arg(long)]
    pub time: Option<u64>,
    /// Transactions per block.
    #[arg(long, default_value_t = 1000)]
    pub block_size: usize,
}

/// `agora query`.
#[derive(Args)]
pub struct QueryArgs {
    /// What to read.
    #[command(subcommand)]
    pub what: QueryWhat,
}

/// Queries.
#[derive(Subcommand)]
pub enum QueryWhat {
    /// Chain tip, genesis hash and configuration.
    Tip,
    /// An agent's account and balances.
    Agent {
        /// did:key.
        did: String,
    },
    /// An agent's reputation, explained (score, epoch, standing, top sources, decay).
    Reputation {
        /// did:key.
        did: String,
    },
    /// One balance.
    Balance {
        /// did:key.
        did: String,
        /// Asset id.
        #[arg(long, default_value_t = 1)]
        asset: u32,
    },
    /// Every asset.
    Assets,
    /// A task, with its parent and sub-tasks.
    Task {
        /// Task id.
        id: u64,
    },
    /// A loan.
    Loan {
        /// Loan id.
        id: u64,
    },
    /// Tasks in id order.
    Tasks {
        /// First id.
        #[arg(long, default_value_t = 1)]
        from: u64,
        /// Maximum number.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// A task's job offer as JSON-LD.
    Offer {
        /// Task id.
        id: u64,
    },
    /// A task's bids.
    Bids {
        /// Task id.
        task: u64,
    },
    /// Open bids across all tasks, one page `{items, next?}` in (task, bidder) order; pass
    /// `next`'s `from` and `after` for the following page.
    OpenBids {
        /// First task id.
        #[arg(long, default_value_t = 1)]
        from: u64,
        /// Within task --from, start after this bidder (did:key).
        #[arg(long)]
        after: Option<String>,
        /// Page size (at most 1000).
        #[arg(long, default_value_t = agora_api::limits::DEFAULT_PAGE)]
        limit: usize,
    },
    /// Receipts of a block.
    Receipts {
        /// Block height.
        height: u64,
    },
    /// A stored block.
    Block {
        /// Block height.
        height: u64,
    },
    /// Per asset: supply vs balances + escrow + bonds (conservation check).
    Totals,
    /// A dispute case.
    Dispute {
        /// Case id.
        id: u64,
    },
    /// An agent's arbitrator record.
    Arbitrator {
        /// did:key.
        did: String,
    },
    /// An agent's freeze record.
    Freeze {
        /// did:key.
        did: String,
    },
    /// An agent's registered encryption key (fair exchange).
    EncryptionKey {
        /// did:key.
        did: String,
    },
    /// A fair-exchange task's employer key and sealed output (still encrypted).
    Sealed {
        /// Task id.
        id: u64,
    },
    /// The trusted set: the seeds of standing (genesis list plus operator changes).
    Trusted,
    /// The kind registry: every task kind with its verifying-key versions.
    Kinds,
}

/// `agora audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// `verify`: recompute the hash chain; without it, list entries.
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only entries of this kind (e.g. freeze_activated, ruling).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only entries whose actor or subject is this did:key.
    #[arg(long)]
    pub agent: Option<String>,
}

/// `agora audit` subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit chain from the database; exits 1 at the first break.
    Verify,
}

/// `agora replay`.
#[derive(Args)]
pub struct ReplayArgs {
    /// Where to build the fresh copy (default: a temporary file, removed afterwards).
    #[arg(long)]
    pub into: Option<PathBuf>,
}

/// `agora demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Agents taking part (half employers, half workers).
    #[arg(long, default_value_t = 40)]
    pub agents: usize,
    /// Tasks posted and settled by the employer's acceptance.
    #[arg(long, default_value_t = 200)]
    pub tasks: usize,
    /// Tasks settled by a zero-knowledge proof of completion (spread over the three kinds).
    #[arg(long, default_value_t = 9)]
    pub proof_tasks: usize,
    /// Overwrite the database given with --db if it exists. Without --db the demo uses its
    /// own file, agora-demo.redb (and agora-demo.redb.keys/), recreated on every run.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// `agora bench`.
#[derive(Args)]
pub struct BenchArgs {
    /// Durable blocks of signed transfers to commit (after 2 warm-up blocks).
    #[arg(long, default_value_t = 30)]
    pub blocks: usize,
    /// Transfers per block.
    #[arg(long, default_value_t = 1000)]
    pub block_size: usize,
    /// Task lifecycles (post, bid, award, accept) per round of four blocks.
    #[arg(long, default_value_t = 500)]
    pub lifecycle_tasks: usize,
    /// Rounds of task lifecycles.
    #[arg(long, default_value_t = 3)]
    pub lifecycle_rounds: usize,
    /// Proofs per kind, each way (ours and plain ark-groth16); 0 skips proving.
    #[arg(long, default_value_t = 2)]
    pub proofs: usize,
    /// Proofs in the verification batch (per-proof costs are also given at 16, 64 and 256,
    /// as far as this allows); 0 skips verification.
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Proof-gated completions in one block (each is proven first); 0 skips them.
    #[arg(long, default_value_t = 64)]
    pub completions: usize,
    /// Directory for the scratch databases (default: the system temp directory); they are
    /// removed afterwards.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Print the figures as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// No progress lines on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// A reduced run (under a minute here): 8 blocks, 100 lifecycles in one round, 1 proof
    /// per kind, a batch of 64, 32 completions. Overrides those sizes.
    #[arg(long)]
    pub quick: bool,
    /// Measure a node over loopback HTTP instead, beside in-process durable blocks.
    #[arg(long)]
    pub http: bool,
    /// Measure a 3-member cluster in this process over loopback HTTP instead, beside a single
    /// node (uses --clients and --http-txs).
    #[arg(long, conflicts_with = "http")]
    pub cluster: bool,
    /// With --http or --cluster: concurrent clients.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// With --http or --cluster: signed transfers per measured run.
    #[arg(long, default_value_t = 40_000)]
    pub http_txs: usize,
}
