//! Disputes, appeals and the audited freeze, end to end through the real state machine: every
//! ruling path pays out exactly, funds are conserved after every transaction, rejections change
//! nothing, and the kill switch cannot be turned on an agent without the operators' quorum.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::limits::{APPEAL_WINDOW_SECS, DISPUTE_WINDOW_SECS, MAX_FREEZE_SECS, RULING_PERIOD_SECS};
use agora_core::{
    Action, AgentKey, Amount, ArbitratorRecord, AuditKind, Canonical, CaseId, CasePhase, CaseRecord, Created,
    FieldBytes, Genesis, PostTask, StateView, Status, Table, TaskId, TaskStatus, audit_entries, bps_of, case_keys,
    verify_audit_chain,
};
use agora_tests::{TestOnlyAcceptAllProofs, USD, World, genesis_with_test_kind, key};

const ARBITRATOR_BOND: Amount = 50_000_000;
const FEE: Amount = 1_000_000;
const APPEAL_BOND: Amount = 10_000_000;
const PRICE: Amount = 9_999_999;
const SLASH: Amount = ARBITRATOR_BOND / 5;
const COOLDOWN: u64 = 7 * 24 * 3600;

/// The parties and arbitrators of one scenario.
struct Scene {
    w: World,
    employer: AgentKey,
    worker: AgentKey,
    arbitrators: Vec<AgentKey>,
}

impl Scene {
    /// Operators `key(200)` (+ `key(201)`, `key(202)` when `threshold > 1`), employer
    /// `key(1)`, worker `key(2)`, eight arbitrators `key(10..18)`, each with the reputation of
    /// one proven 10 USD task for the (trusted) operator.
    fn new(threshold: u16) -> Scene {
        let operator = key(200);
        let mut genesis = genesis_with_test_kind(operator.id());
        if threshold > 1 {
            genesis.operators = vec![operator.id(), key(201).id(), key(202).id()];
        }
        genesis.arbitration.operator_threshold = threshold;
        let mut w = World::with_genesis(genesis, operator);
        w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
        let (employer, worker) = (key(1), key(2));
        w.register(&employer, 100_000_000);
        w.register(&worker, 20_000_000);
        let arbitrators: Vec<AgentKey> = (10..18).map(key).collect();
        w.seat_arbitrators(&arbitrators, ARBITRATOR_BOND);
        w.assert_conserved();
        Scene { w, employer, worker, arbitrators }
    }

    /// One checked step (see `World::step_checked`).
    fn step(&mut self, who: &AgentKey, action: Action) -> Status {
        self.w.step_checked(who, action)
    }

    /// Posts a manual task, has the worker bid `PRICE` and awards it.
    fn awarded_task(&mut self) -> TaskId {
        let now = self.w.time;
        let offer = PostTask {
            title: "translate the manual".into(),
            requirements: "plain text".into(),
            kind: 0,
            params: vec![],
            input_commitment: FieldBytes::from_u64(7),
            asset: USD,
            budget: 20_000_000,
            bid_deadline: now + 100,
            delivery_deadline: now + 1_000,
            splits: vec![],
            min_reputation: 0,
        };
        let employer = self.employer.clone();
        let receipt = self.w.run_receipt(&employer, Action::PostTask(offer));
        let Created::Task(task) = receipt.created else { panic!("no task: {receipt:?}") };
        let worker = self.worker.clone();
        let bid = Action::PlaceBid { task, price: PRICE, eta_secs: 100, plan_hash: [3; 32] };
        assert_eq!(self.step(&worker, bid), Status::Ok);
        assert_eq!(self.step(&employer, Action::AwardBid { task, bidder: worker.id() }), Status::Ok);
        task
    }

    /// Opens a dispute from `who`, returning its case id.
    fn open(&mut self, who: &AgentKey, task: TaskId) -> CaseId {
        let receipt = self.w.run_receipt(who, Action::OpenDispute { task });
        self.w.assert_conserved();
        let Created::Case(case) = receipt.created else { panic!("no case: {receipt:?}") };
        assert!(self.case(case).rounds[0].panel.is_empty(), "no panel before its seed block");
        self.w.flush_draws();
        case
    }

    fn case(&self, id: CaseId) -> CaseRecord {
        let bytes = self.w.state.get(Table::Disputes, &case_keys::case(id)).unwrap().expect("case stored");
        CaseRecord::from_canonical_bytes(&bytes).unwrap()
    }

