//! Pending panel draws, carried out at the start of a block before its transactions.
//!
//! A case (or an appeal) opened in block `h` waits for the digest of block `h + k`
//! (`panel_seed_delay_blocks`). At the start of every block `H`, up to `MAX_DRAWS_PER_BLOCK`
//! pending draws whose seed height is below `H` are drawn, oldest first, from `H`'s
//! `prev_digest` — the digest of block `H − 1`, which is block `h + k` itself unless the queue
//! was full, then a later one. A draw that cannot fill its panel drops the case (or the
//! appeal) and refunds its fee (or bond).

use super::arbitration::{existing_case, put_case};
use super::audit_log::append;
use super::context::{Ctx, Fault, ProofOracle};
use super::panel::draw;
use crate::audit::AuditKind;
use crate::cases::{CaseId, CasePhase, CaseRecord, CaseSubject, case_keys};
use crate::config::ChainConfig;
use crate::encoding::Writer;
use crate::ids::Digest;
use crate::limits::{MAX_DRAWS_PER_BLOCK, RULING_PERIOD_SECS};
use crate::proof::{ProofClaim, ProofVerdict};
use crate::records::TaskStatus;
use crate::state::{Layer, StateError, Table};
use crate::status::Status;
use agora_identity::AgentId;
use std::collections::BTreeSet;

/// Block-level work proves nothing.
struct NoProofs;

impl ProofOracle for NoProofs {
    fn check(&mut self, _index: usize, _claim: ProofClaim) -> ProofVerdict {
        ProofVerdict::Invalid
    }
    fn inspect_key(&mut self, _vk: &[u8]) -> Result<crate::proof::KeyFacts, crate::proof::KeyRejection> {
        Err(crate::proof::KeyRejection::Unsupported)
    }
    fn verifier(&self) -> Option<&dyn crate::proof::ProofVerifier> {
        None
    }
}

/// Queues the draw of the current (last) round of `case` for the digest of block
/// `height + k`; returns that seed height.
pub(super) fn schedule(ctx: &mut Ctx<'_, '_>, case: CaseId, round: u8) -> Result<u64, Fault> {
    let k = ctx.config.genesis.arbitration.panel_seed_delay_blocks;
    let seed_height = ctx.height.checked_add(k).ok_or(Status::AmountOverflow)?;
    ctx.layer.put(Table::PendingDraws, case_keys::pending_draw(seed_height, case), vec![round]);
    Ok(seed_height)
}

/// Who may not sit on `round` of `case`: the parties (the operators too, for a freeze case),
/// and for an appeal the first panel.
fn excluded(ctx: &Ctx<'_, '_>, case: &CaseRecord, round: u8) -> Result<BTreeSet<AgentId>, Fault> {
    let mut out = BTreeSet::new();
    match case.subject {
        CaseSubject::Task(task_id) => {
            let task = ctx.task(task_id)?.ok_or(Status::UnknownTask)?;
            out.insert(task.employer);
            out.extend(task.worker);
        }
        CaseSubject::Freeze(agent) => {
            out.extend(ctx.config.operators.iter().copied());
            out.insert(agent);
        }
    }
    if round > 0 {
        out.extend(case.rounds.first().map(|r| r.panel.clone()).unwrap_or_default());
    }
    Ok(out)
}

fn draw_round(ctx: &mut Ctx<'_, '_>, id: CaseId, round: u8) -> Result<(), Fault> {
    let mut case = existing_case(ctx, id)?;
    if case.phase != CasePhase::Voting || case.rounds.len() != usize::from(round) + 1 {
        return Ok(());
    }
    let exclude = excluded(ctx, &case, round)?;
    let params = &ctx.config.genesis.arbitration;
    let size = if round == 0 { params.panel_size } else { params.appeal_panel_size() };
    let digest = ctx.prev_digest;
    let panel = draw(ctx, &digest, id, round, size, &exclude)?;
    let deadline = ctx.time.saturating_add(RULING_PERIOD_SECS);
    if let Some(current) = case.rounds.last_mut() {
        current.panel = panel;
        current.deadline = deadline;
    }
    case.pending_draw = 0;
    let actor = case.appellant.filter(|_| round > 0).unwrap_or(case.opener);
    put_case(ctx, &case);
    let mut data = Writer::new();
    data.u64(id.0);
    data.u8(round);
    data.fixed(&digest);
    append(ctx, AuditKind::PanelDrawn, &actor, None, data)?;
    Ok(())
}

