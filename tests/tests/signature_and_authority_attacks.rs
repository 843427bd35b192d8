//! Forged signatures, replayed nonces and actions by the wrong party: each rejected with its
//! own status code, and the state left exactly as it was.

use agora_core::{Action, FieldBytes, PostTask, Signature, SignedTx, Status, TaskId, TxBody};
use agora_tests::{USD, World, key};

/// Applies `tx` and asserts it got `status` and changed nothing at all.
fn assert_rejected_without_effect(w: &mut World, tx: SignedTx, status: Status) {
    let before = w.state.clone();
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, status);
    assert_eq!(w.state, before, "a rejected transaction must not change state");
}

fn world_with_task() -> (World, TaskId) {
    let mut w = World::new();
    let (employer, worker) = (key(1), key(2));
    w.register(&employer, 1_000);
    w.register(&worker, 0);
    let offer = PostTask {
        title: "t".into(),
        requirements: String::new(),
        kind: 0,
        params: vec![],
        input_commitment: FieldBytes::ZERO,
        asset: USD,
        budget: 1_000,
        bid_deadline: w.time + 10,
        delivery_deadline: w.time + 100,
        splits: vec![],
        min_reputation: 0,
    };
    assert_eq!(w.run(&employer, Action::PostTask(offer)), Status::Ok);
    assert_eq!(
        w.run(&worker, Action::PlaceBid { task: TaskId(1), price: 900, eta_secs: 5, plan_hash: [3; 32] }),
        Status::Ok
    );
    (w, TaskId(1))
}

#[test]
fn forged_signature_is_rejected() {
    let (mut w, _) = world_with_task();
    let victim = key(1);
    let thief = key(66);
    // The thief signs a transfer out of the victim's account with its own key.
    let body = TxBody {
        sender: victim.id(),
        nonce: w.account(&victim.id()).nonce,
        action: Action::Transfer { to: thief.id(), asset: USD, amount: 1 },
    };
    let forged =
        SignedTx { signature: thief.sign_digest(&body.signing_digest(&w.config.genesis_hash)), body: body.clone() };
    assert_rejected_without_effect(&mut w, forged, Status::BadSignature);
    // A valid signature with one bit flipped.
    let mut sig = body.clone().sign(&victim, &w.config.genesis_hash).signature.to_bytes();
    sig[0] ^= 1;
    assert_rejected_without_effect(
        &mut w,
        SignedTx { body: body.clone(), signature: Signature::from_bytes(sig) },
        Status::BadSignature,
    );
    // A valid signature over a different body (amount changed after signing).
    let mut tampered = body.clone().sign(&victim, &w.config.genesis_hash);
    tampered.body.action = Action::Transfer { to: thief.id(), asset: USD, amount: 1_000_000 };
    assert_rejected_without_effect(&mut w, tampered, Status::BadSignature);
}

#[test]
fn signature_from_another_marketplace_is_rejected() {
    let (mut w, _) = world_with_task();
    let employer = key(1);
    let body = TxBody {
        sender: employer.id(),
        nonce: w.account(&employer.id()).nonce,
        action: Action::CancelTask { task: TaskId(1) },
    };
    let other_genesis = [9u8; 32];
    assert_rejected_without_effect(&mut w, body.sign(&employer, &other_genesis), Status::BadSignature);
}

#[test]
fn replayed_nonce_is_rejected() {
    let (mut w, _) = world_with_task();
    let employer = key(1);
    let transfer = w.sign(&employer, Action::Transfer { to: key(2).id(), asset: USD, amount: 0 });
    // Zero amount is rejected and leaves the nonce where it was: the same nonce is still next.
    assert_rejected_without_effect(&mut w, transfer, Status::ZeroAmount);
    let fund = key(200);
    let tx = w.sign(&fund, Action::Deposit { to: employer.id(), asset: USD, amount: 5 });
    assert_eq!(w.apply(vec![tx.clone()])[0].status, Status::Ok);
    assert_rejected_without_effect(&mut w, tx.clone(), Status::BadNonce);
    // The same transaction twice in one block: the second is a replay.
    let tx2 = w.sign(&fund, Action::Deposit { to: employer.id(), asset: USD, amount: 5 });
    let receipts = w.apply(vec![tx2.clone(), tx2]);
    assert_eq!((receipts[0].status, receipts[1].status), (Status::Ok, Status::BadNonce));
    // A nonce from the future is rejected too.
    let body = TxBody {
        sender: fund.id(),
        nonce: w.account(&fund.id()).nonce + 5,
        action: Action::Deposit { to: employer.id(), asset: USD, amount: 5 },
    };
    let tx = body.sign(&fund, &w.config.genesis_hash);
    assert_rejected_without_effect(&mut w, tx, Status::BadNonce);
}

#[test]
fn non_employer_cannot_award_cancel_or_accept() {
    let (mut w, task) = world_with_task();
    let intruder = key(2);
    for action in
        [Action::AwardBid { task, bidder: key(2).id() }, Action::CancelTask { task }, Action::AcceptDelivery { task }]
    {
        let tx = w.sign(&intruder, action);
        assert_rejected_without_effect(&mut w, tx, Status::NotEmployer);
    }
}

#[test]
fn non_owner_cannot_withdraw_a_bid_or_funds() {
    let (mut w, task) = world_with_task();
    let intruder = key(1);
    let tx = w.sign(&intruder, Action::WithdrawBid { task, bidder: key(2).id() });
    assert_rejected_without_effect(&mut w, tx, Status::NotBidder);
    // Withdrawing funds only ever debits the signer: an agent without funds gets nothing.
    let broke = key(77);
    let tx = w.sign(&broke, Action::Withdraw { asset: USD, amount: 1 });
    assert_rejected_without_effect(&mut w, tx, Status::InsufficientFunds);
}

#[test]
fn only_operators_mint_or_declare_assets() {
    let (mut w, _) = world_with_task();
    let agent = key(1);
    let tx = w.sign(&agent, Action::Deposit { to: agent.id(), asset: USD, amount: 1_000_000 });
    assert_rejected_without_effect(&mut w, tx, Status::NotOperator);
    let tx = w.sign(&agent, Action::DeclareAsset { symbol: "FAKE".into(), decimals: 0 });
    assert_rejected_without_effect(&mut w, tx, Status::NotOperator);
}

#[test]
fn non_worker_cannot_submit_completion() {
    let (mut w, task) = world_with_task();
    let employer = key(1);
    assert_eq!(w.run(&employer, Action::AwardBid { task, bidder: key(2).id() }), Status::Ok);
    let thief = key(3);
    w.register(&thief, 0);
    let tx = w.sign(
        &thief,
        Action::SubmitCompletion { task, output_commitment: FieldBytes::ZERO, proof: vec![0; 128], sealed: None },
    );
    assert_rejected_without_effect(&mut w, tx, Status::NotWorker);
}

#[test]
fn oversized_fields_are_rejected_before_execution() {
    let (mut w, _) = world_with_task();
    let employer = key(1);
    let offer = PostTask {
        title: "x".repeat(agora_core::limits::MAX_TITLE_BYTES + 1),
        requirements: String::new(),
        kind: 0,
        params: vec![],
        input_commitment: FieldBytes::ZERO,
        asset: USD,
        budget: 1,
        bid_deadline: w.time,
        delivery_deadline: w.time,
        splits: vec![],
        min_reputation: 0,
    };
    let tx = w.sign(&employer, Action::PostTask(offer));
    assert_rejected_without_effect(&mut w, tx, Status::LimitExceeded);
}
