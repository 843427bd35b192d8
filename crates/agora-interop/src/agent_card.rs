//! The A2A agent card (protocol 0.3.0) of a node's operator agent: served at
//! `/.well-known/agent-card.json`, one skill per task kind the marketplace settles.

use agora::{AgentId, KindSpec};
use serde::{Deserialize, Serialize};

use crate::endpoints::NodeEndpoints;
use crate::registration::A2A_PROTOCOL_VERSION;

/// The transport of the card's main `url`.
pub const PREFERRED_TRANSPORT: &str = "JSONRPC";
/// Media type of every input and output (Agora speaks JSON).
pub const JSON_MEDIA_TYPE: &str = "application/json";

/// Optional A2A capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentCapabilities {
    /// Server-sent events: not offered.
    pub streaming: bool,
    /// Push notifications: not offered.
    pub push_notifications: bool,
}

/// One skill: a task kind the marketplace settles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentSkill {
    /// `agora.kind.<name>`.
    pub id: String,
    /// The kind's name.
    pub name: String,
    /// What a task of the kind proves.
    pub description: String,
    /// Search tags.
    pub tags: Vec<String>,
}

/// The agent card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentCard {
    /// [`A2A_PROTOCOL_VERSION`].
    pub protocol_version: String,
    /// Display name.
    pub name: String,
    /// What the agent does (names its DID).
    pub description: String,
    /// The A2A JSON-RPC endpoint.
    pub url: String,
    /// [`PREFERRED_TRANSPORT`].
    pub preferred_transport: String,
    /// The software version.
    pub version: String,
    /// Capabilities.
    pub capabilities: AgentCapabilities,
    /// Input media types.
    pub default_input_modes: Vec<String>,
    /// Output media types.
    pub default_output_modes: Vec<String>,
    /// One per task kind.
    pub skills: Vec<AgentSkill>,
}

fn kind_description(kind: &KindSpec) -> String {
    let what = match kind.name.as_str() {
        "aggregate" => "sum and above-threshold count over 64 committed records",
        "classify" => "a committed linear model's label on committed features",
        "hashchain" => "the head of a Poseidon hash chain of the task's depth",
        _ => "the kind's registered circuit",
    };
    format!(
        "Tasks of kind {} ({}): {what}; settled only by a Groth16 (BN254) completion proof bound to the task and the worker.",
        kind.kind, kind.name
    )
}

/// The agent card of `operator`'s node at `endpoints`, with one skill per kind in `kinds`;
/// `version` is the node's software version.
pub fn agent_card(operator: &AgentId, kinds: &[KindSpec], endpoints: &NodeEndpoints, version: &str) -> AgentCard {
    AgentCard {
        protocol_version: A2A_PROTOCOL_VERSION.into(),
        name: "Agora marketplace operator".into(),
        description: format!(
            "Operator {} of an Agora marketplace: escrowed tasks settled by zero-knowledge proofs of completion; reputation moves only on a verified proof.",
            operator.did()
        ),
        url: endpoints.a2a(),
        preferred_transport: PREFERRED_TRANSPORT.into(),
        version: version.into(),
        capabilities: AgentCapabilities { streaming: false, push_notifications: false },
        default_input_modes: vec![JSON_MEDIA_TYPE.into()],
        default_output_modes: vec![JSON_MEDIA_TYPE.into()],
        skills: kinds
            .iter()
            .map(|k| AgentSkill {
                id: format!("agora.kind.{}", k.name),
                name: k.name.clone(),
                description: kind_description(k),
                tags: vec!["agora".into(), "zk-proof".into(), "groth16".into(), k.name.clone()],
            })
            .collect(),
    }
}
