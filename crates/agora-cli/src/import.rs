//! `agora import proof|public`: a snarkjs proof.json into Agora's proof bytes; a snarkjs
//! public.json into the output commitment, checked against the statement the state machine
//! will build.

use crate::interop_args::{ImportArgs, ImportCommand};
use crate::output::print_pretty;
use agora::zk::snarkjs::{MAX_PROOF_JSON_BYTES, MAX_PUBLIC_JSON_BYTES, ProofJson, parse_public_json, public_to_json};
use agora::{AgentId, Marketplace, TaskId};
use anyhow::{Context, anyhow, bail};
use std::path::Path;

pub fn run(db: &Path, args: ImportArgs) -> anyhow::Result<()> {
    match args.command {
        ImportCommand::Proof { file } => {
            let text = crate::input::read_text_bounded(&file, "proof", MAX_PROOF_JSON_BYTES as u64)?;
            let bytes = ProofJson::parse(&text)
                .and_then(|p| p.to_proof_bytes())
                .with_context(|| format!("importing {}", file.display()))?;
            print_pretty(&serde_json::json!({ "proof": hex::encode(&bytes), "bytes": bytes.len() }))
        }
        ImportCommand::Public { file, task, worker } => {
            let text = crate::input::read_text_bounded(&file, "public inputs", MAX_PUBLIC_JSON_BYTES as u64)?;
            let public = parse_public_json(&text).with_context(|| format!("importing {}", file.display()))?;
            let market = Marketplace::open(db).with_context(|| format!("opening {}", db.display()))?;
            let worker = AgentId::parse_did(&worker).with_context(|| format!("invalid did {worker:?}"))?;
            let record = market.task(TaskId(task))?.ok_or_else(|| anyhow!("no task {task}"))?;
            let output = *public.get(agora::core::BINDING_PUBLIC_INPUTS - 1).ok_or_else(|| {
                anyhow!("{} has {} signals; a completion has at least 5", file.display(), public.len())
            })?;
            let expected = market.completion_public_inputs(&record, &worker, &output);
            if expected.len() != public.len() {
                bail!("{} has {} signals; task {task}'s kind needs {}", file.display(), public.len(), expected.len());
            }
            let names = ["chain", "task", "worker", "input_commitment", "output_commitment"];
            let wanted = public_to_json(&expected);
            let given = public_to_json(&public);
            for (index, (want, got)) in wanted.iter().zip(&given).enumerate() {
                if want != got {
                    let name = names
                        .get(index)
                        .map_or_else(|| format!("parameter {}", index - names.len()), |n| n.to_string());
                    bail!(
                        "signal {index} ({name}) is {got}; the state machine will supply {want} for task {task} and this worker"
                    );
                }
            }
            print_pretty(&serde_json::json!({
                "output_commitment": hex::encode(output.as_bytes()),
                "task": task.to_string(),
                "signals": public.len(),
            }))
        }
    }
}
