//! Batch verification cost is bounded: whatever mix of valid and invalid proofs a block
//! carries, the verifier's counted pairing work stays within 2 × the work of verifying every
//! proof on its own, while a lone bad proof in a large batch still costs only a few batch
//! checks. Real toy-circuit proofs, seeded RNGs; the cost is counted by the verifier itself
//! (Miller-loop pairs and final exponentiations), never timed.
//!
//! `AGORA_FULL=1` runs the larger sizes; `--nocapture` prints the counted figures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::{ProofClaim, ProofVerdict, ProofVerifier};
use agora_zk::toy::ToyCircuit;
use agora_zk::{Groth16Verifier, KeyPair, VerifyCost, fr_to_field, prove, setup_with_rng};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_std::rand::{SeedableRng, rngs::StdRng};

const EXTRA: usize = 1;

fn sizes() -> Vec<usize> {
    if std::env::var("AGORA_FULL").is_ok_and(|v| v == "1") { vec![2, 3, 16, 64, 256, 1024] } else { vec![2, 3, 16, 64] }
}

fn keys() -> KeyPair {
    setup_with_rng(ToyCircuit::shape(EXTRA), &mut StdRng::seed_from_u64(1)).unwrap()
}

fn honest_claims(keys: &KeyPair, n: usize) -> Vec<ProofClaim> {
    let mut rng = StdRng::seed_from_u64(2);
    (0..n)
        .map(|_| {
            let (x, y) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
            ProofClaim {
                key_id: keys.key_id,
                key: None,
                public_inputs: ToyCircuit::public_inputs(x, y, EXTRA).into_iter().map(fr_to_field).collect(),
                proof: prove(&keys.pk, ToyCircuit::with_witness(x, y, EXTRA), &mut rng).unwrap(),
            }
        })
        .collect()
}

/// The claim with its first public input changed: a well-formed proof of another statement.
fn spoiled(claim: &ProofClaim) -> ProofClaim {
    let mut c = claim.clone();
    c.public_inputs[0] = fr_to_field(agora_zk::field_to_fr(&c.public_inputs[0]) + Fr::from(1u64));
    c
}

/// Verifies `claims` as one batch; returns the verdicts and the counted cost.
fn run(v: &Groth16Verifier, claims: &[ProofClaim]) -> (Vec<ProofVerdict>, VerifyCost) {
    v.reset_cost();
    let verdicts = v.verify_batch(claims);
    (verdicts, v.cost())
}

fn verifier(keys: &KeyPair) -> Groth16Verifier {
    let mut v = Groth16Verifier::new();
    v.register(keys.vk.clone()).unwrap();
    v
}

fn expect(bad: &[bool]) -> Vec<ProofVerdict> {
    bad.iter().map(|&b| if b { ProofVerdict::Invalid } else { ProofVerdict::Valid }).collect()
}

fn show(what: &str, n: usize, cost: VerifyCost) {
    let per_proof_x100 = cost.single_equivalents_x100() / n.max(1) as u64;
    println!(
        "{what:>22}, n = {n:>4}: {:>6} Miller pairs, {:>5} final exps = {:>4}.{:02} single verifications ({}.{:02} per proof)",
        cost.miller_pairs,
        cost.final_exponentiations,
        cost.single_equivalents_x100() / 100,
        cost.single_equivalents_x100() % 100,
        per_proof_x100 / 100,
        per_proof_x100 % 100,
    );
}

/// The attack: a block of n proofs that all fail. Bisection used to re-check every sub-batch
/// of every level (about n·log2(n) Miller pairs); now the whole batch costs at most 2 × n
/// single verifications, counted.
#[test]
fn all_invalid_batch_costs_at_most_twice_single_verification() {
    let keys = keys();
    let v = verifier(&keys);
    for n in sizes() {
        let claims: Vec<_> = honest_claims(&keys, n).iter().map(spoiled).collect();
        let (verdicts, cost) = run(&v, &claims);
        show("all invalid", n, cost);
        assert_eq!(verdicts, vec![ProofVerdict::Invalid; n]);
        let bound = VerifyCost::singles(2 * n as u64);
        assert!(cost.within(bound), "n = {n}: {cost:?} exceeds {bound:?}");
    }
}

/// Half the proofs bad, alternating (the densest pattern for bisection): same bound.
#[test]
fn alternating_invalid_batch_costs_at_most_twice_single_verification() {
    let keys = keys();
    let v = verifier(&keys);
    for n in sizes() {
        let bad: Vec<bool> = (0..n).map(|i| i % 2 == 1).collect();
        let claims: Vec<_> =
            honest_claims(&keys, n).iter().zip(&bad).map(|(c, &b)| if b { spoiled(c) } else { c.clone() }).collect();
        let (verdicts, cost) = run(&v, &claims);
        show("every other invalid", n, cost);
        assert_eq!(verdicts, expect(&bad));
        assert!(cost.within(VerifyCost::singles(2 * n as u64)), "n = {n}: {cost:?}");
    }
}

/// One bad proof in a batch: exactly it is rejected, at the cost of about 2n Miller pairs and
/// O(log n) batch checks (final exponentiations), far below n single verifications for large n.
#[test]
fn one_invalid_proof_costs_logarithmically_many_batch_checks() {
    let keys = keys();
    let v = verifier(&keys);
    for n in sizes() {
        let honest = honest_claims(&keys, n);
        for position in [0, n / 2, n - 1] {
            let mut claims = honest.clone();
            claims[position] = spoiled(&claims[position]);
            let (verdicts, cost) = run(&v, &claims);
            if position == n - 1 {
                show("one invalid", n, cost);
            }
            let mut bad = vec![false; n];
            bad[position] = true;
            assert_eq!(verdicts, expect(&bad));
            assert!(cost.within(VerifyCost::singles(2 * n as u64)), "n = {n}: {cost:?}");
            // ⌈log2 n⌉ + 1 batch checks at most, plus a few singles at the bottom.
            let log = u64::from(usize::BITS - (n - 1).leading_zeros());
            assert!(cost.final_exponentiations <= 2 * log + 4, "n = {n}, bad at {position}: {cost:?}");
            assert!(cost.miller_pairs <= 3 * n as u64 + 6 * log + 12, "n = {n}, bad at {position}: {cost:?}");
        }
    }
}

/// All valid: one batch check, n + 3 Miller pairs and one final exponentiation.
#[test]
fn all_valid_batch_is_one_check() {
    let keys = keys();
    let v = verifier(&keys);
    for n in sizes() {
        let claims = honest_claims(&keys, n);
        let (verdicts, cost) = run(&v, &claims);
        show("all valid", n, cost);
        assert_eq!(verdicts, vec![ProofVerdict::Valid; n]);
        assert_eq!(cost, VerifyCost::batch_check(n as u64));
    }
}

/// The counter sees single verifications too, and a reset clears it.
#[test]
fn single_verification_is_counted() {
    let keys = keys();
    let v = verifier(&keys);
    let claim = honest_claims(&keys, 1).remove(0);
    v.reset_cost();
    assert_eq!(v.verify_single(&claim), ProofVerdict::Valid);
    assert_eq!(v.verify_batch(std::slice::from_ref(&claim)), vec![ProofVerdict::Valid]);
    assert_eq!(v.cost(), VerifyCost::singles(2));
    v.reset_cost();
    assert_eq!(v.cost(), VerifyCost::default());
}
