//! Request input with JSON errors: bounded bodies, path and query parameters, and the error
//! response every handler returns.

use agora_api::{ApiError, ErrorKind};
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A failed request: the HTTP status and the `{code, name, message, field?}` body.
#[derive(Debug)]
pub(crate) struct ApiFailure {
    pub status: StatusCode,
    pub error: ApiError,
}

impl ApiFailure {
    /// A failure of `kind` (its HTTP status follows the kind).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiFailure {
            status: StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error: ApiError::new(kind, message),
        }
    }

    /// 404 with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiFailure::new(ErrorKind::NotFound, message)
    }

    /// 400 for a bad path or query parameter.
    pub fn parameter(message: impl Into<String>) -> Self {
        ApiFailure::new(ErrorKind::InvalidParameter, message)
    }
}

impl From<agora::Error> for ApiFailure {
    fn from(error: agora::Error) -> Self {
        tracing::error!(%error, "reading state failed");
        ApiFailure::new(ErrorKind::Internal, error.to_string())
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.error)).into_response()
    }
}

/// Path parameters; a malformed one is a 400 JSON error.
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|e| ApiFailure::parameter(e.body_text()))
    }
}

/// Query parameters; unknown or malformed ones are a 400 JSON error.
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiFailure> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|e| ApiFailure::parameter(e.body_text()))
    }
}

/// Reads a body of at most `max` bytes; a longer one (by its `Content-Length` or as soon as
/// the bytes received pass the limit) is refused with 413 without reading the rest.
pub(crate) async fn read_body(
    headers: &axum::http::HeaderMap,
    body: Body,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, ApiFailure> {
    use futures_util::StreamExt;
    let too_large = || ApiFailure::new(ErrorKind::BodyTooLarge, format!("{what} is above the limit of {max} bytes"));
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large());
    }
    let mut out = Vec::with_capacity(declared.map_or(0, |len| len as usize).min(max));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiFailure::new(ErrorKind::MalformedRequest, format!("reading the {what}: {e}")))?;
        if out.len() + chunk.len() > max {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Parses a JSON form from `bytes` with the core's strict rules, naming the field on error.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &'static str, max: usize) -> Result<T, ApiFailure> {
    agora::core::json::from_slice_bounded(bytes, what, max).map_err(|e| match e {
        agora::core::json::JsonError::TooLarge { .. } => ApiFailure::new(ErrorKind::BodyTooLarge, e.to_string()),
        agora::core::json::JsonError::Invalid { ref path, .. } => {
            let field = path.clone();
            let mut failure = ApiFailure::new(ErrorKind::MalformedRequest, e.to_string());
            failure.error = failure.error.with_field(field);
            failure
        }
    })
}

/// `?wait=false` on transaction posts.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaitParam {
    /// `false`: answer 202 once the transaction is in the mempool.
    pub wait: Option<bool>,
}
