//! A synchronous wrapper of [`crate::Client`] for callers without an async runtime (the CLI).

use crate::error::ClientError;
use agora::{Receipt, SignedTx, TaskId};
use agora_api::{
    AgentView, ArbitratorView, BidCursor, BlockDigestView, FreezeView, OpenBidsPage, SealedTaskView, TipView,
    TotalsView,
};
use serde::de::DeserializeOwned;
use std::future::Future;

/// The client with its own single-threaded runtime; each call blocks until answered.
pub struct Client {
    inner: crate::Client,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    /// A blocking client of the node at `base`.
    pub fn new(base: &str) -> Result<Client, ClientError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClientError::Other(format!("starting the client runtime: {e}")))?;
        Ok(Client { inner: crate::Client::new(base)?, runtime })
    }

    /// Runs any call of the async client to completion.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The async client.
    pub fn inner(&self) -> &crate::Client {
        &self.inner
    }

    /// See [`crate::Client::get`].
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.block_on(self.inner.get(path))
    }

    /// See [`crate::Client::get_value`].
    pub fn get_value(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        self.block_on(self.inner.get_value(path))
    }

    /// See [`crate::Client::tip`].
    pub fn tip(&self) -> Result<TipView, ClientError> {
        self.block_on(self.inner.tip())
    }

    /// See [`crate::Client::sealed_task`].
    pub fn sealed_task(&self, task: TaskId) -> Result<Option<SealedTaskView>, ClientError> {
        self.block_on(self.inner.sealed_task(task))
    }

    /// See [`crate::Client::submit`].
    pub fn submit(&self, tx: &SignedTx) -> Result<Receipt, ClientError> {
        self.block_on(self.inner.submit(tx))
    }

    /// See [`crate::Client::submit_batch`].
    pub fn submit_batch(&self, txs: &[SignedTx]) -> Result<Vec<Receipt>, ClientError> {
        self.block_on(self.inner.submit_batch(txs))
    }

    /// See [`crate::Client::agent`].
    pub fn agent(&self, id: &agora::AgentId) -> Result<AgentView, ClientError> {
        self.block_on(self.inner.agent(id))
    }

    /// See [`crate::Client::totals`].
    pub fn totals(&self) -> Result<TotalsView, ClientError> {
        self.block_on(self.inner.totals())
    }

    /// See [`crate::Client::arbitrator`].
    pub fn arbitrator(&self, id: &agora::AgentId) -> Result<ArbitratorView, ClientError> {
        self.block_on(self.inner.arbitrator(id))
    }

    /// See [`crate::Client::freeze`].
    pub fn freeze(&self, id: &agora::AgentId) -> Result<FreezeView, ClientError> {
        self.block_on(self.inner.freeze(id))
    }

    /// See [`crate::Client::open_bids`].
    pub fn open_bids(&self, cursor: &BidCursor, limit: usize) -> Result<OpenBidsPage, ClientError> {
        self.block_on(self.inner.open_bids(cursor, limit))
    }

    /// See [`crate::Client::block_digest`].
    pub fn block_digest(&self, height: u64) -> Result<Option<BlockDigestView>, ClientError> {
        self.block_on(self.inner.block_digest(height))
    }

    /// See [`crate::Client::next_nonce`].
    pub fn next_nonce(&self, id: &agora::AgentId) -> Result<u64, ClientError> {
        self.block_on(self.inner.next_nonce(id))
    }
}