/// No panel: the case is dropped (fee back to the opener, the task back to `Awarded`, the
/// freeze appealable again), or the appeal is dropped (bond back, the first ruling stands).
fn drop_round(ctx: &mut Ctx<'_, '_>, id: CaseId, round: u8) -> Result<(), Fault> {
    let mut case = existing_case(ctx, id)?;
    if case.phase != CasePhase::Voting {
        return Ok(());
    }
    let asset = ctx.config.bond_asset;
    let actor = case.appellant.filter(|_| round > 0).unwrap_or(case.opener);
    if round > 0 {
        if let Some(appellant) = case.appellant.take() {
            ctx.credit(&appellant, asset, case.appeal_bond)?;
        }
        case.appeal_bond = 0;
        case.rounds.truncate(1);
        case.phase = CasePhase::Ruled;
    } else {
        let opener = case.opener;
        ctx.credit(&opener, asset, case.fee)?;
        case.fee = 0;
        match case.subject {
            CaseSubject::Task(task_id) => {
                if let Some(mut task) = ctx.task(task_id)?
                    && task.status == TaskStatus::Disputed
                {
                    task.status = TaskStatus::Awarded;
                    ctx.put_task(&task);
                }
                ctx.layer.delete(Table::TaskCases, case_keys::task_case(task_id));
            }
            CaseSubject::Freeze(agent) => {
                if let Some(mut record) = super::freeze::freeze_of(ctx, &agent)?
                    && record.case == Some(id)
                {
                    record.case = None;
                    ctx.write(Table::Freezes, case_keys::freeze(&agent), &record);
                }
            }
        }
        case.phase = CasePhase::Closed;
        case.defaulted = true;
        case.closed_at = ctx.time;
    }
    case.pending_draw = 0;
    put_case(ctx, &case);
    let mut data = Writer::new();
    data.u64(id.0);
    data.u8(round);
    append(ctx, AuditKind::PanelDrawFailed, &actor, None, data)?;
    Ok(())
}

/// Runs `step` in its own layer over `block`, merging it only if it succeeds; a rejection is
/// returned, a storage failure aborts.
fn attempt(
    block: &mut Layer<'_>,
    config: &ChainConfig,
    height: u64,
    time: u64,
    prev_digest: Digest,
    step: impl FnOnce(&mut Ctx<'_, '_>) -> Result<(), Fault>,
) -> Result<Option<Status>, StateError> {
    let mut layer = Layer::new(&*block);
    let mut proofs = NoProofs;
    let outcome = {
        let mut ctx =
            Ctx { layer: &mut layer, config, time, height, prev_digest, index: usize::MAX, proofs: &mut proofs };
        step(&mut ctx)
    };
    match outcome {
        Ok(()) => {
            let diff = layer.into_diff();
            block.absorb(diff);
            Ok(None)
        }
        Err(Fault::Reject(status)) => Ok(Some(status)),
        Err(Fault::State(error)) => Err(error),
    }
}

/// Draws the panels due at the start of block `height` (see the module documentation).
pub(crate) fn run_pending_draws(
    block: &mut Layer<'_>,
    config: &ChainConfig,
    height: u64,
    time: u64,
    prev_digest: Digest,
) -> Result<(), StateError> {
    use crate::state::StateView;
    let due = block.scan_prefix(Table::PendingDraws, &[], MAX_DRAWS_PER_BLOCK)?;
    for (key, value) in due {
        let (Some(seed), Some(case)) = (key.get(..8), key.get(8..16)) else { continue };
        let seed_height = u64::from_be_bytes(seed.try_into().unwrap_or([0xff; 8]));
        if seed_height >= height {
            break;
        }
        let id = CaseId(u64::from_be_bytes(case.try_into().unwrap_or([0; 8])));
        let round = value.first().copied().unwrap_or(0);
        block.delete(Table::PendingDraws, key);
        if attempt(block, config, height, time, prev_digest, |ctx| draw_round(ctx, id, round))?.is_some() {
            attempt(block, config, height, time, prev_digest, |ctx| drop_round(ctx, id, round))?;
        }
    }
    Ok(())
}
