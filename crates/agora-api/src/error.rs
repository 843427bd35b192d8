//! The error body of every failed request: `{code, name, message, field?}`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why the node refused a request (transport-level, not a transaction status). Codes start at
/// 1000 so they never meet a transaction [`agora::Status`] code, which the same `code`/`name`
/// fields carry when a transaction is refused before it reaches a block (for example
/// `BadSignature`). Codes and names never change meaning; new ones are only added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The body is not JSON, not the expected form, or has unknown or duplicate fields (400).
    MalformedRequest,
    /// A path or query parameter is invalid (400).
    InvalidParameter,
    /// No such route or object (404).
    NotFound,
    /// The request took longer than the node's per-request timeout (408).
    RequestTimeout,
    /// The body exceeds its limit (413).
    BodyTooLarge,
    /// The mempool cannot take the transactions now (429).
    MempoolFull,
    /// Too many requests are being served at once (429).
    Overloaded,
    /// The node is shutting down and takes no new transactions (503).
    ShuttingDown,
    /// The block could not be committed (503); the transaction was not applied.
    CommitFailed,
    /// This cluster member is not the leader (307): the `Location` header names the same route
    /// on the leader, where the request should be sent again.
    NotLeader,
    /// No cluster leader is known now, or leadership changed while the transactions waited
    /// (503); they may or may not have been committed: look them up by hash before resending.
    NoLeader,
    /// An unexpected failure inside the node (500).
    Internal,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::MalformedRequest,
        ErrorKind::InvalidParameter,
        ErrorKind::NotFound,
        ErrorKind::RequestTimeout,
        ErrorKind::BodyTooLarge,
        ErrorKind::MempoolFull,
        ErrorKind::Overloaded,
        ErrorKind::ShuttingDown,
        ErrorKind::CommitFailed,
        ErrorKind::NotLeader,
        ErrorKind::NoLeader,
        ErrorKind::Internal,
    ];

    /// The stable numeric code.
    pub fn code(self) -> u16 {
        match self {
            ErrorKind::MalformedRequest => 1000,
            ErrorKind::InvalidParameter => 1001,
            ErrorKind::NotFound => 1004,
            ErrorKind::RequestTimeout => 1008,
            ErrorKind::BodyTooLarge => 1013,
            ErrorKind::MempoolFull => 1029,
            ErrorKind::Overloaded => 1030,
            ErrorKind::ShuttingDown => 1503,
            ErrorKind::CommitFailed => 1504,
            ErrorKind::NotLeader => 1307,
            ErrorKind::NoLeader => 1505,
            ErrorKind::Internal => 1500,
        }
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::MalformedRequest => "MalformedRequest",
            ErrorKind::InvalidParameter => "InvalidParameter",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::RequestTimeout => "RequestTimeout",
            ErrorKind::BodyTooLarge => "BodyTooLarge",
            ErrorKind::MempoolFull => "MempoolFull",
            ErrorKind::Overloaded => "Overloaded",
            ErrorKind::ShuttingDown => "ShuttingDown",
            ErrorKind::CommitFailed => "CommitFailed",
            ErrorKind::NotLeader => "NotLeader",
            ErrorKind::NoLeader => "NoLeader",
            ErrorKind::Internal => "Internal",
        }
    }

    /// The HTTP status the node answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::MalformedRequest | ErrorKind::InvalidParameter => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::RequestTimeout => 408,
            ErrorKind::BodyTooLarge => 413,
            ErrorKind::MempoolFull | ErrorKind::Overloaded => 429,
            ErrorKind::ShuttingDown | ErrorKind::CommitFailed | ErrorKind::NoLeader => 503,
            ErrorKind::NotLeader => 307,
            ErrorKind::Internal => 500,
        }
    }
}

/// The JSON error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    /// Stable numeric code: an [`ErrorKind`] code (≥ 1000) or a transaction status code.
    pub code: u16,
    /// Stable name of the code (`MempoolFull`, `BadSignature`, …).
    pub name: String,
    /// What went wrong, for people.
    pub message: String,
    /// The offending field (dotted path such as `action.offer.title`), when one is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError { code: kind.code(), name: kind.name().to_string(), message: message.into(), field: None }
    }

    /// A transaction refused with `status` before it reached a block.
    pub fn status(status: agora::Status, message: impl Into<String>) -> Self {
        ApiError { code: status.code(), name: status.name().to_string(), message: message.into(), field: None }
    }

    /// The same error naming `field`.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }

    /// The kind, when the code is one of [`ErrorKind`]'s.
    pub fn kind(&self) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == self.code)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} ({}): field `{field}`: {}", self.name, self.code, self.message),
            None => write!(f, "{} ({}): {}", self.name, self.code, self.message),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_never_meet_status_codes() {
        let mut codes: Vec<u16> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert!(agora::Status::ALL.iter().all(|s| s.code() < 1000));
        for kind in ErrorKind::ALL {
            assert_eq!(ApiError::new(*kind, "x").kind(), Some(*kind));
        }
    }
}
