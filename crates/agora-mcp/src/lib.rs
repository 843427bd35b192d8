//! An MCP (Model Context Protocol) server that acts as one agent's wallet on an Agora node.
//!
//! The server holds the agent's Ed25519 key locally (a key file as `agora key new` writes it),
//! signs every transaction itself and posts it to the node through [`agora_client`]; the key
//! never leaves the process. Worker proofs of the built-in task kinds are made locally too,
//! from a JSON witness and the proving keys of a key directory ([`agora::prove_offer`], the
//! same proving step as `agora prove`).
//!
//! Thirteen tools ([`tools::TOOL_NAMES`]), each with a JSON-schema input: `whoami`,
//! `list_open_tasks`, `get_task`, `post_task`, `place_bid`, `award_bid`, `submit_completion`,
//! `accept_delivery`, `open_dispute`, `get_receipt`, `get_reputation`. A tool's result is the
//! node's own JSON form (agora-api views, core receipts) as structured content plus a one-line
//! text summary; a failure is a tool error whose structured content is the API's error form
//! `{code, name, message, field?}` with a stable name (a transaction status such as
//! `InsufficientFunds`, an API error such as `MalformedRequest`, or a wallet error of
//! [`error::WalletErrorKind`]).
//!
//! Transports: stdio ([`serve_stdio`]) and streamable HTTP ([`HttpServer`], path [`server::MCP_PATH`]).

mod calls;
pub mod error;
pub mod inputs;
pub mod key_file;
pub mod output;
pub mod schema;
pub mod server;
pub mod tools;
pub mod wallet;

pub use error::{McpError, WalletErrorKind};
pub use key_file::{KeyFile, MAX_KEY_FILE_BYTES, read_key_file};
pub use server::{HttpServer, serve_stdio};
pub use tools::{AgoraTools, TOOL_NAMES};
pub use wallet::Wallet;
