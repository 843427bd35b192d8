//! Micro-loans backed by reputation, payout splits and sub-tasks, end to end through the real
//! state machine — with every asset's supply audited after every transaction, and every
//! rejection checked to change nothing.

use agora_core::loans::{LoanId, LoanRecord, LoanStatus, ReputationLock, loan_key, lock_key};
use agora_core::subtasks::{parent_of, subtasks_of};
use agora_core::{
    Action, AgentKey, Amount, Canonical, Created, FieldBytes, Genesis, KeyId, KindSpec, PostTask, Split, StateView,
    Status, Table, TaskId, TaskStatus,
};
use agora_tests::{BOND, USD, World, key};

/// One USD in its smallest unit (six decimals; also the development reference amount).
const DOLLAR: Amount = 1_000_000;
/// The proof-gated kind the test genesis registers.
const KIND: u16 = 9;

/// A development world with one proof kind, an accept-all verifier, and the (trusted) operator
/// registered as an employer with 1,000 USD.
fn world() -> World {
    let operator = key(200);
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = vec![KindSpec {
        kind: KIND,
        name: "test".into(),
        key_id: KeyId([7; 32]),
        param_count: 0,
        sealed_fields: 0,
        base_kind: None,
    }];
    let mut w = World::with_genesis(genesis, operator.clone());
    w.set_verifier(Box::new(agora_tests::TestOnlyAcceptAllProofs));
    w.register(&operator, 1_000 * DOLLAR);
    w
}

/// Runs one action; asserts a rejection changed nothing and that funds are conserved.
fn run(w: &mut World, from: &AgentKey, action: Action) -> Status {
    let before = w.transaction_state();
    let status = w.run(from, action);
    if status != Status::Ok {
        assert_eq!(w.transaction_state(), before, "rejected with {status} yet changed state");
    }
    w.assert_conserved();
    status
}

fn ok(w: &mut World, from: &AgentKey, action: Action) {
    assert_eq!(run(w, from, action), Status::Ok);
}

fn offer(w: &World, budget: Amount, kind: u16, seed: u64) -> PostTask {
    PostTask {
        title: "job".into(),
        requirements: String::new(),
        kind,
        params: vec![],
        input_commitment: FieldBytes::from_u64(seed),
        asset: USD,
        budget,
        bid_deadline: w.time + 100,
        delivery_deadline: w.time + 1_000,
        splits: vec![],
        min_reputation: 0,
    }
}

fn post(w: &mut World, employer: &AgentKey, o: PostTask) -> TaskId {
    let receipt = w.run_receipt(employer, Action::PostTask(o));
    assert_eq!(receipt.status, Status::Ok);
    w.assert_conserved();
    match receipt.created {
        Created::Task(id) => id,
        other => panic!("expected a task, got {other:?}"),
    }
}

fn award(w: &mut World, employer: &AgentKey, worker: &AgentKey, task: TaskId, price: Amount) {
    ok(w, worker, Action::PlaceBid { task, price, eta_secs: 1, plan_hash: [0; 32] });
    ok(w, employer, Action::AwardBid { task, bidder: worker.id() });
}

/// Registers `agent` and gives it `dollars × 1,000` reputation points through one verified
/// completion for the trusted operator.
fn reputable(w: &mut World, agent: &AgentKey, dollars: u128) {
    w.register(agent, 0);
    let operator = w.operator.clone();
    let task = post(w, &operator, offer(w, dollars * DOLLAR, KIND, u64::from(agent.id().as_bytes()[0])));
    award(w, &operator, agent, task, dollars * DOLLAR);
    ok(
        w,
        agent,
        Action::SubmitCompletion { task, output_commitment: FieldBytes::from_u64(1), proof: vec![], sealed: None },
    );
    assert_eq!(w.account(&agent.id()).reputation_stored(), dollars as u64 * 1_000);
}

