//! `Marketplace::reputation` explains a score: its sources, its standing, its decay.

use agora::core::{KeyId, ProofClaim, ProofVerdict, ProofVerifier};
use agora::{Action, AgentKey, AssetId, Created, FieldBytes, Genesis, KindSpec, Marketplace, PostTask, Status};
use std::sync::Arc;

/// Accepts every proof: the reputation bookkeeping, not the proof system, is under test here.
struct TestOnlyAcceptAllProofs;

impl ProofVerifier for TestOnlyAcceptAllProofs {
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
        vec![ProofVerdict::Valid; claims.len()]
    }
}

fn key(seed: u8) -> AgentKey {
    AgentKey::from_seed([seed; 32])
}

#[test]
fn report_lists_sources_standing_and_decay() {
    let dir = tempfile::tempdir().unwrap();
    let (operator, employer, worker) = (key(200), key(1), key(2));
    let mut genesis = Genesis::development(operator.id(), 1_000);
    genesis.kinds = vec![KindSpec {
        kind: 3,
        name: "hashchain".into(),
        key_id: KeyId([1; 32]),
        param_count: 1,
        sealed_fields: 0,
        base_kind: None,
    }];
    genesis.reputation.trusted = vec![employer.id()];
    // One empty block can then carry the clock a whole half-life ahead.
    genesis.max_block_time_step_secs = genesis.reputation.half_life_secs;
    let half_life = genesis.reputation.half_life_secs;
    let mut m = Marketplace::create(dir.path().join("m.redb"), genesis)
        .unwrap()
        .with_verifier(Arc::new(TestOnlyAcceptAllProofs));
    let usd = AssetId(1);
    let bond = m.config().bond_amount;
    let deposits = vec![
        m.sign_with_nonce(&operator, 0, Action::Deposit { to: employer.id(), asset: usd, amount: bond + 10_000_000 }),
        m.sign_with_nonce(&operator, 1, Action::Deposit { to: worker.id(), asset: usd, amount: bond }),
    ];
    m.submit(deposits, 1_001).unwrap();
    m.submit(
        vec![m.sign(&employer, Action::Register {}).unwrap(), m.sign(&worker, Action::Register {}).unwrap()],
        1_002,
    )
    .unwrap();
    let mut time = 1_003;
    for round in 0..2u64 {
        let offer = PostTask {
            title: format!("job {round}"),
            requirements: String::new(),
            kind: 3,
            params: vec![FieldBytes::from_u64(16)],
            input_commitment: FieldBytes::from_u64(round + 1),
            asset: usd,
            budget: 2_000_000,
            bid_deadline: time + 100,
            delivery_deadline: time + 1_000,
            splits: vec![],
            min_reputation: 0,
        };
        let out = m.submit(vec![m.sign(&employer, Action::PostTask(offer)).unwrap()], time).unwrap();
        let Created::Task(task) = out.receipts[0].created else { panic!("no task") };
        m.submit(
            vec![
                m.sign(&worker, Action::PlaceBid { task, price: 2_000_000, eta_secs: 1, plan_hash: [0; 32] }).unwrap(),
            ],
            time + 1,
        )
        .unwrap();
        m.submit(vec![m.sign(&employer, Action::AwardBid { task, bidder: worker.id() }).unwrap()], time + 2).unwrap();
        let completion = Action::SubmitCompletion {
            task,
            output_commitment: FieldBytes::from_u64(9),
            proof: vec![0; 128],
            sealed: None,
        };
        let out = m.submit(vec![m.sign(&worker, completion).unwrap()], time + 3).unwrap();
        assert_eq!(out.receipts[0].status, Status::Ok);
        time += 10;
    }
    let report = m.reputation(&worker.id()).unwrap();
    // 2 USD = 2,000 points; the second job for the same employer counts a quarter.
    // The first gain has decayed for the 10 s between the two completions.
    assert_eq!(report.stored, agora::core::reputation::decayed(2_000, 10, half_life) + 500);
    assert_eq!(report.proven_completions, 2);
    assert_eq!(report.sources.len(), 1);
    assert_eq!(report.sources[0].employer, employer.id());
    assert_eq!((report.sources[0].completions, report.sources[0].gained), (2, 2_500));
    assert_eq!(report.sources[0].employer_standing, agora::core::reputation::STANDING_ONE);
    assert!(!report.trusted);
    assert!(m.reputation(&employer.id()).unwrap().trusted);

    // One half-life later (an empty block moves the clock) half the score has decayed.
    m.submit(vec![], report.updated_at + half_life).unwrap();
    let later = m.reputation(&worker.id()).unwrap();
    assert_eq!(later.score, report.stored / 2);
    assert_eq!(later.decay_applied, report.stored - report.stored / 2);
    assert!(later.epoch > report.epoch, "a new epoch began");
}
