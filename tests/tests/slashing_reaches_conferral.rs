//! # Attack: confer reputation that was slashed away
//!
//! An agent earns reputation from a trusted employer, pledges it on a loan and defaults (or
//! loses a dispute): its score is burned. Before this change the burn touched only the score:
//! its `received` total — the base of its conferral budget — and its standing stayed as they
//! were, so it could go on vouching for accomplices (or for its own sybils) with reputation it
//! no longer had.
//!
//! # Defence
//!
//! Every burn (loan default, dispute penalty: both go through the same burn) shrinks `received`
//! in the proportion of the score burned and records the points taken in `Slashed`, which
//! scales the agent's standing by the unslashed share of everything it ever received, at once
//! and at every later use. A fully slashed agent confers nothing; a partly slashed one confers
//! in proportion to what it kept.

mod common;

use agora_core::loans::{LoanId, LoanRecord, loan_key};
use agora_core::reputation::{STANDING_ONE, conferral_budget, slashed_points};
use agora_core::{Action, AgentKey, Amount, Canonical, Created, FieldBytes, StateView, Status, Table, TaskId};
use agora_tests::{TestOnlyAcceptAllProofs, USD, World, key};
use common::*;

const KIND_DEPTH: u64 = agora::proofs::DEFAULT_HASHCHAIN_DEPTH as u64;

/// A world whose operator is the one trusted seed, with the accept-all verifier.
fn world() -> World {
    let operator = key(200);
    let genesis = genesis_with(&operator, vec![operator.id()], vec![placeholder_hashchain_kind()]);
    let mut w = World::with_genesis(genesis, operator.clone());
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    w.register(&operator, 0);
    w
}

/// `employer` pays `worker` `price` for one proven task (the escrow deposited first).
fn hire(w: &mut World, employer: &AgentKey, worker: &AgentKey, price: Amount, seed: u64) {
    let spec = placeholder_hashchain_kind();
    let offer = offer_terms(w, spec.kind, salt(seed), vec![FieldBytes::from_u64(KIND_DEPTH)], price, 0);
    let task: TaskId = post_and_award(w, employer, worker, offer);
    let done = Action::SubmitCompletion {
        task,
        output_commitment: FieldBytes::from_u64(1),
        proof: vec![0; 128],
        sealed: None,
    };
    assert_eq!(w.run(worker, done), Status::Ok);
}

fn loan(w: &World, id: LoanId) -> LoanRecord {
    let bytes = w.state.get(Table::Loans, &loan_key(id)).expect("read").expect("loan exists");
    LoanRecord::from_canonical_bytes(&bytes).expect("loan decodes")
}

/// The borrower pledges `share_bps` of its score on a loan it can just cover (whole dollars,
/// one per 1,000 pledged points) and defaults. Returns (points burned, score just before).
fn default_on_a_loan(w: &mut World, lender: &AgentKey, borrower: &AgentKey, share_bps: u64) -> (u64, u64) {
    let pledge = reputation_now(w, &borrower.id()) * share_bps / 10_000 - 100;
    let principal = Amount::from(pledge / 1_000) * USD_1;
    let offer = Action::OfferLoan { asset: USD, principal, interest_bps: 0, due: w.time + 1_000, borrower: None };
    let receipt = w.run_receipt(lender, offer);
    assert_eq!(receipt.status, Status::Ok);
    let Created::Loan(id) = receipt.created else { panic!("expected a loan") };
    assert_eq!(w.run(borrower, Action::AcceptLoan { loan: id, pledge }), Status::Ok);
    w.time = loan(w, id).due + 1;
    let score = reputation_now(w, &borrower.id());
    assert_eq!(w.run(lender, Action::ClaimDefault { loan: id }), Status::Ok);
    (loan(w, id).burned, score)
}

/// Sets up an employer with 40,000 points earned from the trusted operator and an epoch of
/// standing, and a lender.
fn reputable_employer(w: &mut World) -> (AgentKey, AgentKey) {
    let (lender, employer) = (key(1), key(2));
    w.register(&lender, 100 * USD_1);
    w.register(&employer, 0);
    let operator = w.operator.clone();
    hire(w, &operator, &employer, 40 * USD_1, 1);
    start_next_epoch(w);
    assert!(standing(w, &employer.id()) > 0, "the trusted edge gives the employer standing");
    (lender, employer)
}

