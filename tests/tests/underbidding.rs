//! # Attack: underbidding with fresh identities
//!
//! An attacker registers throw-away identities and floods the market with rock-bottom bids —
//! to win work it will not do well, to crowd out established workers, or to squat a task's bid
//! slots — each identity costing only its (refundable) bond.
//!
//! # Defence
//!
//! * `min_reputation`: an employer can gate a task; a bidder whose decayed reputation is below
//!   it gets `ReputationTooLow`. Fresh identities have 0, and reputation comes only from
//!   verified completions for employers with standing.
//! * `FRESH_MAX_OPEN_BIDS`: an agent below `ESTABLISHED_REPUTATION` may hold at most 3 open
//!   bids at once (`TooManyOpenBids`); established agents may hold `MAX_OPEN_BIDS_PER_AGENT`.
//! * Decay: reputation halves every `half_life_secs` of block time, so an agent that stops
//!   working falls back below the gate and back under the fresh bid limit.
//!
//! # Asserted
//!
//! * a fresh identity's bid on a task with `min_reputation` 1 or `ESTABLISHED_REPUTATION` is
//!   `ReputationTooLow` and changes nothing; on an ungated task it may bid;
//! * a fresh identity holds at most 3 open bids (the 4th is `TooManyOpenBids`, without
//!   effect); a withdrawn or closed bid frees its slot;
//! * a worker that earned 2,000 points with a real proof for a trusted employer (2 USD) holds
//!   up to `MAX_OPEN_BIDS_PER_AGENT` open bids and can bid on the gated task;
//! * exactly one half-life later (1,000 points) it still passes a gate of 1,000; one second
//!   later (999) it is refused, and it is back to the fresh limit of 3 open bids; after ten
//!   half-lives it has almost nothing left;
//! * bid-slot squatting: 64 fresh identities fill every bid slot of an ungated task, locking an
//!   established worker out (`TooManyBids`) — but cannot touch a gated task, which the
//!   established worker can still bid on.

mod common;

use agora_core::limits::{MAX_BIDS_PER_TASK, MAX_OPEN_BIDS_PER_AGENT};
use agora_core::reputation::{ESTABLISHED_REPUTATION, FRESH_MAX_OPEN_BIDS, STANDING_ONE, completion_gain};
use agora_core::{Action, AgentKey, Amount, Created, PostTask, Status, TaskId};
use agora_tests::{BOND, USD, World, key};
use common::*;

/// The budget of the tasks bid on here (bids are free: only posting escrows funds).
const BUDGET: Amount = 5 * USD_1;

/// Posts a manual task with `min_reputation` whose bid deadline is `bid_deadline`.
fn post(w: &mut World, employer: &AgentKey, min_reputation: u64, bid_deadline: u64) -> TaskId {
    w.fund(employer.id(), BUDGET);
    let offer = PostTask {
        title: "underbidding target".into(),
        requirements: String::new(),
        kind: 0,
        params: vec![],
        input_commitment: salt(w.time),
        asset: USD,
        budget: BUDGET,
        bid_deadline,
        delivery_deadline: bid_deadline + 1_000,
        splits: vec![],
        min_reputation,
    };
    let receipt = w.run_receipt(employer, Action::PostTask(offer));
    assert_eq!(receipt.status, Status::Ok);
    let Created::Task(task) = receipt.created else { panic!("expected a task") };
    task
}

fn post_open(w: &mut World, employer: &AgentKey, min_reputation: u64) -> TaskId {
    let deadline = w.time + 1_000;
    post(w, employer, min_reputation, deadline)
}

/// A rock-bottom bid.
fn underbid(task: TaskId) -> Action {
    Action::PlaceBid { task, price: 1, eta_secs: 1, plan_hash: [0xbb; 32] }
}

fn withdraw(task: TaskId, bidder: &AgentKey) -> Action {
    Action::WithdrawBid { task, bidder: bidder.id() }
}

#[test]
fn fresh_identity_cannot_bid_on_a_reputation_gated_task() {
    let mut w = World::new();
    let (employer, fresh) = (key(1), key(2));
    w.register(&employer, 0);
    w.register(&fresh, 0);
    assert_eq!(w.account(&fresh.id()).reputation_stored(), 0);
    for gate in [1, ESTABLISHED_REPUTATION, u64::MAX] {
        let task = post_open(&mut w, &employer, gate);
        assert_action_rejected(&mut w, &fresh, underbid(task), Status::ReputationTooLow);
        assert_eq!(w.task(task).expect("task").open_bids, 0);
    }
    let ungated = post_open(&mut w, &employer, 0);
    assert_eq!(w.run(&fresh, underbid(ungated)), Status::Ok);
    // Unregistered keys cannot bid at all (NotRegistered comes first).
    let stranger = key(3);
    w.fund(stranger.id(), BOND);
    assert_action_rejected(&mut w, &stranger, underbid(ungated), Status::NotRegistered);
    println!("fresh identity: refused on gates 1, {ESTABLISHED_REPUTATION} and u64::MAX; accepted ungated");
}

