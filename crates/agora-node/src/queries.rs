//! Read-only routes mirroring `agora query`: each answers from the committed state through the
//! shared read handle, so queries run beside the producer's commits.

use crate::extract::{ApiFailure, ApiPath, ApiQuery};
use crate::state::AppState;
use agora::{AgentId, AssetId, AuditKind, CaseId, LoanId, TaskId, TaskStatus};
use agora_api::page::page_size;
use agora_api::{
    AgentView, ApiError, ArbitratorView, BalanceView, BidCursor, BlockDigestView, EncryptionKeyView, FreezeView,
    KindsView, OpenBidsPage, Page, ReceiptView, SealedTaskView, TipView, TotalsView, TrustedView,
};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

fn did(text: &str) -> Result<AgentId, ApiFailure> {
    AgentId::parse_did(text).map_err(|e| ApiFailure::parameter(format!("invalid did {text:?}: {e}")))
}

fn number(text: &str, what: &str) -> Result<u64, ApiFailure> {
    text.parse::<u64>()
        .map_err(|_| ApiFailure::parameter(format!("invalid {what} {text:?}: expected a decimal number")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Json<Value>, ApiFailure> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| ApiFailure::new(agora_api::ErrorKind::Internal, format!("encoding the answer: {e}")))
}

/// The chain tip (height, time, state digest), genesis hash and genesis.
#[utoipa::path(get, path = "/v1/tip", tag = "queries", responses((status = 200, body = TipView)))]
pub(crate) async fn tip(State(state): State<AppState>) -> Json<TipView> {
    Json(TipView::read(&state.reader))
}

/// An agent's account and balances.
#[utoipa::path(get, path = "/v1/agents/{did}", tag = "queries", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, body = AgentView), (status = 400, body = ApiError)))]
pub(crate) async fn agent(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<AgentView>, ApiFailure> {
    Ok(Json(AgentView::read(&state.reader, &did(&text)?)?))
}

/// An agent's reputation, explained (score, decay, epoch, standing, top sources).
#[utoipa::path(get, path = "/v1/agents/{did}/reputation", tag = "queries", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, description = "The reputation report"), (status = 400, body = ApiError)))]
pub(crate) async fn reputation(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    to_json(&state.reader.reputation(&did(&text)?)?)
}

/// One balance.
#[utoipa::path(get, path = "/v1/agents/{did}/balances/{asset}", tag = "queries",
    params(("did" = String, Path, description = "did:key"), ("asset" = u32, Path, description = "Asset id")),
    responses((status = 200, body = BalanceView), (status = 400, body = ApiError)))]
pub(crate) async fn balance(
    State(state): State<AppState>,
    ApiPath((text, asset)): ApiPath<(String, String)>,
) -> Result<Json<BalanceView>, ApiFailure> {
    let asset = asset.parse::<u32>().map_err(|_| ApiFailure::parameter(format!("invalid asset id {asset:?}")))?;
    Ok(Json(BalanceView::read(&state.reader, &did(&text)?, AssetId(asset))?))
}

/// An agent's arbitrator record.
#[utoipa::path(get, path = "/v1/agents/{did}/arbitrator", tag = "queries", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, body = ArbitratorView), (status = 400, body = ApiError)))]
pub(crate) async fn arbitrator(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<ArbitratorView>, ApiFailure> {
    Ok(Json(ArbitratorView::read(&state.reader, &did(&text)?)?))
}

/// An agent's freeze record.
#[utoipa::path(get, path = "/v1/agents/{did}/freeze", tag = "queries", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, body = FreezeView), (status = 400, body = ApiError)))]
pub(crate) async fn freeze(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<FreezeView>, ApiFailure> {
    Ok(Json(FreezeView::read(&state.reader, &did(&text)?)?))
}

/// An agent's registered encryption key (fair exchange).
#[utoipa::path(get, path = "/v1/agents/{did}/encryption-key", tag = "queries", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, body = EncryptionKeyView), (status = 400, body = ApiError)))]
pub(crate) async fn encryption_key(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<EncryptionKeyView>, ApiFailure> {
    Ok(Json(EncryptionKeyView::read(&state.reader, &did(&text)?)?))
}

/// Every asset.
#[utoipa::path(get, path = "/v1/assets", tag = "queries", responses((status = 200, description = "Asset records")))]
pub(crate) async fn assets(State(state): State<AppState>) -> Result<Json<Value>, ApiFailure> {
    to_json(&state.reader.assets()?)
}

/// `?from=&limit=&status=open` of the task list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskListParams {
    from: Option<u64>,
    limit: Option<usize>,
    status: Option<String>,
}

/// Tasks in id order, one page; `status=open` keeps only open offers.
#[utoipa::path(get, path = "/v1/tasks", tag = "queries",
    params(("from" = Option<u64>, Query, description = "First task id (default 1)"),
           ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)"),
           ("status" = Option<String>, Query, description = "`open`: only tasks open for bids")),
    responses((status = 200, description = "A page of task records: {items, next?}"), (status = 400, body = ApiError)))]
