//! The statement a completion proof must establish, built by the state machine from its own
//! records — never from the transaction beyond the claimed output commitment.

use crate::field::FieldBytes;
use crate::ids::{Digest, TaskId, TaskKind};
use crate::records::TaskRecord;
use crate::tx::PostTask;
use agora_identity::AgentId;

/// Domain for hashing a genesis hash to the chain's field element.
pub const CHAIN_FIELD_DOMAIN: &str = "agora chain field v1";
/// Domain for hashing a worker's public key to a field element.
pub const WORKER_FIELD_DOMAIN: &str = "agora worker field v1";
/// Domain of completion nullifiers.
pub const NULLIFIER_DOMAIN: &str = "agora completion nullifier v1";

/// Public inputs every completion statement starts with: chain, task id, worker id, input
/// commitment, output commitment. The kind's parameters follow.
pub const BINDING_PUBLIC_INPUTS: usize = 5;

/// The number of public inputs of a kind with `param_count` parameters: the binding inputs,
/// the parameters, and for a fair-exchange kind (`sealed_fields > 0`) the envelope.
pub fn kind_public_inputs(param_count: u8, sealed_fields: u8) -> usize {
    let envelope = if sealed_fields > 0 { crate::sealing::ENVELOPE_PUBLIC_INPUTS } else { 0 };
    BINDING_PUBLIC_INPUTS + usize::from(param_count) + envelope
}

/// The chain as a public input: its genesis hash hashed to a field element. Binds every proof
/// to one deployment (two genesis files that differ in any byte, `chain_id` included, give
/// different chain fields).
pub fn chain_field(genesis_hash: &Digest) -> FieldBytes {
    FieldBytes::hash_to_field(CHAIN_FIELD_DOMAIN, genesis_hash)
}

/// A task id as a public input.
pub fn task_field(task: TaskId) -> FieldBytes {
    FieldBytes::from_u64(task.0)
}

/// A worker's id as a public input: its public key hashed to a field element.
pub fn worker_field(worker: &AgentId) -> FieldBytes {
    FieldBytes::hash_to_field(WORKER_FIELD_DOMAIN, worker.as_bytes())
}

/// The public inputs of a completion of `task` by `worker` claiming `output_commitment` on the
/// chain whose [`chain_field`] is `chain`, in circuit order: chain, task id, worker id, input
/// commitment, output commitment, kind parameters.
pub fn completion_public_inputs(
    chain: FieldBytes,
    task: &TaskRecord,
    worker: &AgentId,
    output_commitment: &FieldBytes,
) -> Vec<FieldBytes> {
    offer_public_inputs(chain, task.id, &task.offer, worker, output_commitment)
}

/// [`completion_public_inputs`] from a task's id and offer alone: what a worker that only holds
/// a copy of the task (for example one read from a node) checks its proof against.
pub fn offer_public_inputs(
    chain: FieldBytes,
    task: TaskId,
    offer: &PostTask,
    worker: &AgentId,
    output_commitment: &FieldBytes,
) -> Vec<FieldBytes> {
    let mut inputs = Vec::with_capacity(BINDING_PUBLIC_INPUTS + offer.params.len());
    inputs.push(chain);
    inputs.push(task_field(task));
    inputs.push(worker_field(worker));
    inputs.push(offer.input_commitment);
    inputs.push(*output_commitment);
    inputs.extend_from_slice(&offer.params);
    inputs
}

/// The nullifier of a completion: the same worker proving the same kind of work (same kind
/// parameters) on the same input commitment gets the same nullifier, so that work earns
/// reputation once. Keyed on the statement, never on proof bytes (proofs are malleable).
pub fn completion_nullifier(
    worker: &AgentId,
    kind: TaskKind,
    input_commitment: &FieldBytes,
    params: &[FieldBytes],
) -> [u8; 32] {
    let mut data = Vec::with_capacity(70 + 32 * params.len());
    data.extend_from_slice(worker.as_bytes());
    data.extend_from_slice(&kind.to_le_bytes());
    data.extend_from_slice(input_commitment.as_bytes());
    data.extend_from_slice(&(params.len() as u32).to_le_bytes());
    for param in params {
        data.extend_from_slice(param.as_bytes());
    }
    blake3::derive_key(NULLIFIER_DOMAIN, &data)
}