fn offer_loan(w: &mut World, lender: &AgentKey, principal: Amount, bps: u16, to: Option<&AgentKey>) -> LoanId {
    let action = Action::OfferLoan {
        asset: USD,
        principal,
        interest_bps: bps,
        due: w.time + 1_000,
        borrower: to.map(|k| k.id()),
    };
    let receipt = w.run_receipt(lender, action);
    assert_eq!(receipt.status, Status::Ok);
    w.assert_conserved();
    match receipt.created {
        Created::Loan(id) => id,
        other => panic!("expected a loan, got {other:?}"),
    }
}

fn loan(w: &World, id: LoanId) -> LoanRecord {
    let bytes = w.state.get(Table::Loans, &loan_key(id)).expect("read").expect("loan exists");
    LoanRecord::from_canonical_bytes(&bytes).expect("loan decodes")
}

fn lock(w: &World, agent: &AgentKey) -> ReputationLock {
    w.state
        .get(Table::ReputationLocks, &lock_key(&agent.id()))
        .expect("read")
        .map(|b| ReputationLock::from_canonical_bytes(&b).expect("lock decodes"))
        .unwrap_or_default()
}

/// A lender with 200 USD and a borrower with 40,000 reputation points.
fn lender_and_borrower(w: &mut World) -> (AgentKey, AgentKey) {
    let (lender, borrower) = (key(1), key(2));
    w.register(&lender, 200 * DOLLAR);
    reputable(w, &borrower, 40);
    (lender, borrower)
}

#[test]
fn repaid_loan_pays_exact_rounded_up_interest_and_unlocks_the_pledge() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let principal = 10 * DOLLAR + 1;
    let id = offer_loan(&mut w, &lender, principal, 250, Some(&borrower));
    assert_eq!(w.balance(&lender.id(), USD), 200 * DOLLAR - principal, "principal escrowed at offer time");
    assert_eq!(loan(&w, id).escrow, principal);

    let borrower_before = w.balance(&borrower.id(), USD);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 10_001 });
    assert_eq!(w.balance(&borrower.id(), USD), borrower_before + principal);
    assert_eq!(lock(&w, &borrower), ReputationLock { locked: 10_001, active_loans: 1, outstanding_points: 10_001 });
    let record = loan(&w, id);
    assert_eq!((record.status, record.escrow, record.value_points), (LoanStatus::Active, 0, 10_001));

    // 10,000,001 × 250 / 10,000 = 250,000.025 → rounded up to 250,001.
    let interest = 250_001;
    ok(&mut w, &borrower, Action::RepayLoan { loan: id });
    assert_eq!(w.balance(&lender.id(), USD), 200 * DOLLAR + interest);
    assert_eq!(w.balance(&borrower.id(), USD), borrower_before - interest);
    assert_eq!(lock(&w, &borrower), ReputationLock::default(), "pledge unlocked, record removed");
    assert_eq!(loan(&w, id).status, LoanStatus::Repaid);
    assert_eq!(w.account(&borrower.id()).reputation_stored(), 40_000, "repayment burns nothing");
    assert_eq!(run(&mut w, &borrower, Action::RepayLoan { loan: id }), Status::LoanNotActive);
}

#[test]
fn default_after_due_burns_the_pledge_and_pays_the_lender_from_the_bond() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let principal = 20 * DOLLAR;
    let id = offer_loan(&mut w, &lender, principal, 500, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 25_000 });
    w.time = loan(&w, id).due + 1;
    let score = w.account(&borrower.id()).reputation_at(w.time, w.config.genesis.reputation.half_life_secs);
    ok(&mut w, &lender, Action::ClaimDefault { loan: id });

    let owed = principal + principal * 500 / 10_000;
    let record = loan(&w, id);
    assert_eq!((record.status, record.burned, record.bond_seized), (LoanStatus::Defaulted, 25_000, owed));
    assert_eq!(w.account(&borrower.id()).reputation_stored(), score - 25_000, "pledge burned from the decayed score");
    assert_eq!(w.account(&borrower.id()).registration.map(|r| r.bond), Some(BOND - owed));
    assert_eq!(w.balance(&lender.id(), USD), 200 * DOLLAR - principal + owed);
    assert_eq!(lock(&w, &borrower), ReputationLock::default());
    assert_eq!(run(&mut w, &lender, Action::ClaimDefault { loan: id }), Status::LoanNotActive);
}