    fn arbitrator(&self, id: &agora_core::AgentId) -> ArbitratorRecord {
        let bytes = self.w.state.get(Table::Arbitrators, &case_keys::arbitrator(id)).unwrap().expect("arbitrator");
        ArbitratorRecord::from_canonical_bytes(&bytes).unwrap()
    }

    fn key_of(&self, id: &agora_core::AgentId) -> AgentKey {
        self.arbitrators.iter().find(|k| k.id() == *id).cloned().expect("an arbitrator key")
    }

    /// Members of the current round of `case`.
    fn panel(&self, case: CaseId) -> Vec<AgentKey> {
        let record = self.case(case);
        record.rounds.last().unwrap().panel.iter().map(|id| self.key_of(id)).collect()
    }

    fn vote(&mut self, who: &AgentKey, case: CaseId, worker_bps: u16) -> Status {
        self.step(who, Action::CastVote { case, worker_bps })
    }

    fn usd(&self, who: &AgentKey) -> Amount {
        self.w.balance(&who.id(), USD)
    }
}

#[test]
fn k_matching_votes_rule_and_the_escrow_splits_exactly_after_the_appeal_window() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let worker = s.worker.clone();
    let employer = s.employer.clone();
    let case = s.open(&worker, task);
    assert_eq!(s.w.task(task).unwrap().status, TaskStatus::Disputed);

    // The escrow is locked: acceptance, expiry and cancellation wait for the ruling.
    assert_eq!(s.step(&employer, Action::AcceptDelivery { task }), Status::TaskDisputed);
    assert_eq!(s.step(&employer, Action::CancelTask { task }), Status::TaskDisputed);
    s.w.time += 2_000;
    assert_eq!(s.step(&employer, Action::ExpireTask { task }), Status::TaskDisputed);
    // A second dispute on the same task is refused.
    assert_eq!(s.step(&employer, Action::OpenDispute { task }), Status::TaskDisputed);

    let panel = s.panel(case);
    assert_eq!(panel.len(), 3);
    assert!(panel.iter().all(|k| k.id() != worker.id() && k.id() != employer.id()));
    let outsider = s.arbitrators.iter().find(|a| !panel.iter().any(|p| p.id() == a.id())).cloned().unwrap();
    assert_eq!(s.vote(&outsider, case, 7_000), Status::NotOnPanel);
    assert_eq!(s.vote(&panel[0], case, 10_001), Status::InvalidRuling);
    assert_eq!(s.vote(&panel[0], case, 7_000), Status::Ok);
    assert_eq!(s.vote(&panel[0], case, 7_000), Status::AlreadyVoted);
    assert_eq!(s.vote(&panel[1], case, 2_000), Status::Ok);
    assert_eq!(s.case(case).phase, CasePhase::Voting);
    assert_eq!(s.vote(&panel[2], case, 7_000), Status::Ok);
    let record = s.case(case);
    assert_eq!(record.phase, CasePhase::Ruled);
    assert_eq!(record.rounds[0].ruling, Some(7_000));

    // The ruling only pays once the appeal window has passed.
    assert_eq!(s.step(&outsider, Action::ResolveDispute { case }), Status::DeadlineNotReached);
    s.w.time += APPEAL_WINDOW_SECS + 1;
    assert_eq!(s.step(&employer, Action::Appeal { case }), Status::AppealWindowClosed);
    let (worker_before, employer_before) = (s.usd(&worker), s.usd(&employer));
    let (a0, a1, a2) = (s.usd(&panel[0]), s.usd(&panel[1]), s.usd(&panel[2]));
    assert_eq!(s.step(&outsider, Action::ResolveDispute { case }), Status::Ok);
    let to_worker = bps_of(PRICE, 7_000);
    assert_eq!(s.usd(&worker) - worker_before, to_worker);
    assert_eq!(s.usd(&employer) - employer_before, PRICE - to_worker, "the odd unit goes to the employer");
    assert_eq!(s.usd(&panel[0]) - a0, FEE / 2);
    assert_eq!(s.usd(&panel[2]) - a2, FEE / 2);
    assert_eq!(s.usd(&panel[1]), a1, "the dissenter earns nothing");
    assert_eq!(s.arbitrator(&panel[1].id()).standing, 90);
    assert_eq!(s.arbitrator(&panel[0].id()).standing, 101);
    assert_eq!(s.w.task(task).unwrap().status, TaskStatus::Arbitrated);
    assert_eq!(s.w.task(task).unwrap().escrow, 0);
    assert_eq!(s.w.account(&employer.id()).reputation_updated_at, s.w.time - 1, "the loser's score was cut");
    assert_eq!(s.step(&outsider, Action::ResolveDispute { case }), Status::CaseNotInPhase);
    assert_eq!(s.w.account(&worker.id()).active_jobs, 0);
    assert_eq!(s.w.account(&employer.id()).open_tasks, 0);
}