pub(crate) async fn tasks(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<TaskListParams>,
) -> Result<Json<Value>, ApiFailure> {
    let only_open = match params.status.as_deref() {
        None => false,
        Some("open") => true,
        Some(other) => {
            return Err(ApiFailure::parameter(format!("unknown task status filter {other:?} (only `open`)")));
        }
    };
    let limit = page_size(params.limit);
    let from = params.from.unwrap_or(1).max(1);
    // Scan at most one page of ids; with the open filter the page may hold fewer items.
    let scanned = state.reader.tasks(TaskId(from), limit.saturating_add(1))?;
    let more = scanned.len() > limit;
    let items: Vec<_> =
        scanned.into_iter().take(limit).filter(|t| !only_open || t.status == TaskStatus::Open).collect();
    let next = more.then(|| from.saturating_add(limit as u64));
    to_json(&Page { items, next })
}

/// A task with its parent and sub-tasks.
#[utoipa::path(get, path = "/v1/tasks/{id}", tag = "queries", params(("id" = u64, Path, description = "Task id")),
    responses((status = 200, description = "The task view"), (status = 404, body = ApiError)))]
pub(crate) async fn task(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let id = number(&id, "task id")?;
    let view = state.reader.task_view(TaskId(id))?.ok_or_else(|| ApiFailure::not_found(format!("no task {id}")))?;
    to_json(&view)
}

/// A task's job offer as JSON-LD.
#[utoipa::path(get, path = "/v1/tasks/{id}/offer", tag = "queries", params(("id" = u64, Path, description = "Task id")),
    responses((status = 200, description = "schema.org JobPosting JSON-LD"), (status = 404, body = ApiError)))]
pub(crate) async fn offer(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let id = number(&id, "task id")?;
    Ok(Json(state.reader.job_offer(TaskId(id))?.ok_or_else(|| ApiFailure::not_found(format!("no task {id}")))?))
}

/// A fair-exchange task's employer key and, once settled, its sealed output.
#[utoipa::path(get, path = "/v1/tasks/{id}/sealed", tag = "queries", params(("id" = u64, Path, description = "Task id")),
    responses((status = 200, body = SealedTaskView), (status = 404, body = ApiError)))]
pub(crate) async fn sealed(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SealedTaskView>, ApiFailure> {
    let id = number(&id, "task id")?;
    let view = SealedTaskView::read(&state.reader, TaskId(id))?
        .ok_or_else(|| ApiFailure::not_found(format!("task {id} is not a fair-exchange task")))?;
    Ok(Json(view))
}

/// `?status=open` of a task's bids.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BidParams {
    status: Option<String>,
}

/// A task's bids (at most the per-task maximum are open at once).
#[utoipa::path(get, path = "/v1/tasks/{id}/bids", tag = "queries",
    params(("id" = u64, Path, description = "Task id"), ("status" = Option<String>, Query, description = "`open`: only open bids")),
    responses((status = 200, description = "Bid records"), (status = 400, body = ApiError)))]
pub(crate) async fn bids(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<BidParams>,
) -> Result<Json<Value>, ApiFailure> {
    let id = number(&id, "task id")?;
    let only_open = match params.status.as_deref() {
        None => false,
        Some("open") => true,
        Some(other) => return Err(ApiFailure::parameter(format!("unknown bid status filter {other:?} (only `open`)"))),
    };
    let bids: Vec<_> = state
        .reader
        .bids(TaskId(id))?
        .into_iter()
        .filter(|b| !only_open || b.status == agora::BidStatus::Open)
        .collect();
    to_json(&bids)
}

