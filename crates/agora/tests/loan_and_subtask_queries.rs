//! The facade shows loans, the reputation they lock, and the parent → children links of
//! sub-tasks, from a real redb store.

use agora::core::{KeyId, ProofClaim, ProofVerdict, ProofVerifier};
use agora::{
    Action, AgentKey, AssetId, Created, FieldBytes, Genesis, KindSpec, LoanId, LoanStatus, Marketplace, PostTask,
    Status, TaskId,
};
use std::sync::Arc;

/// Accepts every proof: the loan bookkeeping, not the proof system, is under test here.
struct TestOnlyAcceptAllProofs;

impl ProofVerifier for TestOnlyAcceptAllProofs {
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
        vec![ProofVerdict::Valid; claims.len()]
    }
}

fn key(seed: u8) -> AgentKey {
    AgentKey::from_seed([seed; 32])
}

fn offer(kind: u16, budget: u128, now: u64, seed: u64) -> PostTask {
    PostTask {
        title: "job".into(),
        requirements: String::new(),
        kind,
        params: vec![],
        input_commitment: FieldBytes::from_u64(seed),
        asset: AssetId(1),
        budget,
        bid_deadline: now + 100,
        delivery_deadline: now + 1_000,
        splits: vec![],
        min_reputation: 0,
    }
}

#[test]
fn reputation_report_shows_locked_points_and_task_queries_show_subtask_links() {
    let dir = tempfile::tempdir().unwrap();
    let (operator, employer, worker, helper) = (key(200), key(1), key(2), key(3));
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = vec![KindSpec {
        kind: 3,
        name: "k".into(),
        key_id: KeyId([1; 32]),
        param_count: 0,
        sealed_fields: 0,
        base_kind: None,
    }];
    genesis.reputation.trusted = vec![employer.id()];
    let mut m = Marketplace::create(dir.path().join("m.redb"), genesis)
        .unwrap()
        .with_verifier(Arc::new(TestOnlyAcceptAllProofs));
    let usd = AssetId(1);
    let bond = m.config().bond_amount;
    for (i, agent) in [&employer, &worker, &helper].into_iter().enumerate() {
        let deposit = Action::Deposit { to: agent.id(), asset: usd, amount: bond + 50_000_000 };
        let out = m.submit(vec![m.sign_with_nonce(&operator, i as u64, deposit)], 1_000 + i as u64 + 1).unwrap();
        assert_eq!(out.receipts[0].status, Status::Ok);
    }
    const NOW: u64 = 1_010;
    let mut time = NOW;
    let mut run = |m: &mut Marketplace, from: &AgentKey, action: Action| {
        let out = m.submit(vec![m.sign(from, action).unwrap()], time).unwrap();
        time += 1;
        assert_eq!(out.receipts[0].status, Status::Ok);
        out.receipts[0].created
    };
    for agent in [&employer, &worker, &helper] {
        run(&mut m, agent, Action::Register {});
    }
    // The worker earns 20,000 points with one proven 20 USD task.
    let Created::Task(proven) = run(&mut m, &employer, Action::PostTask(offer(3, 20_000_000, NOW, 1))) else {
        panic!("no task")
    };
    run(&mut m, &worker, Action::PlaceBid { task: proven, price: 20_000_000, eta_secs: 1, plan_hash: [0; 32] });
    run(&mut m, &employer, Action::AwardBid { task: proven, bidder: worker.id() });
    let completion =
        Action::SubmitCompletion { task: proven, output_commitment: FieldBytes::ZERO, proof: vec![], sealed: None };
    run(&mut m, &worker, completion);

    let Created::Loan(loan) = run(
        &mut m,
        &employer,
        Action::OfferLoan {
            asset: usd,
            principal: 5_000_000,
            interest_bps: 200,
            due: NOW + 10_000,
            borrower: Some(worker.id()),
        },
    ) else {
        panic!("no loan")
    };
    assert_eq!(loan, LoanId(1));
    run(&mut m, &worker, Action::AcceptLoan { loan, pledge: 6_000 });
    assert_eq!(m.reputation(&worker.id()).unwrap().locked, 6_000);
    assert_eq!(m.reputation_lock(&worker.id()).unwrap().active_loans, 1);
    assert_eq!(m.loan(loan).unwrap().map(|l| l.status), Some(LoanStatus::Active));
    run(&mut m, &worker, Action::RepayLoan { loan });
    assert_eq!(m.reputation(&worker.id()).unwrap().locked, 0);
    assert_eq!(m.loan(loan).unwrap().map(|l| l.status), Some(LoanStatus::Repaid));
    assert_eq!(m.loan(LoanId(9)).unwrap(), None);

    let Created::Task(parent) = run(&mut m, &employer, Action::PostTask(offer(0, 10_000_000, NOW, 2))) else {
        panic!("no task")
    };
    run(&mut m, &worker, Action::PlaceBid { task: parent, price: 10_000_000, eta_secs: 1, plan_hash: [0; 32] });
    run(&mut m, &employer, Action::AwardBid { task: parent, bidder: worker.id() });
    let mut sub = offer(0, 1_000_000, NOW, 3);
    sub.delivery_deadline = m.task(parent).unwrap().unwrap().offer.delivery_deadline;
    let Created::Task(child) = run(&mut m, &worker, Action::PostSubtask { parent, offer: sub }) else {
        panic!("no sub-task")
    };
    let view = m.task_view(parent).unwrap().unwrap();
    assert_eq!((view.parent, view.subtasks.clone()), (None, vec![child]));
    let child_view = m.task_view(child).unwrap().unwrap();
    assert_eq!((child_view.parent, child_view.task.employer), (Some(parent), worker.id()));
    let json = serde_json::to_value(&child_view).unwrap();
    assert_eq!(json["parent"], serde_json::json!(parent.0.to_string()));
    assert_eq!(json["employer"], serde_json::to_value(worker.id()).unwrap());
    assert_eq!(m.task_view(TaskId(99)).unwrap(), None);
    assert!(m.asset_totals().unwrap().iter().all(|t| t.conserved()));
}
