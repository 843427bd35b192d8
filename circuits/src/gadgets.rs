//! Shared in-circuit building blocks: range checks by bit decomposition and the binding
//! public inputs.
//!
//! Bits are returned as `FpVar`s that are linear combinations (free to add and scale), so a
//! range-checked value costs exactly one constraint per bit and nothing else.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, BigInteger, Field, PrimeField};
use ark_r1cs_std::{GR1CSVar, alloc::AllocVar, boolean::Boolean, eq::EqGadget, fields::FieldVar, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Largest bit width accepted by [`enforce_range`]; keeps `2^bits` far below the modulus so a
/// decomposition is unique.
pub const MAX_RANGE_BITS: usize = 250;

/// `2^n` as a field element.
pub fn pow2(n: usize) -> Fr {
    Fr::from(2u64).pow([n as u64])
}

/// Allocates `bits` boolean witnesses holding the low `bits` bits of `value` (little-endian).
///
/// Costs `bits` constraints (one booleanity constraint each). `value = None` is for setup.
/// A `value` at or above `2^bits` is silently truncated: the caller's statement (a commitment
/// or an equality) is then what fails.
pub fn alloc_bits_le(
    cs: ConstraintSystemRef<Fr>,
    value: Option<u128>,
    bits: usize,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    if bits == 0 || bits > 128 {
        return Err(SynthesisError::Unsatisfiable);
    }
    (0..bits)
        .map(|i| {
            let bit = value.map(|v| (v >> i) & 1 == 1);
            Boolean::new_witness(cs.clone(), || bit.ok_or(SynthesisError::AssignmentMissing)).map(FpVar::from)
        })
        .collect()
}

/// `Σ bits[i]·2^i` as a linear combination (no constraints).
pub fn from_bits_le(bits: &[FpVar<Fr>]) -> FpVar<Fr> {
    let mut power = Fr::ONE;
    let mut terms = Vec::with_capacity(bits.len());
    for bit in bits {
        terms.push(bit * power);
        power.double_in_place();
    }
    terms.iter().sum()
}

/// Allocates an unsigned integer in `[0, 2^bits)` as a linear combination of `bits` fresh
/// boolean witnesses. Costs `bits` constraints; the result is range-checked by construction.
pub fn alloc_uint(cs: ConstraintSystemRef<Fr>, value: Option<u128>, bits: usize) -> Result<FpVar<Fr>, SynthesisError> {
    Ok(from_bits_le(&alloc_bits_le(cs, value, bits)?))
}

/// Enforces `x ∈ [0, 2^bits)` and returns its little-endian bits (as field variables).
///
/// Costs exactly `bits` constraints: bits `1..bits` are boolean witnesses and bit 0 is the
/// linear combination `x − Σ_{i≥1} bits[i]·2^i`, itself constrained to be boolean, which both
/// range-checks bit 0 and forces the decomposition to equal `x`.
pub fn enforce_range(
    cs: ConstraintSystemRef<Fr>,
    x: &FpVar<Fr>,
    bits: usize,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    if bits == 0 || bits > MAX_RANGE_BITS {
        return Err(SynthesisError::Unsatisfiable);
    }
    let value = x.value().ok().map(|v| v.into_bigint());
    let mut out = Vec::with_capacity(bits);
    let mut high = Vec::with_capacity(bits.saturating_sub(1));
    let mut power = Fr::ONE;
    for i in 1..bits {
        power.double_in_place();
        let bit = value.map(|v| v.get_bit(i));
        let b = FpVar::from(Boolean::new_witness(cs.clone(), || bit.ok_or(SynthesisError::AssignmentMissing))?);
        high.push(&b * power);
        out.push(b);
    }
    let high_sum: FpVar<Fr> = high.iter().sum();
    let bit0 = x - &high_sum;
    // bit0 · (1 − bit0) = 0
    bit0.mul_equals(&(FpVar::one() - &bit0), &FpVar::zero())?;
    out.insert(0, bit0);
    Ok(out)
}

/// The five shared binding public inputs, in allocation order.
#[derive(Clone, Debug)]
pub struct BindingVars {
    /// Public input 0: the chain (a hash of the deployment's genesis).
    pub chain_id: FpVar<Fr>,
    /// Public input 1: the task identifier.
    pub task_id: FpVar<Fr>,
    /// Public input 2: the worker identifier.
    pub worker_id: FpVar<Fr>,
    /// Public input 3: commitment to the task's private input.
    pub input_commitment: FpVar<Fr>,
    /// Public input 4: commitment to the task's output.
    pub output_commitment: FpVar<Fr>,
}

/// Allocates the binding public inputs `chain_id, task_id, worker_id, input_commitment,
/// output_commitment` (in that order). Must be the first inputs a circuit allocates.
///
/// No constraint mentions `chain_id` / `task_id` / `worker_id`; Groth16 (libsnark reduction, as
/// used by ark-groth16) still binds every public input through its own IC term, so a proof is
/// tied to exactly these values.
pub fn alloc_binding(
    cs: ConstraintSystemRef<Fr>,
    values: Option<[Fr; crate::BINDING_INPUTS]>,
) -> Result<BindingVars, SynthesisError> {
    let input =
        |i: usize| FpVar::new_input(cs.clone(), || values.map(|v| v[i]).ok_or(SynthesisError::AssignmentMissing));
    Ok(BindingVars {
        chain_id: input(0)?,
        task_id: input(1)?,
        worker_id: input(2)?,
        input_commitment: input(3)?,
        output_commitment: input(4)?,
    })
}

/// Allocates a private field element (`None` during setup).
pub fn alloc_witness(cs: ConstraintSystemRef<Fr>, value: Option<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    FpVar::new_witness(cs, || value.ok_or(SynthesisError::AssignmentMissing))
}

/// Allocates a public input (`None` during setup).
pub fn alloc_input(cs: ConstraintSystemRef<Fr>, value: Option<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    FpVar::new_input(cs, || value.ok_or(SynthesisError::AssignmentMissing))
}

/// Enforces `poseidon(inputs) == expected` (one constraint on top of the hash).
pub fn enforce_hash_eq(
    cs: ConstraintSystemRef<Fr>,
    inputs: &[FpVar<Fr>],
    expected: &FpVar<Fr>,
) -> Result<(), SynthesisError> {
    crate::poseidon::hash_var(cs, inputs)?.enforce_equal(expected)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal};
    use proptest::prelude::*;

    fn new_cs() -> ConstraintSystemRef<Fr> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs
    }

    /// Range-checks a witness holding `x`; returns (satisfied, constraints, recomposed bits).
    fn range(x: Fr, bits: usize) -> (bool, usize, Fr) {
        let cs = new_cs();
        let v = FpVar::new_witness(cs.clone(), || Ok(x)).unwrap();
        let out = enforce_range(cs.clone(), &v, bits).unwrap();
        assert_eq!(out.len(), bits);
        let recomposed = from_bits_le(&out).value().unwrap();
        cs.finalize();
        (cs.is_satisfied().unwrap(), cs.num_constraints(), recomposed)
    }

    #[test]
    fn range_costs_one_constraint_per_bit() {
        for bits in [1usize, 2, 16, 36, 64, 65, 128] {
            let (ok, n, _) = range(Fr::from(1u64), bits);
            assert!(ok);
            assert_eq!(n, bits);
        }
        let cs = new_cs();
        let _ = alloc_uint(cs.clone(), Some(5), 64).unwrap();
        assert_eq!(cs.num_constraints(), 64);
    }

    #[test]
    fn range_edges() {
        assert!(range(Fr::from(u64::MAX), 64).0);
        assert!(!range(pow2(64), 64).0);
        assert!(!range(-Fr::ONE, 64).0);
        assert!(!range(-Fr::ONE, 250).0);
        assert!(range(pow2(249), 250).0);
        assert!(range(Fr::from(0u64), 1).0);
        assert!(range(Fr::from(1u64), 1).0);
        assert!(!range(Fr::from(2u64), 1).0);
    }

    #[test]
    fn bad_widths_are_errors() {
        let cs = new_cs();
        let v = FpVar::new_witness(cs.clone(), || Ok(Fr::ONE)).unwrap();
        assert!(enforce_range(cs.clone(), &v, 0).is_err());
        assert!(enforce_range(cs.clone(), &v, MAX_RANGE_BITS + 1).is_err());
        assert!(alloc_bits_le(cs.clone(), Some(1), 0).is_err());
        assert!(alloc_bits_le(cs, Some(1), 129).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn in_range_accepted(x in any::<u64>(), extra in 0usize..8) {
            let (ok, _, back) = range(Fr::from(x), 64 + extra);
            prop_assert!(ok);
            prop_assert_eq!(back, Fr::from(x));
        }

        #[test]
        fn out_of_range_rejected(x in any::<u64>(), shift in 0usize..180) {
            // x + 2^(64+shift) >= 2^64, and negative numbers p - (x+1)
            let big = Fr::from(x) + pow2(64 + shift);
            prop_assert!(!range(big, 64).0);
            prop_assert!(!range(-Fr::from(x) - Fr::ONE, 64).0);
        }

        #[test]
        fn alloc_uint_roundtrip(x in any::<u128>(), bits in 1usize..=128) {
            let cs = new_cs();
            let v = alloc_uint(cs.clone(), Some(x), bits).unwrap();
            let mask = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
            prop_assert_eq!(v.value().unwrap(), Fr::from(x & mask));
            prop_assert!(cs.is_satisfied().unwrap());
        }
    }
}
