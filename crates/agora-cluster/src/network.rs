//! openraft's network over HTTP: each Raft RPC is a signed JSON POST to the target member's
//! internal route, answered with openraft's own result type in JSON.

use crate::auth;
use crate::types::{Member, NodeId, TypeConfig};
use agora::AgentKey;
use openraft::error::{InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse, VoteRequest,
    VoteResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The internal route of appends.
pub const ROUTE_APPEND: &str = "/internal/raft/append";
/// The internal route of votes.
pub const ROUTE_VOTE: &str = "/internal/raft/vote";
/// The internal route of snapshot chunks.
pub const ROUTE_SNAPSHOT: &str = "/internal/raft/snapshot";

/// What a node signs its requests with.
#[derive(Clone)]
pub struct Signer {
    /// The cluster's name.
    pub cluster: String,
    /// This node's id.
    pub id: NodeId,
    /// This node's key.
    pub key: Arc<AgentKey>,
    /// Seconds added to this node's clock in what it signs (0 but in clock-skew tests).
    pub clock_offset_secs: i64,
}

impl Signer {
    /// Signs and posts `request` to `path` of `target`; decodes the JSON answer.
    pub(crate) async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        target: NodeId,
        url: &str,
        path: &str,
        request: &Req,
        timeout: std::time::Duration,
    ) -> Result<Resp, PostError> {
        let body = serde_json::to_vec(request).map_err(|e| PostError::Other(e.to_string()))?;
        let mut builder = client.post(format!("{url}{path}")).timeout(timeout);
        for (name, value) in
            auth::sign(&self.key, &self.cluster, self.id, target, auth::now_secs(self.clock_offset_secs), path, &body)
        {
            builder = builder.header(name, value);
        }
        let response = builder.header("content-type", "application/json").body(body).send().await.map_err(|e| {
            if e.is_connect() { PostError::Unreachable(e.to_string()) } else { PostError::Other(e.to_string()) }
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| PostError::Other(e.to_string()))?;
        if !status.is_success() {
            return Err(PostError::Refused(format!(
                "node {target} answered {status}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| PostError::Other(format!("node {target} answered bad JSON: {e}")))
    }
}

/// Why a post to another member failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PostError {
    /// The member could not be connected to.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// The member refused the request (authentication, size).
    #[error("{0}")]
    Refused(String),
    /// Anything else on the way.
    #[error("{0}")]
    Other(String),
}

/// Makes one [`Connection`] per target member.
#[derive(Clone)]
pub struct HttpNetwork {
    signer: Signer,
    client: reqwest::Client,
}

impl HttpNetwork {
    /// The network of the node `signer` names.
    pub fn new(signer: Signer) -> HttpNetwork {
        HttpNetwork { signer, client: reqwest::Client::new() }
    }
}

/// The connection to one member.
pub struct Connection {
    signer: Signer,
    client: reqwest::Client,
    target: NodeId,
    url: String,
}

fn rpc_error<E: std::error::Error>(error: PostError) -> RPCError<NodeId, Member, E> {
    match error {
        PostError::Unreachable(m) => RPCError::Unreachable(Unreachable::new(&std::io::Error::other(m))),
        other => RPCError::Network(NetworkError::new(&std::io::Error::other(other.to_string()))),
    }
}

impl Connection {
    async fn call<Req: Serialize, Resp: DeserializeOwned, E: std::error::Error + DeserializeOwned>(
        &self,
        path: &str,
        request: &Req,
        option: &RPCOption,
    ) -> Result<Resp, RPCError<NodeId, Member, RaftError<NodeId, E>>> {
        let answer: Result<Resp, RaftError<NodeId, E>> = self
            .signer
            .post(&self.client, self.target, &self.url, path, request, option.hard_ttl())
            .await
            .map_err(rpc_error)?;
        answer.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
    }
}

impl RaftNetworkFactory<TypeConfig> for HttpNetwork {
    type Network = Connection;

    async fn new_client(&mut self, target: NodeId, node: &Member) -> Connection {
        Connection { signer: self.signer.clone(), client: self.client.clone(), target, url: node.url.clone() }
    }
}

impl RaftNetwork<TypeConfig> for Connection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        self.call(ROUTE_APPEND, &rpc, &option).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId, InstallSnapshotError>>>
    {
        self.call(ROUTE_SNAPSHOT, &rpc, &option).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        self.call(ROUTE_VOTE, &rpc, &option).await
    }
}
