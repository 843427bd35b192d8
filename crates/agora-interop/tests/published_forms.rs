//! The ERC-8004 registration file and the A2A agent card checked against what their
//! specifications publish (tests/schemas/, see its README): the A2A 0.3.0 JSON Schema, and the
//! ERC-8004 example registration file (the ERC publishes no schema).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora::{AgentKey, KeyId, KindSpec};
use agora_interop::agent_card::agent_card;
use agora_interop::endpoints::NodeEndpoints;
use agora_interop::registration::{AgentProfile, REGISTRATION_TYPE, registration_file};
use serde_json::Value;
use std::path::PathBuf;

fn schema_file(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemas").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn kinds() -> Vec<KindSpec> {
    ["aggregate", "classify", "hashchain"]
        .iter()
        .enumerate()
        .map(|(i, name)| KindSpec {
            kind: i as u16 + 1,
            name: name.to_string(),
            key_id: KeyId([i as u8; 32]),
            param_count: 1,
        })
        .collect()
}

fn agent_card_validator() -> jsonschema::Validator {
    let mut schema = schema_file("a2a-v0.3.0.json");
    schema["$ref"] = "#/definitions/AgentCard".into();
    jsonschema::validator_for(&schema).unwrap()
}

fn endpoints() -> NodeEndpoints {
    NodeEndpoints::new("https://node.example:8443").unwrap()
}

#[test]
fn agent_card_validates_against_the_a2a_0_3_0_schema() {
    let operator = AgentKey::from_seed([1u8; 32]).id();
    let card = serde_json::to_value(agent_card(&operator, &kinds(), &endpoints(), "0.1.0")).unwrap();
    let validator = agent_card_validator();
    let errors: Vec<String> = validator.iter_errors(&card).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(card["skills"].as_array().unwrap().len(), 3);
    assert_eq!(card["skills"][1]["id"], "agora.kind.classify");
    assert_eq!(card["url"], "https://node.example:8443/a2a");
    assert_eq!(card["protocolVersion"], "0.3.0");
}

#[test]
fn the_schema_check_catches_a_broken_card() {
    let operator = AgentKey::from_seed([1u8; 32]).id();
    let mut card = serde_json::to_value(agent_card(&operator, &kinds(), &endpoints(), "0.1.0")).unwrap();
    card.as_object_mut().unwrap().remove("skills");
    assert!(!agent_card_validator().is_valid(&card));
    let mut card = serde_json::to_value(agent_card(&operator, &kinds(), &endpoints(), "0.1.0")).unwrap();
    card["skills"][0]["tags"] = "not an array".into();
    assert!(!agent_card_validator().is_valid(&card));
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
const OMITTED: [(&str, &str); 1] = [("registrations", "Agora is not an ERC-8004 identity registry")];

fn check_against_example(file: &Value) -> Result<(), String> {
    let example = schema_file("erc8004-registration-example.json");
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

#[test]
fn registration_file_matches_the_erc_8004_example() {
    let agent = AgentKey::from_seed([2u8; 32]).id();
    let profile = AgentProfile {
        name: "worker-7".into(),
        description: "Aggregates data sets".into(),
        image: Some("https://node.example/worker-7.png".into()),
        active: true,
    };
    let file = serde_json::to_value(registration_file(&agent, &profile, &endpoints())).unwrap();
    check_against_example(&file).unwrap();
    assert_eq!(file["type"], REGISTRATION_TYPE);
    let services = file["services"].as_array().unwrap();
    assert_eq!(services[0]["endpoint"], "https://node.example:8443/.well-known/agent-card.json");
    assert_eq!(services[1]["endpoint"], "https://node.example:8443/mcp");
    assert_eq!(services[2]["endpoint"], agent.did());
    assert_eq!(file["supportedTrust"], serde_json::json!(["reputation", "zk-proof"]));
    let without_image = AgentProfile { image: None, ..profile };
    check_against_example(&serde_json::to_value(registration_file(&agent, &without_image, &endpoints())).unwrap())
        .unwrap();
}

#[test]
fn the_example_check_catches_a_broken_registration_file() {
    let agent = AgentKey::from_seed([2u8; 32]).id();
    let profile = AgentProfile { name: "w".into(), description: "d".into(), image: None, active: true };
    let good = serde_json::to_value(registration_file(&agent, &profile, &endpoints())).unwrap();
    let mut bad = good.clone();
    bad["active"] = "yes".into();
    assert!(check_against_example(&bad).is_err());
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("services");
    assert!(check_against_example(&bad).is_err());
    let mut bad = good.clone();
    bad["services"][0]["name"] = "Carrier pigeon".into();
    assert!(check_against_example(&bad).is_err());
    let mut bad = good;
    bad["endpoints"] = serde_json::json!([]);
    assert!(check_against_example(&bad).is_err());
}
