//! Kind 1, `aggregate`: data processing over committed records.
//!
//! Statement (public `chain_id, task_id, worker_id, input_commitment, output_commitment, threshold`):
//! there exist `records[0..N]` (each `< 2^64`), `input_salt` and `output_salt` such that
//!
//! * `input_commitment  = poseidon(records[0], …, records[N-1], input_salt)`,
//! * `sum   = Σ records[i]` (as an integer, `< 2^70`, no wrap-around),
//! * `count = #{ i : records[i] > threshold }` (strictly above),
//! * `output_commitment = poseidon(sum, count, output_salt)`.
//!
//! Every record is range-checked to 64 bits (it is built from 64 boolean witnesses). The
//! threshold is range-checked to 64 bits in the circuit too (64 constraints): it is a public
//! input the verifier takes from the task's parameters as an arbitrary field element, and the
//! comparison below is only meaningful for `threshold < 2^64` (with `threshold = p − 1`, say,
//! every record would count as "above"). A statement whose threshold is `≥ 2^64` is therefore
//! unprovable, matching the native [`evaluate`], whose `threshold` is a `u64`. The comparison
//! uses `d = records[i] + (2^64 − 1 − threshold)`, range-checked to 65 bits: bit 64 of `d` is
//! `[records[i] > threshold]`.

use ark_bn254::Fr;
use ark_r1cs_std::fields::{FieldVar, fp::FpVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::error::EvalError;
use crate::gadgets::{alloc_binding, alloc_input, alloc_uint, alloc_witness, enforce_hash_eq, enforce_range, pow2};
use crate::poseidon::hash;

/// Kind number of `aggregate`.
pub const KIND: u16 = 1;
/// Number of records per task.
pub const N: usize = 64;
/// Bit width of one record.
pub const RECORD_BITS: usize = 64;
/// Number of public inputs: the 5 binding inputs plus `threshold`.
pub const NUM_PUBLIC_INPUTS: usize = crate::BINDING_INPUTS + 1;
/// R1CS constraints of the circuit (pinned by tests).
pub const CONSTRAINTS: usize = 16_821;

/// The public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
    /// Chain identifier (binding input 0): a hash of the deployment's genesis.
    pub chain_id: Fr,
    /// Task identifier (binding input 1).
    pub task_id: Fr,
    /// Worker identifier (binding input 2).
    pub worker_id: Fr,
    /// `poseidon(records…, input_salt)` (binding input 3).
    pub input_commitment: Fr,
    /// `poseidon(sum, count, output_salt)` (binding input 4).
    pub output_commitment: Fr,
    /// Records strictly above this value are counted (kind parameter, input 5).
    pub threshold: u64,
}

impl Public {
    /// Groth16 public inputs: `[chain_id, task_id, worker_id, input_commitment, output_commitment,
    /// threshold]`.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        vec![
            self.chain_id,
            self.task_id,
            self.worker_id,
            self.input_commitment,
            self.output_commitment,
            Fr::from(self.threshold),
        ]
    }

    /// The honest statement for `private`: commits to its records and to the true output.
    pub fn from_private(chain_id: Fr, task_id: Fr, worker_id: Fr, threshold: u64, private: &Private) -> Public {
        let output = compute_output(&private.records, threshold);
        Public {
            chain_id,
            task_id,
            worker_id,
            input_commitment: input_commitment(&private.records, private.input_salt),
            output_commitment: output_commitment(&output, private.output_salt),
            threshold,
        }
    }
}

/// The worker's witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Private {
    /// The records (the task's input data).
    pub records: [u64; N],
    /// Salt of the input commitment (chosen by whoever publishes the task input).
    pub input_salt: Fr,
    /// Salt of the output commitment (shared by the worker with the employer off-band).
    pub output_salt: Fr,
}

/// The task's result, revealed off-band to the employer together with `output_salt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Output {
    /// Sum of all records.
    pub sum: u128,
    /// Number of records strictly above the threshold.
    pub count: u64,
}

/// `poseidon(records[0], …, records[N-1], salt)`.
pub fn input_commitment(records: &[u64; N], salt: Fr) -> Fr {
    let mut elems: Vec<Fr> = records.iter().map(|&r| Fr::from(r)).collect();
    elems.push(salt);
    hash(&elems)
}

/// Computes the honest output: the sum and the count of records strictly above `threshold`.
pub fn compute_output(records: &[u64; N], threshold: u64) -> Output {
    Output {
        sum: records.iter().map(|&r| u128::from(r)).sum(),
        count: records.iter().filter(|&&r| r > threshold).count() as u64,
    }
}

/// `poseidon(sum, count, salt)`.
pub fn output_commitment(output: &Output, salt: Fr) -> Fr {
    hash(&[Fr::from(output.sum), Fr::from(output.count), salt])
}

/// Native check of exactly the statement the circuit enforces.
pub fn evaluate(public: &Public, private: &Private) -> Result<(), EvalError> {
    if input_commitment(&private.records, private.input_salt) != public.input_commitment {
        return Err(EvalError::InputCommitmentMismatch);
    }
    let output = compute_output(&private.records, public.threshold);
    if output_commitment(&output, private.output_salt) != public.output_commitment {
        return Err(EvalError::OutputCommitmentMismatch);
    }
    Ok(())
}

