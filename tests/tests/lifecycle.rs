//! The task lifecycle end to end through the real state machine.

use agora_core::{Action, BidStatus, Created, FieldBytes, PostTask, Split, Status, TaskId, TaskStatus};
use agora_tests::{BOND, USD, World, key};

fn offer(now: u64, budget: u128) -> PostTask {
    PostTask {
        title: "label 100 images".into(),
        requirements: "bounding boxes, COCO format".into(),
        kind: 0,
        params: vec![],
        input_commitment: FieldBytes::from_u64(42),
        asset: USD,
        budget,
        bid_deadline: now + 100,
        delivery_deadline: now + 1_000,
        splits: vec![],
        min_reputation: 0,
    }
}

fn post(world: &mut World, employer: &agora_core::AgentKey, offer: PostTask) -> TaskId {
    let receipt = world.run_receipt(employer, Action::PostTask(offer));
    assert_eq!(receipt.status, Status::Ok);
    match receipt.created {
        Created::Task(id) => id,
        other => panic!("expected a task, got {other:?}"),
    }
}

#[test]
fn post_bid_award_accept_pays_worker_minus_fee_and_refunds_the_rest() {
    let mut w = World::new();
    let (employer, worker, loser) = (key(1), key(2), key(3));
    w.register(&employer, 10_000);
    w.register(&worker, 0);
    w.register(&loser, 0);
    let task = {
        let o = offer(w.time, 10_000);
        post(&mut w, &employer, o)
    };
    assert_eq!(w.balance(&employer.id(), USD), 0);
    assert_eq!(w.run(&worker, Action::PlaceBid { task, price: 8_000, eta_secs: 60, plan_hash: [1; 32] }), Status::Ok);
    assert_eq!(w.run(&loser, Action::PlaceBid { task, price: 9_000, eta_secs: 60, plan_hash: [2; 32] }), Status::Ok);
    assert_eq!(w.account(&loser.id()).open_bids, 1);
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    assert_eq!(w.balance(&employer.id(), USD), 2_000, "escrow trimmed to the price, rest refunded");
    assert_eq!(w.account(&loser.id()).open_bids, 0, "losing bid released");
    let t = w.task(task).unwrap();
    assert_eq!((t.status, t.escrow, t.worker), (TaskStatus::Awarded, 8_000, Some(worker.id())));
    assert_eq!(w.run(&employer, Action::AcceptDelivery { task }), Status::Ok);
    let fee = 8_000 * 30 / 10_000;
    assert_eq!(w.balance(&worker.id(), USD), 8_000 - fee);
    assert_eq!(w.balance(&w.operator.id(), USD), fee, "fee account is the operator in the dev genesis");
    assert_eq!(w.task(task).unwrap().status, TaskStatus::Accepted);
    assert_eq!(w.account(&worker.id()).reputation_stored(), 0, "acceptance never changes reputation");
    w.assert_conserved();
}

#[test]
fn payout_splits_are_exact_to_the_unit() {
    let mut w = World::new();
    let (employer, worker, a, b) = (key(1), key(2), key(3), key(4));
    w.register(&employer, 10_007);
    w.register(&worker, 0);
    let mut o = offer(w.time, 10_007);
    o.splits = vec![Split { to: a.id(), bps: 3_333 }, Split { to: b.id(), bps: 1_111 }];
    let task = post(&mut w, &employer, o);
    assert_eq!(w.run(&worker, Action::PlaceBid { task, price: 10_007, eta_secs: 1, plan_hash: [0; 32] }), Status::Ok);
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    assert_eq!(w.run(&employer, Action::AcceptDelivery { task }), Status::Ok);
    let fee = 10_007 * 30 / 10_000; // 30
    let net = 10_007 - fee;
    let (share_a, share_b) = (net * 3_333 / 10_000, net * 1_111 / 10_000);
    assert_eq!(w.balance(&a.id(), USD), share_a);
    assert_eq!(w.balance(&b.id(), USD), share_b);
    assert_eq!(w.balance(&worker.id(), USD), net - share_a - share_b, "worker takes the remainder");
    w.assert_conserved();
}

