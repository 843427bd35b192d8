//! Kind 2, `classify`: inference of a committed fixed-point linear classifier.
//!
//! Statement (public `chain_id, task_id, worker_id, input_commitment, output_commitment,
//! model_commitment`): there exist `weights[0..D]`, `bias`, `features[0..D]` (all signed
//! integers in `[VALUE_MIN, VALUE_MAX]`), `model_salt`, `input_salt`, `output_salt` such that
//!
//! * `model_commitment  = poseidon(weights[0], …, weights[D-1], bias, model_salt)`,
//! * `input_commitment  = poseidon(features[0], …, features[D-1], input_salt)`,
//! * `score = Σ weights[i]·features[i] + bias` (exact integer, `|score| < 2^35`),
//! * `label = 1` if `score ≥ 0`, else `0`,
//! * `output_commitment = poseidon(label, output_salt)`.
//!
//! Encoding: a signed value `v` is the field element `v` if `v ≥ 0` and `p − |v|` otherwise
//! ([`encode_signed`]); fixed-point scaling is the caller's convention (the circuit only sees
//! integers). In the circuit each value is `u − 2^15` with `u` built from 16 boolean witnesses,
//! so it lies in `[−2^15, 2^15)` by construction. With that bound `|w·x| ≤ 2^30`, so
//! `|score| ≤ 16·2^30 + 2^15 < 2^35`; the circuit range-checks `score + 2^35` to 36 bits and
//! reads `label` as bit 35.

use ark_bn254::Fr;
use ark_r1cs_std::{
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::error::EvalError;
use crate::gadgets::{alloc_binding, alloc_input, alloc_uint, alloc_witness, enforce_hash_eq, enforce_range, pow2};
use crate::poseidon::hash;

/// Kind number of `classify`.
pub const KIND: u16 = 2;
/// Number of features (and weights).
pub const D: usize = 16;
/// Bit width of a signed value: every weight, feature and the bias lie in `[−2^15, 2^15)`.
pub const VALUE_BITS: usize = 16;
/// Smallest allowed weight / feature / bias: `−2^15`.
pub const VALUE_MIN: i32 = -(1 << (VALUE_BITS - 1));
/// Largest allowed weight / feature / bias: `2^15 − 1`.
pub const VALUE_MAX: i32 = (1 << (VALUE_BITS - 1)) - 1;
/// `score + 2^SCORE_OFFSET_BITS` is non-negative and below `2^(SCORE_OFFSET_BITS + 1)`.
pub const SCORE_OFFSET_BITS: usize = 35;
/// Number of public inputs: the 5 binding inputs plus `model_commitment`.
pub const NUM_PUBLIC_INPUTS: usize = crate::BINDING_INPUTS + 1;
/// R1CS constraints of the circuit (pinned by tests).
pub const CONSTRAINTS: usize = 5_191;

/// The public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
    /// Chain identifier (binding input 0): a hash of the deployment's genesis.
    pub chain_id: Fr,
    /// Task identifier (binding input 1).
    pub task_id: Fr,
    /// Worker identifier (binding input 2).
    pub worker_id: Fr,
    /// `poseidon(features…, input_salt)` (binding input 3).
    pub input_commitment: Fr,
    /// `poseidon(label, output_salt)` (binding input 4).
    pub output_commitment: Fr,
    /// `poseidon(weights…, bias, model_salt)` (kind parameter, input 5).
    pub model_commitment: Fr,
}

impl Public {
    /// Groth16 public inputs: `[chain_id, task_id, worker_id, input_commitment, output_commitment,
    /// model_commitment]`.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        vec![
            self.chain_id,
            self.task_id,
            self.worker_id,
            self.input_commitment,
            self.output_commitment,
            self.model_commitment,
        ]
    }

    /// The honest statement for `private`; fails if a value is out of range.
    pub fn from_private(chain_id: Fr, task_id: Fr, worker_id: Fr, private: &Private) -> Result<Public, EvalError> {
        let label = classify(&private.model, &private.features)?;
        Ok(Public {
            chain_id,
            task_id,
            worker_id,
            input_commitment: input_commitment(&private.features, private.input_salt),
            output_commitment: output_commitment(label, private.output_salt),
            model_commitment: model_commitment(&private.model, private.model_salt),
        })
    }
}