#[test]
fn fresh_identity_holds_at_most_three_open_bids() {
    let mut w = World::new();
    let (employer, fresh) = (key(1), key(2));
    w.register(&employer, 0);
    w.register(&fresh, 0);
    let tasks: Vec<TaskId> = (0..6).map(|_| post_open(&mut w, &employer, 0)).collect();
    for task in &tasks[..FRESH_MAX_OPEN_BIDS as usize] {
        assert_eq!(w.run(&fresh, underbid(*task)), Status::Ok);
    }
    assert_eq!(w.account(&fresh.id()).open_bids, FRESH_MAX_OPEN_BIDS);
    assert_action_rejected(&mut w, &fresh, underbid(tasks[3]), Status::TooManyOpenBids);
    assert_action_rejected(&mut w, &fresh, underbid(tasks[4]), Status::TooManyOpenBids);

    // A withdrawn bid frees its slot.
    assert_eq!(w.run(&fresh, withdraw(tasks[0], &fresh)), Status::Ok);
    assert_eq!(w.run(&fresh, underbid(tasks[3])), Status::Ok);
    assert_action_rejected(&mut w, &fresh, underbid(tasks[4]), Status::TooManyOpenBids);
    // So does a bid closed by the task's cancellation, and a bid that wins.
    assert_eq!(w.run(&employer, Action::CancelTask { task: tasks[1] }), Status::Ok);
    assert_eq!(w.run(&fresh, underbid(tasks[4])), Status::Ok);
    assert_eq!(w.run(&employer, Action::AwardBid { task: tasks[2], bidder: fresh.id() }), Status::Ok);
    assert_eq!(w.account(&fresh.id()).open_bids, 2);
    assert_eq!(w.run(&fresh, underbid(tasks[5])), Status::Ok);
    assert_action_rejected(&mut w, &fresh, underbid(tasks[0]), Status::TooManyOpenBids);
    assert_eq!(w.account(&fresh.id()).open_bids, FRESH_MAX_OPEN_BIDS);
    println!("fresh identity: {FRESH_MAX_OPEN_BIDS} open bids at most; withdrawing, cancellation and award free slots");
}

