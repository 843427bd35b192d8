//! # Attack: the same work, paid and proven again
//!
//! A worker who has completed a task re-sells the very same work: the employer (or another
//! employer, or the worker's own accomplice) posts a new task on the same input commitment,
//! awards it to the same worker, and the worker submits a fresh, perfectly valid proof bound
//! to the new task id — hoping each repetition earns reputation again.
//!
//! # Defence
//!
//! Every verified completion records a nullifier of its statement minus the task:
//! blake3(worker ‖ kind ‖ input commitment ‖ kind parameters). It depends neither on the task
//! id, nor on the employer, nor on the proof bytes, so the same worker proving the same kind of
//! work on the same data is refused with `NullifierUsed` before any proof is looked at, and
//! nothing changes. The parameters are part of it, so the same data under a different kind
//! parameter (an aggregate over the same records with another threshold) is different work
//! and earns normally; and another worker on the same data is not affected.
//!
//! # Asserted
//!
//! * a second completion of the same input commitment by the same worker — same employer,
//!   another trusted employer, after epochs have passed, with an honest proof or with garbage —
//!   is `NullifierUsed` and leaves the state byte-for-byte unchanged: reputation, proven
//!   completions and evidence edges as after the first completion;
//! * the same input commitment under another `aggregate` threshold has a different nullifier
//!   and earns the pair-factor gain for a second completion; repeating that threshold is
//!   refused again;
//! * another worker on the same data earns its own full gain.
//!
//! All with real Groth16 proofs (hashchain depth 16 and aggregate).

mod common;

use agora_core::reputation::{STANDING_ONE, completion_gain};
use agora_core::{Action, FieldBytes, Status, Table, TaskStatus, completion_nullifier};
use agora_tests::{USD, key};
use common::*;

const PRICE: u128 = USD_1;

fn gain(k: u32) -> u64 {
    completion_gain(PRICE, Some(USD_1), k, STANDING_ONE)
}

fn nullifier_count(w: &agora_tests::World) -> usize {
    w.state.entries(Table::Nullifiers).count()
}

#[test]
fn same_input_commitment_again_by_the_same_worker_is_refused_and_earns_nothing() {
    let fx = fixture_with_aggregate();
    let (employer, other_employer, worker, other_worker) = (key(1), key(3), key(2), key(4));
    let mut w = proof_world_with(fx, vec![employer.id(), other_employer.id()]);
    for k in [&employer, &other_employer, &worker, &other_worker] {
        w.register(k, 0);
    }
    let witness = hashchain(1);

    let first = job(&mut w, &employer, &worker, &witness, PRICE);
    let done = prove_with(fx, &w, &witness, first, &worker.id());
    assert_eq!(w.run(&worker, submit_completion(first, &done)), Status::Ok);
    let after_first = w.account(&worker.id());
    assert_eq!((after_first.reputation_stored(), after_first.proven_completions), (gain(0), 1));
    let edges_after_first = edges(&w);
    assert_eq!(nullifier_count(&w), 1);

    // The same employer re-posts the same data; the worker proves it again, honestly, for the
    // new task. Rejected before the proof is even checked: garbage gets the same answer.
    let again = job(&mut w, &employer, &worker, &witness, PRICE);
    let honest_again = prove_with(fx, &w, &witness, again, &worker.id());
    assert_eq!(honest_again.input_commitment, done.input_commitment);
    assert_ne!(honest_again.proof, done.proof);
    assert_action_rejected(&mut w, &worker, submit_completion(again, &honest_again), Status::NullifierUsed);
    let garbage = Action::SubmitCompletion {
        task: again,
        output_commitment: FieldBytes::ZERO,
        proof: vec![0xff; 128],
        sealed: None,
    };
    assert_action_rejected(&mut w, &worker, garbage, Status::NullifierUsed);

    // Another trusted employer (a new pair: it would be worth a full first gain) — refused too.
    let elsewhere = job(&mut w, &other_employer, &worker, &witness, PRICE);
    let proof_elsewhere = prove_with(fx, &w, &witness, elsewhere, &worker.id());
    assert_action_rejected(&mut w, &worker, submit_completion(elsewhere, &proof_elsewhere), Status::NullifierUsed);

    // Time does not wash it out: two epochs later (standing recomputed), still refused.
    start_next_epoch(&mut w);
    start_next_epoch(&mut w);
    let later = job(&mut w, &other_employer, &worker, &witness, PRICE);
    let proof_later = prove_with(fx, &w, &witness, later, &worker.id());
    assert_action_rejected(&mut w, &worker, submit_completion(later, &proof_later), Status::NullifierUsed);

    let account = w.account(&worker.id());
    assert_eq!(account.reputation_stored(), after_first.reputation_stored(), "stored reputation unchanged (no gain)");
    assert_eq!(account.reputation_updated_at, after_first.reputation_updated_at);
    assert_eq!(account.proven_completions, 1);
    assert_eq!(edges(&w), edges_after_first, "no evidence recorded for repeated work");
    assert_eq!(nullifier_count(&w), 1);
    for task in [again, elsewhere, later] {
        assert_eq!(w.task(task).expect("task").status, TaskStatus::Awarded, "repeat {task} not settled");
    }

    // The nullifier is per worker: someone else doing the same data earns its own full gain.
    let theirs = job(&mut w, &employer, &other_worker, &witness, PRICE);
    let their_proof = prove_with(fx, &w, &witness, theirs, &other_worker.id());
    assert_eq!(w.run(&other_worker, submit_completion(theirs, &their_proof)), Status::Ok);
    assert_eq!(w.account(&other_worker.id()).reputation_stored(), gain(0));

    // The unsettled repeats can only expire, refunding their employers; still no gain.
    w.time = w.task(later).expect("task").offer.delivery_deadline + 1;
    let employer_before = w.balance(&employer.id(), USD);
    for task in [again, elsewhere, later] {
        assert_eq!(w.run(&employer, Action::ExpireTask { task }), Status::Ok);
    }
    assert_eq!(w.balance(&employer.id(), USD), employer_before + PRICE, "the repeat's escrow came back");
    let account = w.account(&worker.id());
    assert_eq!((account.reputation_stored(), account.proven_completions, account.active_jobs), (gain(0), 1, 0));
    println!(
        "identical work twice: first completion earned {} points; 4 repeats (same employer, garbage, other employer, 2 epochs later) refused with NullifierUsed; worker still at {} (stored), {} proven",
        gain(0),
        account.reputation_stored(),
        account.proven_completions
    );
    w.assert_conserved();
}

