//! Reading the node's Server-Sent Events stream.

use crate::client::Client;
use crate::error::ClientError;
use agora_api::events::{BLOCK_EVENT, RECEIPT_EVENT};
use agora_api::limits::MAX_EVENT_BYTES;
use agora_api::{ApiError, BlockEvent, EventFilter, ReceiptEvent, routes};

/// One event of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeEvent {
    /// A committed transaction that passed the filter.
    Receipt(ReceiptEvent),
    /// A committed block (after its receipts).
    Block(BlockEvent),
}

/// An open event stream; [`EventStream::next`] yields events as the node commits blocks.
pub struct EventStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
    last_id: Option<u64>,
}

impl EventStream {
    pub(crate) async fn open(
        client: &Client,
        filter: EventFilter,
        from_height: Option<u64>,
    ) -> Result<Self, ClientError> {
        let mut query = Vec::new();
        if let Some(agent) = filter.agent {
            query.push(("agent", agent.did()));
        }
        if let Some(task) = filter.task {
            query.push(("task", task.0.to_string()));
        }
        if let Some(from) = from_height {
            query.push(("from_height", from.to_string()));
        }
        let response = client.http().get(client.url(routes::EVENTS)).query(&query).send().await?;
        if !response.status().is_success() {
            let status = response.status().as_u16();
            let body = response.bytes().await?;
            return Err(match serde_json::from_slice::<ApiError>(&body) {
                Ok(error) => ClientError::Api { status, error },
                Err(_) => ClientError::Decode(format!("event stream answered HTTP {status}")),
            });
        }
        Ok(EventStream { response, buffer: Vec::new(), last_id: None })
    }

    /// The height of the last whole block received (what `Last-Event-ID` would resume after).
    pub fn last_event_id(&self) -> Option<u64> {
        self.last_id
    }

    /// The next event; `None` when the node closed the stream (for example on shutdown).
    pub async fn next(&mut self) -> Result<Option<NodeEvent>, ClientError> {
        loop {
            if let Some(end) = find_blank_line(&self.buffer) {
                let raw: Vec<u8> = self.buffer.drain(..end.1).collect();
                if let Some(event) = self.parse(&raw[..end.0])? {
                    return Ok(Some(event));
                }
                continue;
            }
            if self.buffer.len() > MAX_EVENT_BYTES {
                return Err(ClientError::Decode(format!("an event is above the limit of {MAX_EVENT_BYTES} bytes")));
            }
            match self.response.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }

    fn parse(&mut self, raw: &[u8]) -> Result<Option<NodeEvent>, ClientError> {
        let text = String::from_utf8_lossy(raw);
        let (mut name, mut data, mut id) = (None, String::new(), None);
        for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
            if let Some(value) = line.strip_prefix("event:") {
                name = Some(value.trim().to_string());
            } else if let Some(value) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(value.strip_prefix(' ').unwrap_or(value));
            } else if let Some(value) = line.strip_prefix("id:") {
                id = value.trim().parse::<u64>().ok();
            }
        }
        if id.is_some() {
            self.last_id = id;
        }
        let decode = |e: serde_json::Error| ClientError::Decode(format!("event data: {e}"));
        Ok(match name.as_deref() {
            Some(RECEIPT_EVENT) => Some(NodeEvent::Receipt(serde_json::from_str(&data).map_err(decode)?)),
            Some(BLOCK_EVENT) => Some(NodeEvent::Block(serde_json::from_str(&data).map_err(decode)?)),
            // Keep-alive comments and unknown event names.
            _ => None,
        })
    }
}

/// (end of the event, end of its terminating blank line) of the first complete event.
fn find_blank_line(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2));
    let crlf = buffer.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, i + 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}
