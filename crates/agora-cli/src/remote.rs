//! `tx`, `submit` and `query` against a node (`--node URL`), printing what the local commands
//! print.

use crate::args::{QueryArgs, QueryWhat, SubmitArgs, TxArgs};
use crate::input::{MAX_SUBMIT_INPUT_BYTES, read_stdin_bounded, read_text_bounded};
use crate::output::{print_json, print_pretty};
use agora::{AgentId, AgentKey, TxBody};
use agora_api::limits::{MAX_BATCH_TXS, MAX_PAGE};
use agora_api::routes::{self, path};
use agora_client::ClientError;
use agora_client::blocking::Client;
use anyhow::{Context, anyhow};
use serde_json::Value;

/// The node's error as one line: just the message for a missing object (as the local
/// commands say it), the code and name too otherwise.
fn explain(error: ClientError) -> anyhow::Error {
    match error.api_error() {
        Some(api) if api.name == agora_api::ErrorKind::NotFound.name() => anyhow!("{}", api.message),
        _ => anyhow!(error),
    }
}

fn connect(url: &str) -> anyhow::Result<Client> {
    Client::new(url).with_context(|| format!("node {url}"))
}

fn did(text: &str) -> anyhow::Result<AgentId> {
    AgentId::parse_did(text).with_context(|| format!("invalid did {text:?}"))
}

pub fn tx(url: &str, args: TxArgs) -> anyhow::Result<()> {
    let key = AgentKey::from_secret_hex(&args.secret).context("--secret")?;
    let given = args.genesis_hash.clone();
    let genesis_hash = || node_genesis_hash(url, given.as_deref());
    let action = crate::tx::action(key.id(), args.action, &genesis_hash)?;
    sign(url, &key, args.nonce, args.genesis_hash.as_deref(), action)
}

/// `--genesis-hash` if given, else the genesis hash of the node's chain.
fn node_genesis_hash(url: &str, given: Option<&str>) -> anyhow::Result<[u8; 32]> {
    match given {
        Some(hash) => crate::tx::given_genesis_hash(hash),
        None => agora_api::hex32::parse(&connect(url)?.tip().map_err(explain)?.genesis_hash).map_err(|e| anyhow!(e)),
    }
}

/// Signs `action` for the node's marketplace with the sender's next nonce there (or the given
/// genesis hash and nonce) and prints the transaction.
pub fn sign(
    url: &str,
    key: &AgentKey,
    nonce: Option<u64>,
    genesis_hash: Option<&str>,
    action: agora::Action,
) -> anyhow::Result<()> {
    let genesis_hash = node_genesis_hash(url, genesis_hash)?;
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => connect(url)?.next_nonce(&key.id()).map_err(explain)?,
    };
    print_json(&TxBody { sender: key.id(), nonce, action }.sign(key, &genesis_hash))
}

pub fn submit(url: &str, args: SubmitArgs) -> anyhow::Result<()> {
    if args.time.is_some() {
        anyhow::bail!("--time cannot be used with --node: the node sets block times from its clock");
    }
    let text = match &args.file {
        Some(file) => read_text_bounded(file, "transaction file", MAX_SUBMIT_INPUT_BYTES)?,
        None => read_stdin_bounded("transaction input", MAX_SUBMIT_INPUT_BYTES)?,
    };
    let txs = crate::submit::parse_lines(&text)?;
    let client = connect(url)?;
    for chunk in txs.chunks(args.block_size.clamp(1, MAX_BATCH_TXS)) {
        for receipt in client.submit_batch(chunk).map_err(explain)? {
            print_json(&receipt)?;
        }
    }
    Ok(())
}

/// All tasks from `from`, `limit` of them, fetched page by page.
fn tasks(client: &Client, from: u64, limit: usize) -> anyhow::Result<Value> {
    let mut items = Vec::new();
    let mut next = Some(from);
    while let Some(from) = next {
        if items.len() >= limit {
            break;
        }
        let size = (limit - items.len()).min(MAX_PAGE);
        let page: agora_api::Page<Value> =
            client.get(&format!("{}?from={from}&limit={size}", routes::TASKS)).map_err(explain)?;
        items.extend(page.items);
        next = page.next;
    }
    Ok(Value::Array(items))
}

pub fn query(url: &str, args: QueryArgs) -> anyhow::Result<()> {
    let client = connect(url)?;
    let get = |route: &str, params: &[(&str, &str)]| client.get_value(&path(route, params)).map_err(explain);
    let value = match args.what {
        QueryWhat::Tip => get(routes::TIP, &[])?,
        QueryWhat::Agent { did: text } => get(routes::AGENT, &[("did", &did(&text)?.did())])?,
        QueryWhat::Reputation { did: text } => get(routes::AGENT_REPUTATION, &[("did", &did(&text)?.did())])?,
        QueryWhat::Balance { did: text, asset } => {
            get(routes::AGENT_BALANCE, &[("did", &did(&text)?.did()), ("asset", &asset.to_string())])?
        }
        QueryWhat::Assets => get(routes::ASSETS, &[])?,
        QueryWhat::Task { id } => get(routes::TASK, &[("id", &id.to_string())])?,
        QueryWhat::Loan { id } => get(routes::LOAN, &[("id", &id.to_string())])?,
        QueryWhat::Tasks { from, limit } => tasks(&client, from, limit)?,
        QueryWhat::Offer { id } => get(routes::TASK_OFFER, &[("id", &id.to_string())])?,
        QueryWhat::Bids { task } => get(routes::TASK_BIDS, &[("id", &task.to_string())])?,
        QueryWhat::OpenBids { from, after, limit } => {
            let cursor = crate::query::bid_cursor(from, after.as_deref())?;
            serde_json::to_value(client.open_bids(&cursor, agora_api::page::page_size(Some(limit))).map_err(explain)?)?
        }
        QueryWhat::Receipts { height } => get(routes::BLOCK_RECEIPTS, &[("height", &height.to_string())])?,
        QueryWhat::Block { height } => get(routes::BLOCK, &[("height", &height.to_string())])?,
        QueryWhat::Totals => get(routes::TOTALS, &[])?,
        QueryWhat::Dispute { id } => get(routes::CASE, &[("id", &id.to_string())])?,
        QueryWhat::Arbitrator { did: text } => get(routes::AGENT_ARBITRATOR, &[("did", &did(&text)?.did())])?,
        QueryWhat::Freeze { did: text } => get(routes::AGENT_FREEZE, &[("did", &did(&text)?.did())])?,
        QueryWhat::EncryptionKey { did: text } => get(routes::AGENT_ENCRYPTION_KEY, &[("did", &did(&text)?.did())])?,
        QueryWhat::Sealed { id } => get(routes::TASK_SEALED, &[("id", &id.to_string())])?,
        QueryWhat::Trusted => get(routes::TRUSTED, &[])?,
        QueryWhat::Kinds => get(routes::KINDS, &[])?,
    };
    print_pretty(&value)
}
