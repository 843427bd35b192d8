//! Appends operator and arbitration actions to the hash-chained audit log.

use super::context::{Ctx, Fault};
use crate::audit::{AUDIT_COUNTER, AuditEntry, AuditKind, audit_key};
use crate::encoding::Writer;
use crate::state::{StateError, Table};
use crate::status::Status;
use agora_identity::AgentId;

/// Appends one entry, chained to the previous entry's hash (the genesis hash for the first).
pub(super) fn append(
    ctx: &mut Ctx<'_, '_>,
    kind: AuditKind,
    actor: &AgentId,
    subject: Option<AgentId>,
    data: Writer,
) -> Result<(), Fault> {
    let seq = ctx.counter(AUDIT_COUNTER)?;
    let prev_hash = match seq.checked_sub(1) {
        None => ctx.config.genesis_hash,
        Some(last) => {
            let entry: AuditEntry = ctx.read(Table::AuditLog, &audit_key(last))?.ok_or_else(|| {
                StateError::Corrupt { table: Table::AuditLog.name(), reason: format!("audit entry {last} missing") }
            })?;
            entry.hash
        }
    };
    let mut entry = AuditEntry {
        seq,
        prev_hash,
        kind,
        actor: *actor,
        subject,
        data: data.into_bytes(),
        time: ctx.time,
        hash: [0; 32],
    };
    entry.hash = entry.compute_hash();
    ctx.write(Table::AuditLog, audit_key(seq), &entry);
    ctx.set_counter(AUDIT_COUNTER, seq.checked_add(1).ok_or(Status::AmountOverflow)?);
    Ok(())
}
