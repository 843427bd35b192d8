//! Where a request goes on a cluster member: writes on a follower are redirected (307) to the
//! same route on the leader; reads are local by default (they may lag the leader), and with
//! `?consistent=true` they are redirected to the leader, which confirms its leadership with a
//! majority (read index) before reading. A single node strips the parameter: it is always
//! consistent.

use crate::extract::ApiFailure;
use crate::replicator::{ReplicationError, Role};
use crate::state::AppState;
use agora_api::{ApiError, ErrorKind, routes};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The query parameter asking for a read through the leader.
pub const CONSISTENT_PARAM: &str = "consistent";

/// The query without `consistent=…`, and whether it asked for `consistent=true`.
fn strip_consistent(query: Option<&str>) -> Result<(Option<String>, bool), ApiFailure> {
    let Some(query) = query else { return Ok((None, false)) };
    let mut consistent = false;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((CONSISTENT_PARAM, "true")) => consistent = true,
            Some((CONSISTENT_PARAM, "false")) => {}
            Some((CONSISTENT_PARAM, other)) => {
                return Err(ApiFailure::parameter(format!("consistent must be true or false, not {other:?}")));
            }
            _ => rest.push(pair),
        }
    }
    Ok(((!rest.is_empty()).then(|| rest.join("&")), consistent))
}

fn redirect(leader: Option<String>, uri: &Uri) -> Response {
    let Some(leader) = leader else {
        return ApiFailure::new(ErrorKind::NoLeader, "no cluster leader is known now; retry shortly").into_response();
    };
    // The leader's URL comes from the replicated membership, never from the request.
    let target = format!("{}{}", leader.trim_end_matches('/'), uri.path_and_query().map_or("/", |p| p.as_str()));
    let error = ApiError::new(ErrorKind::NotLeader, format!("this member does not lead; send the request to {target}"));
    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, target)], Json(error)).into_response()
}

fn is_write(request: &Request) -> bool {
    request.method() == Method::POST && matches!(request.uri().path(), routes::TXS | routes::TXS_BATCH)
}

/// The middleware of the API routes.
pub(crate) async fn route(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let (query, consistent) = match strip_consistent(request.uri().query()) {
        Ok(parsed) => parsed,
        Err(failure) => return failure.into_response(),
    };
    if let Some(replicator) = &state.replicator {
        let role = replicator.role();
        if let (true, Role::Follower { leader }) = (is_write(&request) || consistent, &role) {
            return redirect(leader.clone(), request.uri());
        }
        if consistent {
            match replicator.read_barrier().await {
                Ok(()) => {}
                Err(ReplicationError::NotLeader(leader)) => return redirect(leader, request.uri()),
                Err(ReplicationError::Failed(message)) => {
                    return ApiFailure::new(ErrorKind::NoLeader, message).into_response();
                }
            }
        }
    }
    if consistent || request.uri().query().is_some_and(|q| q.contains(CONSISTENT_PARAM)) {
        let path = request.uri().path().to_string();
        let rebuilt = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::strip_consistent;

    #[test]
    fn consistent_is_taken_out_of_the_query_and_anything_but_true_or_false_is_refused() {
        assert_eq!(strip_consistent(None).ok(), Some((None, false)));
        assert_eq!(strip_consistent(Some("consistent=true")).ok(), Some((None, true)));
        assert_eq!(strip_consistent(Some("limit=5&consistent=true")).ok(), Some((Some("limit=5".into()), true)));
        assert_eq!(strip_consistent(Some("consistent=false&limit=5")).ok(), Some((Some("limit=5".into()), false)));
        assert_eq!(strip_consistent(Some("limit=5")).ok(), Some((Some("limit=5".into()), false)));
        assert!(strip_consistent(Some("consistent=yes")).is_err());
    }
}