#[test]
fn a_silent_panel_defaults_to_an_even_split_and_the_fee_returns_to_the_opener() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let employer = s.employer.clone();
    let worker = s.worker.clone();
    let case = s.open(&employer, task);
    let panel = s.panel(case);
    assert_eq!(s.vote(&panel[0], case, 0), Status::Ok);
    assert_eq!(s.step(&worker, Action::ResolveDispute { case }), Status::DeadlineNotReached);
    s.w.time += RULING_PERIOD_SECS + 1;
    assert_eq!(s.vote(&panel[1], case, 0), Status::RulingDeadlinePassed);
    let (wb, eb) = (s.usd(&worker), s.usd(&employer));
    assert_eq!(s.step(&worker, Action::ResolveDispute { case }), Status::Ok);
    assert_eq!(s.usd(&worker) - wb, PRICE / 2);
    assert_eq!(s.usd(&employer) - eb, PRICE - PRICE / 2 + FEE, "half the escrow and the fee back");
    let record = s.case(case);
    assert!(record.defaulted);
    assert_eq!(record.outcome, Some(5_000));
    assert_eq!(s.arbitrator(&panel[0].id()).standing, 100, "a voter of a silent round keeps its standing");
    assert_eq!(s.arbitrator(&panel[1].id()).standing, 90, "silent members lose standing");
    assert_eq!(s.arbitrator(&panel[1].id()).open_cases, 0);
}

#[test]
fn an_appeal_that_wins_returns_the_bond_and_its_larger_panel_rules_finally() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let (employer, worker) = (s.employer.clone(), s.worker.clone());
    let case = s.open(&employer, task);
    let first = s.panel(case);
    assert_eq!(s.vote(&first[0], case, 0), Status::Ok);
    assert_eq!(s.vote(&first[1], case, 0), Status::Ok);
    assert_eq!(s.step(&employer, Action::Appeal { case }), Status::NotAppellant, "the winner cannot appeal");
    let worker_before = s.usd(&worker);
    assert_eq!(s.step(&worker, Action::Appeal { case }), Status::Ok);
    assert_eq!(s.usd(&worker), worker_before - APPEAL_BOND);
    assert_eq!(s.step(&worker, Action::Appeal { case }), Status::CaseNotInPhase);
    let second = s.panel(case);
    assert_eq!(second.len(), 5);
    assert!(second.iter().all(|m| !first.iter().any(|f| f.id() == m.id())), "no overlap with the first panel");
    let (wb, eb) = (s.usd(&worker), s.usd(&employer));
    for member in &second[..3] {
        assert_eq!(s.vote(member, case, 10_000), Status::Ok);
    }
    let record = s.case(case);
    assert_eq!(record.phase, CasePhase::Closed);
    assert_eq!(record.outcome, Some(10_000));
    assert_eq!(
        s.usd(&worker) - wb,
        PRICE + APPEAL_BOND + 2 * SLASH,
        "full escrow, the bond back and the slashed bonds of the two who ruled against it"
    );
    assert_eq!(s.arbitrator(&first[0].id()).bond, ARBITRATOR_BOND - SLASH);
    assert_eq!(s.arbitrator(&first[1].id()).bond, ARBITRATOR_BOND - SLASH);
    assert_eq!(s.usd(&employer), eb);
    assert_eq!(s.arbitrator(&first[0].id()).standing, 90, "first-round votes against the final ruling cost standing");
    assert_eq!(s.step(&worker, Action::ResolveDispute { case }), Status::CaseNotInPhase);
}