#[test]
fn same_data_under_another_kind_parameter_is_distinct_work() {
    let fx = fixture_with_aggregate();
    let (employer, worker) = (key(1), key(2));
    let mut w = proof_world_with(fx, vec![employer.id()]);
    w.register(&employer, 0);
    w.register(&worker, 0);

    // The same 64 records and input salt, aggregated above two different thresholds.
    let (low, high) = (aggregate(7, 1_000), aggregate(7, 3_000));
    let (kind, input_low, params_low) = agora::task_terms(&low).expect("terms");
    let (_, input_high, params_high) = agora::task_terms(&high).expect("terms");
    assert_eq!(input_low, input_high, "same data: same input commitment");
    assert_ne!(params_low, params_high, "different kind parameter");
    let nullifier_low = completion_nullifier(&worker.id(), kind, &input_low, &params_low);
    let nullifier_high = completion_nullifier(&worker.id(), kind, &input_high, &params_high);
    assert_ne!(nullifier_low, nullifier_high, "the nullifier includes the kind parameters");

    let t1 = job(&mut w, &employer, &worker, &low, PRICE);
    let p1 = prove_with(fx, &w, &low, t1, &worker.id());
    assert_eq!(w.run(&worker, submit_completion(t1, &p1)), Status::Ok);
    assert_eq!(w.account(&worker.id()).reputation_stored(), gain(0));

    let t2 = job(&mut w, &employer, &worker, &high, PRICE);
    let p2 = prove_with(fx, &w, &high, t2, &worker.id());
    assert_ne!(p1.output_commitment, p2.output_commitment, "another threshold, another result");
    let before = w.account(&worker.id()).reputation_at(w.time, w.config.genesis.reputation.half_life_secs);
    assert_eq!(w.run(&worker, submit_completion(t2, &p2)), Status::Ok, "distinct work is accepted");
    let account = w.account(&worker.id());
    assert_eq!(account.reputation_stored(), before + gain(1), "second completion of the pair: 1/4 of the first");
    assert_eq!(account.proven_completions, 2);
    assert_eq!(nullifier_count(&w), 2);

    // Repeating either threshold is refused.
    for (witness, name) in [(&low, "low"), (&high, "high")] {
        let t = job(&mut w, &employer, &worker, witness, PRICE);
        let p = prove_with(fx, &w, witness, t, &worker.id());
        let before = w.account(&worker.id());
        assert_action_rejected(&mut w, &worker, submit_completion(t, &p), Status::NullifierUsed);
        assert_eq!(
            w.account(&worker.id()).reputation_stored(),
            before.reputation_stored(),
            "{name} threshold repeated"
        );
    }
    println!(
        "same data, another parameter: thresholds 1,000 and 3,000 over one input commitment earned {} + {} points; repeats refused",
        gain(0),
        gain(1)
    );
    w.assert_conserved();
}