/// A linear model: `score = Σ weights[i]·x[i] + bias`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// One weight per feature, in `[VALUE_MIN, VALUE_MAX]`.
    pub weights: [i32; D],
    /// The bias, in `[VALUE_MIN, VALUE_MAX]`.
    pub bias: i32,
}

/// The worker's witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Private {
    /// The committed model.
    pub model: Model,
    /// Salt of the model commitment.
    pub model_salt: Fr,
    /// The input features, in `[VALUE_MIN, VALUE_MAX]`.
    pub features: [i32; D],
    /// Salt of the input commitment.
    pub input_salt: Fr,
    /// Salt of the output commitment (shared by the worker with the employer off-band).
    pub output_salt: Fr,
}

/// Field encoding of a signed integer: `v` for `v ≥ 0`, `p − |v|` for `v < 0`.
pub fn encode_signed(v: i64) -> Fr {
    if v >= 0 { Fr::from(v.unsigned_abs()) } else { -Fr::from(v.unsigned_abs()) }
}

/// `poseidon(weights…, bias, salt)` over the signed encoding.
pub fn model_commitment(model: &Model, salt: Fr) -> Fr {
    let mut elems: Vec<Fr> = model.weights.iter().map(|&w| encode_signed(w.into())).collect();
    elems.push(encode_signed(model.bias.into()));
    elems.push(salt);
    hash(&elems)
}

/// `poseidon(features…, salt)` over the signed encoding.
pub fn input_commitment(features: &[i32; D], salt: Fr) -> Fr {
    let mut elems: Vec<Fr> = features.iter().map(|&x| encode_signed(x.into())).collect();
    elems.push(salt);
    hash(&elems)
}

/// `poseidon(label, salt)` with `label` encoded as 0 or 1.
pub fn output_commitment(label: bool, salt: Fr) -> Fr {
    hash(&[Fr::from(label), salt])
}

fn check_range(what: &'static str, index: usize, value: i32) -> Result<(), EvalError> {
    if (VALUE_MIN..=VALUE_MAX).contains(&value) {
        Ok(())
    } else {
        Err(EvalError::ValueOutOfRange {
            what,
            index,
            value: value.into(),
            min: VALUE_MIN.into(),
            max: VALUE_MAX.into(),
        })
    }
}

/// Checks every weight, the bias and every feature against `[VALUE_MIN, VALUE_MAX]`.
pub fn check_ranges(model: &Model, features: &[i32; D]) -> Result<(), EvalError> {
    for (i, &w) in model.weights.iter().enumerate() {
        check_range("weight", i, w)?;
    }
    check_range("bias", 0, model.bias)?;
    for (i, &x) in features.iter().enumerate() {
        check_range("feature", i, x)?;
    }
    Ok(())
}

/// `Σ weights[i]·features[i] + bias`, after checking ranges.
pub fn score(model: &Model, features: &[i32; D]) -> Result<i64, EvalError> {
    check_ranges(model, features)?;
    let dot: i64 = model.weights.iter().zip(features).map(|(&w, &x)| i64::from(w) * i64::from(x)).sum();
    Ok(dot + i64::from(model.bias))
}

/// The label: `score ≥ 0`.
pub fn classify(model: &Model, features: &[i32; D]) -> Result<bool, EvalError> {
    Ok(score(model, features)? >= 0)
}

