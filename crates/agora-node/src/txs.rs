//! Posting transactions: admission (stateless checks, mempool room), waiting for the commit,
//! and the prepare step for clients that sign elsewhere.

use crate::extract::{ApiFailure, ApiQuery, WaitParam, parse_json, read_body};
use crate::state::{AppState, Refused, Submission, Unanswered};
use agora::core::Canonical;
use agora::{AdmittedTx, SignedTx, Status, TxBody};
use agora_api::limits::{MAX_BATCH_BODY_BYTES, MAX_TX_BODY_BYTES};
use agora_api::{
    ApiError, BatchAccepted, BatchAck, BatchRequest, ErrorKind, HexDigest, PrepareRequest, PrepareResponse, TxAccepted,
    TxAck,
};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Instant;
use tokio::sync::oneshot;

/// Checks what needs no state, the signatures of a batch in one batch equation (the block
/// trusts this check: see `AdmittedTx`). A transaction
/// that fails here never reaches a block: the request is refused whole with the status's code
/// and name.
fn admit(state: &AppState, txs: Vec<SignedTx>) -> Result<Vec<AdmittedTx>, ApiFailure> {
    if state.is_shutting_down() {
        state.metrics.refused(ErrorKind::ShuttingDown.name());
        return Err(ApiFailure::new(ErrorKind::ShuttingDown, "the node is shutting down"));
    }
    let many = txs.len() > 1;
    AdmittedTx::admit_all(txs, &state.genesis_hash)
        .into_iter()
        .enumerate()
        .map(|(i, admitted)| admitted.map_err(|status| refusal(state, status, many, i)))
        .collect()
}

/// The answer to a transaction refused at admission (`txs[i]` named when in a batch).
fn refusal(state: &AppState, status: Status, many: bool, i: usize) -> ApiFailure {
    state.metrics.refused(status.name());
    let message = match status {
        Status::BadSignature => format!(
            "the signature does not verify for the sender over this chain's signing digest (genesis {})",
            hex::encode(state.genesis_hash)
        ),
        other => format!("the transaction is refused before execution: {other}"),
    };
    let field = if many { format!("txs[{i}]") } else { String::new() };
    ApiFailure { status: StatusCode::BAD_REQUEST, error: ApiError::status(status, message).with_field(field) }
}

/// Hands `txs` to the producer; the receiver gets their receipts after the commit.
fn enqueue(
    state: &AppState,
    txs: Vec<AdmittedTx>,
    wait: bool,
) -> Result<Option<oneshot::Receiver<crate::state::Reply>>, ApiFailure> {
    let (reply, receiver) = if wait {
        let (tx, rx) = oneshot::channel();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    match state.mempool.push(Submission { txs, reply, arrived: Instant::now() }) {
        Ok(()) => {
            state.metrics.set_mempool_depth(state.mempool.depth());
            Ok(receiver)
        }
        Err(Refused::Full { depth, capacity }) => {
            state.metrics.refused(ErrorKind::MempoolFull.name());
            Err(ApiFailure::new(
                ErrorKind::MempoolFull,
                format!("the mempool holds {depth} of {capacity} transactions; retry shortly"),
            ))
        }
        Err(Refused::Closed) => {
            state.metrics.refused(ErrorKind::ShuttingDown.name());
            Err(ApiFailure::new(ErrorKind::ShuttingDown, "the node is shutting down"))
        }
    }
}

/// Waits for the producer's answer.
async fn receipts(receiver: oneshot::Receiver<crate::state::Reply>) -> Result<Vec<agora::Receipt>, ApiFailure> {
    match receiver.await {
        Ok(Ok(receipts)) => Ok(receipts),
        Ok(Err(Unanswered::Failed(message))) => Err(ApiFailure::new(ErrorKind::CommitFailed, message)),
        Ok(Err(Unanswered::NoLeader(message))) => Err(ApiFailure::new(ErrorKind::NoLeader, message)),
        Err(_) => Err(ApiFailure::new(ErrorKind::ShuttingDown, "the producer stopped before committing the block")),
    }
}

/// Posts one signed transaction.
#[utoipa::path(post, path = "/v1/txs", tag = "transactions",
    params(("wait" = Option<bool>, Query, description = "false: answer 202 with the hash once it is in the mempool")),
    request_body(content = Object, description = "A signed transaction: {sender, nonce, action, signature}"),
    responses(
        (status = 200, description = "Committed with status Ok", body = TxAck),
        (status = 202, description = "In the mempool (wait=false)", body = TxAccepted),
        (status = 400, description = "Malformed, or refused before execution (BadSignature, LimitExceeded, TxTooLarge)", body = ApiError),
        (status = 408, description = "Request timeout", body = ApiError),
        (status = 409, description = "Committed, but its status is not Ok (nothing changed)", body = TxAck),
        (status = 413, description = "Body above the limit", body = ApiError),
        (status = 429, description = "Mempool full or too many requests", body = ApiError),
        (status = 503, description = "Shutting down, or the commit failed", body = ApiError),
    ))]
