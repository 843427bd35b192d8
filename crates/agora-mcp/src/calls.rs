//! What each tool does against the node: read views, or build an action, sign it locally and
//! post it. Each returns the node's own JSON form and a one-line summary.

use crate::error::{WalletErrorKind, node_error};
use crate::inputs::{
    AwardBidInput, ListOpenTasksInput, NoInput, PlaceBidInput, PostTaskInput, ReceiptInput, ReputationInput,
    SubmitCompletionInput, TaskInput,
};
use crate::output::{Answer, Outcome};
use crate::wallet::Wallet;
use agora::{Action, AgentId, Created, PostTask, Receipt, TaskId};
use agora_api::limits::{DEFAULT_PAGE, MAX_PAGE};
use agora_api::routes::{self, path};
use agora_api::{ApiError, ErrorKind, Page, TxAck};
use serde_json::{Value, json};

/// A string field of a JSON view, for summaries ("?" when absent).
fn text(value: &Value, field: &str) -> String {
    match &value[field] {
        Value::String(s) => s.clone(),
        Value::Null => "?".to_string(),
        other => other.to_string(),
    }
}

fn created(receipt: &Receipt) -> String {
    match receipt.created {
        Created::Nothing => String::new(),
        Created::Task(id) => format!(", created task {}", id.0),
        Created::Asset(id) => format!(", created asset {}", id.0),
        Created::Loan(id) => format!(", created loan {}", id.0),
        Created::Case(id) => format!(", opened case {}", id.0),
    }
}

/// The answer of an applied transaction: the `TxAck` form `{receipt}`.
fn applied(what: &str, receipt: Receipt) -> Outcome {
    let summary =
        format!("{what}: Ok at height {} (tx {}){}", receipt.height, hex::encode(receipt.tx_id), created(&receipt));
    Answer::new(summary, &TxAck { receipt })
}

async fn reputation_of(wallet: &Wallet, did: &AgentId) -> Result<Value, ApiError> {
    wallet.client().get_value(&path(routes::AGENT_REPUTATION, &[("did", &did.did())])).await.map_err(node_error)
}

async fn task_view(wallet: &Wallet, task: TaskId) -> Result<Value, ApiError> {
    wallet.client().get_value(&path(routes::TASK, &[("id", &task.0.to_string())])).await.map_err(node_error)
}

/// `whoami`: `{agent, reputation}` — the `AgentView` (did, account, balances) and the
/// explained reputation report.
pub async fn whoami(wallet: &Wallet, _: NoInput) -> Outcome {
    let id = wallet.id();
    let agent = wallet.client().agent(&id).await.map_err(node_error)?;
    let reputation = reputation_of(wallet, &id).await?;
    let balances: Vec<String> = agent.balances.iter().map(|b| format!("{} of asset {}", b.amount, b.asset.0)).collect();
    let balances = if balances.is_empty() { "no balance".to_string() } else { balances.join(", ") };
    let registered = if agent.account.registration.is_none() { "not registered" } else { "registered" };
    let summary = format!("{}: {registered}, {balances}, reputation {}", id.did(), text(&reputation, "score"));
    Answer::new(summary, &json!({ "agent": agent, "reputation": reputation }))
}

/// `list_open_tasks`: one page `{items, next?}` of open tasks, as the node lists them.
pub async fn list_open_tasks(wallet: &Wallet, input: ListOpenTasksInput) -> Outcome {
    let limit = input.limit.map_or(DEFAULT_PAGE, |l| l as usize);
    if limit == 0 || limit > MAX_PAGE {
        return Err(
            ApiError::new(ErrorKind::InvalidParameter, format!("limit must be 1 to {MAX_PAGE}")).with_field("limit")
        );
    }
    let from = input.from.unwrap_or(1);
    let route = format!("{}?status=open&from={from}&limit={limit}", routes::TASKS);
    let page: Page<Value> = wallet.client().get(&route).await.map_err(node_error)?;
    let ids: Vec<String> = page.items.iter().map(|t| text(t, "id")).collect();
    let more = page.next.map(|n| format!("; more from {n}")).unwrap_or_default();
    let summary = match ids.len() {
        0 => format!("no open tasks from id {from}{more}"),
        n => format!("{n} open task(s): {}{more}", ids.join(", ")),
    };
    Answer::new(summary, &page)
}