#[test]
fn default_compensation_is_capped_at_half_the_bond() {
    let mut w = world();
    let (lender, borrower) = (key(1), key(2));
    w.register(&lender, 200 * DOLLAR);
    reputable(&mut w, &borrower, 60);
    let id = offer_loan(&mut w, &lender, 50 * DOLLAR, 10_000, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 50_000 });
    w.time = loan(&w, id).due + 1;
    ok(&mut w, &lender, Action::ClaimDefault { loan: id });
    assert_eq!(loan(&w, id).bond_seized, BOND / 2, "owed 100 USD, half the bond is 50 USD");
}

#[test]
fn default_before_the_due_time_is_rejected() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 100, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 });
    w.time = loan(&w, id).due;
    assert_eq!(run(&mut w, &lender, Action::ClaimDefault { loan: id }), Status::DeadlineNotReached);
}

#[test]
fn pledge_above_available_reputation_is_rejected() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 100, None);
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 40_001 }), Status::PledgeAboveReputation);
    let stranger = key(3);
    w.register(&stranger, 0);
    assert_eq!(run(&mut w, &stranger, Action::AcceptLoan { loan: id, pledge: 1 }), Status::PledgeAboveReputation);
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 0 }), Status::ZeroAmount);
}

#[test]
fn principal_above_the_borrow_limit_is_rejected() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    // 5 USD + 1 unit is worth 5,001 points (rounded up): a 5,000-point pledge does not cover it.
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR + 1, 100, None);
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 }), Status::AboveBorrowLimit);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_001 });
}

#[test]
fn loans_beyond_half_the_bond_are_rejected_whatever_the_pledge() {
    let mut w = world();
    let (lender, borrower) = (key(1), key(2));
    w.register(&lender, 200 * DOLLAR);
    reputable(&mut w, &borrower, 80);
    let big = offer_loan(&mut w, &lender, 51 * DOLLAR, 0, None);
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: big, pledge: 60_000 }), Status::AboveBorrowLimit);
    let first = offer_loan(&mut w, &lender, 30 * DOLLAR, 0, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: first, pledge: 30_000 });
    let second = offer_loan(&mut w, &lender, 21 * DOLLAR, 0, None);
    assert_eq!(
        run(&mut w, &borrower, Action::AcceptLoan { loan: second, pledge: 30_000 }),
        Status::AboveBorrowLimit,
        "30 + 21 USD outstanding exceeds half of the 100 USD bond"
    );
}

#[test]
fn the_same_reputation_cannot_back_two_loans() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let first = offer_loan(&mut w, &lender, 30 * DOLLAR, 0, None);
    let second = offer_loan(&mut w, &lender, 10 * DOLLAR, 0, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: first, pledge: 30_000 });
    assert_eq!(
        run(&mut w, &borrower, Action::AcceptLoan { loan: second, pledge: 30_000 }),
        Status::PledgeAboveReputation
    );
    // Ten thousand points are still free (minus a little decay): not quite enough for 10 USD.
    assert_eq!(
        run(&mut w, &borrower, Action::AcceptLoan { loan: second, pledge: 10_000 }),
        Status::PledgeAboveReputation
    );
    ok(&mut w, &borrower, Action::RepayLoan { loan: first });
    ok(&mut w, &borrower, Action::AcceptLoan { loan: second, pledge: 30_000 });
}

#[test]
fn only_the_named_borrower_can_accept_and_never_the_lender() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let other = key(3);
    reputable(&mut w, &other, 20);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 100, Some(&borrower));
    assert_eq!(run(&mut w, &other, Action::AcceptLoan { loan: id, pledge: 10_000 }), Status::NotBorrower);
    assert_eq!(run(&mut w, &lender, Action::AcceptLoan { loan: id, pledge: 10_000 }), Status::SelfDealing);
    let to_self = Action::OfferLoan {
        asset: USD,
        principal: DOLLAR,
        interest_bps: 0,
        due: w.time + 10,
        borrower: Some(lender.id()),
    };
    assert_eq!(run(&mut w, &lender, to_self), Status::SelfDealing);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 });
    assert_eq!(run(&mut w, &other, Action::AcceptLoan { loan: id, pledge: 5_000 }), Status::NotBorrower);
}

