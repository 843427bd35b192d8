//! Poseidon over BN254 `Fr`: parameters, native hash and the matching in-circuit gadget.
//!
//! Parameters: width 3 (rate 2, capacity 1), S-box `x^5`, 8 full + 57 partial rounds, round
//! constants and MDS matrix from the Grain LFSR
//! (`find_poseidon_ark_and_mds::<Fr>(254, 2, 8, 57, 0)`).
//!
//! `hash(inputs)` is the arkworks duplex sponge started from the all-zero state: absorb every
//! input (two per permutation, added into the rate part), then squeeze one element. There is
//! no length padding, so `hash([a])` equals `hash([a, 0])`: every use in this crate hashes a
//! fixed number of elements per statement, which makes this harmless there.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_crypto_primitives::sponge::constraints::CryptographicSpongeVar;
use ark_crypto_primitives::sponge::poseidon::constraints::PoseidonSpongeVar;
use ark_crypto_primitives::sponge::poseidon::{PoseidonConfig, PoseidonSponge, find_poseidon_ark_and_mds};
use ark_crypto_primitives::sponge::{CryptographicSponge, FieldBasedCryptographicSponge};
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Bit size of the BN254 scalar field modulus, fed to the Grain LFSR.
pub const PRIME_BITS: u64 = 254;
/// Sponge rate (field elements absorbed per permutation).
pub const RATE: usize = 2;
/// Sponge capacity.
pub const CAPACITY: usize = 1;
/// S-box exponent.
pub const ALPHA: u64 = 5;
/// Number of full rounds.
pub const FULL_ROUNDS: usize = 8;
/// Number of partial rounds.
pub const PARTIAL_ROUNDS: usize = 57;
/// Number of MDS matrices skipped in the Grain LFSR output.
pub const SKIP_MATRICES: u64 = 0;

/// R1CS constraints of one permutation on a fully variable state:
/// 3 per S-box (`x^5`), `8·3 + 57·1` S-boxes.
pub const CONSTRAINTS_PER_PERMUTATION: usize = 3 * (FULL_ROUNDS * (RATE + CAPACITY) + PARTIAL_ROUNDS);

static PARAMS: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();

/// The Poseidon parameters used everywhere in Agora, built once.
pub fn poseidon_params() -> &'static PoseidonConfig<Fr> {
    PARAMS.get_or_init(|| {
        let (ark, mds) =
            find_poseidon_ark_and_mds::<Fr>(PRIME_BITS, RATE, FULL_ROUNDS as u64, PARTIAL_ROUNDS as u64, SKIP_MATRICES);
        PoseidonConfig::new(FULL_ROUNDS, PARTIAL_ROUNDS, ALPHA, mds, ark, RATE, CAPACITY)
    })
}

/// Number of permutations `hash` runs for `n` inputs: one per full rate block absorbed before
/// the last, plus the one before squeezing.
pub const fn permutations_for(n: usize) -> usize {
    if n == 0 { 1 } else { n.div_ceil(RATE) }
}

/// Native Poseidon hash: absorb all `inputs`, squeeze one field element.
pub fn hash(inputs: &[Fr]) -> Fr {
    let mut sponge = PoseidonSponge::<Fr>::new(poseidon_params());
    sponge.absorb(&inputs);
    let out = sponge.squeeze_native_field_elements(1);
    out[0]
}

