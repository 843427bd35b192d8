//! Quick start: create a marketplace, fund and register two agents, post a task, bid, award,
//! accept the delivery — then replay the history and check the books.
//!
//! Run with `cargo run --release -p agora --example quickstart`.

use agora::{Action, AgentKey, AssetId, Created, FieldBytes, Genesis, Marketplace, PostTask, Status};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("agora-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("market.redb");
    let _ = std::fs::remove_file(&path);

    let operator = AgentKey::generate()?;
    let employer = AgentKey::generate()?;
    let worker = AgentKey::generate()?;
    let mut market = Marketplace::create(&path, Genesis::development(operator.id(), 1_000))?;
    let usd = AssetId(1);
    let bond = market.config().bond_amount;

    // One block: the operator credits both agents (nonces 0 and 1 of the operator).
    let deposits = vec![
        market.sign_with_nonce(
            &operator,
            0,
            Action::Deposit { to: employer.id(), asset: usd, amount: bond + 5_000_000 },
        ),
        market.sign_with_nonce(&operator, 1, Action::Deposit { to: worker.id(), asset: usd, amount: bond }),
    ];
    market.submit(deposits, 1_001)?;
    let registrations = vec![market.sign(&employer, Action::Register {})?, market.sign(&worker, Action::Register {})?];
    market.submit(registrations, 1_002)?;

    let offer = PostTask {
        title: "Summarise 64 sensor records".into(),
        requirements: "sum and count above threshold".into(),
        kind: 0,
        params: vec![],
        input_commitment: FieldBytes::from_u64(7),
        asset: usd,
        budget: 5_000_000,
        bid_deadline: 1_100,
        delivery_deadline: 2_000,
        splits: vec![],
        min_reputation: 0,
    };
    let outcome = market.submit(vec![market.sign(&employer, Action::PostTask(offer))?], 1_003)?;
    let Created::Task(task) = outcome.receipts[0].created else { return Err("task was not created".into()) };
    println!("job offer: {}", serde_json::to_string_pretty(&market.job_offer(task)?)?);

    let bid = market.sign(&worker, Action::PlaceBid { task, price: 4_000_000, eta_secs: 600, plan_hash: [1; 32] })?;
    market.submit(vec![bid], 1_004)?;
    market.submit(vec![market.sign(&employer, Action::AwardBid { task, bidder: worker.id() })?], 1_005)?;
    let outcome = market.submit(vec![market.sign(&employer, Action::AcceptDelivery { task })?], 1_006)?;
    assert_eq!(outcome.receipts[0].status, Status::Ok);

    println!("worker balance: {}", market.balance(&worker.id(), usd)?);
    println!("employer balance: {}", market.balance(&employer.id(), usd)?);
    println!("conserved: {}", market.asset_totals()?.iter().all(|t| t.conserved()));
    let report = market.replay(dir.join("replay.redb"))?;
    println!("replay of {} blocks matches: {}", report.blocks, report.matches());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
