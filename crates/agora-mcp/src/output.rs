//! What a tool answers: the JSON form as structured content and a one-line summary as text,
//! or a tool error carrying the API's error form `{code, name, message, field?}`.

use agora_api::ApiError;
use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;
use serde_json::Value;

/// A tool's answer before it becomes an MCP result.
pub type Outcome = Result<Answer, ApiError>;

/// A successful answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// One line for people (and models) reading the text content.
    pub summary: String,
    /// The JSON form (an object), as structured content.
    pub value: Value,
}

impl Answer {
    /// An answer of `value` (any serializable form) summarised by `summary`.
    pub fn new(summary: impl Into<String>, value: &impl Serialize) -> Outcome {
        let value = serde_json::to_value(value).map_err(|e| {
            agora_api::ApiError::new(agora_api::ErrorKind::Internal, format!("encoding the answer: {e}"))
        })?;
        Ok(Answer { summary: summary.into(), value })
    }
}

/// The MCP result of an outcome.
pub fn result(outcome: Outcome) -> CallToolResult {
    match outcome {
        Ok(answer) => {
            let mut result = CallToolResult::structured(answer.value);
            result.content = vec![ContentBlock::text(answer.summary)];
            result
        }
        Err(error) => {
            let text = error.to_string();
            let value = serde_json::to_value(&error).unwrap_or_else(|_| Value::String(text.clone()));
            let mut result = CallToolResult::structured_error(value);
            result.content = vec![ContentBlock::text(text)];
            result
        }
    }
}
