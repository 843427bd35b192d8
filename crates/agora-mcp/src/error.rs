//! Errors: starting the server ([`McpError`]) and the wallet's own tool error names
//! ([`WalletErrorKind`]), which sit beside the node's error kinds and transaction statuses.

use agora_api::ApiError;

/// Why the server could not start or stopped with a failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum McpError {
    /// The key file could not be read or is not a key file.
    #[error("key file {path}: {message}")]
    KeyFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The proof key directory could not be loaded.
    #[error("proof keys: {0}")]
    ProofKeys(String),
    /// The node URL is unusable.
    #[error("node: {0}")]
    Node(String),
    /// Binding, serving or the transport failed.
    #[error("{0}")]
    Transport(String),
}

/// Failures that happen in the wallet rather than in the node. Their codes (2000 and up) never
/// meet a node [`agora_api::ErrorKind`] code (1000–1999) or a transaction status code (below
/// 1000); codes and names never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalletErrorKind {
    /// The node could not be reached, or answered with something that is not its API's form.
    NodeUnavailable,
    /// A completion proof could not be made: no proof keys, a witness that does not match the
    /// task, a task that is not proof-gated, or a failing prover.
    ProofFailed,
    /// A fair-exchange output could not be opened: no encryption key given, a task sealed to
    /// another key, no delivery yet, or a decryption that does not open the output commitment.
    DecryptionFailed,
}

impl WalletErrorKind {
    /// Every kind.
    pub const ALL: &'static [WalletErrorKind] =
        &[WalletErrorKind::NodeUnavailable, WalletErrorKind::ProofFailed, WalletErrorKind::DecryptionFailed];

    /// The stable numeric code.
    pub fn code(self) -> u16 {
        match self {
            WalletErrorKind::NodeUnavailable => 2001,
            WalletErrorKind::ProofFailed => 2002,
            WalletErrorKind::DecryptionFailed => 2003,
        }
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            WalletErrorKind::NodeUnavailable => "NodeUnavailable",
            WalletErrorKind::ProofFailed => "ProofFailed",
            WalletErrorKind::DecryptionFailed => "DecryptionFailed",
        }
    }

    /// An error body of this kind, in the API's one error form.
    pub fn error(self, message: impl Into<String>) -> ApiError {
        ApiError { code: self.code(), name: self.name().to_string(), message: message.into(), field: None }
    }
}

/// The node's error body when it answered with one, else a [`WalletErrorKind::NodeUnavailable`].
pub fn node_error(error: agora_client::ClientError) -> ApiError {
    match error.api_error() {
        Some(api) => api.clone(),
        None => WalletErrorKind::NodeUnavailable.error(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallet_codes_never_meet_node_error_codes_or_status_codes() {
        let node: Vec<u16> = agora_api::ErrorKind::ALL.iter().map(|k| k.code()).collect();
        let status: Vec<u16> = agora::Status::ALL.iter().map(|s| s.code()).collect();
        let mut names = std::collections::HashSet::new();
        for kind in WalletErrorKind::ALL {
            assert!(kind.code() >= 2000);
            assert!(!node.contains(&kind.code()) && !status.contains(&kind.code()));
            assert!(names.insert(kind.name()));
            assert_eq!(kind.error("x").name, kind.name());
        }
    }
}
