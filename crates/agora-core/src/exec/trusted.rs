//! Changing the trusted set after genesis: operators approve adding or removing one agent; the
//! change takes effect when `arbitration.operator_threshold` distinct operators approved the
//! same change within `TRUST_PROPOSAL_TTL_SECS` (the quorum rule of freezes). Every approval and
//! every change is appended to the audit log. The next epoch's standing recompute seeds
//! EigenTrust from the new set; conferral budgets and full standing follow the set at once.

use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use crate::audit::AuditKind;
use crate::block::Created;
use crate::limits::{MAX_TRUSTED, TRUST_PROPOSAL_TTL_SECS};
use crate::reputation::{TRUSTED_COUNTER, TrustProposal, is_trusted, proposal_key};
use crate::state::Table;
use crate::status::Status;
use agora_identity::AgentId;

pub(super) fn change_trusted(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    agent: &AgentId,
    add: bool,
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let member = is_trusted(&*ctx.layer, agent)?;
    ensure(!(add && member), Status::AlreadyTrusted)?;
    ensure(add || member, Status::NotTrusted)?;
    let key = proposal_key(agent, add);
    let mut proposal: TrustProposal = ctx
        .read(Table::TrustProposals, &key)?
        .filter(|p: &TrustProposal| ctx.time <= p.proposed_at.saturating_add(TRUST_PROPOSAL_TTL_SECS))
        .unwrap_or(TrustProposal { approvals: Vec::new(), proposed_at: ctx.time });
    ensure(!proposal.approvals.contains(sender), Status::TrustChangeConflict)?;
    let count = ctx.counter(TRUSTED_COUNTER)?;
    ensure(!add || count < MAX_TRUSTED as u64, Status::TooManyTrusted)?;
    proposal.approvals.push(*sender);
    proposal.approvals.sort();

    let mut data = crate::encoding::Writer::new();
    data.u8(u8::from(add));
    append(ctx, AuditKind::TrustChangeApproved, sender, Some(*agent), data)?;

    if proposal.approvals.len() < usize::from(ctx.config.genesis.arbitration.operator_threshold) {
        ctx.write(Table::TrustProposals, key, &proposal);
        return Ok(Created::Nothing);
    }
    ctx.layer.delete(Table::TrustProposals, key);
    let count = if add {
        ctx.layer.put(Table::TrustedSet, agent.as_bytes().to_vec(), Vec::new());
        count.saturating_add(1)
    } else {
        ctx.layer.delete(Table::TrustedSet, agent.as_bytes().to_vec());
        count.saturating_sub(1)
    };
    ctx.set_counter(TRUSTED_COUNTER, count);
    let mut data = crate::encoding::Writer::new();
    data.u64(count);
    let kind = if add { AuditKind::TrustedAdded } else { AuditKind::TrustedRemoved };
    append(ctx, kind, sender, Some(*agent), data)?;
    Ok(Created::Nothing)
}
