//! The async client.

use crate::error::ClientError;
use crate::events::EventStream;
use agora::{Action, AgentId, AgentKey, Receipt, SignedTx, TaskId, TxBody};
use agora_api::limits::{MAX_BATCH_TXS, MAX_RESPONSE_BYTES};
use agora_api::routes::{self, path};
use agora_api::{
    AgentView, ApiError, ArbitratorView, BatchAccepted, BatchAck, BatchRequest, BidCursor, BlockDigestView,
    EncryptionKeyView, EventFilter, FreezeView, OpenBidsPage, PrepareRequest, PrepareResponse, ReceiptView,
    SealedTaskView, TipView, TotalsView, TxAccepted, TxAck,
};
use agora_interop::agent_card::AgentCard;
use agora_interop::registration::RegistrationFile;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Longest the client waits for one answer (a transaction waits for its block's commit).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection pool to one node.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

/// An answer's status and body, read with the size limit.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as `T` if the status is a success, else the node's error.
    fn json<T: DeserializeOwned>(self) -> Result<T, ClientError> {
        if self.status.is_success() { decode(&self.body) } else { Err(self.error()) }
    }

    fn error(&self) -> ClientError {
        match serde_json::from_slice::<ApiError>(&self.body) {
            Ok(error) => ClientError::Api { status: self.status.as_u16(), error },
            Err(_) => ClientError::Decode(format!(
                "HTTP {} with a body that is not an error form: {}",
                self.status,
                String::from_utf8_lossy(&self.body[..self.body.len().min(200)])
            )),
        }
    }
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))
}

