//! G2 subgroup membership of BN254 with one 63-bit scalar multiplication.
//!
//! A point P of the twist E'(Fq2) lies in the prime-order subgroup G2 exactly when
//!
//! ```text
//! [x+1]P + ψ([x]P) + ψ²([x]P) = ψ³([2x]P)
//! ```
//!
//! where x = 4965661367192848881 is the BN seed and ψ the untwist-Frobenius-twist endomorphism
//! (Dai, Lin, Zhao, Zhou, "Fast subgroup membership testings for G1, G2 and GT on
//! pairing-friendly curves", ePrint 2022/348, §5.1; its conditions x ≢ 4 (mod 13) and
//! x ≢ 92 (mod 97) hold for this seed and are checked by a test). arkworks tests ψ(P) = [6x²]P
//! instead, a 127-bit multiplication; this test needs one by the 63-bit x, about half the work.
//! `tests/g2_membership.rs` checks that both tests agree on points of G2, on random points of
//! the twist, and on points of G2 plus a torsion point of each prime factor of the cofactor.

use ark_bn254::{Fq, Fq2, G2Affine, G2Projective};
use ark_ec::{AffineRepr, PrimeGroup};
use ark_ff::{Field, MontFp, PrimeField};
use std::sync::OnceLock;

/// The BN254 seed x.
pub const BN_SEED: u64 = 4_965_661_367_192_848_881;

/// ψ's coefficients, computed once from their definition: ξ^((p−1)/3) and ξ^((p−1)/2) with
/// ξ = 9 + u the twist's non-residue.
fn psi_coefficients() -> &'static (Fq2, Fq2) {
    static COEFFS: OnceLock<(Fq2, Fq2)> = OnceLock::new();
    COEFFS.get_or_init(|| {
        let xi = Fq2::new(MontFp!("9"), Fq::ONE);
        // p is odd, so p − 1 only changes the lowest limb.
        let mut p_minus_1 = Fq::MODULUS.0;
        p_minus_1[0] -= 1;
        let third = div_small(p_minus_1, 3);
        let half = div_small(p_minus_1, 2);
        (xi.pow(third), xi.pow(half))
    })
}

/// `limbs / d` for a little-endian 256-bit number divisible by `d`.
fn div_small(limbs: [u64; 4], d: u64) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut rest: u128 = 0;
    for i in (0..4).rev() {
        let current = (rest << 64) | u128::from(limbs[i]);
        out[i] = (current / u128::from(d)) as u64;
        rest = current % u128::from(d);
    }
    out
}

/// ψ on Jacobian coordinates: (X, Y, Z) ↦ (c0·X̄, c1·Ȳ, Z̄), where ¯ is the Frobenius of Fq2.
pub fn psi(p: &G2Projective) -> G2Projective {
    let (c0, c1) = psi_coefficients();
    let mut out = *p;
    out.x.frobenius_map_in_place(1);
    out.y.frobenius_map_in_place(1);
    out.z.frobenius_map_in_place(1);
    out.x *= c0;
    out.y *= c1;
    out
}

/// True when `point` (assumed on the curve) is in G2.
pub fn is_in_g2(point: &G2Affine) -> bool {
    let p = point.into_group();
    let xp = p.mul_bigint([BN_SEED]);
    let psi_xp = psi(&xp);
    let lhs = xp + p + psi_xp + psi(&psi_xp);
    let rhs = psi(&psi(&psi(&(xp + xp))));
    lhs == rhs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_meets_the_conditions_of_the_test() {
        assert_ne!(BN_SEED % 13, 4);
        assert_ne!(BN_SEED % 97, 92);
    }

    #[test]
    fn psi_of_a_g2_point_is_six_x_squared_times_it() {
        let g = G2Projective::generator();
        let six_x_squared = 6u128 * u128::from(BN_SEED) * u128::from(BN_SEED);
        let limbs = [six_x_squared as u64, (six_x_squared >> 64) as u64];
        assert_eq!(psi(&g), g.mul_bigint(limbs));
        assert!(is_in_g2(&G2Affine::generator()));
        assert!(is_in_g2(&G2Affine::zero()));
    }
}
