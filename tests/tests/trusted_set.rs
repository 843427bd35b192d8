//! # Attack: the genesis trusted set as a permanent gatekeeper (and a single operator changing it)
//!
//! Before this change the seeds of standing were fixed at genesis: an honest employer that was
//! not among them could never vouch with full weight, and a seed that went bad could never be
//! removed. The set now lives in state and changes by `ChangeTrusted`, at the genesis threshold
//! of distinct operator approvals of the same change within a day — the quorum rule of freezes
//! — so one operator alone can neither add an accomplice nor remove a rival. Every approval and
//! every change is in the hash-chained audit log; the next epoch's EigenTrust seeds from the
//! new set.

mod common;

use agora_core::reputation::{STANDING_ONE, trusted_set};
use agora_core::{Action, AgentKey, Amount, FieldBytes, Genesis, Status};
use agora_core::{AuditKind, audit_entries, verify_audit_chain};
use agora_tests::{TestOnlyAcceptAllProofs, World, key};
use common::*;

const PRICE: Amount = USD_1;

/// Three operators, two approvals needed; operator 0 (key 200) is the one genesis seed.
fn world() -> World {
    let operator = key(200);
    let mut genesis: Genesis = genesis_with(&operator, vec![operator.id()], vec![placeholder_hashchain_kind()]);
    genesis.operators = vec![operator.id(), key(201).id(), key(202).id()];
    genesis.arbitration.operator_threshold = 2;
    let mut w = World::with_genesis(genesis, operator.clone());
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    w
}

fn hire(w: &mut World, employer: &AgentKey, worker: &AgentKey, seed: u64) {
    let spec = placeholder_hashchain_kind();
    let depth = vec![FieldBytes::from_u64(u64::from(agora::proofs::DEFAULT_HASHCHAIN_DEPTH))];
    let offer = offer_terms(w, spec.kind, salt(seed), depth, PRICE, 0);
    let task = post_and_award(w, employer, worker, offer);
    let done = Action::SubmitCompletion {
        task,
        output_commitment: FieldBytes::from_u64(1),
        proof: vec![0; 128],
        sealed: None,
    };
    assert_eq!(w.run(worker, done), Status::Ok);
}

fn trusted(w: &World) -> Vec<agora_core::AgentId> {
    trusted_set(&w.state).expect("read").into_iter().collect()
}

fn change(add: bool, agent: &AgentKey) -> Action {
    Action::ChangeTrusted { agent: agent.id(), add }
}

#[test]
fn one_operator_alone_cannot_change_the_trusted_set() {
    let mut w = world();
    let (op0, op1, op2) = (key(200), key(201), key(202));
    let (newcomer, outsider) = (key(1), key(2));
    w.register(&newcomer, 0);
    assert_eq!(trusted(&w), vec![op0.id()], "seeded from the genesis list");

    assert_action_rejected(&mut w, &outsider, change(true, &newcomer), Status::NotOperator);
    assert_action_rejected(&mut w, &op1, change(true, &op0), Status::AlreadyTrusted);
    assert_action_rejected(&mut w, &op1, change(false, &newcomer), Status::NotTrusted);

    assert_eq!(w.run(&op1, change(true, &newcomer)), Status::Ok);
    assert_eq!(trusted(&w), vec![op0.id()], "one approval changes nothing");
    assert_action_rejected(&mut w, &op1, change(true, &newcomer), Status::TrustChangeConflict);

    // Approvals must gather within the TTL: a late second approval starts a new proposal.
    w.time += agora_core::limits::TRUST_PROPOSAL_TTL_SECS + 1;
    assert_eq!(w.run(&op2, change(true, &newcomer)), Status::Ok);
    assert_eq!(trusted(&w).len(), 1, "the first approval expired");
    assert_eq!(w.run(&op1, change(true, &newcomer)), Status::Ok);
    let mut expected = vec![op0.id(), newcomer.id()];
    expected.sort();
    assert_eq!(trusted(&w), expected, "two distinct operators within the TTL add it");

    // Removal takes the same quorum.
    assert_eq!(w.run(&op0, change(false, &op0)), Status::Ok);
    assert_eq!(trusted(&w), expected);
    assert_eq!(w.run(&op2, change(false, &op0)), Status::Ok);
    assert_eq!(trusted(&w), vec![newcomer.id()]);

    let trust_kinds = [AuditKind::TrustChangeApproved, AuditKind::TrustedAdded, AuditKind::TrustedRemoved];
    let kinds: Vec<AuditKind> =
        audit_entries(&w.state).expect("audit").iter().map(|e| e.kind).filter(|k| trust_kinds.contains(k)).collect();
    assert_eq!(
        kinds,
        vec![
            AuditKind::TrustChangeApproved,
            AuditKind::TrustChangeApproved,
            AuditKind::TrustChangeApproved,
            AuditKind::TrustedAdded,
            AuditKind::TrustChangeApproved,
            AuditKind::TrustChangeApproved,
            AuditKind::TrustedRemoved,
        ]
    );
    assert!(verify_audit_chain(&w.state, &w.config.genesis_hash).expect("verify").intact());
}

#[test]
fn an_honest_employer_added_after_genesis_vouches_like_a_seed_and_a_removed_seed_stops() {
    let mut w = world();
    let (op0, op1) = (key(200), key(201));
    let (employer, worker_a, worker_b, worker_c) = (key(1), key(2), key(3), key(4));
    for k in [&op0, &employer, &worker_a, &worker_b, &worker_c] {
        w.register(k, 0);
    }
    // Outside the set, with nothing received, the employer confers nothing.
    hire(&mut w, &employer, &worker_a, 1);
    assert_eq!(w.account(&worker_a.id()).received, 0, "no standing, no budget: nothing conferred");

    assert_eq!(w.run(&op0, change(true, &employer)), Status::Ok);
    assert_eq!(w.run(&op1, change(true, &employer)), Status::Ok);
    assert_eq!(standing(&w, &employer.id()), STANDING_ONE, "full standing at once");
    hire(&mut w, &employer, &worker_b, 2);
    let gained = w.account(&worker_b.id()).received;
    println!("added employer's first job earned its worker {gained} points (a genesis seed's: 1000)");
    assert_eq!(gained, 1_000, "an added seed confers like a genesis seed");
    // The next epoch's EigenTrust seeds from the new set: its worker gets standing.
    start_next_epoch(&mut w);
    assert!(standing(&w, &worker_b.id()) > 0, "trust flows from the added seed");

    // The genesis seed is removed: it no longer vouches (it never received, so no budget).
    assert_eq!(w.run(&op1, change(false, &op0)), Status::Ok);
    assert_eq!(w.run(&op0, change(false, &op0)), Status::Ok);
    hire(&mut w, &op0, &worker_c, 3);
    assert_eq!(w.account(&worker_c.id()).received, 0, "a removed seed confers nothing");
    start_next_epoch(&mut w);
    assert_eq!(standing(&w, &op0.id()), 0, "and gets no seed standing at the next recompute");
}
