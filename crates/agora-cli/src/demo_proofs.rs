//! The demo's proof wave: tasks of the three proof-gated kinds, settled only by Groth16 proofs
//! of completion that the state machine verifies together in one block.

use crate::demo::{Run, blake3_plan};
use agora::zk::kinds::{AggregateWitness, ClassifyWitness, HashchainWitness};
use agora::{Action, AgentKey, Created, FieldBytes, ProofKeys, SignedTx, TaskId, Witness, task_terms};
use anyhow::{Context, anyhow};
use std::time::Instant;

fn salt(tag: &str, i: usize) -> FieldBytes {
    FieldBytes::hash_to_field(tag, &(i as u64).to_le_bytes())
}

/// Deterministic task data for proof task `i`, cycling through the kinds.
fn witness(i: usize) -> Witness {
    match i % 3 {
        0 => Witness::Aggregate(AggregateWitness {
            threshold: 2_500,
            records: (0..agora::circuits::aggregate::N as u64).map(|j| (i as u64 * 1_000 + j * 37) % 5_000).collect(),
            input_salt: salt("agora demo input salt", i),
            output_salt: salt("agora demo output salt", i),
        }),
        1 => Witness::Classify(ClassifyWitness {
            weights: (0..agora::circuits::classify::D as i32).map(|j| (j * 7 + i as i32) % 200 - 100).collect(),
            bias: 5,
            model_salt: salt("agora demo model salt", i),
            features: (0..agora::circuits::classify::D as i32).map(|j| (j * 13 + i as i32) % 300 - 150).collect(),
            input_salt: salt("agora demo input salt", i),
            output_salt: salt("agora demo output salt", i),
        }),
        _ => Witness::Hashchain(HashchainWitness {
            depth: agora::proofs::DEFAULT_HASHCHAIN_DEPTH,
            seed: salt("agora demo seed", i),
            input_salt: salt("agora demo input salt", i),
            output_salt: salt("agora demo output salt", i),
        }),
    }
}

pub(crate) fn run_proof_wave(
    run: &mut Run,
    keys: &ProofKeys,
    employers: &[AgentKey],
    workers: &[AgentKey],
    count: usize,
    budget: u128,
) -> anyhow::Result<()> {
    let witnesses: Vec<Witness> = (0..count).map(witness).collect();
    let mut posts = Vec::new();
    for (i, w) in witnesses.iter().enumerate() {
        let terms = task_terms(w)?;
        let title = format!("proof task {i}: kind {}", terms.0);
        let offer = run.offer(title, "settled only by a zero-knowledge proof of completion", terms, budget);
        posts.push(run.sign(&employers[i % employers.len()], Action::PostTask(offer)));
    }
    let outcome = run.block("proof-gated tasks posted", posts)?;
    let tasks: Vec<TaskId> = outcome
        .receipts
        .iter()
        .filter_map(|r| if let Created::Task(id) = r.created { Some(id) } else { None })
        .collect();
    if tasks.len() != count {
        return Err(anyhow!("only {} of {count} proof tasks were posted", tasks.len()));
    }
    let worker_of = |i: usize| &workers[i % workers.len()];
    let bids: Vec<SignedTx> = tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let action = Action::PlaceBid { task: *task, price: budget, eta_secs: 600, plan_hash: blake3_plan(i, 0) };
            run.sign(worker_of(i), action)
        })
        .collect();
    run.block("bids on proof tasks", bids)?;
    let awards: Vec<SignedTx> = tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            run.sign(&employers[i % employers.len()], Action::AwardBid { task: *task, bidder: worker_of(i).id() })
        })
        .collect();
    run.block("proof tasks awarded", awards)?;

    let started = Instant::now();
    let mut completions = Vec::new();
    for (i, task) in tasks.iter().enumerate() {
        run.bar.set_message(format!("proving task {task} ({} of {count})", i + 1));
        let worker = worker_of(i);
        let nonce = run.nonces_next(worker);
        let (tx, _) = run
            .market
            .prove_completion(keys, worker, *task, &witnesses[i], Some(nonce))
            .with_context(|| format!("proving task {task}"))?;
        completions.push(tx);
    }
    run.prove_secs += started.elapsed().as_secs_f64();
    let outcome = run.block("completions verified (batch), workers paid, reputation earned", completions)?;
    run.proven += outcome.receipts.iter().filter(|r| r.status == agora::Status::Ok).count();
    Ok(())
}