/// The `aggregate` circuit. Its shape is fixed, so one key serves every task of this kind.
#[derive(Clone, Debug, Default)]
pub struct Circuit {
    public: Option<Public>,
    private: Option<Private>,
    /// The value assigned to the `threshold` public input (normally `public.threshold`).
    threshold: Option<Fr>,
}

impl Circuit {
    /// A circuit with no assignment, for key generation and constraint counting.
    pub fn blank() -> Self {
        Circuit::default()
    }

    /// A circuit carrying a full assignment, for proving.
    pub fn new(public: Public, private: Private) -> Self {
        let threshold = Some(Fr::from(public.threshold));
        Circuit { public: Some(public), private: Some(private), threshold }
    }

    /// A circuit whose `threshold` public input is the arbitrary field element `threshold`
    /// (`public.threshold` is then ignored): what a prover could try against a task whose
    /// threshold parameter is not below `2^64`. Such a circuit is unsatisfiable.
    pub fn with_threshold_input(public: Public, private: Private, threshold: Fr) -> Self {
        Circuit { public: Some(public), private: Some(private), threshold: Some(threshold) }
    }
}

impl ConstraintSynthesizer<Fr> for Circuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        synthesize(cs, self.public.as_ref(), self.private.as_ref(), self.threshold).map(|_| ())
    }
}

