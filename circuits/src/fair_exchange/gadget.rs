//! In-circuit fair exchange: the envelope's public inputs, ECDH on BabyJubJub and the Poseidon
//! stream cipher, computing exactly what [`crate::fair_exchange::cipher`] computes natively.
//!
//! BabyJubJub's coordinates are elements of the circuit's own field, so the curve arithmetic is
//! native (arkworks' `EdwardsVar`, complete twisted Edwards formulas: no exceptional cases for
//! points on the curve).

use std::sync::OnceLock;

use ark_ec::twisted_edwards::TECurveConfig;
use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ed_on_bn254::{EdwardsConfig, EdwardsProjective};
use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::{
    alloc::AllocVar,
    boolean::Boolean,
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
    groups::CurveVar,
};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use crate::Fr;
use crate::babyjubjub::{SCALAR_BITS, Scalar, generator};
use crate::fair_exchange::cipher::{CIPHERTEXT_DOMAIN_TAG, KEY_DOMAIN_TAG, STREAM_DOMAIN_TAG, domain};
use crate::fair_exchange::{Envelope, MAX_FAIR_EXCHANGE_FIELDS};
use crate::gadgets::alloc_input;
use crate::poseidon::hash_var;

/// `G·2^i` for `i < SCALAR_BITS`: the fixed-base table of the ephemeral key's multiplication.
fn generator_powers() -> &'static [EdwardsProjective] {
    static POWERS: OnceLock<Vec<EdwardsProjective>> = OnceLock::new();
    POWERS.get_or_init(|| {
        let mut power = EdwardsProjective::from(generator());
        (0..SCALAR_BITS)
            .map(|_| {
                let current = power;
                power += current;
                current
            })
            .collect()
    })
}

/// Allocates a curve point as two public inputs `x, y` (in that order) and enforces the curve
/// equation `x² + y² = 1 + d·x²·y²` on them (3 constraints).
///
/// Subgroup membership is not enforced here (it would cost a 251-bit scalar multiplication):
/// the state machine only accepts employer keys validated by
/// [`crate::babyjubjub::PublicKey::from_coordinates`].
pub fn alloc_point_input(cs: ConstraintSystemRef<Fr>, value: Option<(Fr, Fr)>) -> Result<EdwardsVar, SynthesisError> {
    let x = alloc_input(cs.clone(), value.map(|v| v.0))?;
    let y = alloc_input(cs, value.map(|v| v.1))?;
    enforce_on_curve(&x, &y)?;
    Ok(EdwardsVar::new(x, y))
}

/// Enforces `a·x² + y² = 1 + d·x²·y²` as `(d·x² − 1)·y² = a·x² − 1` (3 constraints).
pub fn enforce_on_curve(x: &FpVar<Fr>, y: &FpVar<Fr>) -> Result<(), SynthesisError> {
    let x2 = x.square()?;
    let y2 = y.square()?;
    let d_x2_minus_one = &x2 * EdwardsConfig::COEFF_D - Fr::ONE;
    let a_x2_minus_one = &x2 * EdwardsConfig::COEFF_A - Fr::ONE;
    d_x2_minus_one.mul_equals(&y2, &a_x2_minus_one)
}

/// Allocates the little-endian bits of a scalar as [`SCALAR_BITS`] boolean witnesses
/// ([`SCALAR_BITS`] constraints). `None` is for setup.
pub fn alloc_scalar_bits(
    cs: ConstraintSystemRef<Fr>,
    value: Option<Scalar>,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let bigint = value.map(|s| s.into_bigint());
    (0..SCALAR_BITS)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || bigint.map(|b| b.get_bit(i)).ok_or(SynthesisError::AssignmentMissing))
        })
        .collect()
}

/// `bits · G` by a fixed-base table (two bits per addition).
pub fn fixed_base_mul(bits: &[Boolean<Fr>]) -> Result<EdwardsVar, SynthesisError> {
    let mut result = EdwardsVar::zero();
    result.precomputed_base_scalar_mul_le(bits.iter().zip(generator_powers()))?;
    Ok(result)
}

/// `poseidon(KEY_DOMAIN, S.x, S.y)`.
pub fn shared_key_var(cs: ConstraintSystemRef<Fr>, point: &EdwardsVar) -> Result<FpVar<Fr>, SynthesisError> {
    hash_var(cs, &[FpVar::constant(domain(KEY_DOMAIN_TAG)), point.x.clone(), point.y.clone()])
}

/// `c_i = m_i + poseidon(STREAM_DOMAIN, key, i)` for every plaintext element.
pub fn encrypt_var(
    cs: ConstraintSystemRef<Fr>,
    key: &FpVar<Fr>,
    plaintext: &[FpVar<Fr>],
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    let tag = FpVar::constant(domain(STREAM_DOMAIN_TAG));
    plaintext
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let stream = hash_var(cs.clone(), &[tag.clone(), key.clone(), FpVar::constant(Fr::from(i as u64))])?;
            Ok(m + stream)
        })
        .collect()
}