/// `get_task`: `{task, bids}` — the task (with `parent` and `subtasks`) and its bid records.
pub async fn get_task(wallet: &Wallet, input: TaskInput) -> Outcome {
    let task = task_view(wallet, input.task).await?;
    let bids = wallet
        .client()
        .get_value(&path(routes::TASK_BIDS, &[("id", &input.task.0.to_string())]))
        .await
        .map_err(node_error)?;
    let count = bids.as_array().map_or(0, Vec::len);
    let summary = format!(
        "task {} \"{}\": {}, budget {} of asset {}, {count} bid(s)",
        input.task.0,
        text(&task["offer"], "title"),
        text(&task, "status"),
        text(&task["offer"], "budget"),
        text(&task["offer"], "asset"),
    );
    Answer::new(summary, &json!({ "task": task, "bids": bids }))
}

/// `post_task`: posts the offer; `{receipt}` whose `created` names the new task.
pub async fn post_task(wallet: &Wallet, input: PostTaskInput) -> Outcome {
    let malformed = |field: &str, message: &str| {
        Err(ApiError::new(ErrorKind::MalformedRequest, format!("post_task input: {message}")).with_field(field))
    };
    let witness_given = input.witness.is_some();
    let (kind, input_commitment, params) = match (input.witness, input.kind, input.input_commitment) {
        (Some(witness), None, None) if input.params.is_empty() => agora::task_terms(&witness)
            .map_err(|e| ApiError::new(ErrorKind::MalformedRequest, e.to_string()).with_field("witness"))?,
        (Some(_), _, _) => return malformed("witness", "give either `witness` or `kind`/`input_commitment`/`params`"),
        (None, Some(kind), Some(commitment)) => (kind, commitment, input.params),
        (None, None, _) => return malformed("kind", "`kind` (or `witness`) is required"),
        (None, Some(_), None) => return malformed("input_commitment", "`input_commitment` is required with `kind`"),
    };
    let kind = match (input.fair_exchange, agora::fair_exchange_kind(kind)) {
        (false, _) => kind,
        (true, Some(fair)) if witness_given => fair,
        (true, Some(_)) => return malformed("fair_exchange", "`fair_exchange` needs `witness`"),
        (true, None) => return malformed("fair_exchange", &format!("kind {kind} has no fair-exchange variant")),
    };
    let offer = PostTask {
        title: input.title,
        requirements: input.requirements,
        kind,
        params,
        input_commitment,
        asset: agora::AssetId(input.asset),
        budget: input.budget,
        bid_deadline: input.bid_deadline,
        delivery_deadline: input.delivery_deadline,
        splits: input.splits,
        min_reputation: input.min_reputation,
    };
    applied("post_task", wallet.send(Action::PostTask(offer)).await?)
}

/// `place_bid`: `{receipt}`.
pub async fn place_bid(wallet: &Wallet, input: PlaceBidInput) -> Outcome {
    let action = Action::PlaceBid {
        task: input.task,
        price: input.price,
        eta_secs: input.eta_secs,
        plan_hash: input.plan_hash.unwrap_or([0; 32]),
    };
    applied(&format!("place_bid on task {}", input.task.0), wallet.send(action).await?)
}

/// `award_bid`: `{receipt}`.
pub async fn award_bid(wallet: &Wallet, input: AwardBidInput) -> Outcome {
    let what = format!("award_bid of task {} to {}", input.task.0, input.bidder.did());
    applied(&what, wallet.send(Action::AwardBid { task: input.task, bidder: input.bidder }).await?)
}