/// `?from=&after=&limit=` of the open-bid list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenBidParams {
    from: Option<u64>,
    after: Option<String>,
    limit: Option<usize>,
}

/// Open bids across all tasks in (task, bidder) order, one page; `next` is the cursor of the
/// following page (its `from` and `after`).
#[utoipa::path(get, path = "/v1/bids/open", tag = "queries",
    params(("from" = Option<u64>, Query, description = "First task id (default 1)"),
           ("after" = Option<String>, Query, description = "Within task `from`, start after this bidder (did:key)"),
           ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)")),
    responses((status = 200, body = OpenBidsPage), (status = 400, body = ApiError)))]
pub(crate) async fn open_bids(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<OpenBidParams>,
) -> Result<Json<OpenBidsPage>, ApiFailure> {
    let cursor = BidCursor {
        from: TaskId(params.from.unwrap_or(1).max(1)),
        after: params.after.as_deref().map(did).transpose()?,
    };
    let limit = page_size(params.limit);
    let reader = state.reader.clone();
    let page = tokio::task::spawn_blocking(move || OpenBidsPage::read(&reader, &cursor, limit))
        .await
        .map_err(|e| ApiFailure::new(agora_api::ErrorKind::Internal, e.to_string()))??;
    Ok(Json(page))
}

/// A loan.
#[utoipa::path(get, path = "/v1/loans/{id}", tag = "queries", params(("id" = u64, Path, description = "Loan id")),
    responses((status = 200, description = "The loan record"), (status = 404, body = ApiError)))]
pub(crate) async fn loan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let id = number(&id, "loan id")?;
    to_json(&state.reader.loan(LoanId(id))?.ok_or_else(|| ApiFailure::not_found(format!("no loan {id}")))?)
}

/// A dispute case.
#[utoipa::path(get, path = "/v1/cases/{id}", tag = "queries", params(("id" = u64, Path, description = "Case id")),
    responses((status = 200, description = "The case record"), (status = 404, body = ApiError)))]
pub(crate) async fn case(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let id = number(&id, "case id")?;
    to_json(&state.reader.dispute(CaseId(id))?.ok_or_else(|| ApiFailure::not_found(format!("no dispute {id}")))?)
}

/// A stored block.
#[utoipa::path(get, path = "/v1/blocks/{height}", tag = "queries", params(("height" = u64, Path, description = "Block height")),
    responses((status = 200, description = "The block"), (status = 404, body = ApiError)))]
pub(crate) async fn block(
    State(state): State<AppState>,
    ApiPath(h): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let height = number(&h, "height")?;
    to_json(&state.reader.block(height)?.ok_or_else(|| ApiFailure::not_found(format!("no block {height}")))?)
}

/// The state digest recorded after a block (height 0: the genesis hash).
#[utoipa::path(get, path = "/v1/blocks/{height}/digest", tag = "queries", params(("height" = u64, Path, description = "Block height")),
    responses((status = 200, body = BlockDigestView), (status = 404, body = ApiError)))]
pub(crate) async fn block_digest(
    State(state): State<AppState>,
    ApiPath(h): ApiPath<String>,
) -> Result<Json<BlockDigestView>, ApiFailure> {
    let height = number(&h, "height")?;
    let view = BlockDigestView::read(&state.reader, height)?
        .ok_or_else(|| ApiFailure::not_found(format!("no block {height}")))?;
    Ok(Json(view))
}

/// The receipts of a block.
#[utoipa::path(get, path = "/v1/blocks/{height}/receipts", tag = "queries", params(("height" = u64, Path, description = "Block height")),
    responses((status = 200, description = "The block's receipts"), (status = 404, body = ApiError)))]
pub(crate) async fn block_receipts(
    State(state): State<AppState>,
    ApiPath(h): ApiPath<String>,
) -> Result<Json<Value>, ApiFailure> {
    let height = number(&h, "height")?;
    to_json(&state.reader.receipts(height)?.ok_or_else(|| ApiFailure::not_found(format!("no block {height}")))?)
}