#[test]
fn a_slashed_agent_cannot_confer_reputation_it_lost() {
    let mut w = world();
    let (lender, employer) = reputable_employer(&mut w);
    let share = w.config.genesis.reputation.conferral_share_ppm;
    let before = w.account(&employer.id());
    let standing_before = standing(&w, &employer.id());
    // Pledge (almost) everything it has, then default: the score is burned.
    let (burned, _) = default_on_a_loan(&mut w, &lender, &employer, 10_000);
    let after = w.account(&employer.id());
    let kept = reputation_now(&w, &employer.id());
    println!(
        "slashed employer: received {} -> {}, score burned {burned}, kept {kept}; standing {standing_before} -> {} ppm; \
         slashed {}",
        before.received,
        after.received,
        standing(&w, &employer.id()),
        slashed_points(&w.state, &employer.id()).expect("read")
    );
    assert!(kept <= 200, "the default burned (nearly) the whole score");
    assert!(
        u128::from(conferral_budget(after.received, share)) * 1_000
            <= u128::from(conferral_budget(before.received, share)) * 5,
        "at most 0.5 % of the budget is left for reputation that was destroyed"
    );
    assert!(standing(&w, &employer.id()) <= STANDING_ONE / 100, "(next to) no standing is left to vouch with");

    // It now hires an accomplice for a 40 USD task: the accomplice gains (next to) nothing.
    let accomplice = key(3);
    w.register(&accomplice, 0);
    hire(&mut w, &employer, &accomplice, 40 * USD_1, 2);
    let gained = w.account(&accomplice.id()).received;
    println!("accomplice hired after the slash gained {gained} points (budget before the slash: {})", {
        conferral_budget(before.received, share)
    });
    assert!(
        gained <= conferral_budget(after.received, share),
        "a slashed agent conferred {gained} points, more than it kept"
    );
    assert!(gained * 1_000 <= conferral_budget(before.received, share) * 5, "conferred {gained}: reputation it lost");
}

#[test]
fn a_partly_slashed_agent_confers_in_proportion_to_what_it_kept() {
    let mut w = world();
    let (lender, employer) = reputable_employer(&mut w);
    let share = w.config.genesis.reputation.conferral_share_ppm;
    let before = w.account(&employer.id());
    let standing_before = standing(&w, &employer.id());
    // A quarter of the score is pledged and burned.
    let (burned, score) = default_on_a_loan(&mut w, &lender, &employer, 2_500);
    let after = w.account(&employer.id());
    let slashed = slashed_points(&w.state, &employer.id()).expect("read");
    let standing_after = standing(&w, &employer.id());
    println!(
        "partly slashed: score {score}, burned {burned}; received {} -> {}, slashed {slashed}; standing {standing_before} -> \
         {standing_after} ppm",
        before.received, after.received
    );
    // received shrinks by the burned share of the score (within a point of rounding).
    let expected = u128::from(before.received) * u128::from(score - burned) / u128::from(score);
    assert!(u128::from(after.received).abs_diff(expected) <= 2, "received {} vs {expected}", after.received);
    assert_eq!(after.received + slashed, before.received, "what was taken is recorded");
    // Standing scaled by the kept share, 3/4 (rounding: a few ppm).
    let expected_standing = u128::from(standing_before) * u128::from(after.received) / u128::from(before.received);
    assert!(u128::from(standing_after).abs_diff(expected_standing) <= 2, "{standing_after} vs {expected_standing}");
    assert!(conferral_budget(after.received, share) < conferral_budget(before.received, share));

    // What it can still confer on an accomplice is bounded by the reduced budget.
    let accomplice = key(3);
    w.register(&accomplice, 0);
    for seed in 2..5 {
        hire(&mut w, &employer, &accomplice, 100 * USD_1, seed);
    }
    let gained = w.account(&accomplice.id()).received;
    println!("accomplice gained {gained}, reduced budget {}", conferral_budget(after.received, share));
    assert!(gained <= conferral_budget(after.received, share));
    assert!(gained > 0, "the unslashed part still vouches");
}
