//! A dispute cannot override a verified proof: dispute-then-prove pays the worker in full and
//! closes the case for it, a silent panel never defaults against a worker who can still prove,
//! and prove-then-dispute is refused with `TaskProven`. Conservation is checked throughout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::limits::{APPEAL_WINDOW_SECS, RULING_PERIOD_SECS};
use agora_core::{
    Action, AgentKey, Amount, Canonical, CaseId, CasePhase, CaseRecord, Created, FieldBytes, PostTask, StateView,
    Status, Table, TaskId, TaskStatus, case_keys,
};
use agora_tests::{TEST_KIND, TestOnlyAcceptAllProofs, USD, World, genesis_with_test_kind, key};

const PRICE: Amount = 10_000_000;
const FEE: Amount = 1_000_000;
/// Delivery deadline after the award: longer than a ruling period, so a silent panel's
/// deadline passes while the worker may still prove.
const DELIVERY_SECS: u64 = RULING_PERIOD_SECS + APPEAL_WINDOW_SECS + 10_000;

struct Scene {
    w: World,
    employer: AgentKey,
    worker: AgentKey,
    arbitrators: Vec<AgentKey>,
}

fn scene() -> Scene {
    let operator = key(200);
    let mut w = World::with_genesis(genesis_with_test_kind(operator.id()), operator);
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    let worker = key(2);
    w.register(&worker, 20_000_000);
    let arbitrators: Vec<AgentKey> = (10..16).map(key).collect();
    // The employer is the genesis-trusted operator, so a proven task confers reputation.
    let employer = w.operator.clone();
    w.fund(employer.id(), 100_000_000);
    w.seat_arbitrators(&arbitrators, 50_000_000);
    Scene { w, employer, worker, arbitrators }
}

impl Scene {
    /// One checked step (see `World::step_checked`).
    fn step(&mut self, who: &AgentKey, action: Action) -> Status {
        self.w.step_checked(who, action)
    }

