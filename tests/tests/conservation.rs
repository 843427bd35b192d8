//! Funds are conserved per asset after every transaction, over long random sequences of
//! transactions of every kind (valid and invalid alike): ledger, agents, tasks and sub-tasks,
//! proven completions (so reputation exists) and loans backed by it.

use agora_core::loans::LoanId;
use agora_core::{Action, AgentKey, Amount, FieldBytes, Genesis, KeyId, KindSpec, PostTask, Split, Status, TaskId};
use agora_tests::{USD, World, key};
use proptest::prelude::*;

const AGENTS: u8 = 6;
/// A proof-gated kind; completions of it are accepted by [`agora_tests::TestOnlyAcceptAllProofs`].
const KIND: u16 = 9;

/// A development world with one proof kind, and agent 0 trusted (so completions it employs
/// earn reputation that loans can be pledged from).
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
    genesis.reputation.trusted = vec![agent(0).id()];
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new(agora_tests::TestOnlyAcceptAllProofs));
    w
}

#[derive(Debug, Clone)]
enum Op {
    Deposit(u8, Amount),
    Withdraw(u8, Amount),
    Transfer(u8, u8, Amount),
    Register(u8),
    Deregister(u8),
    Reclaim(u8),
    Post(u8, Amount, bool, bool),
    Prove(u8, u64),
    Subtask(u8, u64, Amount),
    OfferLoan(u8, Amount, u16, Option<u8>),
    CancelLoan(u8, u64),
    AcceptLoan(u8, u64, u64),
    RepayLoan(u8, u64),
    ClaimDefault(u8, u64),
    Bid(u8, u64, Amount),
    WithdrawBid(u8, u64),
    Award(u8, u64, u8),
    Cancel(u8, u64),
    Expire(u8, u64),
    Accept(u8, u64),
    Wait(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let a = 0..AGENTS;
    let amount = prop_oneof![0..10u128, 0..200_000_000u128];
    let task = 1..12u64;
    let loan = 1..4u64;
    prop_oneof![
        1 => (a.clone(), amount.clone()).prop_map(|(x, m)| Op::Deposit(x, m)),
        1 => (a.clone(), amount.clone()).prop_map(|(x, m)| Op::Withdraw(x, m)),
        1 => (a.clone(), a.clone(), amount.clone()).prop_map(|(x, y, m)| Op::Transfer(x, y, m)),
        3 => a.clone().prop_map(Op::Register),
        1 => a.clone().prop_map(Op::Deregister),
        1 => a.clone().prop_map(Op::Reclaim),
        3 => (a.clone(), amount.clone(), any::<bool>(), any::<bool>()).prop_map(|(x, m, s, k)| Op::Post(x, m, s, k)),
        2 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Prove(x, t)),
        1 => (a.clone(), task.clone(), amount.clone()).prop_map(|(x, t, m)| Op::Subtask(x, t, m)),
        2 => (a.clone(), amount.clone(), 0..600u16, prop::option::of(a.clone()))
            .prop_map(|(x, m, bps, to)| Op::OfferLoan(x, m, bps, to)),
        1 => (a.clone(), loan.clone()).prop_map(|(x, l)| Op::CancelLoan(x, l)),
        3 => (a.clone(), loan.clone(), 0..60_000u64).prop_map(|(x, l, p)| Op::AcceptLoan(x, l, p)),
        2 => (a.clone(), loan.clone()).prop_map(|(x, l)| Op::RepayLoan(x, l)),
        2 => (a.clone(), loan.clone()).prop_map(|(x, l)| Op::ClaimDefault(x, l)),
        3 => (a.clone(), task.clone(), amount.clone()).prop_map(|(x, t, m)| Op::Bid(x, t, m)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::WithdrawBid(x, t)),
        3 => (a.clone(), task.clone(), a.clone()).prop_map(|(x, t, y)| Op::Award(x, t, y)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Cancel(x, t)),
        1 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Expire(x, t)),
        2 => (a.clone(), task.clone()).prop_map(|(x, t)| Op::Accept(x, t)),
        1 => (0..200_000u64).prop_map(Op::Wait),
    ]
}

fn agent(i: u8) -> AgentKey {
    key(i + 1)
}

fn task_offer(w: &World, x: u8, m: Amount, split: bool, proven: bool) -> PostTask {
    PostTask {
        title: "p".into(),
        requirements: String::new(),
        kind: if proven { KIND } else { 0 },
        params: vec![],
        input_commitment: FieldBytes::from_u64(m as u64),
        asset: USD,
        budget: m,
        bid_deadline: w.time + 1_000,
        delivery_deadline: w.time + 10_000,
        splits: if split { vec![Split { to: agent((x + 1) % AGENTS).id(), bps: 2_500 }] } else { vec![] },
        min_reputation: 0,
    }
}

