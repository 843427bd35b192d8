//! Blocks committed through the pipeline (the signatures of the next block checked while the
//! current one applies and commits) get exactly the receipts, state and digests of the same
//! blocks committed one by one: a forged signature, a transaction for another chain or an
//! oversized field still gets its own status in place and changes nothing, and replay (which
//! runs the same pipeline, checking every signature itself) reaches the same digest.

#![allow(clippy::unwrap_used, reason = "test helpers: an unwrap failing is the test failing")]

use agora::core::Signature;
use agora::{Action, AgentKey, AssetId, Genesis, Marketplace, SignedTx, Status};

fn key(seed: u8) -> AgentKey {
    AgentKey::from_seed([seed; 32])
}

/// Five blocks of transfers among `agents`, with faults in three of them: a forged signature,
/// a transaction signed for another chain, and (in the last block) a repeat of an already
/// used nonce.
fn blocks(m: &Marketplace, operator: &AgentKey, agents: &[AgentKey]) -> Vec<(Vec<SignedTx>, u64)> {
    let mut out = Vec::new();
    let deposits = agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            m.sign_with_nonce(operator, i as u64, Action::Deposit { to: a.id(), asset: AssetId(1), amount: 1_000 })
        })
        .collect();
    out.push((deposits, 1_001));
    for round in 0..4u64 {
        let mut txs: Vec<SignedTx> = agents
            .iter()
            .enumerate()
            .map(|(i, from)| {
                let to = agents[(i + 1) % agents.len()].id();
                m.sign_with_nonce(from, round, Action::Transfer { to, asset: AssetId(1), amount: 1 + i as u128 })
            })
            .collect();
        match round {
            0 => txs[3].signature = Signature::from_bytes([9; 64]),
            1 => {
                let other_chain =
                    agora::TxBody { sender: agents[5].id(), nonce: 1, action: txs[5].body.action.clone() };
                txs[5] = other_chain.sign(&agents[5], &[7; 32]);
            }
            3 => txs.push(txs[0].clone()),
            _ => {}
        }
        out.push((txs, 1_002 + round));
    }
    out
}

#[test]
fn pipelined_blocks_commit_the_outcomes_of_blocks_committed_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let operator = key(200);
    let agents: Vec<AgentKey> = (1..=150).map(key).collect();
    let genesis = Genesis::development(operator.id(), 1_000);
    let mut serial = Marketplace::create(dir.path().join("serial.redb"), genesis.clone()).unwrap();
    let mut piped = Marketplace::create(dir.path().join("piped.redb"), genesis).unwrap();
    let batches = blocks(&serial, &operator, &agents);

    let one_by_one: Vec<_> = batches.iter().map(|(txs, time)| serial.submit(txs.clone(), *time).unwrap()).collect();
    let pipelined = piped.submit_pipelined(batches).unwrap();
    assert_eq!(pipelined.len(), one_by_one.len());
    for (a, b) in one_by_one.iter().zip(&pipelined) {
        assert_eq!(a.receipts, b.receipts);
        assert_eq!(a.digest, b.digest);
    }
    let statuses = |i: usize| pipelined[i].receipts.iter().map(|r| r.status).collect::<Vec<_>>();
    assert_eq!(statuses(1)[3], Status::BadSignature, "a forged signature keeps its place");
    assert_eq!(statuses(2)[5], Status::BadSignature, "a transaction for another chain too");
    assert!(statuses(4).last().is_some_and(|s| *s != Status::Ok), "a replayed transaction is refused");
    let refused: usize = pipelined.iter().map(|o| o.receipts.iter().filter(|r| r.status != Status::Ok).count()).sum();
    // The refused senders' next transactions carry a nonce one too high, so they are refused too.
    assert!(refused >= 4, "every fault and its follow-ups are refused: {refused}");
    assert_eq!(
        serial.balance(&agents[3].id(), AssetId(1)).unwrap(),
        piped.balance(&agents[3].id(), AssetId(1)).unwrap()
    );

    let replay = piped.replay(dir.path().join("replayed.redb")).unwrap();
    assert!(replay.matches(), "replay through its own pipeline reaches every recorded digest");
    assert_eq!(replay.digest, pipelined.last().unwrap().digest);
}

#[test]
fn a_pipeline_stops_at_a_block_that_does_not_follow_and_keeps_the_blocks_before() {
    let dir = tempfile::tempdir().unwrap();
    let operator = key(201);
    let agents: Vec<AgentKey> = (1..=8).map(key).collect();
    let mut m = Marketplace::create(dir.path().join("m.redb"), Genesis::development(operator.id(), 1_000)).unwrap();
    let mut batches = blocks(&m, &operator, &agents);
    // Block 3 goes back in time: the whole run stops there, blocks 1 and 2 stay committed.
    batches[2].1 = 900;
    assert!(m.submit_pipelined(batches).is_err());
    assert_eq!(m.tip().height, 2);
}
