//! `GET /v1/events`: Server-Sent Events of committed blocks and receipts, filtered by agent or
//! task, resumable from a height. A stream replays from the database what it has not seen, then
//! follows the producer live; a stream that falls behind the live buffer catches up from the
//! database again, so it never skips a block.

use crate::extract::{ApiFailure, ApiQuery};
use crate::feed::CommittedBlock;
use crate::state::AppState;
use agora::{AgentId, Receipt, SignedTx, TaskId};
use agora_api::events::{BLOCK_EVENT, RECEIPT_EVENT};
use agora_api::{BlockEvent, ErrorKind, EventFilter, ReceiptEvent};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use std::convert::Infallible;
use tokio::sync::{broadcast, mpsc};

/// `?agent=&task=&from_height=` of the event stream.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventParams {
    agent: Option<String>,
    task: Option<u64>,
    from_height: Option<u64>,
}

/// The SSE messages of one block: its receipts that pass the filter, then the block itself
/// (carrying the SSE id, the height).
fn block_messages(
    height: u64,
    time: u64,
    digest: [u8; 32],
    txs: &[SignedTx],
    receipts: &[Receipt],
    filter: &EventFilter,
) -> Vec<Event> {
    let mut out = Vec::new();
    for (tx, receipt) in txs.iter().zip(receipts) {
        let event = ReceiptEvent::of(tx, receipt);
        if filter.matches(&event)
            && let Ok(message) = Event::default().event(RECEIPT_EVENT).json_data(&event)
        {
            out.push(message);
        }
    }
    let block = BlockEvent { height, time, digest, txs: u32::try_from(txs.len()).unwrap_or(u32::MAX) };
    if let Ok(message) = Event::default().event(BLOCK_EVENT).id(height.to_string()).json_data(&block) {
        out.push(message);
    }
    out
}

/// The messages of stored block `height`, read from the database.
fn stored_messages(state: &AppState, height: u64, filter: &EventFilter) -> Result<Vec<Event>, agora::Error> {
    let reader = &state.reader;
    let (Some(block), Some(receipts), Some(digest)) =
        (reader.block(height)?, reader.receipts(height)?, reader.digest_at(height)?)
    else {
        return Ok(Vec::new());
    };
    Ok(block_messages(height, block.header.time, digest, &block.txs, &receipts, filter))
}

fn live_messages(block: &CommittedBlock, filter: &EventFilter) -> Vec<Event> {
    block_messages(block.height, block.time, block.digest, &block.txs, &block.receipts, filter)
}

/// Feeds one connection until its client leaves or the node shuts down.
async fn feed(state: AppState, filter: EventFilter, mut next: u64, out: mpsc::Sender<Event>) {
    let mut live = state.feed.subscribe();
    let mut shutdown = state.shutdown.clone();
    loop {
        // Catch up from the database to the committed tip.
        while next <= state.reader.tip().height {
            let messages = match stored_messages(&state, next, &filter) {
                Ok(messages) => messages,
                Err(error) => {
                    tracing::error!(%error, height = next, "event stream: reading a stored block failed");
                    return;
                }
            };
            for message in messages {
                if out.send(message).await.is_err() {
                    return;
                }
            }
            next += 1;
        }
        tokio::select! {
            received = live.recv() => match received {
                Ok(block) if block.height == next => {
                    for message in live_messages(&block, &filter) {
                        if out.send(message).await.is_err() {
                            return;
                        }
                    }
                    next += 1;
                }
                // Older than what was sent: skip. Newer: the database has it; catch up.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = shutdown.changed() => return,
            _ = out.closed() => return,
        }
    }
}

/// Server-Sent Events: `receipt` events (filtered), then a `block` event with `id` = height.
#[utoipa::path(get, path = "/v1/events", tag = "events",
    params(("agent" = Option<String>, Query, description = "Only transactions naming this did:key"),
           ("task" = Option<u64>, Query, description = "Only transactions concerning this task"),
           ("from_height" = Option<u64>, Query, description = "First block to send (default: the next block); the Last-Event-ID header (a height) resumes after it")),
    responses((status = 200, description = "text/event-stream of `receipt` and `block` events", content_type = "text/event-stream"),
              (status = 400, body = agora_api::ApiError), (status = 429, body = agora_api::ApiError)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<EventParams>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiFailure> {
    let agent = match params.agent.as_deref() {
        None => None,
        Some(text) => {
            Some(AgentId::parse_did(text).map_err(|e| ApiFailure::parameter(format!("invalid did {text:?}: {e}")))?)
        }
    };
    let filter = EventFilter { agent, task: params.task.map(TaskId) };
    let resume = match headers.get("last-event-id") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| ApiFailure::parameter("Last-Event-ID must be a block height"))?,
        ),
    };
    let next = match (resume, params.from_height) {
        (Some(last), _) => last.saturating_add(1),
        (None, Some(from)) => from.max(1),
        (None, None) => state.reader.tip().height + 1,
    };
    let permit = state.streams.clone().try_acquire_owned().map_err(|_| {
        state.metrics.refused(ErrorKind::Overloaded.name());
        ApiFailure::new(ErrorKind::Overloaded, "too many open event streams")
    })?;
    let (sender, receiver) = mpsc::channel(crate::limits::EVENT_STREAM_QUEUE);
    let feeder = state.clone();
    tokio::spawn(async move {
        let _permit = permit;
        feed(feeder, filter, next, sender).await;
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|event| (Ok::<_, Infallible>(event), receiver))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
