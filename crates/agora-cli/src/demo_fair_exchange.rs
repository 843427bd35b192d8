//! The demo's fair exchange: an employer registers an encryption key, posts a fair-exchange
//! `aggregate` task (kind 11), and the worker is paid by the transaction that publishes the
//! output encrypted to that key with one proof covering the statement and the encryption; the
//! employer then decrypts the output from the chain and checks it against the commitment.

use crate::demo::{Run, USD, blake3_plan};
use crate::demo_runtime_kind::expect_ok;
use agora::zk::kinds::{AggregateWitness, TaskResult};
use agora::{Action, AgentKey, Created, EncryptionKey, FieldBytes, ProofKeys, Status, Witness, task_terms};
use anyhow::{Context, anyhow};

/// The fair-exchange kind the demo settles (fair-exchange `aggregate`).
pub const FAIR_KIND: u16 = agora::circuits::fair_exchange::aggregate::KIND;

/// What the summary reports of the fair exchange.
pub(crate) struct FairExchangeOutcome {
    /// The task.
    pub task: u64,
    /// Whether the sealed completion settled it.
    pub settled: bool,
    /// What the employer decrypted, as the summary prints it.
    pub decrypted: String,
    /// Whether the decryption equals the result the worker computed.
    pub matches: bool,
}

/// Runs one fair exchange between `employer` and `worker`.
pub(crate) fn run_fair_exchange(
    run: &mut Run,
    keys: &ProofKeys,
    operator: &AgentKey,
    employer: &AgentKey,
    worker: &AgentKey,
    budget: u128,
) -> anyhow::Result<FairExchangeOutcome> {
    let encryption = EncryptionKey::generate()?;
    let register = run.sign(employer, encryption.registration(&run.market.genesis_hash(), &employer.id()));
    let fund = run.sign(operator, Action::Deposit { to: employer.id(), asset: USD, amount: budget });
    let registered = run.block("employer's encryption key registered (proof of possession)", vec![register, fund])?;
    expect_ok(&registered.receipts, "register_encryption_key")?;

    let witness = Witness::Aggregate(AggregateWitness {
        threshold: 2_500,
        records: (0..agora::circuits::aggregate::N as u64).map(|j| (j * 131 + 17) % 5_000).collect(),
        input_salt: FieldBytes::hash_to_field("agora demo fair input salt", b"0"),
        output_salt: FieldBytes::hash_to_field("agora demo fair output salt", b"0"),
    });
    let (_, input_commitment, params) = task_terms(&witness)?;
    let offer = run.offer(
        "fair-exchange task: aggregate".into(),
        "paid only against the output, sealed to the employer and proven",
        (FAIR_KIND, input_commitment, params),
        budget,
    );
    let post = run.sign(employer, Action::PostTask(offer));
    let posted = run.block("fair-exchange task posted (employer key fixed in the task)", vec![post])?;
    expect_ok(&posted.receipts, "post_task")?;
    let Some(Created::Task(task)) = posted.receipts.first().map(|r| r.created) else {
        return Err(anyhow!("the fair-exchange task was not created"));
    };
    let bid = Action::PlaceBid { task, price: budget, eta_secs: 600, plan_hash: blake3_plan(usize::MAX - 1, 0) };
    let bid = run.sign(worker, bid);
    expect_ok(&run.block("bid on the fair-exchange task", vec![bid])?.receipts, "place_bid")?;
    let award = run.sign(employer, Action::AwardBid { task, bidder: worker.id() });
    expect_ok(&run.block("fair-exchange task awarded", vec![award])?.receipts, "award_bid")?;

    let nonce = run.nonces_next(worker);
    let started = std::time::Instant::now();
    let (tx, completion) = run
        .market
        .prove_completion(keys, worker, task, &witness, Some(nonce))
        .with_context(|| format!("proving fair-exchange task {task}"))?;
    run.prove_secs += started.elapsed().as_secs_f64();
    let outcome = run.block("sealed output published, proof verified, worker paid in one tx", vec![tx])?;
    let settled = outcome.receipts.first().is_some_and(|r| r.status == Status::Ok);
    run.proven += usize::from(settled);

    let opened = run.market.open_sealed_output(task, &encryption).context("decrypting the sealed output")?;
    let decrypted = match &opened.result {
        TaskResult::Aggregate { sum, count } => format!("sum {sum}, count {count}"),
        other => format!("{other:?}"),
    };
    Ok(FairExchangeOutcome { task: task.0, settled, decrypted, matches: opened.result == completion.result })
}