    /// A proof-gated task awarded to the worker at `PRICE`.
    fn awarded_task(&mut self) -> TaskId {
        let now = self.w.time;
        let offer = PostTask {
            title: "prove it".into(),
            requirements: String::new(),
            kind: TEST_KIND,
            params: vec![],
            input_commitment: FieldBytes::from_u64(now),
            asset: USD,
            budget: PRICE,
            bid_deadline: now + 10,
            delivery_deadline: now + DELIVERY_SECS,
            splits: vec![],
            min_reputation: 0,
        };
        let employer = self.employer.clone();
        let Created::Task(task) = self.w.run_receipt(&employer, Action::PostTask(offer)).created else { panic!() };
        let worker = self.worker.clone();
        assert_eq!(
            self.step(&worker, Action::PlaceBid { task, price: PRICE, eta_secs: 1, plan_hash: [0; 32] }),
            Status::Ok
        );
        assert_eq!(self.step(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
        task
    }

    fn dispute(&mut self, task: TaskId) -> CaseId {
        let employer = self.employer.clone();
        let receipt = self.w.run_receipt(&employer, Action::OpenDispute { task });
        let Created::Case(case) = receipt.created else { panic!("no case: {receipt:?}") };
        self.w.flush_draws();
        self.w.assert_conserved();
        case
    }

    fn prove(&mut self, task: TaskId) -> Status {
        let worker = self.worker.clone();
        let proof = Action::SubmitCompletion {
            task,
            output_commitment: FieldBytes::from_u64(5),
            proof: vec![1; 128],
            sealed: None,
        };
        self.step(&worker, proof)
    }

    fn case(&self, id: CaseId) -> CaseRecord {
        let bytes = self.w.state.get(Table::Disputes, &case_keys::case(id)).unwrap().unwrap();
        CaseRecord::from_canonical_bytes(&bytes).unwrap()
    }

    fn panel(&self, id: CaseId) -> Vec<AgentKey> {
        let ids = self.case(id).rounds[0].panel.clone();
        ids.iter().map(|i| self.arbitrators.iter().find(|k| k.id() == *i).unwrap().clone()).collect()
    }

    fn usd(&self, who: &AgentKey) -> Amount {
        self.w.balance(&who.id(), USD)
    }

    fn reputation(&self, who: &AgentKey) -> u64 {
        self.w.account(&who.id()).reputation_at(self.w.time, self.w.config.genesis.reputation.half_life_secs)
    }
}

/// The employer disputes right after the award and the panel even rules against the worker;
/// the worker's proof, made before the delivery deadline, still pays it in full (and the
/// employer's dispute fee), gives it the reputation and closes the case in its favour.
#[test]
fn dispute_then_prove_pays_the_worker_in_full_and_closes_the_case_for_it() {
    let mut s = scene();
    let task = s.awarded_task();
    let case = s.dispute(task);
    let panel = s.panel(case);
    assert_eq!(s.step(&panel[0], Action::CastVote { case, worker_bps: 0 }), Status::Ok);
    assert_eq!(s.step(&panel[1], Action::CastVote { case, worker_bps: 0 }), Status::Ok);
    assert_eq!(s.case(case).phase, CasePhase::Ruled);
    s.w.time += APPEAL_WINDOW_SECS + 1;
    let employer = s.employer.clone();
    assert_eq!(
        s.step(&employer, Action::ResolveDispute { case }),
        Status::DeadlineNotReached,
        "no ruling settles a proof-gated task while its worker may still prove"
    );
    let (before, rep_before) = (s.usd(&s.worker.clone()), s.reputation(&s.worker.clone()));
    assert_eq!(s.prove(task), Status::Ok);
    let fee = s.w.config.fee_bps as Amount * PRICE / 10_000;
    let worker = s.worker.clone();
    assert_eq!(s.usd(&worker) - before, PRICE - fee + FEE, "full pay and the opener's dispute fee");
    assert!(s.reputation(&worker) > rep_before, "the proof earns its reputation");
    let record = s.case(case);
    assert_eq!(record.phase, CasePhase::Closed);
    assert!(record.settled_by_proof);
    assert_eq!(record.outcome, Some(10_000));
    assert_eq!(s.w.task(task).unwrap().status, TaskStatus::Completed);
    assert_eq!(s.step(&employer, Action::ResolveDispute { case }), Status::CaseNotInPhase);
    assert_eq!(s.step(&employer, Action::Appeal { case }), Status::CaseNotInPhase);
    println!("dispute-then-prove: worker received {} of price {PRICE} (+ fee {FEE})", s.usd(&worker) - before);
}

/// The attack of the issue: dispute right after the award, let the panel stay silent, collect
/// the default. The silent panel cannot settle before the delivery deadline, the worker's proof
/// pays it in full; without a proof by the deadline the default refunds the employer.
#[test]
fn dispute_then_silence_never_defaults_against_a_worker_who_proves() {
    let mut s = scene();
    let task = s.awarded_task();
    let case = s.dispute(task);
    s.w.time += RULING_PERIOD_SECS + 1;
    let employer = s.employer.clone();
    assert_eq!(s.step(&employer, Action::ResolveDispute { case }), Status::DeadlineNotReached);
    let worker = s.worker.clone();
    let before = s.usd(&worker);
    assert_eq!(s.prove(task), Status::Ok);
    let fee = s.w.config.fee_bps as Amount * PRICE / 10_000;
    assert_eq!(s.usd(&worker) - before, PRICE - fee + FEE);
    assert_eq!(s.w.account(&worker.id()).proven_completions, 1);

    // No proof by the deadline: non-delivery, the silent panel's default refunds the employer.
    let task = s.awarded_task();
    let case = s.dispute(task);
    s.w.time += DELIVERY_SECS + 1;
    assert_eq!(s.prove(task), Status::DeliveryDeadlinePassed);
    let before = s.usd(&employer);
    assert_eq!(s.step(&worker, Action::ResolveDispute { case }), Status::Ok);
    assert_eq!(s.usd(&employer) - before, PRICE + FEE, "escrow and fee back");
    assert!(s.case(case).defaulted);
}

/// Once the proof settled the task, a dispute is refused with its own stable code.
#[test]
fn prove_then_dispute_is_refused_with_task_proven() {
    let mut s = scene();
    let task = s.awarded_task();
    assert_eq!(s.prove(task), Status::Ok);
    let employer = s.employer.clone();
    assert_eq!(s.step(&employer, Action::OpenDispute { task }), Status::TaskProven);
    assert_eq!(Status::TaskProven.code(), 103);
}

/// A vote before the panel exists gets its own status.
#[test]
fn a_vote_before_the_panel_is_drawn_is_refused() {
    let mut s = scene();
    let task = s.awarded_task();
    let employer = s.employer.clone();
    let receipt = s.w.run_receipt(&employer, Action::OpenDispute { task });
    let Created::Case(case) = receipt.created else { panic!() };
    let member = s.arbitrators[0].clone();
    let before = s.w.transaction_state();
    assert_eq!(s.w.run(&member, Action::CastVote { case, worker_bps: 0 }), Status::PanelNotDrawn);
    assert!(s.w.transaction_state() == before);
    assert_eq!(s.w.run(&employer, Action::ResolveDispute { case }), Status::PanelNotDrawn);
}
