//! The ERC-8004 registration file and the A2A agent card checked against what their
//! specifications publish (tests/schemas/, see its README): the A2A 0.3.0 JSON Schema, and the
//! ERC-8004 example registration file (the ERC publishes no schema).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod published;

use agora::{AgentKey, KeyId, KindSpec};
use agora_interop::agent_card::agent_card;
use agora_interop::endpoints::NodeEndpoints;
use agora_interop::registration::{AgentProfile, REGISTRATION_TYPE, registration_file};
use published::{agent_card_validator, check_against_example};

fn kinds() -> Vec<KindSpec> {
    ["aggregate", "classify", "hashchain"]
        .iter()
        .enumerate()
        .map(|(i, name)| KindSpec {
            kind: i as u16 + 1,
            name: name.to_string(),
            key_id: KeyId([i as u8; 32]),
            param_count: 1,
            sealed_fields: 0,
            base_kind: None,
        })
        .collect()
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

#[test]
fn registration_file_matches_the_erc_8004_example() {
    let agent = AgentKey::from_seed([2u8; 32]).id();
    let profile = AgentProfile {
        name: "worker-7".into(),
        description: "Aggregates data sets".into(),
        image: Some("https://node.example/worker-7.png".into()),
        active: true,
    };
    let wallet = NodeEndpoints::new("http://127.0.0.1:7000/mcp").unwrap();
    let file = serde_json::to_value(registration_file(&agent, &profile, &endpoints(), Some(&wallet))).unwrap();
    check_against_example(&file).unwrap();
    assert_eq!(file["type"], REGISTRATION_TYPE);
    let services = file["services"].as_array().unwrap();
    assert_eq!(services[0]["endpoint"], "https://node.example:8443/.well-known/agent-card.json");
    assert_eq!(services[1]["endpoint"], "http://127.0.0.1:7000/mcp");
    assert_eq!(services[2]["endpoint"], agent.did());
    assert_eq!(file["supportedTrust"], serde_json::json!(["reputation", "zk-proof"]));
    let without_image = AgentProfile { image: None, ..profile };
    let no_wallet = serde_json::to_value(registration_file(&agent, &without_image, &endpoints(), None)).unwrap();
    check_against_example(&no_wallet).unwrap();
    let names: Vec<&str> =
        no_wallet["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["A2A", "DID"], "no MCP service is advertised for an agent that runs no wallet");
}

#[test]
fn the_example_check_catches_a_broken_registration_file() {
    let agent = AgentKey::from_seed([2u8; 32]).id();
    let profile = AgentProfile { name: "w".into(), description: "d".into(), image: None, active: true };
    let good = serde_json::to_value(registration_file(&agent, &profile, &endpoints(), None)).unwrap();
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