/// `poseidon(CIPHERTEXT_DOMAIN, n, c_0, …, c_{n−1})`.
pub fn ciphertext_hash_var(cs: ConstraintSystemRef<Fr>, ciphertext: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut elems = Vec::with_capacity(ciphertext.len() + 2);
    elems.push(FpVar::constant(domain(CIPHERTEXT_DOMAIN_TAG)));
    elems.push(FpVar::constant(Fr::from(ciphertext.len() as u64)));
    elems.extend_from_slice(ciphertext);
    hash_var(cs, &elems)
}

/// Allocates the envelope's public inputs (`employer_key.x, employer_key.y, ephemeral_key.x,
/// ephemeral_key.y, ciphertext_hash`, in that order, after the base kind's) and enforces that
/// `plaintext` is encrypted under them:
///
/// * the employer key is on the curve;
/// * `ephemeral_key = r·G` for the private bits of `r`, and `ephemeral_key ≠ identity`;
/// * `S = r·employer_key`, `key = poseidon(KEY_DOMAIN, S.x, S.y)`;
/// * `ciphertext_hash = poseidon(CIPHERTEXT_DOMAIN, n, m_i + poseidon(STREAM_DOMAIN, key, i)…)`.
pub fn enforce_envelope(
    cs: ConstraintSystemRef<Fr>,
    plaintext: &[FpVar<Fr>],
    envelope: Option<&Envelope>,
    ephemeral_secret: Option<Scalar>,
) -> Result<(), SynthesisError> {
    if plaintext.is_empty() || plaintext.len() > MAX_FAIR_EXCHANGE_FIELDS {
        return Err(SynthesisError::Unsatisfiable);
    }
    let employer = alloc_point_input(cs.clone(), envelope.map(|e| (e.employer_key.x(), e.employer_key.y())))?;
    let ephemeral_x = alloc_input(cs.clone(), envelope.map(|e| e.ephemeral_key.x()))?;
    let ephemeral_y = alloc_input(cs.clone(), envelope.map(|e| e.ephemeral_key.y()))?;
    let ciphertext_hash = alloc_input(cs.clone(), envelope.map(|e| e.ciphertext_hash))?;

    let bits = alloc_scalar_bits(cs.clone(), ephemeral_secret)?;
    // The published ephemeral key is r·G, and not the identity (whose shared point would be the
    // identity for every employer: a key anyone knows). In the subgroup x = 0 only there.
    let ephemeral = fixed_base_mul(&bits)?;
    ephemeral.x.enforce_equal(&ephemeral_x)?;
    ephemeral.y.enforce_equal(&ephemeral_y)?;
    ephemeral_x.enforce_not_equal(&FpVar::zero())?;

    let shared = employer.scalar_mul_le(bits.iter())?;
    let key = shared_key_var(cs.clone(), &shared)?;
    let ciphertext = encrypt_var(cs.clone(), &key, plaintext)?;
    ciphertext_hash_var(cs, &ciphertext)?.enforce_equal(&ciphertext_hash)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::babyjubjub::SecretKey;
    use crate::fair_exchange::cipher::{Ciphertext, encrypt, shared_key};
    use ark_r1cs_std::GR1CSVar;
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal};
    use proptest::prelude::*;

    fn new_cs() -> ConstraintSystemRef<Fr> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs
    }

    fn key(bytes: [u8; 32]) -> SecretKey {
        SecretKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn an_off_curve_employer_key_is_unsatisfiable_in_circuit() {
        let pk = key([3; 32]).public_key();
        for (x, y, on_curve) in [(pk.x(), pk.y(), true), (pk.x() + Fr::ONE, pk.y(), false), (Fr::ONE, Fr::ONE, false)] {
            let cs = new_cs();
            let _point = alloc_point_input(cs.clone(), Some((x, y))).unwrap();
            assert_eq!(cs.num_constraints(), 3);
            assert_eq!(cs.is_satisfied().unwrap(), on_curve);
        }
    }

    /// Constraints of each part of the envelope, as listed in docs/CIRCUITS.md.
    #[test]
    fn envelope_costs_are_pinned() {
        let cs = new_cs();
        cs.set_mode(ark_relations::gr1cs::SynthesisMode::Setup);
        let mut marks = vec![0];
        let mut mark = |cs: &ConstraintSystemRef<Fr>| marks.push(cs.num_constraints());
        let employer = alloc_point_input(cs.clone(), None).unwrap();
        mark(&cs);
        let bits = alloc_scalar_bits(cs.clone(), None).unwrap();
        mark(&cs);
        let ephemeral = fixed_base_mul(&bits).unwrap();
        mark(&cs);
        let input = alloc_input(cs.clone(), None).unwrap();
        ephemeral.x.enforce_equal(&input).unwrap();
        ephemeral.y.enforce_equal(&input).unwrap();
        input.enforce_not_equal(&FpVar::zero()).unwrap();
        mark(&cs);
        let shared = employer.scalar_mul_le(bits.iter()).unwrap();
        mark(&cs);
        let k = shared_key_var(cs.clone(), &shared).unwrap();
        mark(&cs);
        let m = FpVar::new_witness(cs.clone(), || Ok(Fr::ONE)).unwrap();
        let ct = encrypt_var(cs.clone(), &k, std::slice::from_ref(&m)).unwrap();
        mark(&cs);
        let _ = ciphertext_hash_var(cs.clone(), &[ct[0].clone(), m.clone()]).unwrap().enforce_equal(&input);
        mark(&cs);
        let _ = ciphertext_hash_var(cs.clone(), &[ct[0].clone(), m.clone(), m]).unwrap().enforce_equal(&input);
        mark(&cs);
        let costs: Vec<usize> = marks.windows(2).map(|w| w[1] - w[0]).collect();
        // On-curve check, scalar bits, r·G, the ephemeral key checks, r·employer_key, the key,
        // one keystream element (the addition is free), the ciphertext hash and its equality
        // for 2 and for 3 elements (its first block, domain tag and length, is constant).
        assert_eq!(costs, [3, 251, 1_002, 3, 3_260, 480, 480, 241, 484]);
        // The totals over the plain kinds (3 and 2 ciphertext elements).
        assert_eq!(3 + 251 + 1_002 + 3 + 3_260 + 480 + 3 * 480 + 484, 6_923);
        assert_eq!(3 + 251 + 1_002 + 3 + 3_260 + 480 + 2 * 480 + 241, 6_200);
    }

    #[test]
    fn scalar_edges_match_native() {
        let l_minus_one = -Scalar::ONE;
        for s in [Scalar::ONE, Scalar::from(2u64), Scalar::from(3u64), l_minus_one, l_minus_one - Scalar::ONE] {
            check_scalar(s);
        }
    }

    fn check_scalar(s: Scalar) {
        let base = key([7; 32]).public_key();
        let cs = new_cs();
        let bits = alloc_scalar_bits(cs.clone(), Some(s)).unwrap();
        let fixed = fixed_base_mul(&bits).unwrap().value().unwrap();
        let point = EdwardsVar::new_witness(cs.clone(), || Ok(base.point())).unwrap();
        let variable = point.scalar_mul_le(bits.iter()).unwrap().value().unwrap();
        assert!(cs.is_satisfied().unwrap());
        assert_eq!(fixed, generator() * s);
        assert_eq!(variable, base.point() * s);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]
        #[test]
        fn scalar_multiplications_match_native(bytes in any::<[u8; 32]>()) {
            check_scalar(Scalar::from_le_bytes_mod_order(&bytes));
        }

        #[test]
        fn encryption_matches_native(eph in any::<[u8; 31]>(), emp in any::<[u8; 31]>(), raw in prop::collection::vec(any::<u64>(), 1..4)) {
            let mut e = [1u8; 32];
            e[..31].copy_from_slice(&eph);
            let mut m = [2u8; 32];
            m[..31].copy_from_slice(&emp);
            let (ephemeral, employer) = (key(e), key(m).public_key());
            let plaintext: Vec<Fr> = raw.iter().map(|&v| Fr::from(v)).collect();
            let sealed = encrypt(&ephemeral, &employer, &plaintext).unwrap();
            let cs = new_cs();
            let vars: Vec<FpVar<Fr>> = plaintext.iter().map(|v| FpVar::new_witness(cs.clone(), || Ok(*v)).unwrap()).collect();
            let point = EdwardsVar::new_witness(cs.clone(), || Ok(employer.point())).unwrap();
            let bits = alloc_scalar_bits(cs.clone(), Some(ephemeral.scalar())).unwrap();
            let shared = point.scalar_mul_le(bits.iter()).unwrap();
            let k = shared_key_var(cs.clone(), &shared).unwrap();
            prop_assert_eq!(k.value().unwrap(), shared_key(&ephemeral.diffie_hellman(&employer)));
            let ct = encrypt_var(cs.clone(), &k, &vars).unwrap();
            let values: Vec<Fr> = ct.iter().map(|c| c.value().unwrap()).collect();
            prop_assert_eq!(&values[..], sealed.ciphertext.elements());
            let h = ciphertext_hash_var(cs.clone(), &ct).unwrap();
            prop_assert_eq!(h.value().unwrap(), Ciphertext::new(values).unwrap().hash());
            prop_assert!(cs.is_satisfied().unwrap());
        }
    }
}
