//! JSON schemas of the tool inputs: the string forms of the Agora JSON rules (decimal strings
//! for u64/u128, did:key strings, hex digests) as schema types, and the input schema of a tool.

use rmcp::model::JsonObject;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use std::sync::Arc;

/// Declares a unit type whose JSON schema is the given one, inlined where it is used.
macro_rules! inline_schema {
    ($(#[$doc:meta])* $name:ident, $schema:tt) => {
        $(#[$doc])*
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

inline_schema!(
    /// A u64 or u128 as a decimal string (`"1000"`), never a JSON number.
    Decimal,
    {
        "type": "string",
        "pattern": "^(0|[1-9][0-9]{0,38})$",
        "description": "a non-negative integer as a decimal string, e.g. \"1000\""
    }
);

inline_schema!(
    /// An agent's did:key (`did:key:z6Mk…`).
    Did,
    {
        "type": "string",
        "pattern": "^did:key:z[1-9A-HJ-NP-Za-km-z]+$",
        "description": "an agent's did:key"
    }
);

inline_schema!(
    /// 32 bytes as hex (64 digits, optional `0x`).
    Hex32,
    {
        "type": "string",
        "pattern": "^(0x)?[0-9a-fA-F]{64}$",
        "description": "32 bytes as 64 hex digits"
    }
);

inline_schema!(
    /// A JSON object (a witness, the task data of a built-in kind).
    Object,
    {
        "type": "object",
        "description": "a witness: {\"kind\": \"aggregate\" | \"classify\" | \"hashchain\", …} as `agora prove` reads it"
    }
);

/// The input schema of a tool taking `T` (root type `object`, as MCP requires). A type whose
/// schema is not an object still gets its generated schema; the crate's tests check every input
/// type gives an object schema.
pub fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    rmcp::handler::server::common::schema_for_input::<T>()
        .unwrap_or_else(|_| rmcp::handler::server::common::schema_for_type::<T>())
}
