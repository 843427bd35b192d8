//! A frozen agent can do nothing but appeal (issue 11 §3): every action of a frozen sender
//! outside the documented allow list (PROTOCOL.md §16.7) is rejected with `AgentFrozen` and
//! changes nothing. The list of actions comes from the harness, so a new action is covered.

use agora_core::{Action, AgentKey, CaseId, Created, FieldBytes, PostTask, Status, TaskId};
use agora_tests::{TestOnlyAcceptAllProofs, USD, World, genesis_with_test_kind, key, one_of_every_action};

/// The allow list of PROTOCOL.md §16.7, restated here so a change to it must change this test.
fn documented_allowed(action: &Action) -> bool {
    matches!(
        action,
        Action::AppealFreeze {} | Action::RepayLoan { .. } | Action::ExpireTask { .. } | Action::ResolveDispute { .. }
    )
}

fn freeze(w: &mut World, agent: &AgentKey) {
    let op = w.operator.clone();
    let action = Action::FreezeAgent { agent: agent.id(), reason: 3, evidence: [5; 32] };
    assert_eq!(w.run(&op, action), Status::Ok);
}

fn open_task(w: &mut World, employer: &AgentKey) -> TaskId {
    let offer = w.manual_offer("t", 1_000_000, 100, 1_000);
    let receipt = w.run_receipt(employer, Action::PostTask(offer));
    let Created::Task(task) = receipt.created else { panic!("no task: {receipt:?}") };
    task
}

/// Sends `action` from `who` and returns its status, asserting that a rejection changed nothing.
fn step(w: &mut World, who: &AgentKey, action: Action) -> Status {
    w.step_checked(who, action)
}

#[test]
fn a_frozen_agent_can_send_nothing_but_the_documented_actions() {
    let mut w = World::new();
    let agent = key(5);
    w.register(&agent, 50_000_000);
    freeze(&mut w, &agent);
    let mut allowed = 0;
    for action in one_of_every_action() {
        let name = format!("{action:?}");
        let before = w.transaction_state();
        let status = w.run(&agent, action.clone());
        if documented_allowed(&action) {
            allowed += 1;
            assert_ne!(status, Status::AgentFrozen, "{name} is on the allow list");
        } else {
            assert_eq!(status, Status::AgentFrozen, "{name} must be refused to a frozen sender");
            assert!(w.transaction_state() == before, "{name}: a refused action changed state");
        }
    }
    assert_eq!(allowed, 4, "every allowed action is in the every-action list");
}

#[test]
fn a_frozen_employer_cannot_award_accept_or_post_subtasks_on_live_work() {
    let mut w = World::new();
    let (employer, worker, helper) = (key(1), key(2), key(3));
    w.register(&employer, 50_000_000);
    w.register(&worker, 50_000_000);
    w.register(&helper, 0);
    let first = open_task(&mut w, &employer);
    let second = open_task(&mut w, &employer);
    for task in [first, second] {
        let bid = Action::PlaceBid { task, price: 900_000, eta_secs: 10, plan_hash: [1; 32] };
        assert_eq!(w.run(&worker, bid), Status::Ok);
    }
    assert_eq!(w.run(&employer, Action::AwardBid { task: first, bidder: worker.id() }), Status::Ok);
    freeze(&mut w, &employer);
    freeze(&mut w, &worker);

    assert_eq!(step(&mut w, &employer, Action::AwardBid { task: second, bidder: worker.id() }), Status::AgentFrozen);
    assert_eq!(step(&mut w, &employer, Action::AcceptDelivery { task: first }), Status::AgentFrozen);
    assert_eq!(step(&mut w, &employer, Action::CancelTask { task: second }), Status::AgentFrozen);
    let loan = Action::OfferLoan { asset: USD, principal: 1_000, interest_bps: 0, due: w.time + 10, borrower: None };
    assert_eq!(step(&mut w, &employer, loan), Status::AgentFrozen);
    let sub = Action::PostSubtask {
        parent: first,
        offer: PostTask {
            title: "sub".into(),
            requirements: String::new(),
            kind: 0,
            params: vec![],
            input_commitment: FieldBytes::from_u64(2),
            asset: USD,
            budget: 1_000,
            bid_deadline: w.time + 10,
            delivery_deadline: w.time + 100,
            splits: vec![],
            min_reputation: 0,
        },
    };
    assert_eq!(step(&mut w, &worker, sub), Status::AgentFrozen);
    assert_eq!(step(&mut w, &worker, Action::OpenDispute { task: first }), Status::AgentFrozen);
    // Its counterparties are not stuck: after the deadline anyone expires the task and the
    // escrow goes back where it came from.
    w.time = w.task(first).expect("task").offer.delivery_deadline + 1;
    assert_eq!(step(&mut w, &helper, Action::ExpireTask { task: first }), Status::Ok);
}

#[test]
fn a_frozen_arbitrator_cannot_vote_on_its_panel() {
    let operator = key(200);
    let mut w = World::with_genesis(genesis_with_test_kind(operator.id()), operator);
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 50_000_000);
    w.register(&worker, 50_000_000);
    // Three arbitrators, each eligible: bonded and holding proven reputation (PROTOCOL §16.2).
    let arbitrators: Vec<AgentKey> = (10..13).map(key).collect();
    w.register_many(&arbitrators, 50_000_000);
    w.earn_reputation(&arbitrators, 10_000_000);
    for a in &arbitrators {
        assert_eq!(w.run(a, Action::RegisterArbitrator {}), Status::Ok);
    }
    let task = open_task(&mut w, &employer);
    let bid = Action::PlaceBid { task, price: 900_000, eta_secs: 10, plan_hash: [1; 32] };
    assert_eq!(w.run(&worker, bid), Status::Ok);
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
    let receipt = w.run_receipt(&worker, Action::OpenDispute { task });
    let Created::Case(case): Created = receipt.created else { panic!("no case: {receipt:?}") };
    let case: CaseId = case;
    w.flush_draws();
    let frozen = arbitrators[0].clone();
    freeze(&mut w, &frozen);
    assert_eq!(step(&mut w, &frozen, Action::CastVote { case, worker_bps: 10_000 }), Status::AgentFrozen);
    assert_eq!(step(&mut w, &frozen, Action::RetireArbitrator {}), Status::AgentFrozen);
}
