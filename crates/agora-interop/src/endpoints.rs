//! The public endpoints of a node, as the registration file and agent card advertise them.
//! The node passes its own base URL; nothing here opens a socket.

/// Path of the A2A agent card on a node.
pub const AGENT_CARD_PATH: &str = "/.well-known/agent-card.json";
/// Path of the ERC-8004 registration file on a node (the ERC's endpoint-domain file name).
pub const REGISTRATION_PATH: &str = "/.well-known/agent-registration.json";
/// Path of the A2A JSON-RPC endpoint on a node.
pub const A2A_PATH: &str = "/a2a";
/// Longest base URL accepted.
pub const MAX_BASE_URL_BYTES: usize = 512;

/// A node's public base URL (`http://host:port` or `https://host`, no trailing slash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEndpoints {
    base: String,
}

/// The base URL given is not an http(s) URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "base URL {0:?} must start with http:// or https://, have a host, no query or fragment, and be at most 512 bytes"
)]
pub struct BadBaseUrl(pub String);

impl NodeEndpoints {
    /// Checks and keeps `base` (a trailing `/` is dropped).
    pub fn new(base: &str) -> Result<Self, BadBaseUrl> {
        let trimmed = base.trim_end_matches('/');
        let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
        let ok = base.len() <= MAX_BASE_URL_BYTES
            && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
            && !trimmed.contains(['?', '#', ' ']);
        if ok {
            Ok(NodeEndpoints { base: trimmed.to_string() })
        } else {
            Err(BadBaseUrl(base.chars().take(100).collect()))
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The A2A agent card URL.
    pub fn agent_card(&self) -> String {
        format!("{}{AGENT_CARD_PATH}", self.base)
    }

    /// The ERC-8004 registration file URL.
    pub fn registration(&self) -> String {
        format!("{}{REGISTRATION_PATH}", self.base)
    }

    /// The A2A JSON-RPC endpoint URL.
    pub fn a2a(&self) -> String {
        format!("{}{A2A_PATH}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            NodeEndpoints::new("http://127.0.0.1:8080/").map(|e| e.agent_card()),
            Ok("http://127.0.0.1:8080/.well-known/agent-card.json".into())
        );
        for bad in ["", "ftp://x", "http://", "https:///x", "http://a?b", "http://a b"] {
            assert!(NodeEndpoints::new(bad).is_err(), "{bad}");
        }
    }
}
