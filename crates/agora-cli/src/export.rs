//! `agora export`: Agora's keys, proofs and agent descriptions in the forms independent tools
//! read (snarkjs, ERC-8004, A2A).

use crate::interop_args::{ExportArgs, ExportCommand};
use crate::keys::{keys_dir, open_market};
use crate::output::print_pretty;
use agora::zk::snarkjs::{self, VerificationKeyJson};
use agora::{AgentId, Marketplace, ProofKeys, TaskId};
use agora_interop::endpoints::NodeEndpoints;
use agora_interop::registration::{AgentProfile, registration_file};
use anyhow::{Context, anyhow, bail};
use std::path::Path;

/// The only key version until keys can be rotated: the genesis key.
pub const GENESIS_KEY_VERSION: u32 = 1;

pub fn run(db: &Path, keys: Option<&Path>, args: ExportArgs) -> anyhow::Result<()> {
    match args.command {
        ExportCommand::Vk { kind, version, out } => {
            let market = open_market(db, keys)?;
            let vk = vk_json(&market, &load_keys(db, keys)?, &kind, version)?;
            write_or_print(out.as_deref(), &vk)
        }
        ExportCommand::Proof { task, out } => export_proof(db, keys, TaskId(task), out.as_deref()),
        ExportCommand::Registration { did, base_url, mcp_url, name, description, image } => {
            let market = open_market(db, keys)?;
            let agent = AgentId::parse_did(&did).with_context(|| format!("{did:?} is not a did:key"))?;
            let endpoints = NodeEndpoints::new(&base_url)?;
            let mcp = mcp_url.as_deref().map(NodeEndpoints::new).transpose()?;
            let default = AgentProfile::of(&market, &agent)?;
            let profile = AgentProfile {
                name: name.unwrap_or(default.name),
                description: description.unwrap_or(default.description),
                image,
                active: default.active,
            };
            print_pretty(&registration_file(&agent, &profile, &endpoints, mcp.as_ref()))
        }
        ExportCommand::AgentCard { base_url } => {
            let market = open_market(db, keys)?;
            let endpoints = NodeEndpoints::new(&base_url)?;
            let genesis = &market.config().genesis;
            let operator = genesis.operators.first().ok_or_else(|| anyhow!("the genesis names no operator"))?;
            let card =
                agora_interop::agent_card::agent_card(operator, &genesis.kinds, &endpoints, env!("CARGO_PKG_VERSION"));
            print_pretty(&card)
        }
    }
}

/// The key directory of a database, loaded.
pub fn load_keys(db: &Path, keys: Option<&Path>) -> anyhow::Result<ProofKeys> {
    let dir = keys_dir(db, keys);
    ProofKeys::load(&dir).with_context(|| format!("loading proof keys from {}", dir.display()))
}

/// A kind number from its name or number, as the genesis registers it.
pub fn kind_code(market: &Marketplace, kind: &str) -> anyhow::Result<u16> {
    let kinds = &market.config().genesis.kinds;
    kinds.iter().find(|k| k.name == kind || k.kind.to_string() == kind).map(|k| k.kind).ok_or_else(|| {
        let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
        anyhow!("unknown kind {kind:?}; this marketplace registers {names:?}")
    })
}

/// The snarkjs verification key of a kind (genesis version only).
pub fn vk_json(
    market: &Marketplace,
    keys: &ProofKeys,
    kind: &str,
    version: Option<u32>,
) -> anyhow::Result<VerificationKeyJson> {
    if let Some(v) = version
        && v != GENESIS_KEY_VERSION
    {
        bail!("kind {kind:?} has no key version {v}: the genesis key (version 1) is the only one");
    }
    let code = kind_code(market, kind)?;
    Ok(snarkjs::vk_to_json(&keys.verifying_key(code)?))
}

fn write_or_print<T: serde::Serialize>(out: Option<&Path>, value: &T) -> anyhow::Result<()> {
    match out {
        None => print_pretty(value),
        Some(path) => {
            std::fs::write(path, serde_json::to_string_pretty(value)?)
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(())
        }
    }
}

fn export_proof(db: &Path, keys: Option<&Path>, task: TaskId, out: Option<&Path>) -> anyhow::Result<()> {
    let market = open_market(db, keys)?;
    let completion = market
        .verified_completion(task)?
        .ok_or_else(|| anyhow!("task {task} was not settled by a verified completion proof"))?;
    let proof = snarkjs::proof_bytes_to_json(&completion.proof)?;
    let public = snarkjs::public_to_json(&completion.public_inputs);
    match out {
        None => print_pretty(&serde_json::json!({ "proof": proof, "public": public })),
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let vk = vk_json(&market, &load_keys(db, keys)?, &completion.kind.name, None)?;
            write_or_print(Some(&dir.join("proof.json")), &proof)?;
            write_or_print(Some(&dir.join("public.json")), &public)?;
            write_or_print(Some(&dir.join("verification_key.json")), &vk)?;
            print_pretty(&serde_json::json!({
                "task": task.0.to_string(),
                "kind": completion.kind.name,
                "height": completion.height.to_string(),
                "files": ["proof.json", "public.json", "verification_key.json"],
                "dir": dir.display().to_string(),
            }))
        }
    }
}