/// Native check of exactly the statement the circuit enforces.
pub fn evaluate(public: &Public, private: &Private) -> Result<(), EvalError> {
    let label = classify(&private.model, &private.features)?;
    if model_commitment(&private.model, private.model_salt) != public.model_commitment {
        return Err(EvalError::ModelCommitmentMismatch);
    }
    if input_commitment(&private.features, private.input_salt) != public.input_commitment {
        return Err(EvalError::InputCommitmentMismatch);
    }
    if output_commitment(label, private.output_salt) != public.output_commitment {
        return Err(EvalError::OutputCommitmentMismatch);
    }
    Ok(())
}

/// The `classify` circuit. Its shape is fixed, so one key serves every task of this kind.
#[derive(Clone, Debug, Default)]
pub struct Circuit {
    public: Option<Public>,
    private: Option<Private>,
}

impl Circuit {
    /// A circuit with no assignment, for key generation and constraint counting.
    pub fn blank() -> Self {
        Circuit::default()
    }

    /// A circuit carrying a full assignment, for proving.
    pub fn new(public: Public, private: Private) -> Self {
        Circuit { public: Some(public), private: Some(private) }
    }
}

/// Allocates a signed value as `u − 2^15` with `u` built from `VALUE_BITS` boolean witnesses
/// (`VALUE_BITS` constraints). An out-of-range value is truncated to its low bits, so it no
/// longer matches its commitment.
fn alloc_signed(cs: ConstraintSystemRef<Fr>, value: Option<i32>) -> Result<FpVar<Fr>, SynthesisError> {
    let offset = 1i64 << (VALUE_BITS - 1);
    let mask = (1u128 << VALUE_BITS) - 1;
    // Two's-complement truncation of the offset value to VALUE_BITS bits.
    let unsigned = value.map(|v| ((i64::from(v) + offset) as u128) & mask);
    Ok(alloc_uint(cs, unsigned, VALUE_BITS)? - FpVar::constant(pow2(VALUE_BITS - 1)))
}

impl ConstraintSynthesizer<Fr> for Circuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        synthesize(cs, self.public.as_ref(), self.private.as_ref()).map(|_| ())
    }
}