fn action(w: &World, op: &Op) -> Option<(AgentKey, Action)> {
    Some(match op.clone() {
        Op::Deposit(x, m) => (w.operator.clone(), Action::Deposit { to: agent(x).id(), asset: USD, amount: m }),
        Op::Withdraw(x, m) => (agent(x), Action::Withdraw { asset: USD, amount: m }),
        Op::Transfer(x, y, m) => (agent(x), Action::Transfer { to: agent(y).id(), asset: USD, amount: m }),
        Op::Register(x) => (agent(x), Action::Register {}),
        Op::Deregister(x) => (agent(x), Action::Deregister {}),
        Op::Reclaim(x) => (agent(x), Action::ReclaimBond {}),
        Op::Post(x, m, split, proven) => (agent(x), Action::PostTask(task_offer(w, x, m, split, proven))),
        Op::Prove(x, t) => (
            agent(x),
            Action::SubmitCompletion {
                task: TaskId(t),
                output_commitment: FieldBytes::from_u64(t),
                proof: vec![],
                sealed: None,
            },
        ),
        Op::Subtask(x, t, m) => {
            let mut offer = task_offer(w, x, m, false, false);
            offer.delivery_deadline = w.task(TaskId(t)).map_or(offer.delivery_deadline, |p| p.offer.delivery_deadline);
            offer.bid_deadline = offer.bid_deadline.min(offer.delivery_deadline);
            (agent(x), Action::PostSubtask { parent: TaskId(t), offer })
        }
        Op::OfferLoan(x, m, bps, to) => (
            agent(x),
            Action::OfferLoan {
                asset: USD,
                principal: m,
                interest_bps: bps,
                due: w.time + 5_000,
                borrower: to.map(|y| agent(y).id()),
            },
        ),
        Op::CancelLoan(x, l) => (agent(x), Action::CancelLoan { loan: LoanId(l) }),
        Op::AcceptLoan(x, l, p) => (agent(x), Action::AcceptLoan { loan: LoanId(l), pledge: p }),
        Op::RepayLoan(x, l) => (agent(x), Action::RepayLoan { loan: LoanId(l) }),
        Op::ClaimDefault(x, l) => (agent(x), Action::ClaimDefault { loan: LoanId(l) }),
        Op::Bid(x, t, m) => (agent(x), Action::PlaceBid { task: TaskId(t), price: m, eta_secs: 1, plan_hash: [0; 32] }),
        Op::WithdrawBid(x, t) => (agent(x), Action::WithdrawBid { task: TaskId(t), bidder: agent(x).id() }),
        Op::Award(x, t, y) => (agent(x), Action::AwardBid { task: TaskId(t), bidder: agent(y).id() }),
        Op::Cancel(x, t) => (agent(x), Action::CancelTask { task: TaskId(t) }),
        Op::Expire(x, t) => (agent(x), Action::ExpireTask { task: TaskId(t) }),
        Op::Accept(x, t) => (agent(x), Action::AcceptDelivery { task: TaskId(t) }),
        Op::Wait(_) => return None,
    })
}

/// A world where every agent is registered and funded, and agents 1… hold reputation from one
/// proven 50 USD task for the trusted agent 0 (so loans can be accepted, repaid and defaulted).
fn seeded_world() -> World {
    let mut w = world();
    for x in 0..AGENTS {
        w.register(&agent(x), 300_000_000);
    }
    for x in 1..AGENTS {
        let employer = agent(0);
        let offer = task_offer(&w, 0, 50_000_000, false, true);
        let receipt = w.run_receipt(&employer, Action::PostTask(offer));
        let agora_core::Created::Task(task) = receipt.created else { panic!("setup task not posted") };
        let bid = Action::PlaceBid { task, price: 50_000_000, eta_secs: 1, plan_hash: [0; 32] };
        assert_eq!(w.run(&agent(x), bid), Status::Ok);
        assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: agent(x).id() }), Status::Ok);
        let proof = Action::SubmitCompletion { task, output_commitment: FieldBytes::ZERO, proof: vec![], sealed: None };
        assert_eq!(w.run(&agent(x), proof), Status::Ok);
    }
    w.assert_conserved();
    w
}

/// Runs `ops` in `w`: every rejection changes nothing and every asset stays conserved.
fn run_ops(mut w: World, ops: &[Op]) -> Result<(), TestCaseError> {
    for op in ops {
        if let Op::Wait(secs) = op {
            w.time += secs;
            continue;
        }
        let Some((signer, action)) = action(&w, op) else { continue };
        let before = w.transaction_state();
        let status = w.run(&signer, action);
        if status != Status::Ok {
            prop_assert_eq!(&w.transaction_state(), &before, "rejected {:?} changed state", status);
        }
        w.assert_conserved();
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn funds_are_conserved_after_every_transaction(ops in prop::collection::vec(op(), 1..120)) {
        run_ops(world(), &ops)?;
    }

    #[test]
    fn funds_are_conserved_with_reputation_loans_and_subtasks_in_play(ops in prop::collection::vec(op(), 1..120)) {
        run_ops(seeded_world(), &ops)?;
    }
}
