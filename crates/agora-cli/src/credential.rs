//! `agora credential`: W3C VC 2.0 credentials of completions and reputations, and their
//! verification.

use crate::export::{load_keys, vk_json};
use crate::interop_args::{CredentialArgs, CredentialCommand};
use crate::keys::open_market;
use crate::output::print_pretty;
use agora::{AgentId, AgentKey, TaskId};
use agora_interop::data_integrity::MAX_SECURED_DOCUMENT_BYTES;
use agora_interop::did_key::{SigningKey, signing_key_of};
use agora_interop::{completion_credential, reputation_credential, verify_credential};
use anyhow::{Context, bail};
use std::path::Path;

/// Largest issuer key file, in bytes (the JSON `agora key new` prints is about 150).
pub const MAX_ISSUER_KEY_FILE_BYTES: u64 = 4096;

/// Reads an issuer key: the JSON `agora key new` prints (`{"did", "secret"}`), or the hex secret.
fn issuer_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = crate::input::read_text_bounded(path, "issuer key", MAX_ISSUER_KEY_FILE_BYTES)?;
    let trimmed = text.trim();
    let key = if trimmed.starts_with('{') {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct KeyFile {
            did: String,
            secret: String,
        }
        let file: KeyFile = serde_json::from_str(trimmed).with_context(|| format!("issuer key {}", path.display()))?;
        let key = AgentKey::from_secret_hex(&file.secret).context("issuer key: secret")?;
        if key.id().did() != file.did {
            bail!("issuer key {}: the secret does not belong to {}", path.display(), file.did);
        }
        key
    } else {
        AgentKey::from_secret_hex(trimmed).with_context(|| format!("issuer key {}", path.display()))?
    };
    Ok(signing_key_of(&key)?)
}

pub fn run(db: &Path, keys: Option<&Path>, node: Option<&str>, args: CredentialArgs) -> anyhow::Result<()> {
    match args.command {
        CredentialCommand::Completion { task, issuer_key: path } => {
            let key = issuer_key(&path)?;
            let market = open_market(db, keys)?;
            let task = TaskId(task);
            let completion = market
                .verified_completion(task)?
                .ok_or_else(|| anyhow::anyhow!("task {task} was not settled by a verified completion proof"))?;
            let version = Some(completion.task.kind_version);
            let vk = vk_json(&market, load_keys(db, keys).ok().as_ref(), &completion.kind.name, version)?;
            print_pretty(&completion_credential(&market, task, vk, &key)?)
        }
        CredentialCommand::Reputation { agent, issuer_key: path } => {
            let key = path.as_deref().map(issuer_key).transpose()?;
            let market = open_market(db, keys)?;
            let agent = AgentId::parse_did(&agent).with_context(|| format!("{agent:?} is not a did:key"))?;
            print_pretty(&reputation_credential(&market, &agent, key.as_ref())?)
        }
        CredentialCommand::Verify { file, check_db } => {
            let text = crate::input::read_text_bounded(&file, "credential", MAX_SECURED_DOCUMENT_BYTES as u64)?;
            let value: serde_json::Value =
                serde_json::from_str(&text).with_context(|| format!("credential {} is not JSON", file.display()))?;
            let mut report = verify_credential(&value).with_context(|| format!("verifying {}", file.display()))?;
            if check_db {
                let market = open_market(db, keys)?;
                let chain = hex::encode(market.genesis_hash());
                if report.chain != chain {
                    bail!("the credential is about chain {}, the database is chain {chain}", report.chain);
                }
                let height: u64 = report.block_height.parse().context("blockHeight")?;
                let digest = market
                    .digest_at(height)?
                    .ok_or_else(|| anyhow::anyhow!("the database has no block {height} yet"))?;
                if report.state_digest != hex::encode(digest) {
                    bail!(
                        "state digest at height {height} differs from the database's: the credential is not about this history"
                    );
                }
                report.checks.push(format!("state digest at height {height} equals the database's"));
            }
            if let Some(url) = node {
                crate::credential_node::check(url, &value, &mut report)?;
            }
            print_pretty(&serde_json::json!({ "valid": true, "report": report }))
        }
    }
}