/// In-circuit Poseidon hash, equal to [`hash`] on the same values.
///
/// Costs about [`CONSTRAINTS_PER_PERMUTATION`] constraints per permutation (a little less for
/// the first one, whose capacity element is still the constant zero).
pub fn hash_var(cs: ConstraintSystemRef<Fr>, inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut sponge = PoseidonSpongeVar::<Fr>::new(cs, poseidon_params());
    sponge.absorb(&inputs)?;
    sponge.squeeze_field_elements(1)?.into_iter().next().ok_or(SynthesisError::Unsatisfiable)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use ark_ff::{BigInteger, PrimeField};
    use ark_r1cs_std::{GR1CSVar, alloc::AllocVar};
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal};
    use proptest::prelude::*;

    fn fr_hex(x: Fr) -> String {
        let bytes = x.into_bigint().to_bytes_be();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn parameters_shape() {
        let p = poseidon_params();
        assert_eq!(p.rate, 2);
        assert_eq!(p.capacity, 1);
        assert_eq!(p.alpha, 5);
        assert_eq!(p.full_rounds, 8);
        assert_eq!(p.partial_rounds, 57);
        assert_eq!(p.ark.len(), 65);
        assert_eq!(p.mds.len(), 3);
        assert_eq!(CONSTRAINTS_PER_PERMUTATION, 243);
    }

    #[test]
    fn test_vector_hash_1_2() {
        let h = hash(&[Fr::from(1u64), Fr::from(2u64)]);
        println!("hash([1,2]) = {h} = 0x{}", fr_hex(h));
        assert_eq!(fr_hex(h), TEST_VECTOR_1_2_HEX);
        assert_eq!(h.to_string(), TEST_VECTOR_1_2_DEC);
    }

    /// `hash([1, 2])`, big-endian hex. Changing any parameter changes this value.
    const TEST_VECTOR_1_2_HEX: &str = "0fca49b798923ab0239de1c9e7a4a9a2210312b6a2f616d18b5a87f9b628ae29";
    /// `hash([1, 2])`, decimal.
    const TEST_VECTOR_1_2_DEC: &str = "7142104613055408817911962100316808866448378443474503659992478482890339429929";

    fn circuit_hash(values: &[Fr]) -> (Fr, usize, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        let vars: Vec<_> = values.iter().map(|v| FpVar::new_witness(cs.clone(), || Ok(*v)).unwrap()).collect();
        let out = hash_var(cs.clone(), &vars).unwrap();
        let value = out.value().unwrap();
        // Bind the output so the last permutation is really constrained.
        let expected = FpVar::new_input(cs.clone(), || Ok(value)).unwrap();
        use ark_r1cs_std::eq::EqGadget;
        out.enforce_equal(&expected).unwrap();
        cs.finalize();
        (value, cs.num_constraints() - 1, cs.is_satisfied().unwrap())
    }

    #[test]
    fn constraints_per_permutation() {
        // First permutation: capacity still constant zero, so the first full round saves the
        // S-boxes on constant lanes (2 of 3 with one input, 1 of 3 with two inputs).
        let (_, c1, ok1) = circuit_hash(&[Fr::from(7u64)]);
        let (_, c2, ok2) = circuit_hash(&[Fr::from(7u64), Fr::from(8u64)]);
        let (_, c3, ok3) = circuit_hash(&[Fr::from(7u64), Fr::from(8u64), Fr::from(9u64)]);
        let (_, c4, ok4) = circuit_hash(&[Fr::from(1u64); 4]);
        assert!(ok1 && ok2 && ok3 && ok4);
        assert_eq!(c1, 237);
        assert_eq!(c2, 240);
        assert_eq!(c3, 240 + 243);
        assert_eq!(c4, 240 + 243);
        assert_eq!(c3 - c2, CONSTRAINTS_PER_PERMUTATION);
    }

    #[test]
    fn permutation_counts() {
        assert_eq!(permutations_for(0), 1);
        assert_eq!(permutations_for(1), 1);
        assert_eq!(permutations_for(2), 1);
        assert_eq!(permutations_for(3), 2);
        assert_eq!(permutations_for(65), 33);
    }

    #[test]
    fn empty_input_agrees() {
        let (v, _, ok) = circuit_hash(&[]);
        assert!(ok);
        assert_eq!(v, hash(&[]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn native_and_circuit_agree(raw in prop::collection::vec(any::<[u8; 32]>(), 0..7)) {
            let values: Vec<Fr> = raw.iter().map(|b| Fr::from_le_bytes_mod_order(b)).collect();
            let (v, _, ok) = circuit_hash(&values);
            prop_assert!(ok);
            prop_assert_eq!(v, hash(&values));
        }

        #[test]
        fn distinct_inputs_distinct_outputs(a in any::<u64>(), b in any::<u64>()) {
            prop_assume!(a != b);
            prop_assert_ne!(hash(&[Fr::from(a)]), hash(&[Fr::from(b)]));
        }
    }
}
