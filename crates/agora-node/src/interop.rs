//! The node's own descriptions in the forms other agent software reads: the operator agent's
//! A2A agent card at `/.well-known/agent-card.json`, and ERC-8004 registration files (the
//! operator's at `/.well-known/agent-registration.json`, any registered agent's at
//! `/v1/agents/{did}/registration`), their endpoints under this node's public URL.

use crate::extract::{ApiFailure, ApiPath};
use crate::state::AppState;
use agora::AgentId;
use agora_api::ApiError;
use agora_interop::agent_card::AgentCard;
use agora_interop::endpoints::NodeEndpoints;
use agora_interop::registration::{AgentProfile, RegistrationFile, registration_file};
use axum::Json;
use axum::extract::State;

/// The software version the card states.
const NODE_VERSION: &str = env!("CARGO_PKG_VERSION");

fn operator(state: &AppState) -> Result<AgentId, ApiFailure> {
    state.reader.config().genesis.operators.first().copied().ok_or_else(|| {
        ApiFailure::not_found("the genesis names no operator: this marketplace has no operator agent to describe")
    })
}

/// The A2A 0.3.0 agent card of the operator agent: one skill per task kind that takes new tasks.
#[utoipa::path(get, path = "/.well-known/agent-card.json", tag = "interop",
    responses((status = 200, description = "A2A 0.3.0 AgentCard (JSON)"), (status = 404, body = ApiError)))]
pub(crate) async fn agent_card(State(state): State<AppState>) -> Result<Json<AgentCard>, ApiFailure> {
    let operator = operator(&state)?;
    let kinds = state.reader.live_kind_specs()?;
    Ok(Json(agora_interop::agent_card::agent_card(&operator, &kinds, &state.endpoints, NODE_VERSION)))
}

fn registration(
    state: &AppState,
    agent: &AgentId,
    mcp: Option<&NodeEndpoints>,
) -> Result<Json<RegistrationFile>, ApiFailure> {
    let profile = AgentProfile::of(&state.reader, agent)?;
    Ok(Json(registration_file(agent, &profile, &state.endpoints, mcp)))
}

/// The ERC-8004 registration file of the operator agent.
#[utoipa::path(get, path = "/.well-known/agent-registration.json", tag = "interop",
    responses((status = 200, description = "ERC-8004 registration file (registration-v1)"), (status = 404, body = ApiError)))]
pub(crate) async fn operator_registration(State(state): State<AppState>) -> Result<Json<RegistrationFile>, ApiFailure> {
    let operator = operator(&state)?;
    registration(&state, &operator, state.operator_mcp.as_ref())
}

/// The ERC-8004 registration file of an agent that registered (bonded) on this marketplace.
#[utoipa::path(get, path = "/v1/agents/{did}/registration", tag = "interop", params(("did" = String, Path, description = "did:key")),
    responses((status = 200, description = "ERC-8004 registration file (registration-v1)"),
              (status = 400, body = ApiError), (status = 404, description = "The agent never registered", body = ApiError)))]
pub(crate) async fn agent_registration(
    State(state): State<AppState>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<RegistrationFile>, ApiFailure> {
    let agent = AgentId::parse_did(&text).map_err(|e| ApiFailure::parameter(format!("invalid did {text:?}: {e}")))?;
    if state.reader.account(&agent)?.registration.is_none() {
        return Err(ApiFailure::not_found(format!("agent {} never registered on this marketplace", agent.did())));
    }
    registration(&state, &agent, None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_served_paths_are_the_ones_the_documents_advertise() {
        use agora_interop::endpoints::{AGENT_CARD_PATH, REGISTRATION_PATH};
        assert_eq!(agora_api::routes::AGENT_CARD, AGENT_CARD_PATH);
        assert_eq!(agora_api::routes::OPERATOR_REGISTRATION, REGISTRATION_PATH);
    }
}
