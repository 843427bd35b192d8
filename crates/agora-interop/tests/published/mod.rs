//! The published forms (tests/schemas/, see its README) and the checks against them, shared by
//! this crate's tests and the node's (`crates/agora-cli/tests/node_interop.rs` includes this
//! file): the A2A 0.3.0 JSON Schema's `AgentCard`, and the ERC-8004 example registration file.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

/// The A2A 0.3.0 JSON Schema (draft-07), unchanged from the A2A repository.
pub const A2A_SCHEMA: &str = include_str!("../schemas/a2a-v0.3.0.json");
/// The ERC-8004 example registration file (comments removed).
pub const ERC8004_EXAMPLE: &str = include_str!("../schemas/erc8004-registration-example.json");

/// A validator of the schema's `AgentCard` definition.
pub fn agent_card_validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(A2A_SCHEMA).unwrap();
    schema["$ref"] = "#/definitions/AgentCard".into();
    jsonschema::validator_for(&schema).unwrap()
}

/// The schema's complaints about `card` (empty when it validates).
pub fn agent_card_errors(card: &Value) -> Vec<String> {
    agent_card_validator().iter_errors(card).map(|e| e.to_string()).collect()
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Fields of the example Agora leaves out, with the reason (documented in docs/INTEROP.md).
pub const OMITTED: [(&str, &str); 1] = [("registrations", "Agora is not an ERC-8004 identity registry")];

pub fn check_against_example(file: &Value) -> Result<(), String> {
    let example: Value = serde_json::from_str(ERC8004_EXAMPLE).unwrap();
    let (example, file) = (example.as_object().unwrap(), file.as_object().ok_or("not an object")?);
    for key in file.keys() {
        if !example.contains_key(key) {
            return Err(format!("field {key} is not in the ERC-8004 example"));
        }
    }
    for (key, value) in example {
        match file.get(key) {
            Some(ours) if type_name(ours) != type_name(value) => {
                return Err(format!("{key} is a {}, the example's is a {}", type_name(ours), type_name(value)));
            }
            Some(_) => {}
            None if OMITTED.iter().any(|(k, _)| k == key) => {}
            None if key == "image" => {}
            None => return Err(format!("{key} is missing")),
        }
    }
    if file["type"] != example["type"] {
        return Err("type differs".into());
    }
    let example_services = example["services"].as_array().unwrap();
    for service in file["services"].as_array().ok_or("services is not an array")? {
        let name = service["name"].as_str().ok_or("service without a name")?;
        let twin =
            example_services.iter().find(|s| s["name"] == name).ok_or(format!("service {name} not in the example"))?;
        for (key, value) in service.as_object().ok_or("service is not an object")? {
            let theirs = twin.get(key).ok_or(format!("service {name}: field {key} not in the example"))?;
            if type_name(value) != type_name(theirs) {
                return Err(format!("service {name}: {key} has another type"));
            }
        }
        if name != "DID" && service.get("version") != twin.get("version") {
            return Err(format!("service {name}: version differs from the example's"));
        }
    }
    Ok(())
}