pub(crate) async fn post_tx(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<WaitParam>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiFailure> {
    let bytes = read_body(&headers, body, MAX_TX_BODY_BYTES, "signed transaction").await?;
    let tx: SignedTx = parse_json(&bytes, "signed transaction", MAX_TX_BODY_BYTES)?;
    let admitted = admit(&state, vec![tx])?;
    let tx_hash = admitted.iter().map(AdmittedTx::id).next().unwrap_or_default();
    let wait = params.wait.unwrap_or(true);
    let receiver = enqueue(&state, admitted, wait)?;
    let Some(receiver) = receiver else {
        return Ok((StatusCode::ACCEPTED, Json(TxAccepted { tx_hash })).into_response());
    };
    let receipt = receipts(receiver)
        .await?
        .pop()
        .ok_or_else(|| ApiFailure::new(ErrorKind::Internal, "the block returned no receipt"))?;
    let status = if receipt.status == Status::Ok { StatusCode::OK } else { StatusCode::CONFLICT };
    Ok((status, Json(TxAck { receipt })).into_response())
}

/// Posts up to `MAX_BATCH_TXS` signed transactions, committed in order (in one block or in
/// consecutive blocks).
#[utoipa::path(post, path = "/v1/txs/batch", tag = "transactions",
    params(("wait" = Option<bool>, Query, description = "false: answer 202 with the hashes once they are in the mempool")),
    request_body(content = BatchRequest),
    responses(
        (status = 200, description = "Committed; one receipt per transaction, whatever its status", body = BatchAck),
        (status = 202, description = "In the mempool (wait=false)", body = BatchAccepted),
        (status = 400, description = "Malformed, or a transaction refused before execution (field names it)", body = ApiError),
        (status = 413, description = "Body above the limit", body = ApiError),
        (status = 429, description = "Mempool full", body = ApiError),
        (status = 503, description = "Shutting down, or the commit failed", body = ApiError),
    ))]
pub(crate) async fn post_batch(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<WaitParam>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiFailure> {
    let bytes = read_body(&headers, body, MAX_BATCH_BODY_BYTES, "transaction batch").await?;
    let request: BatchRequest = parse_json(&bytes, "transaction batch", MAX_BATCH_BODY_BYTES)?;
    if request.txs.is_empty() {
        return Ok((StatusCode::OK, Json(BatchAck { receipts: Vec::new() })).into_response());
    }
    let admitted = admit(&state, request.txs)?;
    let hashes: Vec<[u8; 32]> = admitted.iter().map(AdmittedTx::id).collect();
    let wait = params.wait.unwrap_or(true);
    let Some(receiver) = enqueue(&state, admitted, wait)? else {
        let tx_hashes = hashes.into_iter().map(HexDigest).collect();
        return Ok((StatusCode::ACCEPTED, Json(BatchAccepted { tx_hashes })).into_response());
    };
    let receipts = receipts(receiver).await?;
    Ok((StatusCode::OK, Json(BatchAck { receipts })).into_response())
}

/// An unsigned transaction in; its canonical bytes and the digest to sign out.
#[utoipa::path(post, path = "/v1/txs/prepare", tag = "transactions",
    request_body(content = PrepareRequest),
    responses(
        (status = 200, description = "What to sign", body = PrepareResponse),
        (status = 400, description = "Malformed", body = ApiError),
        (status = 413, description = "Body above the limit", body = ApiError),
    ))]
pub(crate) async fn prepare(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PrepareResponse>, ApiFailure> {
    let bytes = read_body(&headers, body, MAX_TX_BODY_BYTES, "unsigned transaction").await?;
    let request: PrepareRequest = parse_json(&bytes, "unsigned transaction", MAX_TX_BODY_BYTES)?;
    let nonce = match request.nonce {
        Some(nonce) => nonce,
        None => state.reader.account(&request.sender)?.nonce,
    };
    let body = TxBody { sender: request.sender, nonce, action: request.action };
    if !body.action.within_limits() {
        return Err(ApiFailure {
            status: StatusCode::BAD_REQUEST,
            error: ApiError::status(Status::LimitExceeded, "a field of the action is above its limit"),
        });
    }
    let canonical = body.to_canonical_bytes();
    Ok(Json(PrepareResponse {
        canonical_body: hex::encode(&canonical),
        genesis_hash: hex::encode(state.genesis_hash),
        signing_digest: hex::encode(body.signing_digest(&state.genesis_hash)),
        nonce,
        body,
    }))
}
