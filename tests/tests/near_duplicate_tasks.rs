//! # Attack: near-duplicate tasks
//!
//! An employer and a worker who get on well (or one person holding both keys, with the employer
//! key genesis-trusted) repeat the same job over and over: the same hashchain computation, each
//! time re-posted under a fresh input salt so that every task has a distinct input commitment
//! — so the nullifier (worker, kind, input commitment, params) never repeats and every
//! completion is accepted with a real Groth16 proof.
//!
//! # Defence
//!
//! The pair factor: the k-th verified completion between the same employer and worker earns
//! 1/(k+1)² of the full gain (`reputation::pair_factor_ppm`), so the whole series sums to less
//! than π²/6 ≈ 1.645 of the first completion, however many near-duplicates are posted.
//!
//! # Asserted
//!
//! * every completion is accepted (the attack really runs through the proof gate);
//! * the k-th gain equals `completion_gain(price, reference, k, full standing)` exactly, and
//!   the evidence edge counts every completion;
//! * the total gain over all near-duplicates is at most 2× the first gain (and the worker's
//!   reputation, after decay, too); the ratio is printed.
//!
//! Also printed and asserted: what the worker has lost by the end is no more than exact decay
//! over the elapsed block time would take (scores are stored in millionths of a point, so
//! bringing them up to date at every completion loses nothing to rounding;
//! `frequent_completions_do_not_lose_reputation_to_rounding` checks that on its own).
//!
//! CI size: 30 tasks with real proofs (hashchain, depth 16). `AGORA_FULL=1`: 1,000 tasks, still
//! with real proofs (several minutes in release).

mod common;

use std::time::Instant;

use agora_core::Status;
use agora_core::reputation::{STANDING_ONE, completion_gain, pair_factor_ppm};
use agora_tests::key;
use common::*;

/// What every near-duplicate pays: 1 USD, worth 1,000 points at full standing.
const PRICE: u128 = USD_1;

#[test]
fn near_duplicate_tasks_earn_at_most_twice_the_first() {
    let n: u64 = if full_size() { 1_000 } else { 30 };
    let started = Instant::now();
    let (employer, worker) = (key(1), key(2));
    let mut w = proof_world(vec![employer.id()]);
    w.register(&employer, 0);
    w.register(&worker, 0);
    let half_life = w.config.genesis.reputation.half_life_secs;
    let reference = Some(USD_1);

    let mut gains = Vec::new();
    let mut first_at = 0;
    let mut commitments = std::collections::BTreeSet::new();
    let mut proving = std::time::Duration::ZERO;
    for k in 0..n {
        // Same chain seed every time: the same work, re-salted into a new input commitment.
        let witness = hashchain_resalted(42, k);
        let task = job(&mut w, &employer, &worker, &witness, PRICE);
        assert!(commitments.insert(w.task(task).expect("task").offer.input_commitment), "commitments must differ");
        let t = Instant::now();
        let done = prove(&w, &witness, task, &worker.id());
        proving += t.elapsed();
        let before = w.account(&worker.id()).reputation_at(w.time, half_life);
        if k == 0 {
            first_at = w.time;
        }
        assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok, "near duplicate {k}");
        let gain = w.account(&worker.id()).reputation_stored() - before;
        let expected = completion_gain(PRICE, reference, u32::try_from(k).expect("small"), STANDING_ONE);
        assert_eq!(gain, expected, "gain of near duplicate {k}");
        gains.push(gain);
    }

    let first = gains[0];
    let total: u64 = gains.iter().sum();
    let edge = edges(&w)[&(worker.id(), employer.id())];
    let now = reputation_now(&w, &worker.id());
    let account = w.account(&worker.id());
    println!("near-duplicate tasks: {n} completions, one trusted employer, one worker, {} each", usd(PRICE));
    println!("  first gain        {first} points");
    println!("  gains k=0..5      {:?}", &gains[..gains.len().min(6)]);
    println!(
        "  last gain         {} points (pair factor {} ppm)",
        gains[gains.len() - 1],
        pair_factor_ppm(n as u32 - 1)
    );
    println!(
        "  total gain        {total} points = {} of the first (bound 200.00%)",
        pct(bps(total.into(), first.into()))
    );
    // Exact decay over the elapsed block time would cost at most total × elapsed × ln 2 / half-life.
    let elapsed = w.time - first_at;
    let exact_loss_bound = (u128::from(total) * u128::from(elapsed) * 694).div_ceil(u128::from(half_life) * 1_000);
    println!("  reputation now    {now} points (after decay); proven completions {}", account.proven_completions);
    println!(
        "  decay             {} points lost over {elapsed} s of block time (exact decay: at most {exact_loss_bound})",
        total - now
    );
    println!("  evidence edge     count {}, evidence {}, gained {}", edge.count, edge.evidence, edge.gained);
    println!(
        "  time              {:.2?} total, {:.2?} proving ({:.0?} per proof)",
        started.elapsed(),
        proving,
        proving / n as u32
    );

    assert_eq!(first, 1_000, "1 USD at full standing is 1,000 points");
    assert_eq!(account.proven_completions, n);
    assert_eq!(u64::from(edge.count), n);
    assert_eq!(edge.gained, total);
    assert!(gains.windows(2).all(|g| g[1] <= g[0]), "gains never grow: {gains:?}");
    assert!(total <= 2 * first, "near duplicates earned {total} > 2 × {first}");
    assert!(now <= 2 * first);
    assert!(total - now <= exact_loss_bound as u64 + 1, "lost more than decay: {} > {exact_loss_bound}", total - now);
    // And the bound is not vacuous: repetition does earn something beyond the first.
    assert!(total > first);
    w.assert_conserved();
}

/// Bringing a score up to date at every credited completion must not cost whole points to
/// rounding: scores are stored in millionths of a point, so 20 completions over ~100 s of block
/// time (a 30-day half-life) keep all but a fraction of a point of what they earned.
#[test]
fn frequent_completions_do_not_lose_reputation_to_rounding() {
    let (employer, worker) = (key(1), key(2));
    let mut w = proof_world(vec![employer.id()]);
    w.register(&employer, 0);
    w.register(&worker, 0);
    let mut total = 0;
    for k in 0..20 {
        let witness = hashchain_resalted(43, k);
        let task = job(&mut w, &employer, &worker, &witness, PRICE);
        let done = prove(&w, &witness, task, &worker.id());
        assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);
        total += completion_gain(PRICE, Some(USD_1), u32::try_from(k).expect("small"), STANDING_ONE);
    }
    // ~100 s of block time against a 30-day half-life: exact decay costs well under a point.
    let now = reputation_now(&w, &worker.id());
    println!("gained {total}, have {now}");
    assert!(now + 1 >= total, "{} points lost to rounding (gained {total}, have {now})", total - now);
}
