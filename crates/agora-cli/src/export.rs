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

pub fn run(db: &Path, keys: Option<&Path>, args: ExportArgs) -> anyhow::Result<()> {
    match args.command {
        ExportCommand::Vk { kind, version, out } => {
            let market = open_market(db, keys)?;
            let vk = vk_json(&market, load_keys(db, keys).ok().as_ref(), &kind, version)?;
            write_or_print(out.as_deref(), &vk)
        }
        ExportCommand::Statement { task, worker } => {
            let market = open_market(db, keys)?;
            let worker = AgentId::parse_did(&worker).with_context(|| format!("{worker:?} is not a did:key"))?;
            let record = market.task(TaskId(task))?.ok_or_else(|| anyhow!("no task {task}"))?;
            let spec = market.task_kind_spec(&record)?.ok_or_else(|| anyhow!("task {task} is manual: no proof"))?;
            let inputs = market.completion_public_inputs(&record, &worker, &agora::FieldBytes::from_u64(0));
            let decimal = snarkjs::public_to_json(&inputs);
            print_pretty(&serde_json::json!({
                "task": task.to_string(),
                "kind": spec.name,
                "kind_version": record.kind_version,
                "chain": decimal[0],
                "task_field": decimal[1],
                "worker": decimal[2],
                "input_commitment": decimal[3],
                "params": decimal[agora::core::BINDING_PUBLIC_INPUTS..],
            }))
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
            let kinds = market.live_kind_specs()?;
            let card = agora_interop::agent_card::agent_card(operator, &kinds, &endpoints, env!("CARGO_PKG_VERSION"));
            print_pretty(&card)
        }
    }
}

/// The key directory of a database, loaded.
pub fn load_keys(db: &Path, keys: Option<&Path>) -> anyhow::Result<ProofKeys> {
    let dir = keys_dir(db, keys);
    ProofKeys::load(&dir).with_context(|| format!("loading proof keys from {}", dir.display()))
}

/// A kind from its name or number, as the registry holds it.
pub fn find_kind(market: &Marketplace, kind: &str) -> anyhow::Result<agora::KindRecord> {
    market.kind_named(kind)?.ok_or_else(|| {
        let names: Vec<String> = market.kinds().unwrap_or_default().into_iter().map(|k| k.name).collect();
        anyhow!("unknown kind {kind:?}; this marketplace registers {names:?}")
    })
}

/// The snarkjs verification key of a kind at `version` (default: its current version): the
/// registry's own key for a version registered by transaction, the key directory's for a
/// genesis key.
pub fn vk_json(
    market: &Marketplace,
    keys: Option<&ProofKeys>,
    kind: &str,
    version: Option<u16>,
) -> anyhow::Result<VerificationKeyJson> {
    let record = find_kind(market, kind)?;
    let version = version.unwrap_or(record.version);
    if version == 0 || version > record.version {
        bail!("kind {kind:?} has no key version {version}: its versions are 1 to {}", record.version);
    }
    Ok(snarkjs::vk_to_json(&market.verifying_key_of(record.kind, version, keys)?))
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
            let version = Some(completion.task.kind_version);
            let vk = vk_json(&market, load_keys(db, keys).ok().as_ref(), &completion.kind.name, version)?;
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