#[test]
fn only_the_lender_can_cancel_or_claim_and_only_the_borrower_repays() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 100, None);
    assert_eq!(run(&mut w, &borrower, Action::CancelLoan { loan: id }), Status::NotLender);
    assert_eq!(run(&mut w, &borrower, Action::RepayLoan { loan: id }), Status::NotBorrower);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 });
    assert_eq!(run(&mut w, &lender, Action::CancelLoan { loan: id }), Status::LoanNotOffered);
    assert_eq!(run(&mut w, &lender, Action::RepayLoan { loan: id }), Status::NotBorrower);
    w.time = loan(&w, id).due + 1;
    assert_eq!(run(&mut w, &borrower, Action::ClaimDefault { loan: id }), Status::NotLender);
    assert_eq!(run(&mut w, &lender, Action::ClaimDefault { loan: LoanId(99) }), Status::UnknownLoan);
    ok(&mut w, &borrower, Action::RepayLoan { loan: id });
}

#[test]
fn cancelling_an_offer_refunds_the_lender_and_it_can_no_longer_be_accepted() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 7 * DOLLAR, 100, None);
    ok(&mut w, &lender, Action::CancelLoan { loan: id });
    assert_eq!(w.balance(&lender.id(), USD), 200 * DOLLAR);
    assert_eq!(loan(&w, id).status, LoanStatus::Cancelled);
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 7_000 }), Status::LoanNotOffered);
}

#[test]
fn an_offer_past_its_due_time_cannot_be_accepted() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 100, None);
    w.time = loan(&w, id).due + 1;
    assert_eq!(run(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 }), Status::LoanPastDue);
    ok(&mut w, &lender, Action::CancelLoan { loan: id });
}

#[test]
fn loan_offers_with_bad_terms_are_rejected() {
    let mut w = world();
    let (lender, _) = lender_and_borrower(&mut w);
    let now = w.time;
    let terms =
        |principal, interest_bps, due| Action::OfferLoan { asset: USD, principal, interest_bps, due, borrower: None };
    assert_eq!(run(&mut w, &lender, terms(DOLLAR, 10_001, now + 10)), Status::LimitExceeded);
    assert_eq!(run(&mut w, &lender, terms(DOLLAR, 100, now)), Status::InvalidDeadlines);
    assert_eq!(run(&mut w, &lender, terms(0, 100, now + 10)), Status::ZeroAmount);
    assert_eq!(run(&mut w, &lender, terms(1_000 * DOLLAR, 100, now + 10)), Status::InsufficientFunds);
    let op = w.operator.clone();
    ok(&mut w, &op, Action::DeclareAsset { symbol: "EUR".into(), decimals: 2 });
    ok(&mut w, &op, Action::Deposit { to: lender.id(), asset: agora_core::AssetId(2), amount: 500 });
    assert_eq!(
        run(
            &mut w,
            &lender,
            Action::OfferLoan {
                asset: agora_core::AssetId(2),
                principal: 500,
                interest_bps: 0,
                due: now + 10,
                borrower: None,
            }
        ),
        Status::AboveBorrowLimit,
        "an asset without a reference amount has no borrow limit"
    );
}

#[test]
fn pledged_reputation_does_not_count_for_bid_gates() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 30 * DOLLAR, 0, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 30_000 });
    let mut gated = offer(&w, DOLLAR, 0, 77);
    gated.min_reputation = 20_000;
    let task = post(&mut w, &lender, gated);
    assert_eq!(
        run(&mut w, &borrower, Action::PlaceBid { task, price: DOLLAR, eta_secs: 1, plan_hash: [0; 32] }),
        Status::ReputationTooLow
    );
    ok(&mut w, &borrower, Action::RepayLoan { loan: id });
    ok(&mut w, &borrower, Action::PlaceBid { task, price: DOLLAR, eta_secs: 1, plan_hash: [0; 32] });
}

