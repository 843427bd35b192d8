//! Block time is bounded (issue 11 §4): a producer cannot put the chain at the end of time, and
//! cannot move the clock faster than the genesis maximum step per block — so cool-downs, loan
//! due times and decay cannot be skipped.

use agora_core::limits::MAX_BLOCK_TIME;
use agora_core::{Action, Block, BlockError, BlockHeader, Status, apply_block};
use agora_tests::{World, key};

fn block_at(w: &World, time: u64, txs: Vec<agora_core::SignedTx>) -> Block {
    Block { header: BlockHeader { height: w.tip.height + 1, time, prev_digest: w.tip.digest }, txs }
}

fn refused(w: &World, block: &Block) -> BlockError {
    match apply_block(&w.config, &w.state, &w.tip, block, &agora_core::NoProofKeys) {
        Ok(outcome) => panic!("block at time {} was accepted: {:?}", block.header.time, outcome.receipts),
        Err(error) => error,
    }
}

#[test]
fn a_block_at_the_end_of_time_is_refused_with_its_stable_code() {
    let mut w = World::new();
    let op = w.operator.clone();
    let tx = w.sign(&op, Action::Deposit { to: key(1).id(), asset: agora_tests::USD, amount: 5 });
    let (state, tip) = (w.state.clone(), w.tip);
    for time in [u64::MAX, MAX_BLOCK_TIME + 1] {
        let error = refused(&w, &block_at(&w, time, vec![tx.clone()]));
        assert!(matches!(error, BlockError::TimeBeyondLimit(t) if t == time), "{error:?}");
        assert_eq!(error.code(), 1006);
    }
    let far = w.tip.time + w.config.genesis.max_block_time_step_secs + 1;
    let error = refused(&w, &block_at(&w, far, vec![tx.clone()]));
    assert!(matches!(error, BlockError::TimeStepTooLarge { .. }), "{error:?}");
    assert_eq!(error.code(), 1007);
    assert!(w.state == state && w.tip == tip, "a refused block changed nothing");
    // The chain is not stuck: the next block within one step applies.
    let receipts = w.apply(vec![tx]);
    assert_eq!(receipts[0].status, Status::Ok);
}

#[test]
fn a_bond_cooldown_cannot_be_skipped_in_fewer_blocks_than_the_step_allows() {
    let mut w = World::new();
    let agent = key(1);
    w.register(&agent, 0);
    assert_eq!(w.run(&agent, Action::Deregister {}), Status::Ok);
    let left_at = w.tip.time;
    let cooldown = w.config.bond_cooldown_secs;
    let step = w.config.genesis.max_block_time_step_secs;

    // One block straight to the end of the cool-down is refused.
    let reclaim = w.sign(&agent, Action::ReclaimBond {});
    let error = refused(&w, &block_at(&w, left_at + cooldown, vec![reclaim]));
    assert!(matches!(error, BlockError::TimeStepTooLarge { .. }), "{error:?}");

    // The fastest a producer may go: one maximum step per block, trying to reclaim every time.
    let mut blocks = 0u64;
    loop {
        let time = w.tip.time + step;
        let reclaim = w.sign(&agent, Action::ReclaimBond {});
        let block = block_at(&w, time, vec![reclaim]);
        let outcome = apply_block(&w.config, &w.state, &w.tip, &block, &agora_core::NoProofKeys).expect("applies");
        w.state.apply(&outcome.diff);
        w.tip = outcome.tip;
        blocks += 1;
        if outcome.receipts[0].status == Status::Ok {
            break;
        }
        assert_eq!(outcome.receipts[0].status, Status::CooldownActive);
    }
    println!("cool-down of {cooldown} s at a {step} s maximum step: reclaimed after {blocks} blocks");
    assert!(blocks >= cooldown.div_ceil(step), "cool-down skipped in {blocks} blocks");
    assert!(w.tip.time >= left_at + cooldown);
}

#[test]
fn a_genesis_without_a_positive_step_or_with_times_past_the_limit_is_refused() {
    let operator = key(200);
    let mut genesis = agora_core::Genesis::development(operator.id(), 1_000);
    genesis.max_block_time_step_secs = 0;
    assert!(genesis.validate().is_err());
    let mut genesis = agora_core::Genesis::development(operator.id(), MAX_BLOCK_TIME + 1);
    assert!(genesis.validate().is_err());
    genesis.genesis_time = 1_000;
    genesis.bond.cooldown_secs = u64::MAX;
    assert!(genesis.validate().is_err());
}