#[test]
fn established_worker_holds_more_bids_and_passes_the_gate_until_reputation_decays() {
    let (employer, worker) = (key(1), key(2));
    let mut w = proof_world(vec![employer.id()]);
    w.register(&employer, 0);
    w.register(&worker, 0);
    let half_life = w.config.genesis.reputation.half_life_secs;

    // Earn reputation the only way there is: a verified proof, for a trusted employer, at 2 USD.
    let price = 2 * USD_1;
    let witness = hashchain(1);
    let task = job(&mut w, &employer, &worker, &witness, price);
    let done = prove(&w, &witness, task, &worker.id());
    let t0 = w.time;
    assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);
    let earned = completion_gain(price, Some(USD_1), 0, STANDING_ONE);
    assert_eq!(earned, 2 * ESTABLISHED_REPUTATION);
    let account = w.account(&worker.id());
    assert_eq!((account.reputation_stored(), account.reputation_updated_at), (earned, t0));

    // Established: up to MAX_OPEN_BIDS_PER_AGENT open bids, gated tasks included.
    let limit = MAX_OPEN_BIDS_PER_AGENT as usize;
    let tasks: Vec<TaskId> = (0..=limit)
        .map(|i| post_open(&mut w, &employer, if i % 2 == 0 { ESTABLISHED_REPUTATION } else { 0 }))
        .collect();
    for task in &tasks[..limit] {
        assert_eq!(w.run(&worker, underbid(*task)), Status::Ok);
    }
    assert_eq!(w.account(&worker.id()).open_bids, MAX_OPEN_BIDS_PER_AGENT);
    assert_action_rejected(&mut w, &worker, underbid(tasks[limit]), Status::TooManyOpenBids);
    for task in &tasks[..limit] {
        assert_eq!(w.run(&worker, withdraw(*task, &worker)), Status::Ok);
    }

    // Gated tasks and spare tasks whose bid deadlines lie beyond ten half-lives.
    let far = t0 + 11 * half_life;
    let gated: Vec<TaskId> = (0..3).map(|_| post(&mut w, &employer, ESTABLISHED_REPUTATION, far)).collect();
    let spare: Vec<TaskId> = (0..8).map(|_| post(&mut w, &employer, 0, far)).collect();

    // Exactly one half-life after the completion: 1,000 points, still established. Take 6 bids
    // in that block (more than a fresh identity could hold), one of them on a gated task.
    w.time = t0 + half_life;
    assert_eq!(reputation_now(&w, &worker.id()), ESTABLISHED_REPUTATION);
    let mut batch = Batch::new();
    batch.push(&w, &worker, underbid(gated[0]));
    for task in &spare[..5] {
        batch.push(&w, &worker, underbid(*task));
    }
    batch.apply(&mut w);
    assert_eq!(w.account(&worker.id()).open_bids, 6);

    // One second later the score is below the gate (decay is linear within a half-life:
    // 1,000 × (1 − 1 / (2 × half-life)), rounded down, is 999).
    assert_eq!(w.time, t0 + half_life + 1);
    let now = reputation_now(&w, &worker.id());
    assert_eq!(now, ESTABLISHED_REPUTATION - 1);
    assert_action_rejected(&mut w, &worker, underbid(gated[1]), Status::ReputationTooLow);
    // Below ESTABLISHED_REPUTATION the fresh limit applies again: the 6 bids already held stay
    // open, but no new one is accepted until it holds fewer than 3.
    assert_action_rejected(&mut w, &worker, underbid(spare[5]), Status::TooManyOpenBids);
    for task in &spare[..4] {
        assert_eq!(w.run(&worker, withdraw(*task, &worker)), Status::Ok);
    }
    assert_eq!(w.account(&worker.id()).open_bids, 2);
    assert_eq!(w.run(&worker, underbid(spare[5])), Status::Ok);
    assert_action_rejected(&mut w, &worker, underbid(spare[6]), Status::TooManyOpenBids);

    // Ten half-lives on, almost nothing is left.
    w.time = t0 + 10 * half_life;
    let faded = reputation_now(&w, &worker.id());
    assert!(faded <= earned >> 10, "{faded}");
    assert_action_rejected(&mut w, &worker, underbid(gated[2]), Status::ReputationTooLow);
    // Decay is applied on read: the stored score was never touched by any of this.
    let account = w.account(&worker.id());
    assert_eq!((account.reputation_stored(), account.reputation_updated_at), (earned, t0));
    println!(
        "established worker: earned {earned} points (2 USD, trusted employer); {} open bids allowed; \
         {} points after one half-life (gate passes), {now} one second later (gate refuses, fresh limit again); \
         {faded} after ten half-lives",
        MAX_OPEN_BIDS_PER_AGENT, ESTABLISHED_REPUTATION
    );
}

#[test]
fn fresh_identities_can_squat_an_ungated_tasks_bid_slots_but_not_a_gated_ones() {
    let (employer, worker) = (key(1), key(2));
    let mut w = proof_world(vec![employer.id()]);
    w.register(&employer, 0);
    w.register(&worker, 0);
    let price = 2 * USD_1;
    let witness = hashchain(2);
    let task = job(&mut w, &employer, &worker, &witness, price);
    let done = prove(&w, &witness, task, &worker.id());
    assert_eq!(w.run(&worker, submit_completion(task, &done)), Status::Ok);
    assert!(reputation_now(&w, &worker.id()) >= ESTABLISHED_REPUTATION);

    let squatters: Vec<AgentKey> = (0..MAX_BIDS_PER_TASK).map(|i| agent_key(9, i)).collect();
    register_many(&mut w, &squatters, 0);
    let ungated = post_open(&mut w, &employer, 0);
    let gated = post_open(&mut w, &employer, ESTABLISHED_REPUTATION);
    let mut batch = Batch::new();
    for s in &squatters {
        batch.push(&w, s, underbid(ungated));
    }
    batch.apply(&mut w);
    assert_eq!(w.task(ungated).expect("task").open_bids, MAX_BIDS_PER_TASK);
    // The ungated task is full: the established worker cannot bid on it at all.
    assert_action_rejected(&mut w, &worker, underbid(ungated), Status::TooManyBids);
    // The gated one is out of the squatters' reach, and open to the established worker.
    for s in squatters.iter().take(5) {
        assert_action_rejected(&mut w, s, underbid(gated), Status::ReputationTooLow);
    }
    assert_eq!(w.run(&worker, underbid(gated)), Status::Ok);
    let locked = u128::from(MAX_BIDS_PER_TASK) * BOND;
    println!(
        "bid-slot squatting: {MAX_BIDS_PER_TASK} fresh identities ({} of bonds, refundable) fill an ungated task's \
         {MAX_BIDS_PER_TASK} bid slots and lock out an established worker (TooManyBids); a gated task is immune",
        usd(locked)
    );
}
