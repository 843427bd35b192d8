//! `agora import proof`: a snarkjs proof.json into Agora's proof bytes.

use crate::interop_args::{ImportArgs, ImportCommand};
use crate::output::print_pretty;
use agora::zk::snarkjs::{MAX_PROOF_JSON_BYTES, ProofJson};
use anyhow::Context;

pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    match args.command {
        ImportCommand::Proof { file } => {
            let text = crate::input::read_text_bounded(&file, "proof", MAX_PROOF_JSON_BYTES as u64)?;
            let bytes = ProofJson::parse(&text)
                .and_then(|p| p.to_proof_bytes())
                .with_context(|| format!("importing {}", file.display()))?;
            print_pretty(&serde_json::json!({ "proof": hex::encode(&bytes), "bytes": bytes.len() }))
        }
    }
}