#[test]
fn an_appeal_that_loses_forfeits_the_bond_to_the_other_party() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let (employer, worker) = (s.employer.clone(), s.worker.clone());
    let case = s.open(&worker, task);
    let first = s.panel(case);
    assert_eq!(s.vote(&first[0], case, 8_000), Status::Ok);
    assert_eq!(s.vote(&first[1], case, 8_000), Status::Ok);
    assert_eq!(s.step(&employer, Action::Appeal { case }), Status::Ok);
    let second = s.panel(case);
    let (wb, eb) = (s.usd(&worker), s.usd(&employer));
    for member in &second[..3] {
        assert_eq!(s.vote(member, case, 8_000), Status::Ok);
    }
    let to_worker = bps_of(PRICE, 8_000);
    assert_eq!(s.usd(&worker) - wb, to_worker + APPEAL_BOND, "the forfeited bond goes to the worker");
    assert_eq!(s.usd(&employer) - eb, PRICE - to_worker);
    assert_eq!(s.arbitrator(&first[0].id()).standing, 101);
}

#[test]
fn a_silent_appeal_panel_leaves_the_first_ruling_standing_and_returns_the_bond() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let (employer, worker) = (s.employer.clone(), s.worker.clone());
    let case = s.open(&employer, task);
    let first = s.panel(case);
    assert_eq!(s.vote(&first[0], case, 3_000), Status::Ok);
    assert_eq!(s.vote(&first[1], case, 3_000), Status::Ok);
    assert_eq!(s.step(&worker, Action::Appeal { case }), Status::Ok);
    s.w.time += RULING_PERIOD_SECS + 1;
    let (wb, eb) = (s.usd(&worker), s.usd(&employer));
    assert_eq!(s.step(&employer, Action::ResolveDispute { case }), Status::Ok);
    let to_worker = bps_of(PRICE, 3_000);
    assert_eq!(s.usd(&worker) - wb, to_worker + APPEAL_BOND);
    assert_eq!(s.usd(&employer) - eb, PRICE - to_worker);
}

#[test]
fn only_parties_may_dispute_and_only_inside_the_window() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let stranger = s.arbitrators[0].clone();
    assert_eq!(s.step(&stranger, Action::OpenDispute { task }), Status::NotParty);
    assert_eq!(s.step(&stranger, Action::OpenDispute { task: TaskId(99) }), Status::UnknownTask);
    let deadline = s.w.task(task).unwrap().offer.delivery_deadline;
    s.w.time = deadline + DISPUTE_WINDOW_SECS + 1;
    let employer = s.employer.clone();
    assert_eq!(s.step(&employer, Action::OpenDispute { task }), Status::DisputeWindowClosed);
    assert_eq!(s.step(&employer, Action::ExpireTask { task }), Status::Ok);
}

#[test]
fn a_freeze_blocks_posting_bidding_and_withdrawing_until_it_expires_and_moves_no_funds() {
    let mut s = Scene::new(1);
    let op = s.w.operator.clone();
    let worker = s.worker.clone();
    let balance = s.usd(&worker);
    let freeze = Action::FreezeAgent { agent: worker.id(), reason: 7, evidence: [9; 32] };
    assert_eq!(s.step(&op, freeze), Status::Ok);
    assert_eq!(s.usd(&worker), balance, "a freeze confiscates nothing");
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::AgentFrozen);
    let to = s.employer.id();
    assert_eq!(s.step(&worker, Action::Transfer { to, asset: USD, amount: 1 }), Status::AgentFrozen);
    let task = s.awarded_task_by_employer_only();
    let bid = Action::PlaceBid { task, price: 1, eta_secs: 1, plan_hash: [0; 32] };
    assert_eq!(s.step(&worker, bid), Status::AgentFrozen);
    s.w.time += MAX_FREEZE_SECS;
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::Ok, "the freeze expired");
}

impl Scene {
    /// Posts an open manual task from the employer (no award).
    fn awarded_task_by_employer_only(&mut self) -> TaskId {
        let now = self.w.time;
        let offer = PostTask {
            title: "t".into(),
            requirements: String::new(),
            kind: 0,
            params: vec![],
            input_commitment: FieldBytes::from_u64(1),
            asset: USD,
            budget: 1_000,
            bid_deadline: now + 100,
            delivery_deadline: now + 1_000,
            splits: vec![],
            min_reputation: 0,
        };
        let employer = self.employer.clone();
        let receipt = self.w.run_receipt(&employer, Action::PostTask(offer));
        let Created::Task(task) = receipt.created else { panic!("no task") };
        task
    }
}