/// `submit_completion`: proves the witness locally against the task the node holds, posts the
/// proof; `{receipt, completion}` — the completion (agora-zk's form) holds the result in the
/// clear and the output commitment, for the employer.
pub async fn submit_completion(wallet: &Wallet, input: SubmitCompletionInput) -> Outcome {
    let task = task_view(wallet, input.task).await?;
    let offer: PostTask = serde_json::from_value(task["offer"].clone()).map_err(|e| {
        WalletErrorKind::NodeUnavailable.error(format!("the node's task {} has no offer form: {e}", input.task.0))
    })?;
    if offer.kind == agora::core::MANUAL_KIND {
        return Err(WalletErrorKind::ProofFailed.error(format!(
            "task {} is a manual task (kind 0): no proof exists, the employer accepts the delivery",
            input.task.0
        )));
    }
    let completion = wallet.prove(input.task, offer, input.witness).await?;
    let action = Action::SubmitCompletion {
        task: input.task,
        output_commitment: completion.output_commitment,
        proof: completion.proof.clone(),
        sealed: completion.sealed.clone(),
    };
    let receipt = wallet.send(action).await?;
    let summary = format!(
        "submit_completion of task {}: proof accepted, Ok at height {} (tx {})",
        input.task.0,
        receipt.height,
        hex::encode(receipt.tx_id)
    );
    Answer::new(summary, &json!({ "receipt": receipt, "completion": completion }))
}

/// `accept_delivery`: `{receipt}`.
pub async fn accept_delivery(wallet: &Wallet, input: TaskInput) -> Outcome {
    applied(
        &format!("accept_delivery of task {}", input.task.0),
        wallet.send(Action::AcceptDelivery { task: input.task }).await?,
    )
}

/// `open_dispute`: `{receipt}` whose `created` names the case.
pub async fn open_dispute(wallet: &Wallet, input: TaskInput) -> Outcome {
    applied(
        &format!("open_dispute on task {}", input.task.0),
        wallet.send(Action::OpenDispute { task: input.task }).await?,
    )
}

/// `get_receipt`: the `ReceiptView` form `{receipt, block_time}`; `NotFound` until committed.
pub async fn get_receipt(wallet: &Wallet, input: ReceiptInput) -> Outcome {
    let hash = hex::encode(input.tx_hash);
    let view = wallet
        .client()
        .receipt(&input.tx_hash)
        .await
        .map_err(node_error)?
        .ok_or_else(|| ApiError::new(ErrorKind::NotFound, format!("no committed transaction {hash}")))?;
    let summary = format!(
        "tx {hash}: {} at height {} index {}",
        view.receipt.status.name(),
        view.receipt.height,
        view.receipt.index
    );
    Answer::new(summary, &view)
}

/// `get_reputation`: the explained reputation report.
pub async fn get_reputation(wallet: &Wallet, input: ReputationInput) -> Outcome {
    let did = input.did.unwrap_or_else(|| wallet.id());
    let report = reputation_of(wallet, &did).await?;
    let summary = format!(
        "{}: reputation {}, {} proven completion(s), standing {} ppm",
        did.did(),
        text(&report, "score"),
        text(&report, "proven_completions"),
        text(&report, "standing")
    );
    Answer::new(summary, &report)
}

/// `register_encryption_key`: `{receipt}`.
pub async fn register_encryption_key(wallet: &Wallet, _input: NoInput) -> Outcome {
    let key = wallet.encryption_key()?;
    let action = key.registration(&wallet.genesis_hash().await?, &wallet.id());
    applied("register_encryption_key", wallet.send(action).await?)
}

/// `decrypt_output`: `{task, result, output_salt}` of a settled fair-exchange task.
pub async fn decrypt_output(wallet: &Wallet, input: TaskInput) -> Outcome {
    let key = wallet.encryption_key()?;
    let view = wallet.client().sealed_task(input.task).await.map_err(node_error)?.ok_or_else(|| {
        ApiError::new(ErrorKind::NotFound, format!("task {} is not a fair-exchange task", input.task.0))
    })?;
    let opened = key
        .open_parts(view.kind, view.output_commitment, &view.sealed)
        .map_err(|e| WalletErrorKind::DecryptionFailed.error(e.to_string()))?;
    let summary = format!("decrypt_output of task {}: the output opens the task's output commitment", input.task.0);
    Answer::new(
        summary,
        &json!({ "task": input.task.0.to_string(), "result": opened.result, "output_salt": opened.output_salt }),
    )
}
