//! The input form of each tool, parsed strictly by the Agora JSON rules: unknown fields are
//! refused, u64/u128 are decimal strings, strings and arrays have named maximums, and the whole
//! input has a byte limit checked before it is decoded. A refusal is the API's
//! `MalformedRequest` error naming the offending field.

use crate::schema::{Decimal, Did, Hex32, Object};
use agora::core::json::{JsonError, from_str_bounded};
use agora::core::limits::{MAX_KIND_PARAMS, MAX_REQUIREMENTS_BYTES, MAX_SPLITS, MAX_TITLE_BYTES};
use agora::{AgentId, FieldBytes, Split, TaskId, Witness};
use agora_api::{ApiError, ErrorKind};
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Largest tool input, in bytes of JSON (a witness is at most a few KiB).
pub const MAX_TOOL_INPUT_BYTES: usize = 64 * 1024;

/// Parses the arguments of `tool` as `T`; absent arguments are an empty object.
pub fn parse<T: DeserializeOwned>(tool: &'static str, arguments: Option<JsonObject>) -> Result<T, ApiError> {
    let text = serde_json::Value::Object(arguments.unwrap_or_default()).to_string();
    from_str_bounded(&text, tool, MAX_TOOL_INPUT_BYTES).map_err(|error| match error {
        JsonError::TooLarge { .. } => ApiError::new(ErrorKind::BodyTooLarge, error.to_string()),
        JsonError::Invalid { path, message, .. } => {
            ApiError::new(ErrorKind::MalformedRequest, format!("{tool} input: {message}")).with_field(path)
        }
    })
}

/// No input (`whoami`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// `list_open_tasks`: one page of tasks open for bids, in id order.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListOpenTasksInput {
    /// First task id to look at (decimal string; default 1). A page's `next` is the `from` of
    /// the next page.
    #[serde(default, with = "agora::core::json::opt_u64_string")]
    #[schemars(with = "Option<Decimal>")]
    pub from: Option<u64>,
    /// How many task ids to look at (default 100, at most 1000).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A tool about one task (`get_task`, `accept_delivery`, `open_dispute`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// The task id (decimal string).
    #[schemars(with = "Decimal")]
    pub task: TaskId,
}

/// One share of the payout for someone other than the worker.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct SplitSchema {
    /// Recipient.
    #[schemars(with = "Did")]
    to: String,
    /// Share of the net payout in basis points (a number, 0–10000).
    bps: u16,
}

/// `post_task`: a job offer; its budget is escrowed from this agent's balance at once.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostTaskInput {
    /// Short title (at most 200 bytes).
    #[serde(deserialize_with = "agora::core::json::string_max::<_, MAX_TITLE_BYTES>")]
    pub title: String,
    /// What must be done (at most 4096 bytes).
    #[serde(deserialize_with = "agora::core::json::string_max::<_, MAX_REQUIREMENTS_BYTES>")]
    pub requirements: String,
    /// The task data of a built-in proof-gated kind (the witness a worker will prove, as
    /// `agora prove` reads it): the kind, input commitment and parameters are computed from
    /// it, as `agora tx post-task --terms-from` does. Give either this or `kind` with
    /// `input_commitment`.
    #[serde(default)]
    #[schemars(with = "Option<Object>")]
    pub witness: Option<Witness>,
    /// With `witness`: post the kind's fair-exchange variant (aggregate → 11, classify → 12),
    /// which pays only against the output sealed to this agent's registered encryption key.
    #[serde(default)]
    pub fair_exchange: bool,
    /// Task kind (0: manual, settled only by the employer's acceptance); without `witness`.
    #[serde(default)]
    pub kind: Option<u16>,
    /// Commitment to the input data (hex field element); without `witness`.
    #[serde(default)]
    #[schemars(with = "Option<Hex32>")]
    pub input_commitment: Option<FieldBytes>,
    /// Kind parameters (hex field elements, at most 16); without `witness`.
    #[serde(default, deserialize_with = "agora::core::json::vec_max::<_, _, MAX_KIND_PARAMS>")]
    #[schemars(with = "Vec<Hex32>")]
    pub params: Vec<FieldBytes>,
    /// Asset id of the budget (a number).
    pub asset: u32,
    /// Budget (decimal string), escrowed at once.
    #[serde(with = "agora::core::json::u128_string")]
    #[schemars(with = "Decimal")]
    pub budget: u128,
    /// Last block time (Unix seconds, decimal string) a bid may be placed.
    #[serde(with = "agora::core::json::u64_string")]
    #[schemars(with = "Decimal")]
    pub bid_deadline: u64,
    /// Last block time (Unix seconds, decimal string) the work may be delivered.
    #[serde(with = "agora::core::json::u64_string")]
    #[schemars(with = "Decimal")]
    pub delivery_deadline: u64,
    /// Shares of the payout for others (at most 16); the worker receives the rest.
    #[serde(default, deserialize_with = "agora::core::json::vec_max::<_, _, MAX_SPLITS>")]
    #[schemars(with = "Vec<SplitSchema>")]
    pub splits: Vec<Split>,
    /// Minimum reputation a bidder needs (decimal string; default 0).
    #[serde(default, with = "agora::core::json::u64_string")]
    #[schemars(with = "Option<Decimal>")]
    pub min_reputation: u64,
}

