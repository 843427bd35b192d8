//! Fair exchange: encryption keys, the employer key a fair-exchange task is posted with, and
//! the envelope a completion of such a task must carry.

use super::context::{Ctx, Fault, ensure};
use crate::block::Created;
use crate::field::FieldBytes;
use crate::ids::TaskId;
use crate::kinds::KindRecord;
use crate::records::TaskRecord;
use crate::sealing::{
    CurvePoint, EncryptionKeyRecord, KeyPossession, SealedOutput, SealedTaskRecord, SealingRejection,
    possession_message, sealing_keys,
};
use crate::state::{StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

pub(super) fn register_encryption_key(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    key: &CurvePoint,
    possession: &KeyPossession,
) -> Result<Created, Fault> {
    ensure(ctx.account(sender)?.is_active(), Status::NotRegistered)?;
    let message = possession_message(&ctx.config.genesis_hash, sender, key);
    let verifier = ctx.proofs.verifier().ok_or(Status::EncryptionKeyInvalid)?;
    verifier.check_possession(key, possession, &message).map_err(|_| Status::EncryptionKeyInvalid)?;
    let record = EncryptionKeyRecord { key: *key, registered_at: ctx.time };
    ctx.write(Table::EncryptionKeys, sealing_keys::encryption_key(sender), &record);
    Ok(Created::Nothing)
}

/// Posting a task of a fair-exchange kind: the employer must have an encryption key, which is
/// copied into the task (a later rotation leaves the task's key unchanged).
pub(super) fn seal_task(ctx: &mut Ctx<'_, '_>, task: TaskId, employer: &AgentId) -> Result<(), Fault> {
    let key: EncryptionKeyRecord =
        ctx.read(Table::EncryptionKeys, &sealing_keys::encryption_key(employer))?.ok_or(Status::NoEncryptionKey)?;
    let record = SealedTaskRecord { task, employer_key: key.key, delivery: None };
    ctx.write(Table::SealedTasks, sealing_keys::sealed_task(task), &record);
    Ok(())
}

/// A checked envelope: the public inputs it adds and what to record once the proof verifies.
pub(super) struct Envelope {
    pub inputs: Vec<FieldBytes>,
    record: SealedTaskRecord,
    used_key: Vec<u8>,
}

/// The envelope of a completion of `task`: none for a plain task (which must carry no sealed
/// output); for a fair-exchange task, the sealed output must be there, have the kind's length,
/// carry a valid ephemeral key not used before with this employer key, and the verifier builds
/// the envelope's public inputs from the task's employer key and the published values.
pub(super) fn envelope(
    ctx: &mut Ctx<'_, '_>,
    task: &TaskRecord,
    kind: &KindRecord,
    sealed: Option<&SealedOutput>,
) -> Result<Option<Envelope>, Fault> {
    let record: Option<SealedTaskRecord> = ctx.read(Table::SealedTasks, &sealing_keys::sealed_task(task.id))?;
    // A sealed record exists exactly for the tasks of fair-exchange kinds (`seal_task`).
    let (record, sealed) = match (record, sealed) {
        (None, None) => return Ok(None),
        (Some(record), Some(sealed)) => (record, sealed),
        _ => return Err(Status::SealedOutputMismatch.into()),
    };
    ensure(sealed.ciphertext.len() == usize::from(kind.sealed_fields), Status::CiphertextLength)?;
    let used_key = sealing_keys::ephemeral(&record.employer_key, &sealed.ephemeral_key);
    ensure(ctx.layer.get(Table::EphemeralKeys, &used_key)?.is_none(), Status::EphemeralKeyReused)?;
    let verifier = ctx.proofs.verifier().ok_or(Status::UnknownProofKey)?;
    let inputs = verifier.envelope_inputs(&record.employer_key, &sealed.ephemeral_key, &sealed.ciphertext).map_err(
        |rejection| match rejection {
            SealingRejection::BadLength => Status::CiphertextLength,
            SealingRejection::Unsupported => Status::UnknownProofKey,
            _ => Status::EphemeralKeyInvalid,
        },
    )?;
    let record = SealedTaskRecord { delivery: Some(sealed.clone()), ..record };
    Ok(Some(Envelope { inputs, record, used_key }))
}

/// Records a verified delivery: the ciphertext and ephemeral key with the task, and the
/// ephemeral key as used.
pub(super) fn record_delivery(ctx: &mut Ctx<'_, '_>, envelope: Envelope) {
    ctx.layer.put(Table::EphemeralKeys, envelope.used_key, envelope.record.task.0.to_be_bytes().to_vec());
    ctx.write(Table::SealedTasks, sealing_keys::sealed_task(envelope.record.task), &envelope.record);
}