impl Client {
    /// A client of the node at `base` (for example `http://127.0.0.1:8645`).
    pub fn new(base: &str) -> Result<Client, ClientError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Other(format!("node URL {base:?} must start with http:// or https://")));
        }
        let http = reqwest::Client::builder().build()?;
        Ok(Client { http, base })
    }

    /// The node's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<Answer, ClientError> {
        let mut request = self.http.request(method, self.url(path)).timeout(REQUEST_TIMEOUT);
        if let Some(body) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        }
        let mut response = request.send().await?;
        let status = response.status();
        if response.content_length().is_some_and(|len| len > MAX_RESPONSE_BYTES as u64) {
            return Err(ClientError::Decode(format!("answer above the limit of {MAX_RESPONSE_BYTES} bytes")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(ClientError::Decode(format!("answer above the limit of {MAX_RESPONSE_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    }

    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, ClientError> {
        serde_json::to_vec(value).map_err(|e| ClientError::Other(e.to_string()))
    }

    /// `GET path` as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send(Method::GET, path, None).await?.json()
    }

    /// `GET path` as raw JSON (for printing what the node answered as it is).
    pub async fn get_value(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        self.get(path).await
    }

    /// Posts a signed transaction and waits for its block's durable commit. The receipt says
    /// whether it applied (`Ok`) or what refused it; a transaction refused before any block
    /// (bad signature, too large) is a [`ClientError::Api`].
    pub async fn submit(&self, tx: &SignedTx) -> Result<Receipt, ClientError> {
        let answer = self.send(Method::POST, routes::TXS, Some(Self::encode(tx)?)).await?;
        if answer.status == StatusCode::CONFLICT {
            return Ok(decode::<TxAck>(&answer.body)?.receipt);
        }
        Ok(answer.json::<TxAck>()?.receipt)
    }

    /// Posts a signed transaction without waiting for the commit; returns its hash.
    pub async fn submit_nowait(&self, tx: &SignedTx) -> Result<[u8; 32], ClientError> {
        let path = format!("{}?wait=false", routes::TXS);
        Ok(self.send(Method::POST, &path, Some(Self::encode(tx)?)).await?.json::<TxAccepted>()?.tx_hash)
    }

    /// Posts up to `MAX_BATCH_TXS` transactions and waits for their commit; receipts in order.
    pub async fn submit_batch(&self, txs: &[SignedTx]) -> Result<Vec<Receipt>, ClientError> {
        if txs.len() > MAX_BATCH_TXS {
            return Err(ClientError::Other(format!("a batch holds at most {MAX_BATCH_TXS} transactions")));
        }
        let body = Self::encode(&BatchRequest { txs: txs.to_vec() })?;
        Ok(self.send(Method::POST, routes::TXS_BATCH, Some(body)).await?.json::<BatchAck>()?.receipts)
    }

    /// Posts a batch without waiting; returns the hashes.
    pub async fn submit_batch_nowait(&self, txs: &[SignedTx]) -> Result<Vec<[u8; 32]>, ClientError> {
        let body = Self::encode(&BatchRequest { txs: txs.to_vec() })?;
        let path = format!("{}?wait=false", routes::TXS_BATCH);
        let accepted: BatchAccepted = self.send(Method::POST, &path, Some(body)).await?.json()?;
        Ok(accepted.tx_hashes.into_iter().map(|h| h.0).collect())
    }

    /// Asks the node what to sign for an unsigned transaction.
    pub async fn prepare(&self, request: &PrepareRequest) -> Result<PrepareResponse, ClientError> {
        self.send(Method::POST, routes::TXS_PREPARE, Some(Self::encode(request)?)).await?.json()
    }

    /// The chain tip, genesis hash and genesis.
    pub async fn tip(&self) -> Result<TipView, ClientError> {
        self.get(routes::TIP).await
    }

    /// The genesis hash signatures commit to.
    pub async fn genesis_hash(&self) -> Result<[u8; 32], ClientError> {
        agora_api::hex32::parse(&self.tip().await?.genesis_hash).map_err(ClientError::Decode)
    }

    /// An agent's account and balances.
    pub async fn agent(&self, id: &AgentId) -> Result<AgentView, ClientError> {
        self.get(&path(routes::AGENT, &[("did", &id.did())])).await
    }

    /// The agent's next nonce as of the committed state.
    pub async fn next_nonce(&self, id: &AgentId) -> Result<u64, ClientError> {
        Ok(self.agent(id).await?.account.nonce)
    }

    /// Per asset: supply beside balances, escrow and bonds, and whether they add up.
    pub async fn totals(&self) -> Result<TotalsView, ClientError> {
        self.get(routes::TOTALS).await
    }

    /// An agent's arbitrator record (`arbitrator: None` if it never registered as one).
    pub async fn arbitrator(&self, id: &AgentId) -> Result<ArbitratorView, ClientError> {
        self.get(&path(routes::AGENT_ARBITRATOR, &[("did", &id.did())])).await
    }

    /// An agent's freeze record and whether it is frozen at the tip time.
    pub async fn freeze(&self, id: &AgentId) -> Result<FreezeView, ClientError> {
        self.get(&path(routes::AGENT_FREEZE, &[("did", &id.did())])).await
    }

    /// An agent's registered encryption key (`encryption_key: None` if it has none).
    pub async fn encryption_key(&self, id: &AgentId) -> Result<EncryptionKeyView, ClientError> {
        self.get(&path(routes::AGENT_ENCRYPTION_KEY, &[("did", &id.did())])).await
    }

    /// The fair-exchange part of a task (employer key, sealed output once delivered), or `None`
    /// for a plain task or no task.
    pub async fn sealed_task(&self, task: TaskId) -> Result<Option<SealedTaskView>, ClientError> {
        let answer = self.send(Method::GET, &path(routes::TASK_SEALED, &[("id", &task.0.to_string())]), None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        answer.json().map(Some)
    }

    /// One page of open bids across all tasks, from `cursor` (`BidCursor::start()` for the
    /// first page), at most `limit` bids; follow `next` for the rest.
    pub async fn open_bids(&self, cursor: &BidCursor, limit: usize) -> Result<OpenBidsPage, ClientError> {
        self.get(&open_bids_path(cursor, limit)).await
    }

    /// The state digest recorded after the block at `height`, or `None` if there is no such
    /// block yet.
    pub async fn block_digest(&self, height: u64) -> Result<Option<BlockDigestView>, ClientError> {
        let answer =
            self.send(Method::GET, &path(routes::BLOCK_DIGEST, &[("height", &height.to_string())]), None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        answer.json().map(Some)
    }

    /// The node operator's A2A agent card.
    pub async fn agent_card(&self) -> Result<AgentCard, ClientError> {
        self.get(routes::AGENT_CARD).await
    }

    /// The node operator's ERC-8004 registration file.
    pub async fn operator_registration(&self) -> Result<RegistrationFile, ClientError> {
        self.get(routes::OPERATOR_REGISTRATION).await
    }

    /// The ERC-8004 registration file of a registered agent.
    pub async fn registration(&self, id: &AgentId) -> Result<RegistrationFile, ClientError> {
        self.get(&path(routes::AGENT_REGISTRATION, &[("did", &id.did())])).await
    }

    /// Signs `action` from `key` with `nonce` for this node's chain.
    pub async fn sign(&self, key: &AgentKey, nonce: u64, action: Action) -> Result<SignedTx, ClientError> {
        let genesis = self.genesis_hash().await?;
        Ok(TxBody { sender: key.id(), nonce, action }.sign(key, &genesis))
    }

    /// The receipt of a committed transaction, or `None` if it is not (yet) committed.
    pub async fn receipt(&self, hash: &[u8; 32]) -> Result<Option<ReceiptView>, ClientError> {
        let answer = self.send(Method::GET, &path(routes::TX, &[("hash", &hex::encode(hash))]), None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        answer.json().map(Some)
    }

    /// Subscribes to committed blocks and receipts (`from_height`: the first block to send;
    /// `None`: the next one).
    pub async fn events(&self, filter: EventFilter, from_height: Option<u64>) -> Result<EventStream, ClientError> {
        EventStream::open(self, filter, from_height).await
    }

    /// `GET /healthz` answered 200.
    pub async fn healthy(&self) -> bool {
        matches!(self.http.get(self.url(routes::HEALTHZ)).timeout(REQUEST_TIMEOUT).send().await, Ok(r) if r.status().is_success())
    }

    /// `GET /metrics` as text.
    pub async fn metrics(&self) -> Result<String, ClientError> {
        let answer = self.send(Method::GET, routes::METRICS, None).await?;
        if !answer.status.is_success() {
            return Err(answer.error());
        }
        String::from_utf8(answer.body).map_err(|e| ClientError::Decode(e.to_string()))
    }
}

/// `GET /v1/bids/open` with the cursor and page size as query parameters.
pub(crate) fn open_bids_path(cursor: &BidCursor, limit: usize) -> String {
    let mut out = format!("{}?from={}&limit={limit}", routes::OPEN_BIDS, cursor.from.0);
    if let Some(after) = &cursor.after {
        out.push_str(&format!("&after={}", after.did()));
    }
    out
}
