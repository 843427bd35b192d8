//! A block of admitted transactions (a node checked each one on arrival) commits to exactly the
//! same receipts, state and digest as the same block checked in full, and admission vouches
//! only for the very transactions it checked: a forged transaction slipped in beside them is
//! still refused `BadSignature` and changes nothing.

#![allow(clippy::unwrap_used, reason = "test helpers: an unwrap failing is the test failing")]

use agora::{Action, AdmittedTx, AgentKey, AssetId, Genesis, Marketplace, SignedTx, Status, TxBody};

fn key(seed: u8) -> AgentKey {
    AgentKey::from_seed([seed; 32])
}

/// Two marketplaces on the same genesis, with `agents` funded by the operator.
fn twin_markets(dir: &std::path::Path, operator: &AgentKey, agents: &[AgentKey]) -> (Marketplace, Marketplace) {
    let genesis = Genesis::development(operator.id(), 1_000);
    let mut a = Marketplace::create(dir.join("a.redb"), genesis.clone()).unwrap();
    let mut b = Marketplace::create(dir.join("b.redb"), genesis).unwrap();
    let deposits: Vec<SignedTx> = agents
        .iter()
        .enumerate()
        .map(|(i, agent)| {
            let deposit = Action::Deposit { to: agent.id(), asset: AssetId(1), amount: 1_000_000 };
            a.sign_with_nonce(operator, i as u64, deposit)
        })
        .collect();
    a.submit(deposits.clone(), 1_001).unwrap();
    b.submit(deposits, 1_001).unwrap();
    (a, b)
}

fn transfers(m: &Marketplace, agents: &[AgentKey]) -> Vec<SignedTx> {
    agents
        .iter()
        .enumerate()
        .map(|(i, from)| {
            let to = agents[(i + 1) % agents.len()].id();
            m.sign_with_nonce(from, 0, Action::Transfer { to, asset: AssetId(1), amount: 10 + i as u128 })
        })
        .collect()
}

#[test]
fn an_admitted_block_commits_the_same_outcome_as_a_fully_checked_one() {
    let dir = tempfile::tempdir().unwrap();
    let operator = key(200);
    let agents: Vec<AgentKey> = (1..=20).map(key).collect();
    let (mut full, mut admitted_market) = twin_markets(dir.path(), &operator, &agents);
    let txs = transfers(&full, &agents);
    let genesis = full.genesis_hash();
    let admitted: Vec<AdmittedTx> = txs.iter().map(|tx| AdmittedTx::admit(tx.clone(), &genesis).unwrap()).collect();

    let checked = full.submit(txs, 1_002).unwrap();
    let (_, trusted) = admitted_market.submit_admitted(admitted, 1_002).unwrap();
    assert_eq!(checked.receipts, trusted.receipts);
    assert_eq!(checked.digest, trusted.digest);
    assert!(trusted.receipts.iter().all(|r| r.status == Status::Ok));
    let replay = admitted_market.replay(dir.path().join("replayed.redb")).unwrap();
    assert_eq!(replay.digest, trusted.digest, "replay checks everything again");
    assert_eq!(replay.first_mismatch, None);
}

#[test]
fn admission_does_not_vouch_for_a_forged_transaction_beside_admitted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let operator = key(200);
    let agents: Vec<AgentKey> = (1..=3).map(key).collect();
    let (_, mut m) = twin_markets(dir.path(), &operator, &agents);
    let genesis = m.genesis_hash();
    let honest = transfers(&m, &agents[..2]);
    // The thief signs a transfer out of agent 3's account with its own key.
    let thief = key(99);
    let body = TxBody {
        sender: agents[2].id(),
        nonce: 0,
        action: Action::Transfer { to: thief.id(), asset: AssetId(1), amount: 1_000_000 },
    };
    let forged = body.sign(&thief, &genesis);
    assert!(AdmittedTx::admit(forged.clone(), &genesis).is_err(), "admission itself refuses the forgery");

    // Admission for another chain does not vouch for this one either.
    let other_chain = [7u8; 32];
    let foreign_body = TxBody {
        sender: agents[2].id(),
        nonce: 0,
        action: Action::Transfer { to: thief.id(), asset: AssetId(1), amount: 5 },
    };
    let signed_elsewhere = foreign_body.sign(&agents[2], &other_chain);
    let elsewhere = AdmittedTx::admit(signed_elsewhere, &other_chain).unwrap();

    let mut admitted: Vec<AdmittedTx> = honest.into_iter().map(|tx| AdmittedTx::admit(tx, &genesis).unwrap()).collect();
    admitted.push(elsewhere);
    let before = m.balance(&agents[2].id(), AssetId(1)).unwrap();
    let (_, outcome) = m.submit_admitted(admitted, 1_002).unwrap();
    let statuses: Vec<Status> = outcome.receipts.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Status::Ok, Status::Ok, Status::BadSignature]);
    assert_eq!(m.balance(&agents[2].id(), AssetId(1)).unwrap(), before);
    assert_eq!(m.balance(&thief.id(), AssetId(1)).unwrap(), 0);
}
