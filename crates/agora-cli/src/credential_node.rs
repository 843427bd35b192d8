//! `agora credential verify FILE --node URL`: a credential's claims checked against a node's
//! history. The chain must be the node's, the state digest the one the node recorded after
//! the credential's block, and for a completion the block must hold the worker's accepted
//! `submit_completion` of the task carrying the very proof the credential embeds, and the task
//! must be completed with the employer, worker, price, asset and kind the credential states.

use agora::zk::snarkjs;
use agora::{Action, AgentId, Block, Receipt, Status, TaskId};
use agora_api::routes::{self, path};
use agora_client::blocking::Client;
use agora_interop::VerificationReport;
use agora_interop::credential::{COMPLETION_CREDENTIAL, CompletionSubject};
use anyhow::{Context, anyhow, bail};
use serde_json::Value;

/// Checks `report` (of the credential `credential`, already verified on its own) against the
/// node at `url`; appends what passed to `report.checks`.
pub fn check(url: &str, credential: &Value, report: &mut VerificationReport) -> anyhow::Result<()> {
    let client = Client::new(url).with_context(|| format!("node {url}"))?;
    let tip = client.tip().with_context(|| format!("reading the tip of node {url}"))?;
    if report.chain != tip.genesis_hash {
        bail!("the credential is about chain {}, the node at {url} serves chain {}", report.chain, tip.genesis_hash);
    }
    report.checks.push(format!("chain is the node's ({url})"));
    let height: u64 = report.block_height.parse().context("blockHeight is not a decimal number")?;
    let recorded = client
        .block_digest(height)
        .with_context(|| format!("reading the digest of block {height} from {url}"))?
        .ok_or_else(|| anyhow!("the node has no block {height} (its tip is {})", tip.tip.height))?;
    let recorded = hex::encode(recorded.digest);
    if report.state_digest != recorded {
        bail!(
            "state digest at height {height} differs: the credential states {}, the node recorded {recorded}; \
             the credential is not about this node's history",
            report.state_digest
        );
    }
    report.checks.push(format!("state digest at height {height} equals the node's"));
    if report.credential_type == COMPLETION_CREDENTIAL {
        let subject: CompletionSubject = serde_json::from_value(credential["credentialSubject"].clone())
            .context("credentialSubject of the completion credential")?;
        check_completion(&client, height, &subject, &mut report.checks)?;
    }
    Ok(())
}

fn check_completion(
    client: &Client,
    height: u64,
    subject: &CompletionSubject,
    checks: &mut Vec<String>,
) -> anyhow::Result<()> {
    let task: u64 = subject.task_id.parse().context("taskId is not a decimal number")?;
    let worker = AgentId::parse_did(&subject.id).context("credentialSubject.id")?;
    let at = |route: &str| path(route, &[("height", &height.to_string())]);
    let block: Block = client.get(&at(routes::BLOCK)).with_context(|| format!("reading block {height}"))?;
    let receipts: Vec<Receipt> =
        client.get(&at(routes::BLOCK_RECEIPTS)).with_context(|| format!("reading the receipts of block {height}"))?;
    let carried = block.txs.iter().zip(&receipts).find_map(|(tx, receipt)| match &tx.body.action {
        Action::SubmitCompletion { task: t, proof, .. }
            if *t == TaskId(task) && tx.body.sender == worker && receipt.status == Status::Ok =>
        {
            Some(proof.clone())
        }
        _ => None,
    });
    let Some(proof) = carried else {
        bail!("block {height} holds no accepted submit_completion of task {task} by {}", worker.did());
    };
    if snarkjs::proof_bytes_to_json(&proof)? != subject.groth16_proof {
        bail!("the credential's groth16Proof is not the proof block {height} carried for task {task}");
    }
    checks.push(format!("block {height} holds the worker's accepted completion of task {task} with this proof"));
    let view = client
        .get_value(&path(routes::TASK, &[("id", &task.to_string())]))
        .with_context(|| format!("reading task {task}"))?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let expected = [
        ("status", &view["status"], "completed".to_string()),
        ("employer", &view["employer"], subject.employer.clone()),
        ("worker", &view["worker"], subject.id.clone()),
        ("price", &view["price"], subject.price.clone()),
        ("asset", &view["offer"]["asset"], subject.asset_id.clone()),
        ("kind", &view["offer"]["kind"], subject.task_kind_code.clone()),
    ];
    for (field, node, stated) in expected {
        let node = text(node);
        if node != stated {
            bail!("task {task}: the node has {field} {node}, the credential states {stated}");
        }
    }
    checks.push(format!("task {task} is completed with the employer, worker, price, asset and kind stated"));
    Ok(())
}
