//! Verified completions as stored: the block and transaction that settled a task by proof, the
//! proof bytes it carried and the public inputs exactly as the state machine built them — what
//! an exporter needs to let independent tools re-check the proof.

use crate::error::Error;
use crate::marketplace::Marketplace;
use crate::proofs::ProofKeys;
use agora_core::{
    Action, AgentId, FieldBytes, KindSpec, Status, TaskId, TaskRecord, TaskStatus, chain_field,
    completion_public_inputs,
};
use ark_bn254::Bn254;
use ark_groth16::VerifyingKey;

/// A task settled by a verified completion proof, with everything needed to check the proof
/// again outside the marketplace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCompletion {
    /// The task as stored now (status `Completed`).
    pub task: TaskRecord,
    /// The worker who proved it (the completion's sender).
    pub worker: AgentId,
    /// The kind with the key of the version the task settled under (name and key id).
    pub kind: KindSpec,
    /// Height of the block holding the completion.
    pub height: u64,
    /// That block's time.
    pub time: u64,
    /// Position of the completion in the block.
    pub index: u32,
    /// The state digest after that block.
    pub digest: [u8; 32],
    /// The proof bytes the transaction carried (compressed Groth16).
    pub proof: Vec<u8>,
    /// The output commitment the transaction claimed.
    pub output_commitment: FieldBytes,
    /// The public inputs the state machine verified the proof against, in circuit order:
    /// chain, task, worker, input commitment, output commitment, kind parameters and, for a
    /// fair-exchange task, the envelope (employer key, ephemeral key, ciphertext hash).
    pub public_inputs: Vec<FieldBytes>,
}

impl Marketplace {
    /// The public inputs of a completion of `task` by `worker` claiming `output_commitment`,
    /// built exactly as the state machine builds them (chain id first, circuit order).
    pub fn completion_public_inputs(
        &self,
        task: &TaskRecord,
        worker: &AgentId,
        output_commitment: &FieldBytes,
    ) -> Vec<FieldBytes> {
        completion_public_inputs(chain_field(&self.genesis_hash()), task, worker, output_commitment)
    }

    /// The lowest block height whose time is at least `time` (block times never go back, so
    /// this is a binary search: O(log height) block reads). `None` when every block is older.
    pub fn first_block_at_or_after(&self, time: u64) -> Result<Option<u64>, Error> {
        let tip = self.tip().height;
        let (mut low, mut high) = (1u64, tip.saturating_add(1));
        while low < high {
            let mid = low + (high - low) / 2;
            let block_time = self.block(mid)?.map(|b| b.header.time).unwrap_or(u64::MAX);
            if block_time >= time {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        Ok((low <= tip).then_some(low))
    }

    /// The verified completion that settled `task`, read from the stored block: `None` when
    /// the task does not exist or was not settled by a proof. Finds the block by the task's
    /// closing time (binary search), then the accepted `SubmitCompletion` for the task in the
    /// blocks of that time.
    pub fn verified_completion(&self, task: TaskId) -> Result<Option<VerifiedCompletion>, Error> {
        let Some(record) = self.task(task)? else { return Ok(None) };
        let Some(worker) = record.worker else { return Ok(None) };
        if record.status != TaskStatus::Completed {
            return Ok(None);
        }
        let Some(kind) = self.task_kind_spec(&record)? else {
            return Ok(None);
        };
        let Some(mut height) = self.first_block_at_or_after(record.closed_at)? else { return Ok(None) };
        let tip = self.tip().height;
        while height <= tip {
            let Some(block) = self.block(height)? else { break };
            if block.header.time != record.closed_at {
                break;
            }
            let receipts = self.receipts(height)?.unwrap_or_default();
            for (tx, receipt) in block.txs.iter().zip(receipts.iter()) {
                let Action::SubmitCompletion { task: id, output_commitment, proof, sealed } = &tx.body.action else {
                    continue;
                };
                if *id != task || receipt.status != Status::Ok || tx.body.sender != worker {
                    continue;
                }
                let digest = self.digest_at(height)?.unwrap_or_default();
                let mut public_inputs = self.completion_public_inputs(&record, &worker, output_commitment);
                if let (Some(sealed), Some(fair)) = (sealed, self.sealed_task(task)?) {
                    let envelope = agora_zk::sealing::envelope_inputs(
                        &fair.employer_key,
                        &sealed.ephemeral_key,
                        &sealed.ciphertext,
                    )
                    .map_err(|e| Error::Proof(format!("task {task}'s sealed output: {e}")))?;
                    public_inputs.extend(envelope);
                }
                return Ok(Some(VerifiedCompletion {
                    public_inputs,
                    task: record,
                    worker,
                    kind,
                    height,
                    time: block.header.time,
                    index: receipt.index,
                    digest,
                    proof: proof.clone(),
                    output_commitment: *output_commitment,
                }));
            }
            height += 1;
        }
        Ok(None)
    }
}

impl Marketplace {
    /// The verifying key of one version of a kind: the registry's own bytes for a key
    /// registered or rotated by transaction, else (a genesis key) the key directory's key with
    /// that id.
    pub fn verifying_key_of(
        &self,
        kind: u16,
        version: u16,
        keys: Option<&ProofKeys>,
    ) -> Result<VerifyingKey<Bn254>, Error> {
        let record = self
            .kind_version(kind, version)?
            .ok_or_else(|| Error::Proof(format!("kind {kind} has no version {version}")))?;
        if !record.vk.is_empty() {
            let (vk, _) = agora_zk::keys::import_vk(&record.vk).map_err(|e| Error::Proof(e.to_string()))?;
            return Ok(vk);
        }
        let keys = keys.ok_or_else(|| {
            Error::Proof(format!(
                "kind {kind} version {version} is a genesis key: its key directory (--keys) is needed"
            ))
        })?;
        keys.verifier().verifying_key(&record.key_id).cloned().ok_or_else(|| {
            Error::Proof(format!("the key directory holds no key {} for kind {kind}", hex::encode(record.key_id.0)))
        })
    }
}

impl ProofKeys {
    /// The verifying key registered for `kind` (checked against the manifest's key id when the
    /// directory was loaded).
    pub fn verifying_key(&self, kind: u16) -> Result<VerifyingKey<Bn254>, Error> {
        let entry = self
            .kinds()
            .iter()
            .find(|k| k.spec.kind == kind)
            .ok_or_else(|| Error::Proof(format!("no verifying key for kind {kind}")))?;
        let verifier = self.verifier();
        verifier
            .verifying_key(&entry.spec.key_id)
            .cloned()
            .ok_or_else(|| Error::Proof(format!("verifying key of kind {kind} is not loaded")))
    }
}