#[test]
fn cancel_before_award_refunds_in_full_and_closes_bids() {
    let mut w = World::new();
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 500);
    w.register(&worker, 0);
    let task = {
        let o = offer(w.time, 500);
        post(&mut w, &employer, o)
    };
    assert_eq!(w.run(&worker, Action::PlaceBid { task, price: 400, eta_secs: 1, plan_hash: [0; 32] }), Status::Ok);
    assert_eq!(w.run(&employer, Action::CancelTask { task }), Status::Ok);
    assert_eq!(w.balance(&employer.id(), USD), 500);
    assert_eq!(w.account(&worker.id()).open_bids, 0);
    assert_eq!(w.task(task).unwrap().status, TaskStatus::Cancelled);
    assert_eq!(w.run(&employer, Action::CancelTask { task }), Status::TaskClosed);
    w.assert_conserved();
}

#[test]
fn expiry_refunds_after_the_delivery_deadline_so_funds_are_never_stuck() {
    let mut w = World::new();
    let (employer, worker, stranger) = (key(1), key(2), key(3));
    w.register(&employer, 700);
    w.register(&worker, 0);
    w.fund(stranger.id(), 1);
    let o = offer(w.time, 700);
    let deadline = o.delivery_deadline;
    let task = post(&mut w, &employer, o);
    assert_eq!(w.run(&worker, Action::PlaceBid { task, price: 600, eta_secs: 1, plan_hash: [0; 32] }), Status::Ok);
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    assert_eq!(w.run(&stranger, Action::ExpireTask { task }), Status::DeadlineNotReached);
    w.time = deadline + 1;
    assert_eq!(w.run(&stranger, Action::ExpireTask { task }), Status::Ok, "anyone may expire");
    assert_eq!(w.balance(&employer.id(), USD), 700);
    assert_eq!(w.account(&worker.id()).active_jobs, 0);
    assert_eq!(w.account(&employer.id()).open_tasks, 0);
    assert_eq!(w.task(task).unwrap().status, TaskStatus::Expired);
    assert_eq!(w.run(&employer, Action::AcceptDelivery { task }), Status::TaskClosed);
    w.assert_conserved();
}

#[test]
fn an_open_task_nobody_bid_on_also_expires() {
    let mut w = World::new();
    let employer = key(1);
    w.register(&employer, 50);
    let o = offer(w.time, 50);
    let deadline = o.delivery_deadline;
    let task = post(&mut w, &employer, o);
    w.time = deadline + 1;
    assert_eq!(w.run(&employer, Action::ExpireTask { task }), Status::Ok);
    assert_eq!(w.balance(&employer.id(), USD), 50);
}

#[test]
fn withdrawn_bid_frees_the_slot_and_can_be_placed_again() {
    let mut w = World::new();
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 100);
    w.register(&worker, 0);
    let task = {
        let o = offer(w.time, 100);
        post(&mut w, &employer, o)
    };
    let bid = Action::PlaceBid { task, price: 90, eta_secs: 1, plan_hash: [0; 32] };
    assert_eq!(w.run(&worker, bid.clone()), Status::Ok);
    assert_eq!(w.run(&worker, bid.clone()), Status::BidExists);
    assert_eq!(w.run(&worker, Action::WithdrawBid { task, bidder: worker.id() }), Status::Ok);
    assert_eq!(w.account(&worker.id()).open_bids, 0);
    assert_eq!(w.run(&worker, bid), Status::Ok);
    assert_eq!(w.task(task).unwrap().open_bids, 1);
}