/// Generates the `aggregate` statement's constraints (allocating its public inputs first, in
/// `Public::to_field_elements` order) and returns the output commitment's preimage
/// `[sum, count, output_salt]`: the variables `output_commitment` is enforced to hash.
///
/// Shared by [`Circuit`] and the fair-exchange variant, which encrypts exactly these
/// variables; `threshold` is the value of the `threshold` public input.
pub(crate) fn synthesize(
    cs: ConstraintSystemRef<Fr>,
    public: Option<&Public>,
    private: Option<&Private>,
    threshold: Option<Fr>,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    // Public inputs, in `Public::to_field_elements` order.
    let binding = alloc_binding(
        cs.clone(),
        public.map(|p| [p.chain_id, p.task_id, p.worker_id, p.input_commitment, p.output_commitment]),
    )?;
    let threshold = alloc_input(cs.clone(), threshold)?;
    // threshold < 2^64 (64 constraints): the verifier hands in any field element.
    enforce_range(cs.clone(), &threshold, RECORD_BITS)?;

    // Records, 64 bits each (64 constraints per record).
    let records = (0..N)
        .map(|i| {
            let value = private.map(|p| u128::from(p.records[i]));
            alloc_uint(cs.clone(), value, RECORD_BITS)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let input_salt = alloc_witness(cs.clone(), private.map(|p| p.input_salt))?;
    let output_salt = alloc_witness(cs.clone(), private.map(|p| p.output_salt))?;

    // input_commitment = poseidon(records…, input_salt)
    let mut absorbed = records.clone();
    absorbed.push(input_salt);
    enforce_hash_eq(cs.clone(), &absorbed, &binding.input_commitment)?;

    // count: bit 64 of records[i] + 2^64 − 1 − threshold (65 constraints per record).
    let offset = FpVar::constant(pow2(RECORD_BITS) - Fr::from(1u64)) - &threshold;
    let mut above = Vec::with_capacity(N);
    for record in &records {
        let d = record + &offset;
        let bits = enforce_range(cs.clone(), &d, RECORD_BITS + 1)?;
        above.extend(bits.last().cloned());
    }
    let count: FpVar<Fr> = above.iter().sum();
    let sum: FpVar<Fr> = records.iter().sum();

    // output_commitment = poseidon(sum, count, output_salt)
    let opening = vec![sum, count, output_salt];
    enforce_hash_eq(cs, &opening, &binding.output_commitment)?;
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

    fn honest(records: [u64; N], threshold: u64, seed: u64) -> (Public, Private) {
        let private = Private { records, input_salt: fr(seed), output_salt: fr(seed + 1) };
        let public = Public::from_private(fr(seed + 4), fr(seed + 2), fr(seed + 3), threshold, &private);
        (public, private)
    }

    fn both(public: &Public, private: &Private) -> (bool, bool) {
        let native = evaluate(public, private).is_ok();
        let circuit = is_satisfied(Circuit::new(*public, private.clone())).unwrap();
        (native, circuit)
    }

    fn records_strategy() -> impl Strategy<Value = [u64; N]> {
        // Mix small values (so the threshold splits them) and full-range ones.
        prop::collection::vec(prop_oneof![0u64..100, any::<u64>()], N).prop_map(|v| <[u64; N]>::try_from(v).unwrap())
    }

    #[test]
    fn constraint_count_is_pinned() {
        assert_eq!(constraint_count(Circuit::blank()).unwrap(), CONSTRAINTS);
        // 64 threshold bits + 64·64 record bits + 64·65 comparison bits + 33 + 2 permutations
        // + 2 equalities.
        assert_eq!(CONSTRAINTS, 64 + 64 * 64 + 64 * 65 + 240 + 32 * 243 + 240 + 243 + 2);
    }

    #[test]
    fn honest_witness_satisfies() {
        let mut records = [0u64; N];
        for (i, r) in records.iter_mut().enumerate() {
            *r = (i as u64) * 1_000;
        }
        records[0] = u64::MAX;
        records[1] = u64::MAX;
        let (public, private) = honest(records, 31_500, 10);
        let out = compute_output(&private.records, 31_500);
        assert_eq!(out.count, 32 + 2);
        assert_eq!(out.sum, 2 * u128::from(u64::MAX) + (2..64u128).map(|i| i * 1000).sum::<u128>());
        assert_eq!(both(&public, &private), (true, true));
        let cs = ark_relations::gr1cs::ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(ark_relations::gr1cs::OptimizationGoal::Constraints);
        Circuit::new(public, private).generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        assert_eq!(cs.num_constraints(), CONSTRAINTS);
        assert_eq!(cs.num_instance_variables(), 1 + NUM_PUBLIC_INPUTS);
        assert_eq!(cs.instance_assignment().unwrap()[1..], public.to_field_elements()[..]);
    }

    #[test]
    fn threshold_edges() {
        let records = [7u64; N];
        for (t, count) in [(6u64, N as u64), (7, 0), (0, N as u64), (u64::MAX, 0)] {
            let (public, private) = honest(records, t, 20);
            assert_eq!(compute_output(&records, t).count, count);
            assert_eq!(both(&public, &private), (true, true));
        }
        let (public, private) = honest([u64::MAX; N], u64::MAX - 1, 30);
        assert_eq!(compute_output(&private.records, public.threshold).count, N as u64);
        assert_eq!(both(&public, &private), (true, true));
    }

    /// A prover facing a task whose threshold parameter is `≥ 2^64` builds the statement the
    /// comparison gadget would accept for it (the count it yields in field arithmetic): the
    /// range check on the threshold makes it unsatisfiable.
    #[test]
    fn threshold_at_or_above_2_pow_64_cannot_be_proven() {
        // Records in [6, 2^63]: for threshold 2^64 + k (k < 6) the gadget's d = r − k − 1 fits
        // 64 bits (count 0); for threshold p − 1 ("−1") d = r + 2^64 has bit 64 set (count N).
        let mut records = [0u64; N];
        for (i, r) in records.iter_mut().enumerate() {
            *r = 6 + (i as u64) * 1_000_003;
        }
        let cases = [(pow2(64), 0u64), (pow2(64) + Fr::from(5u64), 0), (-Fr::from(1u64), N as u64)];
        for (threshold, count) in cases {
            let private = Private { records, input_salt: fr(50), output_salt: fr(51) };
            let mut public = Public::from_private(fr(52), fr(53), fr(54), 0, &private);
            let sum = records.iter().map(|&r| u128::from(r)).sum();
            public.output_commitment = output_commitment(&Output { sum, count }, private.output_salt);
            let circuit = Circuit::with_threshold_input(public, private, threshold);
            assert!(!is_satisfied(circuit).unwrap(), "threshold {threshold} must be refused");
        }
        // The same construction below 2^64 is the honest statement and is satisfied.
        let private = Private { records, input_salt: fr(50), output_salt: fr(51) };
        let public = Public::from_private(fr(52), fr(53), fr(54), u64::MAX, &private);
        let circuit = Circuit::with_threshold_input(public, private.clone(), Fr::from(u64::MAX));
        assert!(is_satisfied(circuit).unwrap());
        assert_eq!(both(&public, &private), (true, true));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn honest_accepted(records in records_strategy(), threshold in prop_oneof![0u64..100, any::<u64>()], seed in any::<u32>()) {
            let (public, private) = honest(records, threshold, u64::from(seed));
            prop_assert_eq!(both(&public, &private), (true, true));
        }

        #[test]
        fn wrong_statements_rejected(
            records in records_strategy(),
            threshold in 0u64..100,
            delta in 1u64..1000,
            which in 0usize..6,
            index in 0usize..N,
        ) {
            let (mut public, mut private) = honest(records, threshold, 40);
            let out = compute_output(&records, threshold);
            match which {
                // wrong sum
                0 => public.output_commitment = output_commitment(
                    &Output { sum: out.sum + u128::from(delta), ..out }, private.output_salt),
                // wrong count
                1 => public.output_commitment = output_commitment(
                    &Output { count: out.count ^ delta, ..out }, private.output_salt),
                // wrong output salt
                2 => private.output_salt += Fr::from(delta),
                // wrong input commitment (data other than what was committed)
                3 => private.records[index] = private.records[index].wrapping_add(delta),
                // wrong input salt
                4 => private.input_salt += Fr::from(delta),
                // threshold changed so that the count changes
                _ => {
                    private.records[index] = threshold;
                    public = Public::from_private(public.chain_id, public.task_id, public.worker_id, threshold, &private);
                    public.threshold = threshold.wrapping_sub(1);
                    prop_assume!(threshold > 0);
                }
            }
            prop_assert_eq!(both(&public, &private), (false, false));
        }
    }
}