#[test]
fn a_borrower_with_an_active_loan_cannot_deregister() {
    let mut w = world();
    let (lender, borrower) = lender_and_borrower(&mut w);
    let id = offer_loan(&mut w, &lender, 5 * DOLLAR, 0, None);
    ok(&mut w, &borrower, Action::AcceptLoan { loan: id, pledge: 5_000 });
    assert_eq!(run(&mut w, &borrower, Action::Deregister {}), Status::OpenObligations);
    ok(&mut w, &borrower, Action::RepayLoan { loan: id });
    ok(&mut w, &borrower, Action::Deregister {});
}

#[test]
fn payout_splits_honour_every_unit_and_the_worker_takes_the_remainder() {
    let mut w = world();
    let (employer, worker, a, b, c) = (key(1), key(2), key(3), key(4), key(5));
    w.register(&employer, 1_997);
    w.register(&worker, 0);
    for (price, splits) in
        [(997u128, vec![(&a, 3_333u16), (&b, 3_333), (&c, 3_334)]), (1_000, vec![(&a, 1u16), (&b, 9_998), (&c, 1)])]
    {
        let (before_a, before_b, before_c, before_w) =
            (w.balance(&a.id(), USD), w.balance(&b.id(), USD), w.balance(&c.id(), USD), w.balance(&worker.id(), USD));
        let mut o = offer(&w, price, 0, price as u64);
        o.splits = splits.iter().map(|(k, bps)| Split { to: k.id(), bps: *bps }).collect();
        let task = post(&mut w, &employer, o);
        award(&mut w, &employer, &worker, task, price);
        ok(&mut w, &employer, Action::AcceptDelivery { task });
        let fee = price * 30 / 10_000;
        let net = price - fee;
        let shares: Vec<u128> = splits.iter().map(|(_, bps)| net * u128::from(*bps) / 10_000).collect();
        assert_eq!(w.balance(&a.id(), USD) - before_a, shares[0]);
        assert_eq!(w.balance(&b.id(), USD) - before_b, shares[1]);
        assert_eq!(w.balance(&c.id(), USD) - before_c, shares[2]);
        let remainder = net - shares.iter().sum::<u128>();
        assert_eq!(w.balance(&worker.id(), USD) - before_w, remainder, "rounding remainder goes to the worker");
        assert!(remainder < splits.len() as u128, "at most one unit per split is rounded off");
    }
}

/// An employer, a worker holding an awarded task (`parent`) and 50 USD of its own.
fn awarded_parent(w: &mut World) -> (AgentKey, AgentKey, TaskId) {
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 100 * DOLLAR);
    w.register(&worker, 50 * DOLLAR);
    let parent = post(w, &employer, offer(w, 100 * DOLLAR, 0, 1));
    award(w, &employer, &worker, parent, 100 * DOLLAR);
    (employer, worker, parent)
}

/// A sub-task offer whose deadlines fit inside `parent`'s.
fn sub_offer(w: &World, parent: TaskId, budget: Amount, seed: u64) -> PostTask {
    let mut o = offer(w, budget, 0, seed);
    o.delivery_deadline = w.task(parent).expect("parent").offer.delivery_deadline;
    o
}

#[test]
fn a_subtask_by_anyone_but_the_parents_awarded_worker_is_rejected() {
    let mut w = world();
    let (employer, _worker, parent) = awarded_parent(&mut w);
    let outsider = key(3);
    w.register(&outsider, 10 * DOLLAR);
    let sub = sub_offer(&w, parent, DOLLAR, 2);
    assert_eq!(run(&mut w, &outsider, Action::PostSubtask { parent, offer: sub.clone() }), Status::NotWorker);
    assert_eq!(run(&mut w, &employer, Action::PostSubtask { parent, offer: sub.clone() }), Status::NotWorker);
    assert_eq!(run(&mut w, &outsider, Action::PostSubtask { parent: TaskId(99), offer: sub }), Status::UnknownTask);
}

