//! Every transaction kind survives JSON and canonical-bytes round trips unchanged, and
//! truncated or extended canonical bytes are refused.

use agora_core::{Action, AssetId, Canonical, CaseId, FieldBytes, PostTask, SignedTx, Split, TaskId, TxBody};
use agora_tests::key;

fn every_action() -> Vec<Action> {
    let (a, b) = (key(1).id(), key(2).id());
    let task = TaskId(7);
    vec![
        Action::DeclareAsset { symbol: "EURC".into(), decimals: 6 },
        Action::Deposit { to: a, asset: AssetId(1), amount: u128::MAX },
        Action::Withdraw { asset: AssetId(2), amount: 5 },
        Action::Transfer { to: b, asset: AssetId(1), amount: 1 << 100 },
        Action::Register,
        Action::Deregister,
        Action::ReclaimBond,
        Action::PostTask(PostTask {
            title: "t".into(),
            requirements: "r".into(),
            kind: 3,
            params: vec![FieldBytes::from_u64(16)],
            input_commitment: FieldBytes::from_u64(9),
            asset: AssetId(1),
            budget: 10,
            bid_deadline: 1,
            delivery_deadline: 2,
            splits: vec![Split { to: b, bps: 100 }],
            min_reputation: 3,
        }),
        Action::PlaceBid { task, price: 9, eta_secs: 60, plan_hash: [4; 32] },
        Action::WithdrawBid { task, bidder: a },
        Action::AwardBid { task, bidder: b },
        Action::CancelTask { task },
        Action::ExpireTask { task },
        Action::AcceptDelivery { task },
        Action::SubmitCompletion { task, output_commitment: FieldBytes::from_u64(1), proof: vec![0xab; 128] },
        Action::OfferLoan { asset: AssetId(1), principal: 1 << 90, interest_bps: 250, due: 99, borrower: Some(b) },
        Action::OfferLoan { asset: AssetId(1), principal: 5, interest_bps: 0, due: 1, borrower: None },
        Action::CancelLoan { loan: agora_core::loans::LoanId(3) },
        Action::AcceptLoan { loan: agora_core::loans::LoanId(3), pledge: 12_345 },
        Action::RepayLoan { loan: agora_core::loans::LoanId(3) },
        Action::ClaimDefault { loan: agora_core::loans::LoanId(3) },
        Action::PostSubtask {
            parent: task,
            offer: PostTask {
                title: "sub".into(),
                requirements: String::new(),
                kind: 0,
                params: vec![],
                input_commitment: FieldBytes::from_u64(2),
                asset: AssetId(1),
                budget: 4,
                bid_deadline: 1,
                delivery_deadline: 2,
                splits: vec![Split { to: a, bps: 10_000 }],
                min_reputation: 0,
            },
        },
        Action::OpenDispute { task },
        Action::RegisterArbitrator,
        Action::RetireArbitrator,
        Action::CastVote { case: CaseId(3), worker_bps: 7_500 },
        Action::ResolveDispute { case: CaseId(3) },
        Action::Appeal { case: CaseId(u64::MAX) },
        Action::FreezeAgent { agent: b, reason: 65_535, evidence: [0xee; 32] },
        Action::AppealFreeze,
    ]
}

#[test]
fn every_action_round_trips_through_json_and_canonical_bytes() {
    let signer = key(1);
    for (nonce, action) in every_action().into_iter().enumerate() {
        let tx = TxBody { sender: signer.id(), nonce: nonce as u64, action }.sign(&signer, &[0; 32]);
        let text = serde_json::to_string(&tx).unwrap();
        let back: SignedTx = serde_json::from_str(&text).unwrap();
        assert_eq!(back, tx, "json: {text}");
        let bytes = tx.to_canonical_bytes();
        assert_eq!(SignedTx::from_canonical_bytes(&bytes).unwrap(), tx);
        assert!(SignedTx::from_canonical_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SignedTx::from_canonical_bytes(&longer).is_err());
    }
}

#[test]
fn malformed_json_gives_an_error_not_a_panic() {
    for text in ["", "{}", "[1,2]", "{\"sender\":\"did:key:zzz\"}", "{\"type\":\"register\"}"] {
        assert!(serde_json::from_str::<SignedTx>(text).is_err(), "{text}");
    }
}