/// The receipt of a committed transaction by its hash.
#[utoipa::path(get, path = "/v1/txs/{hash}", tag = "queries", params(("hash" = String, Path, description = "Transaction hash (hex)")),
    responses((status = 200, body = ReceiptView), (status = 404, description = "Not committed (yet)", body = ApiError)))]
pub(crate) async fn receipt(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<ReceiptView>, ApiFailure> {
    let hash = agora_api::hex32::parse(&text).map_err(|e| ApiFailure::parameter(format!("invalid tx hash: {e}")))?;
    let missing = || ApiFailure::not_found(format!("no committed transaction {}", hex::encode(hash)));
    let (height, index) = state.locate(&hash).ok_or_else(missing)?;
    let receipts = state.reader.receipts(height)?.ok_or_else(missing)?;
    let receipt = receipts.get(index as usize).cloned().ok_or_else(missing)?;
    let block_time = state.reader.block(height)?.map(|b| b.header.time).ok_or_else(missing)?;
    Ok(Json(ReceiptView { receipt, block_time }))
}

/// Per asset: supply beside balances, escrow and bonds.
#[utoipa::path(get, path = "/v1/totals", tag = "queries", responses((status = 200, body = TotalsView)))]
pub(crate) async fn totals(State(state): State<AppState>) -> Result<Json<TotalsView>, ApiFailure> {
    let reader = state.reader.clone();
    let view = tokio::task::spawn_blocking(move || TotalsView::read(&reader))
        .await
        .map_err(|e| ApiFailure::new(agora_api::ErrorKind::Internal, e.to_string()))??;
    Ok(Json(view))
}

/// The trusted set.
#[utoipa::path(get, path = "/v1/trusted", tag = "queries", responses((status = 200, body = TrustedView)))]
pub(crate) async fn trusted(State(state): State<AppState>) -> Result<Json<TrustedView>, ApiFailure> {
    Ok(Json(TrustedView::read(&state.reader)?))
}

/// The kind registry.
#[utoipa::path(get, path = "/v1/kinds", tag = "queries", responses((status = 200, body = KindsView)))]
pub(crate) async fn kinds(State(state): State<AppState>) -> Result<Json<KindsView>, ApiFailure> {
    Ok(Json(KindsView::read(&state.reader)?))
}

/// `?kind=&agent=&from=&limit=` of the audit log.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    kind: Option<String>,
    agent: Option<String>,
    from: Option<u64>,
    limit: Option<usize>,
}

/// The audit log of operator and arbitration actions, one page, filtered by kind and agent
/// (`from` counts entries after the filter).
#[utoipa::path(get, path = "/v1/audit", tag = "queries",
    params(("kind" = Option<String>, Query, description = "Entry kind, e.g. freeze_activated"),
           ("agent" = Option<String>, Query, description = "Actor or subject did:key"),
           ("from" = Option<u64>, Query, description = "Position of the first entry (default 0)"),
           ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)")),
    responses((status = 200, description = "A page of audit entries: {items, next?}"), (status = 400, body = ApiError)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Value>, ApiFailure> {
    let kind = match &params.kind {
        None => None,
        Some(name) => Some(
            AuditKind::ALL
                .iter()
                .copied()
                .find(|k| k.name() == name)
                .ok_or_else(|| ApiFailure::parameter(format!("unknown audit kind {name:?}")))?,
        ),
    };
    let agent = params.agent.as_deref().map(did).transpose()?;
    let limit = page_size(params.limit);
    let from = params.from.unwrap_or(0);
    let reader = state.reader.clone();
    let entries = tokio::task::spawn_blocking(move || reader.audit_log())
        .await
        .map_err(|e| ApiFailure::new(agora_api::ErrorKind::Internal, e.to_string()))??;
    let mut selected = entries
        .into_iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .filter(|e| agent.is_none_or(|a| e.actor == a || e.subject == Some(a)))
        .skip(usize::try_from(from).unwrap_or(usize::MAX));
    let items: Vec<_> = selected.by_ref().take(limit).collect();
    let next = selected.next().is_some().then(|| from.saturating_add(items.len() as u64));
    to_json(&Page { items, next })
}
