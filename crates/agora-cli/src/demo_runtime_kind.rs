//! The demo's runtime kind: the operator registers a new proof-gated kind by transaction (a
//! `hashchain` circuit of another depth, keys from a fresh setup with OS randomness), then one
//! task of that kind is posted, awarded and settled by a proof verified under the key the
//! registry holds in state.

use crate::demo::{Run, USD, blake3_plan};
use agora::zk::kinds::HashchainWitness;
use agora::{
    Action, AgentKey, CircuitShape, Created, FieldBytes, KindRegistration, KindSpec, ProofKeys, Status, Witness,
    task_terms,
};
use anyhow::{Context, anyhow};
use std::path::Path;

/// Number of the kind the demo registers at runtime.
pub const RUNTIME_KIND: u16 = 4;
/// Its name.
pub const RUNTIME_KIND_NAME: &str = "hashchain-8";
/// Depth of its circuit (a small one: its setup takes well under a second).
pub const RUNTIME_KIND_DEPTH: u32 = 8;

/// What the summary reports of the runtime kind.
pub(crate) struct RuntimeKindOutcome {
    /// Height of the block that registered the kind.
    pub registered_at: u64,
    /// Whether its task settled by proof.
    pub settled: bool,
}

/// Registers the runtime kind with `operator`'s approval (the development genesis's quorum is
/// one operator), adds its keys to the key directory `dir`, and settles one task of it.
pub(crate) fn run_runtime_kind(
    run: &mut Run,
    dir: &Path,
    operator: &AgentKey,
    employer: &AgentKey,
    worker: &AgentKey,
    budget: u128,
) -> anyhow::Result<RuntimeKindOutcome> {
    let shape = CircuitShape::Hashchain { depth: RUNTIME_KIND_DEPTH };
    let pair = agora::zk::setup_kind_with_os_rng(shape).map_err(|e| anyhow!("setup of {RUNTIME_KIND_NAME}: {e}"))?;
    let vk = agora::zk::keys::vk_to_bytes(&pair.vk).map_err(|e| anyhow!("{e}"))?;
    let spec = KindSpec {
        kind: RUNTIME_KIND,
        name: RUNTIME_KIND_NAME.into(),
        key_id: pair.key_id,
        param_count: 1,
        sealed_fields: 0,
        base_kind: None,
    };
    let keys = ProofKeys::add_kind(dir, spec, shape, &pair).context("adding the runtime kind's keys")?;
    let registration = KindRegistration {
        kind: RUNTIME_KIND,
        name: RUNTIME_KIND_NAME.into(),
        description: format!(
            "{RUNTIME_KIND_DEPTH} iterated Poseidon hashes of a committed seed, registered at runtime"
        ),
        param_count: 1,
        weight_bps: 5_000,
        max_gain: 0,
        key_id: pair.key_id,
        vk,
    };
    let register = run.sign(operator, Action::RegisterKind(registration));
    let fund = run.sign(operator, Action::Deposit { to: employer.id(), asset: USD, amount: budget });
    let outcome = run.block("kind registered at runtime (operator quorum)", vec![register, fund])?;
    expect_ok(&outcome.receipts, "register_kind")?;
    let registered_at = run.market.tip().height;

    let witness = Witness::Hashchain(HashchainWitness {
        depth: RUNTIME_KIND_DEPTH,
        seed: FieldBytes::hash_to_field("agora demo runtime seed", b"0"),
        input_salt: FieldBytes::hash_to_field("agora demo runtime input salt", b"0"),
        output_salt: FieldBytes::hash_to_field("agora demo runtime output salt", b"0"),
    });
    let (_, input_commitment, params) = task_terms(&witness)?;
    let offer = run.offer(
        format!("runtime kind task: {RUNTIME_KIND_NAME}"),
        "settled only by a proof under the key registered at runtime",
        (RUNTIME_KIND, input_commitment, params),
        budget,
    );
    let post = run.sign(employer, Action::PostTask(offer));
    let posted = run.block("runtime-kind task posted", vec![post])?;
    expect_ok(&posted.receipts, "post_task")?;
    let Some(Created::Task(task)) = posted.receipts.first().map(|r| r.created) else {
        return Err(anyhow!("the runtime-kind task was not created"));
    };
    let bid = Action::PlaceBid { task, price: budget, eta_secs: 600, plan_hash: blake3_plan(usize::MAX, 0) };
    let bid = run.sign(worker, bid);
    let placed = run.block("bid on the runtime-kind task", vec![bid])?;
    expect_ok(&placed.receipts, "place_bid")?;
    let award = Action::AwardBid { task, bidder: worker.id() };
    let award = run.sign(employer, award);
    let awarded = run.block("runtime-kind task awarded", vec![award])?;
    expect_ok(&awarded.receipts, "award_bid")?;
    let nonce = run.nonces_next(worker);
    let (tx, _) = run
        .market
        .prove_completion(&keys, worker, task, &witness, Some(nonce))
        .with_context(|| format!("proving runtime-kind task {task}"))?;
    let outcome = run.block("runtime-kind completion verified under the registry's key", vec![tx])?;
    let settled = outcome.receipts.first().is_some_and(|r| r.status == Status::Ok);
    run.proven += usize::from(settled);
    Ok(RuntimeKindOutcome { registered_at, settled })
}

/// Fails unless the first receipt of a demo step is `Ok`, naming the step.
pub(crate) fn expect_ok(receipts: &[agora::Receipt], what: &str) -> anyhow::Result<()> {
    match receipts.first() {
        Some(r) if r.status == Status::Ok => Ok(()),
        Some(r) => Err(anyhow!("the demo's {what} was rejected: {}", r.status)),
        None => Err(anyhow!("the demo's {what} has no receipt")),
    }
}
