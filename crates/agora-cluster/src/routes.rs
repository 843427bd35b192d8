//! The cluster's HTTP routes on each member's server: the internal Raft RPCs and membership
//! changes (signed by a member's key, see `auth`), and the public status.

use crate::auth;
use crate::config::ClusterConfig;
use crate::limits::MAX_RAFT_RPC_BYTES;
use crate::network::{ROUTE_APPEND, ROUTE_SNAPSHOT, ROUTE_VOTE};
use crate::types::{Member, NodeId, Raft};
use agora::AgentId;
use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The public route of the cluster's status.
pub const ROUTE_STATUS: &str = "/v1/cluster";
/// The internal route of membership changes.
pub const ROUTE_MEMBERS: &str = "/internal/cluster/members";

/// What the cluster routes share.
#[derive(Clone)]
pub(crate) struct ClusterState {
    pub raft: Raft,
    pub config: Arc<ClusterConfig>,
    pub id: NodeId,
    pub clock_offset_secs: i64,
}

impl ClusterState {
    /// A member's key: the replicated membership's, else the cluster file's.
    fn key_of(&self, id: NodeId) -> Option<AgentId> {
        let from_membership = self.raft.metrics().borrow().membership_config.membership().get_node(&id).cloned();
        let did = match from_membership {
            Some(member) => member.key,
            None => self.config.node(id)?.key.clone(),
        };
        AgentId::parse_did(&did).ok()
    }

    async fn authenticated(&self, headers: &HeaderMap, path: &str, body: Body) -> Result<Bytes, Response> {
        let bytes = axum::body::to_bytes(body, MAX_RAFT_RPC_BYTES).await.map_err(|_| {
            (StatusCode::PAYLOAD_TOO_LARGE, format!("a cluster request holds at most {MAX_RAFT_RPC_BYTES} bytes"))
                .into_response()
        })?;
        auth::verify(
            |id| self.key_of(id),
            &self.config.name,
            self.id,
            auth::now_secs(self.clock_offset_secs),
            headers,
            path,
            &bytes,
        )
        .map_err(|error| {
            tracing::warn!(%error, path, "refused a cluster request");
            (StatusCode::UNAUTHORIZED, error.to_string()).into_response()
        })?;
        Ok(bytes)
    }
}

impl ClusterState {
    /// The authenticated request body of `path`, decoded.
    async fn request<T: serde::de::DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        path: &str,
        body: Body,
    ) -> Result<T, Response> {
        let bytes = self.authenticated(headers, path, body).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| (StatusCode::BAD_REQUEST, format!("malformed cluster request: {e}")).into_response())
    }
}

async fn append(State(state): State<ClusterState>, headers: HeaderMap, body: Body) -> Response {
    match state.request(&headers, ROUTE_APPEND, body).await {
        Ok(rpc) => Json(state.raft.append_entries(rpc).await).into_response(),
        Err(refused) => refused,
    }
}

async fn vote(State(state): State<ClusterState>, headers: HeaderMap, body: Body) -> Response {
    match state.request(&headers, ROUTE_VOTE, body).await {
        Ok(rpc) => Json(state.raft.vote(rpc).await).into_response(),
        Err(refused) => refused,
    }
}

async fn snapshot(State(state): State<ClusterState>, headers: HeaderMap, body: Body) -> Response {
    match state.request(&headers, ROUTE_SNAPSHOT, body).await {
        Ok(rpc) => Json(state.raft.install_snapshot(rpc).await).into_response(),
        Err(refused) => refused,
    }
}

/// One member in the status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberStatus {
    /// Node id.
    pub id: NodeId,
    /// Base URL.
    pub url: String,
    /// did:key.
    pub key: String,
    /// True for a voter, false for a learner.
    pub voter: bool,
}

/// `GET /v1/cluster`: this member's view of the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterStatus {
    /// The cluster's name.
    pub cluster: String,
    /// This member's id.
    pub id: NodeId,
    /// `Leader`, `Follower`, `Candidate` or `Learner`.
    pub state: String,
    /// The leader's id, if known.
    pub leader: Option<NodeId>,
    /// The leader's base URL, if known.
    pub leader_url: Option<String>,
    /// The current term.
    pub term: u64,
    /// Index of the last log entry here.
    pub last_log_index: Option<u64>,
    /// Index of the last entry applied here.
    pub last_applied: Option<u64>,
    /// Index of the last snapshot here.
    pub snapshot: Option<u64>,
    /// The membership in force.
    pub members: Vec<MemberStatus>,
}

/// This member's status.
pub(crate) fn status(state: &ClusterState) -> ClusterStatus {
    let metrics = state.raft.metrics().borrow().clone();
    let membership = metrics.membership_config.membership();
    let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
    let members = membership
        .nodes()
        .map(|(id, m)| MemberStatus { id: *id, url: m.url.clone(), key: m.key.clone(), voter: voters.contains(id) })
        .collect();
    ClusterStatus {
        cluster: state.config.name.clone(),
        id: state.id,
        state: format!("{:?}", metrics.state),
        leader: metrics.current_leader,
        leader_url: crate::replicator::leader_url(&state.raft),
        term: metrics.current_term,
        last_log_index: metrics.last_log_index,
        last_applied: metrics.last_applied.map(|l| l.index),
        snapshot: metrics.snapshot.map(|l| l.index),
        members,
    }
}

async fn get_status(State(state): State<ClusterState>) -> Json<ClusterStatus> {
    Json(status(&state))
}

/// `POST /internal/cluster/members`: add (as learner, then voter) or remove a member; only on
/// the leader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "change", rename_all = "snake_case")]
pub enum MembershipChange {
    /// Add `id` at `url` with `key`, catch it up as a learner, then make it a voter.
    Add {
        /// Node id.
        id: NodeId,
        /// Its base URL.
        url: String,
        /// Its did:key.
        key: String,
    },
    /// Remove `id` from the voters and the cluster.
    Remove {
        /// Node id.
        id: NodeId,
    },
}

async fn change_members(State(state): State<ClusterState>, headers: HeaderMap, body: Body) -> Response {
    let change: MembershipChange = match state.request(&headers, ROUTE_MEMBERS, body).await {
        Ok(change) => change,
        Err(refused) => return refused,
    };
    let voters: BTreeSet<NodeId> = state.raft.metrics().borrow().membership_config.membership().voter_ids().collect();
    let result = match change {
        MembershipChange::Add { id, url, key } => {
            if AgentId::parse_did(&key).is_err() {
                return (StatusCode::BAD_REQUEST, format!("{key} is not an Ed25519 did:key")).into_response();
            }
            match state.raft.add_learner(id, Member { url, key }, true).await {
                Ok(_) => {
                    let mut next = voters;
                    next.insert(id);
                    state.raft.change_membership(next, false).await.map(|_| ())
                }
                Err(error) => Err(error),
            }
        }
        MembershipChange::Remove { id } => {
            let mut next = voters;
            next.remove(&id);
            state.raft.change_membership(next, false).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => Json(status(&state)).into_response(),
        Err(error) => (StatusCode::CONFLICT, error.to_string()).into_response(),
    }
}

/// The cluster routes of one member.
pub(crate) fn router(state: ClusterState) -> Router {
    Router::new()
        .route(ROUTE_APPEND, post(append))
        .route(ROUTE_VOTE, post(vote))
        .route(ROUTE_SNAPSHOT, post(snapshot))
        .route(ROUTE_MEMBERS, post(change_members))
        .route(ROUTE_STATUS, get(get_status))
        .with_state(state)
}