/// `place_bid`: a bid on an open task.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceBidInput {
    /// The task id (decimal string).
    #[schemars(with = "Decimal")]
    pub task: TaskId,
    /// Price asked (decimal string), at most the task's budget.
    #[serde(with = "agora::core::json::u128_string")]
    #[schemars(with = "Decimal")]
    pub price: u128,
    /// Promised time to deliver, in seconds (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schemars(with = "Decimal")]
    pub eta_secs: u64,
    /// Hash of the bidder's execution plan (hex, 32 bytes; default all zero).
    #[serde(default, deserialize_with = "opt_hex32::deserialize")]
    #[schemars(with = "Option<Hex32>")]
    pub plan_hash: Option<[u8; 32]>,
}

/// `award_bid`: awards an open task (of this agent) to one bidder.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardBidInput {
    /// The task id (decimal string).
    #[schemars(with = "Decimal")]
    pub task: TaskId,
    /// The bidder's did:key.
    #[schemars(with = "Did")]
    pub bidder: AgentId,
}

/// `submit_completion`: proves the awarded task from its witness and submits the proof.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitCompletionInput {
    /// The task id (decimal string).
    #[schemars(with = "Decimal")]
    pub task: TaskId,
    /// The witness of the task's kind, as `agora prove` reads it (`{"kind": "aggregate",
    /// "threshold": "2500", "records": [...], "input_salt": "…", "output_salt": "…"}`).
    #[schemars(with = "Object")]
    pub witness: Witness,
}

/// `get_receipt`: a committed transaction by hash.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// The transaction hash (hex, the receipt's `tx_id`).
    #[serde(with = "agora_api::hex32")]
    #[schemars(with = "Hex32")]
    pub tx_hash: [u8; 32],
}

/// `get_reputation`: an agent's reputation, explained.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReputationInput {
    /// The agent (did:key); default: this wallet's agent.
    #[serde(default)]
    #[schemars(with = "Option<Did>")]
    pub did: Option<AgentId>,
}

/// `Option<[u8; 32]>` as `null` or hex.
mod opt_hex32 {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "agora_api::hex32")] [u8; 32]);

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn args(value: serde_json::Value) -> Option<JsonObject> {
        value.as_object().cloned()
    }

    #[test]
    fn every_input_schema_is_an_object_that_refuses_unknown_fields() {
        let schemas = [
            crate::schema::input_schema::<NoInput>(),
            crate::schema::input_schema::<ListOpenTasksInput>(),
            crate::schema::input_schema::<TaskInput>(),
            crate::schema::input_schema::<PostTaskInput>(),
            crate::schema::input_schema::<PlaceBidInput>(),
            crate::schema::input_schema::<AwardBidInput>(),
            crate::schema::input_schema::<SubmitCompletionInput>(),
            crate::schema::input_schema::<ReceiptInput>(),
            crate::schema::input_schema::<ReputationInput>(),
        ];
        for schema in schemas {
            assert_eq!(schema.get("type"), Some(&json!("object")), "{schema:?}");
            assert_eq!(schema.get("additionalProperties"), Some(&json!(false)), "{schema:?}");
        }
        let bid = crate::schema::input_schema::<PlaceBidInput>();
        assert_eq!(bid["properties"]["price"]["type"], json!("string"));
        assert_eq!(bid["required"], json!(["task", "price", "eta_secs"]));
    }

    #[test]
    fn amounts_must_be_decimal_strings_and_unknown_fields_are_named() {
        let ok: PlaceBidInput =
            parse("place_bid", args(json!({"task": "1", "price": "900", "eta_secs": "60"}))).unwrap();
        assert_eq!((ok.task, ok.price, ok.plan_hash), (TaskId(1), 900, None));
        let number = parse::<PlaceBidInput>("place_bid", args(json!({"task": "1", "price": 900, "eta_secs": "60"})))
            .unwrap_err();
        assert_eq!((number.name.as_str(), number.field.as_deref()), ("MalformedRequest", Some("price")));
        let words = parse::<PlaceBidInput>("place_bid", args(json!({"task": "1", "price": "9e2", "eta_secs": "60"})))
            .unwrap_err();
        assert_eq!(words.field.as_deref(), Some("price"));
        let unknown = parse::<TaskInput>("get_task", args(json!({"task": "1", "extra": true}))).unwrap_err();
        assert!(unknown.message.contains("unknown field"), "{unknown}");
        let missing = parse::<TaskInput>("get_task", None).unwrap_err();
        assert!(missing.message.contains("missing field"), "{missing}");
        let big = "x".repeat(MAX_TOOL_INPUT_BYTES);
        let too_large = parse::<TaskInput>("get_task", args(json!({"task": big}))).unwrap_err();
        assert_eq!(too_large.name, "BodyTooLarge");
    }
}
