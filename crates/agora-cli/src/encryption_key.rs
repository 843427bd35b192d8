//! Fair exchange on the command line: `agora key encryption`, the key file behind
//! `tx register-encryption-key`, and `agora decrypt`.

use crate::args::DecryptArgs;
use crate::output::print_pretty;
use agora::sealing::MAX_ENCRYPTION_KEY_FILE_BYTES;
use agora::{EncryptionKey, Marketplace, TaskId};
use anyhow::{Context, anyhow};
use serde_json::json;
use std::path::Path;

/// Generates a key from OS randomness into a new owner-only file and prints its public key.
pub fn generate(out: &Path) -> anyhow::Result<()> {
    let key = EncryptionKey::generate()?;
    crate::serve::write_private(out, &serde_json::to_string_pretty(&key.to_file())?)?;
    print_pretty(&json!({ "encryption_key": key.public(), "key_file": out.display().to_string() }))
}

/// Reads an encryption key file.
pub fn read(path: &Path) -> anyhow::Result<EncryptionKey> {
    let text = crate::input::read_text_bounded(path, "encryption key file", MAX_ENCRYPTION_KEY_FILE_BYTES as u64)?;
    EncryptionKey::from_json(&text).with_context(|| format!("reading {}", path.display()))
}

/// `agora decrypt`: opens a settled fair-exchange task's output, from the database or a node.
pub fn decrypt(db: &Path, node: Option<&str>, args: DecryptArgs) -> anyhow::Result<()> {
    let key = read(&args.key)?;
    let task = TaskId(args.task);
    let opened = match node {
        None => {
            let market = Marketplace::open(db).with_context(|| format!("opening {}", db.display()))?;
            market.open_sealed_output(task, &key)?
        }
        Some(url) => {
            let client = agora_client::blocking::Client::new(url).with_context(|| format!("node {url}"))?;
            let view = client
                .sealed_task(task)
                .with_context(|| format!("node {url}"))?
                .ok_or_else(|| anyhow!("task {task} is not a fair-exchange task"))?;
            key.open_parts(view.kind, view.output_commitment, &view.sealed)?
        }
    };
    print_pretty(&json!({ "task": args.task.to_string(), "result": opened.result, "output_salt": opened.output_salt }))
}