#[test]
fn bond_is_locked_at_registration_and_returned_only_after_the_cool_down() {
    let mut w = World::new();
    let agent = key(9);
    w.register(&agent, 0);
    assert_eq!(w.balance(&agent.id(), USD), 0);
    assert_eq!(w.run(&agent, Action::Register {}), Status::AlreadyRegistered);
    assert_eq!(w.run(&agent, Action::ReclaimBond {}), Status::NotDeregistering);
    assert_eq!(w.run(&agent, Action::Deregister {}), Status::Ok);
    assert_eq!(w.run(&agent, Action::ReclaimBond {}), Status::CooldownActive);
    w.time += w.config.bond_cooldown_secs;
    assert_eq!(w.run(&agent, Action::ReclaimBond {}), Status::Ok);
    assert_eq!(w.balance(&agent.id(), USD), BOND);
    assert!(w.account(&agent.id()).registration.is_none());
    w.assert_conserved();
}

#[test]
fn deregistration_waits_for_open_obligations() {
    let mut w = World::new();
    let employer = key(1);
    w.register(&employer, 10);
    let task = {
        let o = offer(w.time, 10);
        post(&mut w, &employer, o)
    };
    assert_eq!(w.run(&employer, Action::Deregister {}), Status::OpenObligations);
    assert_eq!(w.run(&employer, Action::CancelTask { task }), Status::Ok);
    assert_eq!(w.run(&employer, Action::Deregister {}), Status::Ok);
    assert_eq!(w.run(&employer, Action::PostTask(offer(w.time, 1))), Status::NotRegistered);
}

#[test]
fn bids_respect_deadlines_budget_and_self_dealing() {
    let mut w = World::new();
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 100);
    w.register(&worker, 0);
    let o = offer(w.time, 100);
    let bid_deadline = o.bid_deadline;
    let task = post(&mut w, &employer, o);
    let bid = |price| Action::PlaceBid { task, price, eta_secs: 1, plan_hash: [0; 32] };
    assert_eq!(w.run(&employer, bid(10)), Status::SelfDealing);
    assert_eq!(w.run(&worker, bid(0)), Status::ZeroAmount);
    assert_eq!(w.run(&worker, bid(101)), Status::PriceAboveBudget);
    w.time = bid_deadline + 1;
    assert_eq!(w.run(&worker, bid(50)), Status::BidDeadlinePassed);
    let mut bad = offer(w.time, 1);
    bad.delivery_deadline = bad.bid_deadline - 1;
    assert_eq!(w.run(&employer, Action::PostTask(bad)), Status::InvalidDeadlines);
    let mut bad = offer(w.time, 1);
    bad.splits = vec![Split { to: worker.id(), bps: 6_000 }, Split { to: employer.id(), bps: 5_000 }];
    assert_eq!(w.run(&employer, Action::PostTask(bad)), Status::InvalidSplits);
    let mut bad = offer(w.time, 1);
    bad.kind = 7;
    assert_eq!(w.run(&employer, Action::PostTask(bad)), Status::UnknownKind);
}

#[test]
fn award_marks_the_winning_bid_won_and_the_others_closed() {
    let mut w = World::new();
    let employer = key(1);
    w.register(&employer, 100);
    let bidders: Vec<_> = (10..15).map(key).collect();
    for b in &bidders {
        w.register(b, 0);
    }
    let task = {
        let o = offer(w.time, 100);
        post(&mut w, &employer, o)
    };
    for b in &bidders {
        assert_eq!(w.run(b, Action::PlaceBid { task, price: 50, eta_secs: 1, plan_hash: [0; 32] }), Status::Ok);
    }
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: bidders[2].id() }), Status::Ok);
    let bids = agora_core::keys::task(task);
    let records = agora_core::StateView::scan_prefix(&w.state, agora_core::Table::Bids, &bids, 100).unwrap();
    let statuses: Vec<BidStatus> = records
        .iter()
        .map(|(_, v)| <agora_core::BidRecord as agora_core::Canonical>::from_canonical_bytes(v).unwrap().status)
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == BidStatus::Won).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == BidStatus::Closed).count(), 4);
}
