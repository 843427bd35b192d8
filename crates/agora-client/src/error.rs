//! Errors of the client.

use agora_api::ApiError;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The node answered with an error body.
    #[error("node answered {status}: {error}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The node's `{code, name, message, field?}`.
        error: ApiError,
    },
    /// The request could not be sent or its answer not read.
    #[error("talking to the node: {0}")]
    Transport(#[from] reqwest::Error),
    /// The answer was not the expected form, or too large.
    #[error("unexpected answer from the node: {0}")]
    Decode(String),
    /// Anything else (bad URL, key handling).
    #[error("{0}")]
    Other(String),
}

impl ClientError {
    /// Wraps any displayable error as [`ClientError::Other`].
    pub fn other(error: impl std::fmt::Display) -> Self {
        ClientError::Other(error.to_string())
    }

    /// The node's error body, if the node answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ClientError::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, if the node answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}
