//! The fast G2 membership test (`agora_zk::subgroup::is_in_g2`) gives arkworks' answer on
//! points of G2, on random points of the twist, and on points of G2 plus a torsion point of
//! each prime factor of the cofactor h2 = 10069 · 5864401 · 1875725156269 · q (q of 177 bits).

#![allow(clippy::unwrap_used, clippy::panic)]

use agora_zk::subgroup::is_in_g2;
use ark_bn254::{Fq, Fq2, Fr, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, PrimeField, UniformRand};
use ark_std::rand::{Rng, SeedableRng, rngs::StdRng};

/// A random point of the twist E'(Fq2), almost surely outside G2.
fn random_twist_point(rng: &mut StdRng) -> G2Affine {
    loop {
        let x = Fq2::new(Fq::rand(rng), Fq::rand(rng));
        if let Some(point) = G2Affine::get_point_from_x_unchecked(x, rng.r#gen()) {
            return point;
        }
    }
}

fn arkworks(point: &G2Affine) -> bool {
    point.is_in_correct_subgroup_assuming_on_curve()
}

/// Little-endian limbs of a decimal number.
fn limbs(decimal: &str) -> Vec<u64> {
    let mut out = vec![0u64; 8];
    for digit in decimal.bytes() {
        let mut carry = u128::from(digit - b'0');
        for limb in out.iter_mut() {
            let value = u128::from(*limb) * 10 + carry;
            *limb = value as u64;
            carry = value >> 64;
        }
    }
    out
}

#[test]
fn points_of_g2_are_members() {
    let mut rng = StdRng::seed_from_u64(1);
    let g = G2Projective::generator();
    for _ in 0..64 {
        let point = (g * Fr::rand(&mut rng)).into_affine();
        assert!(arkworks(&point));
        assert!(is_in_g2(&point));
    }
}

#[test]
fn random_twist_points_get_the_arkworks_answer() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut outside = 0;
    for _ in 0..128 {
        let point = random_twist_point(&mut rng);
        assert!(point.is_on_curve());
        assert_eq!(is_in_g2(&point), arkworks(&point), "{point}");
        outside += usize::from(!arkworks(&point));
    }
    assert!(outside > 120, "random points are almost never in G2: {outside}");
}

#[test]
fn g2_plus_a_torsion_point_of_each_cofactor_prime_is_refused() {
    let n = Fr::MODULUS.to_bytes_le();
    let n_limbs: Vec<u64> = n.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
    let h2 = "21888242871839275222246405745257275088844257914179612981679871602714643921549";
    let primes = ["10069", "5864401", "1875725156269", "197620364512881247228717050342013327560683201906968909"];
    let mut rng = StdRng::seed_from_u64(3);
    let g = G2Projective::generator();
    for q in primes {
        // T = [n · h2 / q] R has order dividing q; for a random R it is almost surely not 0.
        let cofactor_over_q = {
            let (h, q) = (limbs(h2), limbs(q));
            divide(&h, &q)
        };
        let mut found = 0;
        for _ in 0..8 {
            let r: G2Projective = random_twist_point(&mut rng).into_group();
            let torsion = r.mul_bigint(&n_limbs).mul_bigint(&cofactor_over_q);
            if torsion == G2Projective::default() {
                continue;
            }
            found += 1;
            let mixed = (g * Fr::rand(&mut rng) + torsion).into_affine();
            assert!(!arkworks(&mixed), "q = {q}");
            assert!(!is_in_g2(&mixed), "q = {q}: a point with a torsion part of order {q} passed");
            let pure = torsion.into_affine();
            assert_eq!(is_in_g2(&pure), arkworks(&pure));
        }
        assert!(found > 0, "no torsion point of order {q} found");
    }
}

/// Exact division of little-endian numbers (`a` divisible by `b`), by long division in bits.
fn divide(a: &[u64], b: &[u64]) -> Vec<u64> {
    let bits = a.len() * 64;
    let mut quotient = vec![0u64; a.len()];
    let mut remainder = vec![0u64; a.len() + 1];
    for i in (0..bits).rev() {
        // remainder = remainder · 2 + bit i of a
        let mut carry = (a[i / 64] >> (i % 64)) & 1;
        for limb in remainder.iter_mut() {
            let next = *limb >> 63;
            *limb = (*limb << 1) | carry;
            carry = next;
        }
        if !less(&remainder, b) {
            subtract(&mut remainder, b);
            quotient[i / 64] |= 1 << (i % 64);
        }
    }
    assert!(remainder.iter().all(|l| *l == 0), "not divisible");
    quotient
}

fn less(a: &[u64], b: &[u64]) -> bool {
    for i in (0..a.len().max(b.len())).rev() {
        let (x, y) = (a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        if x != y {
            return x < y;
        }
    }
    false
}

fn subtract(a: &mut [u64], b: &[u64]) {
    let mut borrow = 0u64;
    for (i, limb) in a.iter_mut().enumerate() {
        let (x, o1) = limb.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (y, o2) = x.overflowing_sub(borrow);
        *limb = y;
        borrow = u64::from(o1 || o2);
    }
}
