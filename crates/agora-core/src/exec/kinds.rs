//! Changing the kind registry after genesis: operators approve registering a kind, rotating
//! its verifying key or retiring it; a change takes effect when
//! `arbitration.operator_threshold` distinct operators approved the very same change (the same
//! action bytes) within `KIND_PROPOSAL_TTL_SECS` (the quorum rule of freezes and of the trusted
//! set). Every approval re-runs every check, so a change that became stale (a name taken, a
//! version passed) cannot take effect. Every approval and every change is in the audit log.

use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use crate::audit::AuditKind;
use crate::block::Created;
use crate::completion::kind_public_inputs;
use crate::encoding::{Canonical, Writer};
use crate::ids::{MANUAL_KIND, TaskKind};
use crate::kinds::{
    FULL_KIND_WEIGHT_BPS, KIND_COUNTER, KIND_PROPOSAL_DOMAIN, KindProposal, KindRecord, KindRegistration, KindVersion,
    kind_keys,
};
use crate::limits::{KIND_PROPOSAL_TTL_SECS, MAX_KIND_PARAMS, MAX_KIND_VERSIONS, MAX_KINDS};
use crate::proof::{KeyId, key_id_of};
use crate::state::{StateView, Table};
use crate::status::Status;
use crate::tx::Action;
use agora_identity::AgentId;

pub(super) fn register_kind(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    registration: &KindRegistration,
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let name_taken = ctx.layer.get(Table::KindNames, &kind_keys::name(&registration.name))?.is_some();
    ensure(
        registration.kind != MANUAL_KIND && ctx.kind(registration.kind)?.is_none() && !name_taken,
        Status::KindExists,
    )?;
    ensure(
        usize::from(registration.param_count) <= MAX_KIND_PARAMS
            && (1..=FULL_KIND_WEIGHT_BPS).contains(&registration.weight_bps),
        Status::KindLayoutInvalid,
    )?;
    let public_inputs = check_key(ctx, &registration.key_id, &registration.vk, registration.param_count, 0)?;
    let count = ctx.counter(KIND_COUNTER)?;
    let change = Action::RegisterKind(registration.clone());
    if !approve(ctx, sender, &change, registration.kind, 1, &registration.key_id)? {
        return Ok(Created::Nothing);
    }
    ensure(count < MAX_KINDS, Status::TooManyKinds)?;
    let record = KindRecord {
        kind: registration.kind,
        name: registration.name.clone(),
        description: registration.description.clone(),
        param_count: registration.param_count,
        weight_bps: registration.weight_bps,
        max_gain: registration.max_gain,
        version: 1,
        retired: false,
        registered_at: ctx.height,
        sealed_fields: 0,
        base_kind: None,
    };
    ctx.write(Table::Kinds, kind_keys::kind(record.kind), &record);
    ctx.layer.put(Table::KindNames, kind_keys::name(&record.name), record.kind.to_be_bytes().to_vec());
    put_version(ctx, record.kind, 1, registration.key_id, &registration.vk, public_inputs);
    ctx.set_counter(KIND_COUNTER, count.saturating_add(1));
    append(ctx, AuditKind::KindRegistered, sender, None, change_data(record.kind, 1, &registration.key_id))?;
    Ok(Created::Nothing)
}

pub(super) fn rotate_kind_key(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    kind: TaskKind,
    version: u16,
    key_id: &KeyId,
    vk: &[u8],
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let mut record = ctx.kind(kind)?.ok_or(Status::UnknownKind)?;
    ensure(!record.retired, Status::KindRetired)?;
    let public_inputs = check_key(ctx, key_id, vk, record.param_count, record.sealed_fields)?;
    ensure(Some(version) == record.version.checked_add(1), Status::KindVersionMismatch)?;
    let change = Action::RotateKindKey { kind, version, key_id: *key_id, vk: vk.to_vec() };
    if !approve(ctx, sender, &change, kind, version, key_id)? {
        return Ok(Created::Nothing);
    }
    ensure(version <= MAX_KIND_VERSIONS, Status::TooManyKinds)?;
    record.version = version;
    ctx.write(Table::Kinds, kind_keys::kind(kind), &record);
    put_version(ctx, kind, version, *key_id, vk, public_inputs);
    append(ctx, AuditKind::KindKeyRotated, sender, None, change_data(kind, version, key_id))?;
    Ok(Created::Nothing)
}