#[test]
fn a_frozen_agent_appeals_and_the_panel_lifts_the_freeze() {
    let mut s = Scene::new(1);
    let op = s.w.operator.clone();
    let worker = s.worker.clone();
    assert_eq!(s.step(&worker, Action::AppealFreeze {}), Status::NotFrozen);
    assert_eq!(s.step(&op, Action::FreezeAgent { agent: worker.id(), reason: 1, evidence: [1; 32] }), Status::Ok);
    let receipt = s.w.run_receipt(&worker, Action::AppealFreeze {});
    s.w.assert_conserved();
    s.w.flush_draws();
    let Created::Case(case) = receipt.created else { panic!("no case: {receipt:?}") };
    assert_eq!(s.step(&worker, Action::AppealFreeze {}), Status::CaseExists);
    let panel = s.panel(case);
    assert_eq!(s.vote(&panel[0], case, 5_000), Status::InvalidRuling, "freeze rulings are lift or uphold");
    assert_eq!(s.vote(&panel[0], case, 10_000), Status::Ok);
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::AgentFrozen);
    assert_eq!(s.vote(&panel[1], case, 10_000), Status::Ok);
    assert_eq!(s.case(case).phase, CasePhase::Closed);
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::Ok, "lifted");
    let log = audit_entries(&s.w.state).unwrap();
    assert!(log.iter().any(|e| e.kind == AuditKind::FreezeLifted && e.subject == Some(worker.id())));
}

#[test]
fn a_freeze_by_a_non_operator_or_without_the_operator_quorum_is_rejected() {
    let mut s = Scene::new(2);
    let worker = s.worker.clone();
    let (op_a, op_b) = (key(200), key(201));
    let freeze = |reason: u16| Action::FreezeAgent { agent: worker.id(), reason, evidence: [4; 32] };
    let employer = s.employer.clone();
    assert_eq!(s.step(&employer, freeze(1)), Status::NotOperator);
    assert_eq!(s.step(&op_a, freeze(1)), Status::Ok);
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::Ok, "one approval is not a freeze");
    assert_eq!(s.step(&op_a, freeze(1)), Status::FreezeConflict, "the same operator twice is not a quorum");
    assert_eq!(s.step(&op_b, freeze(2)), Status::FreezeConflict, "approvals must name the same reason");
    assert_eq!(s.step(&op_b, freeze(1)), Status::Ok);
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: 1 }), Status::AgentFrozen);
    let log = audit_entries(&s.w.state).unwrap();
    assert_eq!(log.iter().filter(|e| e.kind == AuditKind::FreezeApproved).count(), 2);
    assert_eq!(log.iter().filter(|e| e.kind == AuditKind::FreezeActivated).count(), 1);
}

/// The exploitation scenario: an abusive employer tasks an agent, disputes the delivered work
/// and tries to freeze the agent to brick its earnings. Without the operators' quorum the freeze
/// never takes hold, the panel rules for the worker, and the worker withdraws its pay.
#[test]
fn an_abusive_employer_cannot_freeze_a_worker_or_keep_its_earnings() {
    let mut s = Scene::new(2);
    let (employer, worker) = (s.employer.clone(), s.worker.clone());
    let task = s.awarded_task();
    let case = s.open(&employer, task);
    let freeze = Action::FreezeAgent { agent: worker.id(), reason: 66, evidence: [6; 32] };
    assert_eq!(s.step(&employer, freeze.clone()), Status::NotOperator);
    let colluding_operator = key(202);
    assert_eq!(s.step(&colluding_operator, freeze), Status::Ok);
    // One colluding operator is below the threshold: the worker is not frozen.
    let first = s.panel(case);
    assert_eq!(s.vote(&first[0], case, 10_000), Status::Ok);
    assert_eq!(s.vote(&first[1], case, 10_000), Status::Ok);
    assert_eq!(s.step(&worker, Action::Appeal { case }), Status::NotAppellant);
    assert_eq!(s.step(&employer, Action::Appeal { case }), Status::Ok);
    let second = s.panel(case);
    let before = s.usd(&worker);
    for member in &second[..3] {
        assert_eq!(s.vote(member, case, 10_000), Status::Ok);
    }
    assert_eq!(s.usd(&worker) - before, PRICE + APPEAL_BOND, "the whole price and the abuser's appeal bond");
    let all = s.usd(&worker);
    assert_eq!(s.step(&worker, Action::Withdraw { asset: USD, amount: all }), Status::Ok);
    let chain = verify_audit_chain(&s.w.state, &s.w.config.genesis_hash).unwrap();
    assert!(chain.intact());
}

