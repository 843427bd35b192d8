//! What an operator's tool asks of a running cluster: its status, and membership changes sent
//! to the leader signed with a member's key.

use crate::config::ClusterConfig;
use crate::error::ClusterError;
use crate::network::Signer;
use crate::routes::{ClusterStatus, MembershipChange, ROUTE_MEMBERS, ROUTE_STATUS};
use std::time::Duration;

/// How long one admin request may take (adding a member waits for it to catch up).
pub const ADMIN_TIMEOUT: Duration = Duration::from_secs(120);

/// The status a member at `url` reports.
pub async fn status(client: &reqwest::Client, url: &str) -> Result<ClusterStatus, ClusterError> {
    let response = client
        .get(format!("{}{ROUTE_STATUS}", url.trim_end_matches('/')))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| ClusterError::Remote(format!("{url}: {e}")))?;
    if !response.status().is_success() {
        return Err(ClusterError::Remote(format!("{url} answered {}", response.status())));
    }
    response.json().await.map_err(|e| ClusterError::Remote(format!("{url}: {e}")))
}

/// The status of the first member of `config` that answers and knows a leader.
pub async fn find_leader(client: &reqwest::Client, config: &ClusterConfig) -> Result<ClusterStatus, ClusterError> {
    let mut last = None;
    for node in &config.nodes {
        match status(client, &node.member().url).await {
            Ok(status) if status.leader.is_some() => return Ok(status),
            Ok(_) => last = Some(format!("node {} knows no leader", node.id)),
            Err(error) => last = Some(error.to_string()),
        }
    }
    Err(ClusterError::Remote(format!("no member of {} names a leader ({})", config.name, last.unwrap_or_default())))
}

/// Sends `change` to the leader, signed by `signer`; returns the leader's status afterwards.
pub async fn change_membership(
    config: &ClusterConfig,
    signer: &Signer,
    change: &MembershipChange,
) -> Result<ClusterStatus, ClusterError> {
    let client = reqwest::Client::new();
    let leader = find_leader(&client, config).await?;
    let (Some(id), Some(url)) = (leader.leader, leader.leader_url) else {
        return Err(ClusterError::Remote("the cluster names no leader".into()));
    };
    signer
        .post(&client, id, &url, ROUTE_MEMBERS, change, ADMIN_TIMEOUT)
        .await
        .map_err(|e| ClusterError::Remote(e.to_string()))
}
