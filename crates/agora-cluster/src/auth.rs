//! Requests between members are signed by the sender's node key over the cluster name, both
//! node ids, the sender's clock, the route and the body's hash. A receiver accepts a request
//! only from a member it knows (the cluster file or the replicated membership) with that
//! member's key, addressed to itself, with a clock within `MAX_CLOCK_SKEW_SECS` of its own.

use crate::limits::MAX_CLOCK_SKEW_SECS;
use crate::types::NodeId;
use agora::identity::Signature;
use agora::{AgentId, AgentKey};
use axum::http::HeaderMap;

/// Header naming the sending node's id.
pub const HEADER_FROM: &str = "x-agora-node";
/// Header with the sender's clock (seconds since the Unix epoch).
pub const HEADER_TIME: &str = "x-agora-node-time";
/// Header with the hex Ed25519 signature.
pub const HEADER_SIGNATURE: &str = "x-agora-node-signature";
const DOMAIN: &str = "agora-cluster-rpc-v1";

/// Why a request between members was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// A header is missing or malformed.
    #[error("the request lacks a valid {0} header")]
    Header(&'static str),
    /// The sender is not a member of this cluster.
    #[error("node {0} is not a member of this cluster")]
    UnknownNode(NodeId),
    /// The signature does not verify under the sender's key.
    #[error("the signature does not verify under node {0}'s key (wrong cluster key or cluster name?)")]
    BadSignature(NodeId),
    /// The clocks of sender and receiver differ by more than the limit.
    #[error("node {from}'s clock differs from this node's by {skew} s (limit {MAX_CLOCK_SKEW_SECS} s)")]
    ClockSkew {
        /// The sender.
        from: NodeId,
        /// The difference in seconds.
        skew: u64,
    },
}

fn message(cluster: &str, from: NodeId, to: NodeId, time: u64, path: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(cluster.len() + path.len() + 64);
    m.extend_from_slice(&(cluster.len() as u32).to_le_bytes());
    m.extend_from_slice(cluster.as_bytes());
    m.extend_from_slice(&from.to_le_bytes());
    m.extend_from_slice(&to.to_le_bytes());
    m.extend_from_slice(&time.to_le_bytes());
    m.extend_from_slice(&(path.len() as u32).to_le_bytes());
    m.extend_from_slice(path.as_bytes());
    m.extend_from_slice(blake3::hash(body).as_bytes());
    m
}

/// Seconds since the Unix epoch, moved by `offset` (a member started with a clock offset to
/// test how the cluster treats a far-off clock; 0 otherwise).
pub(crate) fn now_secs(offset: i64) -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    now.saturating_add_signed(offset)
}

/// The three headers of a request from `from` to `to` (signed by `key` at `time`).
pub fn sign(
    key: &AgentKey,
    cluster: &str,
    from: NodeId,
    to: NodeId,
    time: u64,
    path: &str,
    body: &[u8],
) -> [(&'static str, String); 3] {
    let signature = key.sign(DOMAIN, &message(cluster, from, to, time, path, body));
    [
        (HEADER_FROM, from.to_string()),
        (HEADER_TIME, time.to_string()),
        (HEADER_SIGNATURE, hex::encode(signature.to_bytes())),
    ]
}

/// Checks a request addressed to `me`; returns the sender's id. `key_of` names each member's
/// key.
pub fn verify(
    key_of: impl Fn(NodeId) -> Option<AgentId>,
    cluster: &str,
    me: NodeId,
    now: u64,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> Result<NodeId, AuthError> {
    let header = |name: &'static str| -> Result<&str, AuthError> {
        headers.get(name).and_then(|v| v.to_str().ok()).ok_or(AuthError::Header(name))
    };
    let from: NodeId = header(HEADER_FROM)?.parse().map_err(|_| AuthError::Header(HEADER_FROM))?;
    let time: u64 = header(HEADER_TIME)?.parse().map_err(|_| AuthError::Header(HEADER_TIME))?;
    let signature = header(HEADER_SIGNATURE)?;
    let bytes: [u8; 64] =
        hex::decode(signature).ok().and_then(|b| b.try_into().ok()).ok_or(AuthError::Header(HEADER_SIGNATURE))?;
    let key = key_of(from).ok_or(AuthError::UnknownNode(from))?;
    Signature::from_bytes(bytes)
        .verify(&key, DOMAIN, &message(cluster, from, me, time, path, body))
        .map_err(|_| AuthError::BadSignature(from))?;
    let skew = now.abs_diff(time);
    if skew > MAX_CLOCK_SKEW_SECS {
        return Err(AuthError::ClockSkew { from, skew });
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: [(&'static str, String); 3]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name, HeaderValue::from_str(&value).unwrap());
        }
        map
    }

    #[test]
    fn a_request_verifies_only_for_its_receiver_route_body_key_and_cluster() {
        let alice = AgentKey::from_seed([1; 32]);
        let mallory = AgentKey::from_seed([2; 32]);
        let keys = |id: NodeId| (id == 1).then(|| alice.id());
        let signed = headers(sign(&alice, "c", 1, 2, 1000, "/internal/raft/vote", b"body"));
        assert_eq!(verify(keys, "c", 2, 1000, &signed, "/internal/raft/vote", b"body"), Ok(1));
        assert_eq!(
            verify(keys, "c", 3, 1000, &signed, "/internal/raft/vote", b"body"),
            Err(AuthError::BadSignature(1))
        );
        assert_eq!(
            verify(keys, "c", 2, 1000, &signed, "/internal/raft/append", b"body"),
            Err(AuthError::BadSignature(1))
        );
        assert_eq!(
            verify(keys, "c", 2, 1000, &signed, "/internal/raft/vote", b"bodz"),
            Err(AuthError::BadSignature(1))
        );
        assert_eq!(
            verify(keys, "d", 2, 1000, &signed, "/internal/raft/vote", b"body"),
            Err(AuthError::BadSignature(1))
        );
        let forged = headers(sign(&mallory, "c", 1, 2, 1000, "/internal/raft/vote", b"body"));
        assert_eq!(
            verify(keys, "c", 2, 1000, &forged, "/internal/raft/vote", b"body"),
            Err(AuthError::BadSignature(1))
        );
        let stranger = headers(sign(&mallory, "c", 9, 2, 1000, "/internal/raft/vote", b"body"));
        assert_eq!(
            verify(keys, "c", 2, 1000, &stranger, "/internal/raft/vote", b"body"),
            Err(AuthError::UnknownNode(9))
        );
        assert_eq!(
            verify(keys, "c", 2, 1000 + MAX_CLOCK_SKEW_SECS + 1, &signed, "/internal/raft/vote", b"body"),
            Err(AuthError::ClockSkew { from: 1, skew: MAX_CLOCK_SKEW_SECS + 1 })
        );
        assert_eq!(verify(keys, "c", 2, 1000, &HeaderMap::new(), "/", b""), Err(AuthError::Header(HEADER_FROM)));
    }
}