pub(super) fn retire_kind(ctx: &mut Ctx<'_, '_>, sender: &AgentId, kind: TaskKind) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let mut record = ctx.kind(kind)?.ok_or(Status::UnknownKind)?;
    ensure(!record.retired, Status::KindRetired)?;
    let none = KeyId([0; 32]);
    if !approve(ctx, sender, &Action::RetireKind { kind }, kind, 0, &none)? {
        return Ok(Created::Nothing);
    }
    record.retired = true;
    ctx.write(Table::Kinds, kind_keys::kind(kind), &record);
    append(ctx, AuditKind::KindRetired, sender, None, change_data(kind, 0, &none))?;
    Ok(Created::Nothing)
}

/// The key's id must be what the proposer stated, the verifier must accept the key, and its
/// public inputs must be exactly the binding inputs plus the kind's parameters.
fn check_key(
    ctx: &mut Ctx<'_, '_>,
    key_id: &KeyId,
    vk: &[u8],
    param_count: u8,
    sealed_fields: u8,
) -> Result<u16, Fault> {
    ensure(key_id_of(vk) == *key_id, Status::KindKeyIdMismatch)?;
    let facts = ctx.proofs.inspect_key(vk).map_err(|_| Status::KindKeyInvalid)?;
    ensure(facts.public_inputs == kind_public_inputs(param_count, sealed_fields), Status::KindKeyLayoutMismatch)?;
    Ok(u16::try_from(facts.public_inputs).unwrap_or(u16::MAX))
}

fn put_version(ctx: &mut Ctx<'_, '_>, kind: TaskKind, version: u16, key_id: KeyId, vk: &[u8], public_inputs: u16) {
    let record = KindVersion { kind, version, key_id, vk: vk.to_vec(), public_inputs, registered_at: ctx.height };
    ctx.write(Table::KindVersions, kind_keys::version(kind, version), &record);
}

/// Records `sender`'s approval of `change`; true when it completes the quorum (the proposal is
/// then consumed).
fn approve(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    change: &Action,
    kind: TaskKind,
    version: u16,
    key_id: &KeyId,
) -> Result<bool, Fault> {
    let key = blake3::derive_key(KIND_PROPOSAL_DOMAIN, &change.to_canonical_bytes()).to_vec();
    let mut proposal: KindProposal = ctx
        .read(Table::KindProposals, &key)?
        .filter(|p: &KindProposal| ctx.time <= p.proposed_at.saturating_add(KIND_PROPOSAL_TTL_SECS))
        .unwrap_or(KindProposal { approvals: Vec::new(), proposed_at: ctx.time });
    ensure(!proposal.approvals.contains(sender), Status::KindChangeConflict)?;
    proposal.approvals.push(*sender);
    proposal.approvals.sort();
    append(ctx, AuditKind::KindChangeApproved, sender, None, change_data(kind, version, key_id))?;
    if proposal.approvals.len() < usize::from(ctx.config.genesis.arbitration.operator_threshold) {
        ctx.write(Table::KindProposals, key, &proposal);
        return Ok(false);
    }
    ctx.layer.delete(Table::KindProposals, key);
    Ok(true)
}

fn change_data(kind: TaskKind, version: u16, key_id: &KeyId) -> Writer {
    let mut data = Writer::new();
    data.u16(kind);
    data.u16(version);
    data.fixed(&key_id.0);
    data
}