#[test]
fn a_subtask_of_an_unawarded_or_settled_parent_is_rejected() {
    let mut w = world();
    let (employer, worker, parent) = awarded_parent(&mut w);
    ok(&mut w, &employer, Action::AcceptDelivery { task: parent });
    let sub = sub_offer(&w, parent, DOLLAR, 2);
    assert_eq!(run(&mut w, &worker, Action::PostSubtask { parent, offer: sub }), Status::TaskClosed);
}

#[test]
fn a_subtask_deadline_beyond_the_parents_is_rejected() {
    let mut w = world();
    let (_, worker, parent) = awarded_parent(&mut w);
    let mut sub = offer(&w, DOLLAR, 0, 2);
    sub.delivery_deadline = w.task(parent).expect("parent").offer.delivery_deadline + 1;
    assert_eq!(run(&mut w, &worker, Action::PostSubtask { parent, offer: sub }), Status::DeadlineBeyondParent);
}

#[test]
fn a_subtask_is_linked_funded_by_the_worker_and_outlives_its_parents_settlement() {
    let mut w = world();
    let (employer, worker, parent) = awarded_parent(&mut w);
    let helper = key(3);
    w.register(&helper, 0);
    let mut sub = offer(&w, 10 * DOLLAR, 0, 2);
    sub.delivery_deadline = w.task(parent).expect("parent").offer.delivery_deadline;
    let receipt = w.run_receipt(&worker, Action::PostSubtask { parent, offer: sub });
    assert_eq!(receipt.status, Status::Ok);
    let Created::Task(child) = receipt.created else { panic!("no sub-task created") };
    w.assert_conserved();
    assert_eq!(w.balance(&worker.id(), USD), 40 * DOLLAR, "escrowed from the worker's own balance");
    assert_eq!(parent_of(&w.state, child), Ok(Some(parent)));
    assert_eq!(subtasks_of(&w.state, parent), Ok(vec![child]));
    assert_eq!(parent_of(&w.state, parent), Ok(None));

    ok(&mut w, &employer, Action::AcceptDelivery { task: parent });
    assert_eq!(w.task(child).expect("child").status, TaskStatus::Open, "the sub-task stays an independent escrow");
    award(&mut w, &worker, &helper, child, 8 * DOLLAR);
    ok(&mut w, &worker, Action::AcceptDelivery { task: child });
    assert_eq!(w.balance(&helper.id(), USD), 8 * DOLLAR - 8 * DOLLAR * 30 / 10_000);
}

#[test]
fn an_unawarded_subtask_is_refunded_to_the_worker_when_cancelled() {
    let mut w = world();
    let (_, worker, parent) = awarded_parent(&mut w);
    let receipt = w.run_receipt(&worker, Action::PostSubtask { parent, offer: sub_offer(&w, parent, 10 * DOLLAR, 2) });
    let Created::Task(child) = receipt.created else { panic!("no sub-task created") };
    ok(&mut w, &worker, Action::CancelTask { task: child });
    assert_eq!(w.balance(&worker.id(), USD), 50 * DOLLAR);
}

#[test]
fn a_parent_holds_at_most_the_maximum_number_of_subtasks() {
    let mut w = world();
    let (_, worker, parent) = awarded_parent(&mut w);
    for i in 0..agora_core::limits::MAX_SUBTASKS_PER_TASK {
        let sub = sub_offer(&w, parent, 1, 10 + i as u64);
        ok(&mut w, &worker, Action::PostSubtask { parent, offer: sub });
    }
    let one_more = sub_offer(&w, parent, 1, 5);
    assert_eq!(run(&mut w, &worker, Action::PostSubtask { parent, offer: one_more }), Status::TooManySubtasks);
    assert_eq!(subtasks_of(&w.state, parent).map(|c| c.len()), Ok(agora_core::limits::MAX_SUBTASKS_PER_TASK));
}
