//! The ERC-8004 agent registration file (`type`
//! `https://eips.ethereum.org/EIPS/eip-8004#registration-v1`) of an Agora agent: its name,
//! description, the node's A2A agent card, the agent's MCP wallet if it runs one, and its DID as
//! `services`, and the
//! trust models Agora supports (`reputation` earned only by `zk-proof`s).
//!
//! Agora is not an ERC-8004 Identity Registry and writes no `registrations` entry: the file
//! describes the agent; an owner who also mints it on a chain adds that entry.

use agora::{AgentId, Marketplace};
use serde::{Deserialize, Serialize};

use crate::endpoints::NodeEndpoints;

/// The registration file `type`.
pub const REGISTRATION_TYPE: &str = "https://eips.ethereum.org/EIPS/eip-8004#registration-v1";
/// The A2A protocol version the agent card follows.
pub const A2A_PROTOCOL_VERSION: &str = "0.3.0";
/// The MCP protocol revision `agora mcp` speaks.
pub const MCP_PROTOCOL_VERSION: &str = "2025-06-18";
/// `supportedTrust` values: reputation (ERC-8004's name) and zero-knowledge completion proofs.
pub const SUPPORTED_TRUST: [&str; 2] = ["reputation", "zk-proof"];

/// One advertised service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// `A2A`, `MCP`, `DID`, …
    pub name: String,
    /// URL or identifier.
    pub endpoint: String,
    /// Protocol version (a SHOULD in the ERC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The registration file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistrationFile {
    /// [`REGISTRATION_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Display name.
    pub name: String,
    /// What the agent does.
    pub description: String,
    /// Image URL, when the agent has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The node's endpoints and the agent's DID.
    pub services: Vec<Service>,
    /// Agora settles in escrow, not by x402: always false.
    pub x402_support: bool,
    /// Whether the agent is registered (bonded) and not leaving.
    pub active: bool,
    /// [`SUPPORTED_TRUST`].
    pub supported_trust: Vec<String>,
}

/// What the agent says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentProfile {
    /// Display name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Image URL, if any.
    pub image: Option<String>,
    /// Registered (bonded) and not leaving.
    pub active: bool,
}

impl AgentProfile {
    /// The profile Agora states for `agent` when the agent gives none: a name from the DID's
    /// last characters, a description with its proven completions and score at the tip, and
    /// `active` from its registration. The node serves it; `agora export registration`
    /// starts from it.
    pub fn of(market: &Marketplace, agent: &AgentId) -> Result<AgentProfile, agora::Error> {
        let account = market.account(agent)?;
        let report = market.reputation(agent)?;
        let multibase = agent.multibase();
        let tail = &multibase[multibase.len().saturating_sub(8)..];
        Ok(AgentProfile {
            name: format!("Agora agent {tail}"),
            description: format!(
                "Agent {} of an Agora marketplace: {} completions proven by zero-knowledge proof, reputation {}.",
                agent.did(),
                report.proven_completions,
                report.score
            ),
            image: None,
            active: account.is_active(),
        })
    }
}

/// The ERC-8004 registration file of `agent`, served by the node at `endpoints`. `mcp` is the
/// URL of an MCP server acting as this agent's wallet (`agora mcp --http`), advertised only
/// when the agent runs one: the node itself serves no MCP endpoint.
pub fn registration_file(
    agent: &AgentId,
    profile: &AgentProfile,
    endpoints: &NodeEndpoints,
    mcp: Option<&NodeEndpoints>,
) -> RegistrationFile {
    let mut services = vec![Service {
        name: "A2A".into(),
        endpoint: endpoints.agent_card(),
        version: Some(A2A_PROTOCOL_VERSION.into()),
    }];
    if let Some(mcp) = mcp {
        services.push(Service {
            name: "MCP".into(),
            endpoint: mcp.base().to_string(),
            version: Some(MCP_PROTOCOL_VERSION.into()),
        });
    }
    services.push(Service { name: "DID".into(), endpoint: agent.did(), version: Some("v1".into()) });
    RegistrationFile {
        kind: REGISTRATION_TYPE.into(),
        name: profile.name.clone(),
        description: profile.description.clone(),
        image: profile.image.clone(),
        services,
        x402_support: false,
        active: profile.active,
        supported_trust: SUPPORTED_TRUST.iter().map(|s| s.to_string()).collect(),
    }
}