/// Generates the `classify` statement's constraints (allocating its public inputs first, in
/// `Public::to_field_elements` order) and returns the output commitment's preimage
/// `[label, output_salt]`: the variables `output_commitment` is enforced to hash.
///
/// Shared by [`Circuit`] and the fair-exchange variant, which encrypts exactly these variables.
pub(crate) fn synthesize(
    cs: ConstraintSystemRef<Fr>,
    public: Option<&Public>,
    private: Option<&Private>,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    // Public inputs, in `Public::to_field_elements` order.
    let binding = alloc_binding(
        cs.clone(),
        public.map(|p| [p.chain_id, p.task_id, p.worker_id, p.input_commitment, p.output_commitment]),
    )?;
    let model_commitment = alloc_input(cs.clone(), public.map(|p| p.model_commitment))?;

    // Range-checked signed values (16 constraints each).
    let weights =
        (0..D).map(|i| alloc_signed(cs.clone(), private.map(|p| p.model.weights[i]))).collect::<Result<Vec<_>, _>>()?;
    let bias = alloc_signed(cs.clone(), private.map(|p| p.model.bias))?;
    let features =
        (0..D).map(|i| alloc_signed(cs.clone(), private.map(|p| p.features[i]))).collect::<Result<Vec<_>, _>>()?;
    let model_salt = alloc_witness(cs.clone(), private.map(|p| p.model_salt))?;
    let input_salt = alloc_witness(cs.clone(), private.map(|p| p.input_salt))?;
    let output_salt = alloc_witness(cs.clone(), private.map(|p| p.output_salt))?;

    // Commitments to the model and the input.
    let mut model_elems = weights.clone();
    model_elems.push(bias.clone());
    model_elems.push(model_salt);
    enforce_hash_eq(cs.clone(), &model_elems, &model_commitment)?;
    let mut input_elems = features.clone();
    input_elems.push(input_salt);
    enforce_hash_eq(cs.clone(), &input_elems, &binding.input_commitment)?;

    // score + 2^35 = Σ w·x + bias + 2^35, one constraint per product.
    let mut terms = Vec::with_capacity(D + 1);
    for (w, x) in weights.iter().zip(&features) {
        terms.push(w * x);
    }
    terms.push(bias);
    let shifted: FpVar<Fr> = terms.iter().sum::<FpVar<Fr>>() + FpVar::constant(pow2(SCORE_OFFSET_BITS));
    let bits = enforce_range(cs.clone(), &shifted, SCORE_OFFSET_BITS + 1)?;
    let label = bits.last().cloned().ok_or(SynthesisError::Unsatisfiable)?;

    // output_commitment = poseidon(label, output_salt)
    let opening = vec![label, output_salt];
    let out = crate::poseidon::hash_var(cs, &opening)?;
    out.enforce_equal(&binding.output_commitment)?;
    Ok(opening)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::{constraint_count, is_satisfied};
    use ark_ff::UniformRand;
    use ark_std::rand::{SeedableRng, rngs::StdRng};
    use proptest::prelude::*;

    fn fr(seed: u64) -> Fr {
        Fr::rand(&mut StdRng::seed_from_u64(seed))
    }

    fn private(weights: [i32; D], bias: i32, features: [i32; D], seed: u64) -> Private {
        Private {
            model: Model { weights, bias },
            model_salt: fr(seed),
            features,
            input_salt: fr(seed + 1),
            output_salt: fr(seed + 2),
        }
    }

    fn both(public: &Public, private: &Private) -> (bool, bool) {
        let native = evaluate(public, private).is_ok();
        let circuit = is_satisfied(Circuit::new(*public, *private)).unwrap();
        (native, circuit)
    }

    fn value() -> impl Strategy<Value = i32> {
        prop_oneof![VALUE_MIN..=VALUE_MAX, Just(VALUE_MIN), Just(VALUE_MAX), -3i32..3]
    }

    fn vector() -> impl Strategy<Value = [i32; D]> {
        prop::collection::vec(value(), D).prop_map(|v| <[i32; D]>::try_from(v).unwrap())
    }

    #[test]
    fn constraint_count_is_pinned() {
        assert_eq!(constraint_count(Circuit::blank()).unwrap(), CONSTRAINTS);
        // 33 values · 16 bits + 16 products + 36 score bits
        // + 9 + 9 + 1 permutations + 3 equalities.
        let perms = (240 + 8 * 243) * 2 + 240;
        assert_eq!(CONSTRAINTS, 33 * 16 + 16 + 36 + perms + 3);
    }

    #[test]
    fn encoding() {
        assert_eq!(encode_signed(0), Fr::from(0u64));
        assert_eq!(encode_signed(5), Fr::from(5u64));
        assert_eq!(encode_signed(-5) + Fr::from(5u64), Fr::from(0u64));
        assert_eq!(encode_signed(i64::MIN), -Fr::from(1u64 << 63));
    }

    #[test]
    fn extremes_and_zero_score() {
        // score exactly 0 → label 1; score −1 → label 0; extreme magnitudes both ways.
        let cases = [
            ([0; D], 0, [0; D], true),
            ([0; D], -1, [0; D], false),
            ([VALUE_MIN; D], VALUE_MAX, [VALUE_MIN; D], true),
            ([VALUE_MIN; D], VALUE_MIN, [VALUE_MAX; D], false),
            ([VALUE_MAX; D], VALUE_MIN, [VALUE_MIN; D], false),
        ];
        for (i, (w, b, x, label)) in cases.into_iter().enumerate() {
            let p = private(w, b, x, 100 + i as u64);
            assert_eq!(classify(&p.model, &p.features).unwrap(), label);
            let public = Public::from_private(fr(0), fr(1), fr(2), &p).unwrap();
            assert_eq!(both(&public, &p), (true, true), "case {i}");
        }
    }

    #[test]
    fn honest_witness_satisfies_and_counts_match() {
        let mut w = [0i32; D];
        let mut x = [0i32; D];
        for i in 0..D {
            w[i] = (i as i32 - 8) * 1000;
            x[i] = 300 - (i as i32) * 37;
        }
        let p = private(w, -12_345, x, 7);
        let public = Public::from_private(fr(0), fr(3), fr(4), &p).unwrap();
        assert_eq!(both(&public, &p), (true, true));
        let cs = ark_relations::gr1cs::ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(ark_relations::gr1cs::OptimizationGoal::Constraints);
        Circuit::new(public, p).generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        assert_eq!(cs.num_constraints(), CONSTRAINTS);
        assert_eq!(cs.instance_assignment().unwrap()[1..], public.to_field_elements()[..]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        #[test]
        fn honest_accepted(w in vector(), b in value(), x in vector(), seed in any::<u32>()) {
            let p = private(w, b, x, u64::from(seed));
            let public = Public::from_private(fr(0), fr(1), fr(2), &p).unwrap();
            prop_assert_eq!(both(&public, &p), (true, true));
        }

        #[test]
        fn wrong_statements_rejected(
            w in vector(), b in value(), x in vector(),
            which in 0usize..7, index in 0usize..D, delta in 1i32..100,
        ) {
            let mut p = private(w, b, x, 50);
            let mut public = Public::from_private(fr(0), fr(1), fr(2), &p).unwrap();
            let label = classify(&p.model, &p.features).unwrap();
            match which {
                // wrong label
                0 => public.output_commitment = output_commitment(!label, p.output_salt),
                // wrong output salt
                1 => p.output_salt += Fr::from(1u64),
                // features other than the committed ones
                2 => p.features[index] = if p.features[index] > 0 { p.features[index] - delta } else { p.features[index] + delta },
                // model other than the committed one
                3 => p.model.weights[index] = if p.model.weights[index] > 0 { p.model.weights[index] - delta } else { p.model.weights[index] + delta },
                // wrong input commitment
                4 => public.input_commitment += Fr::from(1u64),
                // wrong model commitment
                5 => public.model_commitment = model_commitment(&p.model, p.model_salt + Fr::from(1u64)),
                // wrong bias
                _ => p.model.bias = if p.model.bias > 0 { p.model.bias - delta } else { p.model.bias + delta },
            }
            prop_assert_eq!(both(&public, &p), (false, false));
        }

        #[test]
        fn out_of_range_rejected(
            w in vector(), b in value(), x in vector(),
            which in 0usize..3, index in 0usize..D,
            excess in prop_oneof![1i32..10, 1i32..(1 << 20), Just(1 << 16)],
            negative in any::<bool>(),
        ) {
            let bad = if negative { VALUE_MIN - excess } else { VALUE_MAX + excess };
            let mut p = private(w, b, x, 60);
            match which {
                0 => p.model.weights[index] = bad,
                1 => p.model.bias = bad,
                _ => p.features[index] = bad,
            }
            // A statement built around the out-of-range value (commitments computed natively
            // from it, label from the exact score) must still be rejected by both.
            let dot: i64 = p.model.weights.iter().zip(&p.features)
                .map(|(&a, &c)| i64::from(a) * i64::from(c)).sum();
            let label = dot + i64::from(p.model.bias) >= 0;
            let public = Public {
                chain_id: fr(0),
                task_id: fr(1),
                worker_id: fr(2),
                input_commitment: input_commitment(&p.features, p.input_salt),
                output_commitment: output_commitment(label, p.output_salt),
                model_commitment: model_commitment(&p.model, p.model_salt),
            };
            prop_assert!(
                matches!(evaluate(&public, &p), Err(EvalError::ValueOutOfRange { .. })),
                "evaluate must reject"
            );
            prop_assert!(!is_satisfied(Circuit::new(public, p)).unwrap());
            prop_assert!(Public::from_private(fr(0), fr(1), fr(2), &p).is_err());
        }
    }
}
