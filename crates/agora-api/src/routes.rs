//! Route paths of the node, in axum's `{param}` syntax; the client fills the parameters with
//! [`path`].

/// `POST`: one signed transaction; `?wait=false` answers 202 before the commit.
pub const TXS: &str = "/v1/txs";
/// `POST`: up to [`crate::limits::MAX_BATCH_TXS`] signed transactions in one body.
pub const TXS_BATCH: &str = "/v1/txs/batch";
/// `POST`: an unsigned transaction in, its signing digest out.
pub const TXS_PREPARE: &str = "/v1/txs/prepare";
/// `GET`: the receipt of a committed transaction by its hash.
pub const TX: &str = "/v1/txs/{hash}";
/// `GET`: the chain tip, genesis hash and genesis.
pub const TIP: &str = "/v1/tip";
/// `GET`: an agent's account and balances.
pub const AGENT: &str = "/v1/agents/{did}";
/// `GET`: an agent's reputation, explained.
pub const AGENT_REPUTATION: &str = "/v1/agents/{did}/reputation";
/// `GET`: one balance of an agent.
pub const AGENT_BALANCE: &str = "/v1/agents/{did}/balances/{asset}";
/// `GET`: an agent's arbitrator record.
pub const AGENT_ARBITRATOR: &str = "/v1/agents/{did}/arbitrator";
/// `GET`: an agent's freeze record.
pub const AGENT_FREEZE: &str = "/v1/agents/{did}/freeze";
/// `GET`: an agent's registered encryption key (fair exchange).
pub const AGENT_ENCRYPTION_KEY: &str = "/v1/agents/{did}/encryption-key";
/// `GET`: every asset.
pub const ASSETS: &str = "/v1/assets";
/// `GET`: tasks in id order, paginated (`from`, `limit`, `status=open` for open offers).
pub const TASKS: &str = "/v1/tasks";
/// `GET`: a task with its parent and sub-tasks.
pub const TASK: &str = "/v1/tasks/{id}";
/// `GET`: a task's job offer as JSON-LD.
pub const TASK_OFFER: &str = "/v1/tasks/{id}/offer";
/// `GET`: a fair-exchange task's employer key and sealed output (404 for a plain task).
pub const TASK_SEALED: &str = "/v1/tasks/{id}/sealed";
/// `GET`: a task's bids (`status=open` for the open ones).
pub const TASK_BIDS: &str = "/v1/tasks/{id}/bids";
/// `GET`: open bids across all tasks, paginated (`from` task, `after` bidder, `limit`).
pub const OPEN_BIDS: &str = "/v1/bids/open";
/// `GET`: the ERC-8004 registration file of a registered agent, its services on this node.
pub const AGENT_REGISTRATION: &str = "/v1/agents/{did}/registration";
/// `GET`: the A2A agent card of the node's operator agent (one skill per task kind).
pub const AGENT_CARD: &str = "/.well-known/agent-card.json";
/// `GET`: the ERC-8004 registration file of the node's operator agent.
pub const OPERATOR_REGISTRATION: &str = "/.well-known/agent-registration.json";
/// `GET`: a loan.
pub const LOAN: &str = "/v1/loans/{id}";
/// `GET`: a dispute case.
pub const CASE: &str = "/v1/cases/{id}";
/// `GET`: a stored block.
pub const BLOCK: &str = "/v1/blocks/{height}";
/// `GET`: the state digest recorded after a block.
pub const BLOCK_DIGEST: &str = "/v1/blocks/{height}/digest";
/// `GET`: the receipts of a block.
pub const BLOCK_RECEIPTS: &str = "/v1/blocks/{height}/receipts";
/// `GET`: per asset, supply beside balances, escrow and bonds.
pub const TOTALS: &str = "/v1/totals";
/// `GET`: the trusted set.
pub const TRUSTED: &str = "/v1/trusted";
/// `GET`: the kind registry: every task kind with its verifying-key versions.
pub const KINDS: &str = "/v1/kinds";
/// `GET`: the audit log, paginated, filterable by kind and agent.
pub const AUDIT: &str = "/v1/audit";
/// `GET`: Server-Sent Events of committed blocks and receipts.
pub const EVENTS: &str = "/v1/events";
/// `GET`: the OpenAPI document generated from the handlers.
pub const OPENAPI: &str = "/openapi.json";
/// `GET`: liveness (200 while the process serves).
pub const HEALTHZ: &str = "/healthz";
/// `GET`: readiness (200 while the producer runs and the node is not shutting down).
pub const READYZ: &str = "/readyz";
/// `GET`: Prometheus text metrics.
pub const METRICS: &str = "/metrics";

/// Every route, for the OpenAPI completeness check.
pub const ALL: &[&str] = &[
    TXS,
    TXS_BATCH,
    TXS_PREPARE,
    TX,
    TIP,
    AGENT,
    AGENT_REPUTATION,
    AGENT_BALANCE,
    AGENT_ARBITRATOR,
    AGENT_FREEZE,
    AGENT_ENCRYPTION_KEY,
    ASSETS,
    TASKS,
    TASK,
    TASK_OFFER,
    TASK_SEALED,
    TASK_BIDS,
    OPEN_BIDS,
    AGENT_REGISTRATION,
    AGENT_CARD,
    OPERATOR_REGISTRATION,
    LOAN,
    CASE,
    BLOCK,
    BLOCK_DIGEST,
    BLOCK_RECEIPTS,
    TOTALS,
    TRUSTED,
    KINDS,
    AUDIT,
    EVENTS,
    OPENAPI,
    HEALTHZ,
    READYZ,
    METRICS,
];

/// `route` with each `{name}` replaced by the matching value of `params` (percent-encoding
/// what a path segment may not hold).
pub fn path(route: &str, params: &[(&str, &str)]) -> String {
    let mut out = route.to_string();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    out
}

fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_fills_and_encodes_parameters() {
        assert_eq!(
            path(AGENT_BALANCE, &[("did", "did:key:z6Mk"), ("asset", "1")]),
            "/v1/agents/did:key:z6Mk/balances/1"
        );
        assert_eq!(path(TASK, &[("id", "a/b")]), "/v1/tasks/a%2Fb");
    }
}