#[test]
fn the_audit_log_chains_every_operator_and_arbitration_action() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let worker = s.worker.clone();
    let case = s.open(&worker, task);
    let panel = s.panel(case);
    assert_eq!(s.vote(&panel[0], case, 6_000), Status::Ok);
    let op = s.w.operator.clone();
    let employer = s.employer.id();
    assert_eq!(s.step(&op, Action::FreezeAgent { agent: employer, reason: 3, evidence: [2; 32] }), Status::Ok);
    let log = audit_entries(&s.w.state).unwrap();
    let kinds: Vec<AuditKind> = log.iter().map(|e| e.kind).collect();
    for kind in [
        AuditKind::Deposit,
        AuditKind::ArbitratorRegistered,
        AuditKind::DisputeOpened,
        AuditKind::VoteCast,
        AuditKind::FreezeApproved,
        AuditKind::FreezeActivated,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} not logged");
    }
    for (i, entry) in log.iter().enumerate() {
        assert_eq!(entry.seq, i as u64);
        assert_eq!(entry.hash, entry.compute_hash());
        if i > 0 {
            assert_eq!(entry.prev_hash, log[i - 1].hash);
        }
    }
    assert_eq!(log[0].prev_hash, s.w.config.genesis_hash);
    assert!(verify_audit_chain(&s.w.state, &s.w.config.genesis_hash).unwrap().intact());

    // Tampering with one entry breaks the chain exactly there.
    let mut tampered = s.w.state.clone();
    let mut entry = log[3].clone();
    entry.data = vec![0xff];
    let mut diff = agora_core::Diff::default();
    diff.writes.insert((Table::AuditLog, agora_core::audit_key(3)), Some(entry.to_canonical_bytes()));
    tampered.apply(&diff);
    let report = verify_audit_chain(&tampered, &s.w.config.genesis_hash).unwrap();
    assert_eq!(report.first_break.map(|b| b.seq), Some(3));
}

#[test]
fn arbitrators_retire_only_when_off_every_open_panel() {
    let mut s = Scene::new(1);
    let task = s.awarded_task();
    let worker = s.worker.clone();
    let case = s.open(&worker, task);
    let member = s.panel(case)[0].clone();
    assert_eq!(s.step(&member, Action::RetireArbitrator {}), Status::ArbitratorBusy);
    assert_eq!(s.step(&member, Action::RegisterArbitrator {}), Status::AlreadyArbitrator);
    assert_eq!(s.step(&worker, Action::RetireArbitrator {}), Status::NotArbitrator);
    s.w.time += RULING_PERIOD_SECS + 1;
    assert_eq!(s.step(&worker, Action::ResolveDispute { case }), Status::Ok);
    assert_eq!(s.step(&member, Action::RetireArbitrator {}), Status::ArbitratorCoolingDown);
    s.w.time += COOLDOWN - 10;
    assert_eq!(s.step(&member, Action::RetireArbitrator {}), Status::ArbitratorCoolingDown);
    s.w.time += 10;
    let before = s.usd(&member);
    assert_eq!(s.step(&member, Action::RetireArbitrator {}), Status::Ok);
    assert_eq!(s.usd(&member) - before, ARBITRATOR_BOND);
}

#[test]
fn too_few_eligible_arbitrators_refuse_the_dispute_and_change_nothing() {
    let operator = key(200);
    let mut w = World::with_genesis(Genesis::development(operator.id(), 1_000), operator);
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 100_000_000);
    w.register(&worker, 20_000_000);
    let mut s = Scene { w, employer, worker, arbitrators: vec![] };
    let task = s.awarded_task();
    let worker = s.worker.clone();
    assert_eq!(s.step(&worker, Action::OpenDispute { task }), Status::NotEnoughArbitrators);
    assert_eq!(s.w.task(task).unwrap().status, TaskStatus::Awarded);
}
