//! The tool set: thirteen `#[tool]`s over one [`Wallet`]. Each takes its arguments as a raw
//! object and parses them itself ([`crate::inputs::parse`]), so a bad input is a tool error
//! naming the field (`MalformedRequest`) rather than a protocol error.

use crate::calls;
use crate::inputs::{
    AwardBidInput, ListOpenTasksInput, NoInput, PlaceBidInput, PostTaskInput, ReceiptInput, ReputationInput,
    SubmitCompletionInput, TaskInput, parse,
};
use crate::output::result;
use crate::schema::input_schema;
use crate::wallet::Wallet;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, Implementation, JsonObject, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use std::sync::Arc;

/// Every tool's name, in the order they are listed.
pub const TOOL_NAMES: [&str; 13] = [
    "whoami",
    "list_open_tasks",
    "get_task",
    "post_task",
    "place_bid",
    "award_bid",
    "submit_completion",
    "accept_delivery",
    "open_dispute",
    "get_receipt",
    "get_reputation",
    "register_encryption_key",
    "decrypt_output",
];

/// What the server tells a client about itself.
const INSTRUCTIONS: &str = "Agora marketplace wallet of one agent. It signs transactions locally with the agent's key \
and posts them to an Agora node. u64/u128 values (ids, amounts, times) are decimal strings. Tool errors carry \
{code, name, message, field?} with a stable name.";

/// The MCP server handler: the tools of one wallet. Cheap to clone (the wallet is shared), so
/// the HTTP transport makes one per session.
#[derive(Clone)]
pub struct AgoraTools {
    wallet: Arc<Wallet>,
    tool_router: ToolRouter<AgoraTools>,
}

impl AgoraTools {
    /// The tools of `wallet`.
    pub fn new(wallet: Arc<Wallet>) -> AgoraTools {
        AgoraTools { wallet, tool_router: Self::tool_router() }
    }

    /// The wallet.
    pub fn wallet(&self) -> &Wallet {
        &self.wallet
    }
}

#[tool_router]
impl AgoraTools {
    /// This agent: its did, account, balances and explained reputation.
    #[tool(input_schema = input_schema::<NoInput>(), annotations(read_only_hint = true))]
    async fn whoami(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::whoami(&self.wallet, parse("whoami", Some(args))?).await }.await)
    }

    /// One page `{items, next?}` of tasks open for bids, in id order (`from`, `limit`).
    #[tool(input_schema = input_schema::<ListOpenTasksInput>(), annotations(read_only_hint = true))]
    async fn list_open_tasks(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::list_open_tasks(&self.wallet, parse("list_open_tasks", Some(args))?).await }.await)
    }

    /// A task `{task, bids}`: its record (offer, status, worker, escrow) and its bids.
    #[tool(input_schema = input_schema::<TaskInput>(), annotations(read_only_hint = true))]
    async fn get_task(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::get_task(&self.wallet, parse("get_task", Some(args))?).await }.await)
    }

    /// Posts a job offer as employer; the budget is escrowed at once. Returns `{receipt}`;
    /// `receipt.created` names the new task.
    #[tool(input_schema = input_schema::<PostTaskInput>())]
    async fn post_task(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::post_task(&self.wallet, parse("post_task", Some(args))?).await }.await)
    }

    /// Bids on an open task as worker. Returns `{receipt}`.
    #[tool(input_schema = input_schema::<PlaceBidInput>())]
    async fn place_bid(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::place_bid(&self.wallet, parse("place_bid", Some(args))?).await }.await)
    }

    /// Awards this agent's open task to one bidder. Returns `{receipt}`.
    #[tool(input_schema = input_schema::<AwardBidInput>())]
    async fn award_bid(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::award_bid(&self.wallet, parse("award_bid", Some(args))?).await }.await)
    }

    /// Proves the awarded task of a built-in kind from its JSON witness (locally, seconds of
    /// CPU) and submits the proof; a verified proof pays the worker and raises its reputation.
    /// Returns `{receipt, completion}` (the completion holds the result for the employer).
    #[tool(input_schema = input_schema::<SubmitCompletionInput>())]
    async fn submit_completion(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::submit_completion(&self.wallet, parse("submit_completion", Some(args))?).await }.await)
    }

    /// Accepts the delivery of this agent's awarded task and pays the worker. Returns
    /// `{receipt}`.
    #[tool(input_schema = input_schema::<TaskInput>())]
    async fn accept_delivery(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::accept_delivery(&self.wallet, parse("accept_delivery", Some(args))?).await }.await)
    }

    /// Opens a dispute on an awarded task (employer or worker). Returns `{receipt}`;
    /// `receipt.created` names the case.
    #[tool(input_schema = input_schema::<TaskInput>())]
    async fn open_dispute(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::open_dispute(&self.wallet, parse("open_dispute", Some(args))?).await }.await)
    }

    /// A committed transaction's `{receipt, block_time}` by hash (`NotFound` until committed).
    #[tool(input_schema = input_schema::<ReceiptInput>(), annotations(read_only_hint = true))]
    async fn get_receipt(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::get_receipt(&self.wallet, parse("get_receipt", Some(args))?).await }.await)
    }

    /// An agent's reputation explained (score, standing, sources); default: this agent.
    #[tool(input_schema = input_schema::<ReputationInput>(), annotations(read_only_hint = true))]
    async fn get_reputation(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::get_reputation(&self.wallet, parse("get_reputation", Some(args))?).await }.await)
    }

    /// Registers this wallet's encryption key (`--encryption-key`) with its proof of
    /// possession, so workers can seal fair-exchange outputs to it. Returns `{receipt}`.
    #[tool(input_schema = input_schema::<NoInput>())]
    async fn register_encryption_key(&self, args: JsonObject) -> CallToolResult {
        result(
            async { calls::register_encryption_key(&self.wallet, parse("register_encryption_key", Some(args))?).await }
                .await,
        )
    }

    /// Employer: decrypts a settled fair-exchange task's sealed output with this wallet's
    /// encryption key and checks it against the task's output commitment. Returns `{task,
    /// result, output_salt}`.
    #[tool(input_schema = input_schema::<TaskInput>(), annotations(read_only_hint = true))]
    async fn decrypt_output(&self, args: JsonObject) -> CallToolResult {
        result(async { calls::decrypt_output(&self.wallet, parse("decrypt_output", Some(args))?).await }.await)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for AgoraTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("agora", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_router_lists_exactly_the_thirteen_tools_each_with_an_object_schema() {
        let tools = AgoraTools::tool_router().list_all();
        let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        names.sort_unstable();
        let mut expected = TOOL_NAMES.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected);
        for tool in &tools {
            assert_eq!(tool.input_schema.get("type"), Some(&serde_json::json!("object")), "{}", tool.name);
            assert!(tool.description.as_ref().is_some_and(|d| !d.is_empty()), "{}", tool.name);
        }
    }
}
