//! `agora kind …`: one operator's signed approval of a kind-registry change. The verifying key
//! is read from snarkjs JSON, an Agora key file or hex, converted to its canonical bytes and
//! checked here for what the state machine will check (a clear message instead of a bare
//! status code): valid points, and a public-input layout that starts with the binding inputs.

use crate::kind_args::{KindArgs, KindChange, VkSource};
use agora::zk::keys::{import_vk, public_input_count, read_limited, read_vk_file, vk_to_bytes};
use agora::{Action, KindRegistration};
use anyhow::{Context, anyhow};

/// The verifying key's canonical bytes, after every check the registry makes of its own.
fn vk_bytes(source: &VkSource, params: u8) -> anyhow::Result<Vec<u8>> {
    let bytes = if let Some(path) = &source.circom_vk {
        let raw = read_limited(path, agora::zk::snarkjs::MAX_VK_JSON_BYTES)
            .with_context(|| format!("reading {}", path.display()))?;
        let text = std::str::from_utf8(&raw).with_context(|| format!("{} is not UTF-8", path.display()))?;
        let json = agora::zk::snarkjs::VerificationKeyJson::parse(text).with_context(|| path.display().to_string())?;
        let vk = json.to_vk().with_context(|| path.display().to_string())?;
        vk_to_bytes(&vk).map_err(|e| anyhow!("{e}"))?
    } else if let Some(path) = &source.vk_file {
        let (vk, _) = read_vk_file(path).with_context(|| path.display().to_string())?;
        vk_to_bytes(&vk).map_err(|e| anyhow!("{e}"))?
    } else if let Some(text) = &source.vk_hex {
        if text.len() > 2 * agora::core::limits::MAX_KIND_VK_BYTES + 2 {
            return Err(anyhow!("--vk-hex is longer than a verifying key can be"));
        }
        hex::decode(text.strip_prefix("0x").unwrap_or(text)).context("--vk-hex: invalid hex")?
    } else {
        return Err(anyhow!("give --circom-vk, --vk-file or --vk-hex"));
    };
    if bytes.len() > agora::core::limits::MAX_KIND_VK_BYTES {
        return Err(anyhow!(
            "the verifying key is {} bytes; a kind's key may be at most {} (MAX_KIND_VK_BYTES)",
            bytes.len(),
            agora::core::limits::MAX_KIND_VK_BYTES
        ));
    }
    let (vk, _) = import_vk(&bytes).map_err(|e| anyhow!("verifying key refused: {e}"))?;
    check_layout(public_input_count(&vk), params)?;
    Ok(bytes)
}

/// The layout rule of docs/CIRCUITS.md: the key's public inputs are the five binding inputs
/// followed by the kind's parameters.
pub fn check_layout(public_inputs: usize, params: u8) -> anyhow::Result<()> {
    let binding = agora::core::BINDING_PUBLIC_INPUTS;
    let expected = binding + usize::from(params);
    if public_inputs == expected {
        return Ok(());
    }
    Err(anyhow!(
        "the verifying key has {public_inputs} public inputs, but a kind with {params} parameter(s) needs \
         {expected}: the {binding} binding inputs the state machine supplies (chain, task, worker, \
         input_commitment, output_commitment), in that order, then the parameters. A circuit that does not \
         expose the binding inputs as its first public signals cannot be registered (docs/CIRCUITS.md)"
    ))
}

/// The action one operator signs for `change`.
pub fn action(change: KindChange) -> anyhow::Result<Action> {
    Ok(match change {
        KindChange::Register(a) => {
            let vk = vk_bytes(&a.vk, a.params)?;
            Action::RegisterKind(KindRegistration {
                kind: a.kind,
                name: a.name,
                description: a.description,
                param_count: a.params,
                weight_bps: a.weight_bps,
                max_gain: a.max_gain,
                key_id: agora::core::key_id_of(&vk),
                vk,
            })
        }
        KindChange::Rotate(a) => {
            let vk = vk_bytes(&a.vk, a.params)?;
            Action::RotateKindKey { kind: a.kind, version: a.version, key_id: agora::core::key_id_of(&vk), vk }
        }
        KindChange::Retire { kind } => Action::RetireKind { kind },
    })
}

/// Signs one operator's approval of the change (through --node when given, else for --db) and
/// prints the transaction, as `agora tx` does.
pub fn run(db: &std::path::Path, node: Option<&str>, args: KindArgs) -> anyhow::Result<()> {
    let key = agora::AgentKey::from_secret_hex(&args.secret).context("--secret")?;
    let action = action(args.change)?;
    match node {
        Some(url) => crate::remote::sign(url, &key, args.nonce, args.genesis_hash.as_deref(), action),
        None => crate::tx::sign(db, &key, args.nonce, args.genesis_hash.as_deref(), action),
    }
}
