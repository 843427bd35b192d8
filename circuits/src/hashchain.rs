//! Kind 3, `hashchain`: proof of compute by iterated Poseidon.
//!
//! Statement (public `chain_id, task_id, worker_id, input_commitment, output_commitment, depth`): there
//! exist `seed`, `input_salt`, `output_salt` such that
//!
//! * `input_commitment  = poseidon(seed, input_salt)`,
//! * `h_0 = seed`, `h_{i+1} = poseidon(h_i)`,
//! * `output_commitment = poseidon(h_depth, output_salt)`.
//!
//! The circuit's shape depends on `depth`, so a key is made for one depth
//! ([`Circuit::blank`]); `depth` is also a public input, constrained equal to the key's depth,
//! so the statement names it explicitly. Each step costs [`CONSTRAINTS_PER_STEP`] constraints
//! on top of [`FIXED_CONSTRAINTS`]; [`depth_for_constraints`] picks the depth for a target size.

use ark_bn254::Fr;
use ark_r1cs_std::{
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::error::EvalError;
use crate::gadgets::{alloc_binding, alloc_input, alloc_witness, enforce_hash_eq};
use crate::poseidon::{hash, hash_var};

/// Kind number of `hashchain`.
pub const KIND: u16 = 3;
/// Largest supported depth (about 3.9 million constraints).
pub const MAX_DEPTH: u32 = 1 << 14;
/// Number of public inputs: the 5 binding inputs plus `depth`.
pub const NUM_PUBLIC_INPUTS: usize = crate::BINDING_INPUTS + 1;
/// Constraints per chain step: one permutation whose first round has two constant lanes.
pub const CONSTRAINTS_PER_STEP: usize = 237;
/// Constraints independent of depth: two 2-input hashes (240 each), their two equality
/// checks, and the `depth` equality.
pub const FIXED_CONSTRAINTS: usize = 2 * 240 + 2 + 1;

/// R1CS constraints of the circuit for `depth` (pinned by tests against the real count).
pub const fn constraints_for_depth(depth: u32) -> usize {
    FIXED_CONSTRAINTS + CONSTRAINTS_PER_STEP * depth as usize
}

/// The largest depth (capped at [`MAX_DEPTH`]) whose Groth16 domain fits `target`: R1CS
/// constraints plus instance variables (1 + [`NUM_PUBLIC_INPUTS`]) stay `≤ target`, so a
/// power-of-two `target` is an upper bound on the FFT domain. Returns 0 below the fixed cost.
pub const fn depth_for_constraints(target: usize) -> u32 {
    let overhead = FIXED_CONSTRAINTS + 1 + NUM_PUBLIC_INPUTS;
    if target <= overhead {
        return 0;
    }
    let depth = (target - overhead) / CONSTRAINTS_PER_STEP;
    if depth > MAX_DEPTH as usize { MAX_DEPTH } else { depth as u32 }
}

/// The public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
    /// Chain identifier (binding input 0): a hash of the deployment's genesis.
    pub chain_id: Fr,
    /// Task identifier (binding input 1).
    pub task_id: Fr,
    /// Worker identifier (binding input 2).
    pub worker_id: Fr,
    /// `poseidon(seed, input_salt)` (binding input 3).
    pub input_commitment: Fr,
    /// `poseidon(h_depth, output_salt)` (binding input 4).
    pub output_commitment: Fr,
    /// Number of chain steps (kind parameter, input 5).
    pub depth: u32,
}

impl Public {
    /// Groth16 public inputs: `[chain_id, task_id, worker_id, input_commitment, output_commitment,
    /// depth]`.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        vec![
            self.chain_id,
            self.task_id,
            self.worker_id,
            self.input_commitment,
            self.output_commitment,
            Fr::from(self.depth),
        ]
    }

    /// The honest statement for `private` at `depth`.
    pub fn from_private(
        chain_id: Fr,
        task_id: Fr,
        worker_id: Fr,
        depth: u32,
        private: &Private,
    ) -> Result<Public, EvalError> {
        let head = chain(private.seed, depth)?;
        Ok(Public {
            chain_id,
            task_id,
            worker_id,
            input_commitment: input_commitment(private.seed, private.input_salt),
            output_commitment: output_commitment(head, private.output_salt),
            depth,
        })
    }
}

/// The worker's witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Private {
    /// Start of the chain.
    pub seed: Fr,
    /// Salt of the input commitment.
    pub input_salt: Fr,
    /// Salt of the output commitment (shared by the worker with the employer off-band).
    pub output_salt: Fr,
}

fn check_depth(depth: u32) -> Result<(), EvalError> {
    if depth > MAX_DEPTH { Err(EvalError::DepthTooLarge { depth, max: MAX_DEPTH }) } else { Ok(()) }
}

/// `poseidon(seed, salt)`.
pub fn input_commitment(seed: Fr, salt: Fr) -> Fr {
    hash(&[seed, salt])
}

/// `h_depth`: `poseidon` applied `depth` times to `seed`.
pub fn chain(seed: Fr, depth: u32) -> Result<Fr, EvalError> {
    check_depth(depth)?;
    Ok((0..depth).fold(seed, |h, _| hash(&[h])))
}

/// `poseidon(head, salt)`.
pub fn output_commitment(head: Fr, salt: Fr) -> Fr {
    hash(&[head, salt])
}

/// Native check of exactly the statement the circuit enforces.
pub fn evaluate(public: &Public, private: &Private) -> Result<(), EvalError> {
    check_depth(public.depth)?;
    if input_commitment(private.seed, private.input_salt) != public.input_commitment {
        return Err(EvalError::InputCommitmentMismatch);
    }
    let head = chain(private.seed, public.depth)?;
    if output_commitment(head, private.output_salt) != public.output_commitment {
        return Err(EvalError::OutputCommitmentMismatch);
    }
    Ok(())
}

/// The `hashchain` circuit for one fixed depth.
#[derive(Clone, Debug)]
pub struct Circuit {
    depth: u32,
    public: Option<Public>,
    private: Option<Private>,
}

impl Circuit {
    /// A circuit of the given depth with no assignment, for key generation and counting.
    pub fn blank(depth: u32) -> Result<Self, EvalError> {
        check_depth(depth)?;
        Ok(Circuit { depth, public: None, private: None })
    }

    /// A circuit carrying a full assignment; its depth is `public.depth`.
    pub fn new(public: Public, private: Private) -> Result<Self, EvalError> {
        check_depth(public.depth)?;
        Ok(Circuit { depth: public.depth, public: Some(public), private: Some(private) })
    }

    /// A circuit of depth `depth` carrying an assignment whose `public.depth` may differ (it
    /// is then unsatisfiable: the key's depth is part of the statement).
    pub fn with_depth(depth: u32, public: Public, private: Private) -> Result<Self, EvalError> {
        check_depth(depth)?;
        Ok(Circuit { depth, public: Some(public), private: Some(private) })
    }

    /// The depth this circuit (and any key made from it) is built for.
    pub fn depth(&self) -> u32 {
        self.depth
    }
}

impl ConstraintSynthesizer<Fr> for Circuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        if self.depth > MAX_DEPTH {
            return Err(SynthesisError::Unsatisfiable);
        }
        let public = self.public;
        let private = self.private;

        // Public inputs, in `Public::to_field_elements` order.
        let binding = alloc_binding(
            cs.clone(),
            public.map(|p| [p.chain_id, p.task_id, p.worker_id, p.input_commitment, p.output_commitment]),
        )?;
        let depth = alloc_input(cs.clone(), public.map(|p| Fr::from(p.depth)))?;
        depth.enforce_equal(&FpVar::constant(Fr::from(self.depth)))?;

        let seed = alloc_witness(cs.clone(), private.map(|p| p.seed))?;
        let input_salt = alloc_witness(cs.clone(), private.map(|p| p.input_salt))?;
        let output_salt = alloc_witness(cs.clone(), private.map(|p| p.output_salt))?;

        enforce_hash_eq(cs.clone(), &[seed.clone(), input_salt], &binding.input_commitment)?;
        let mut head = seed;
        for _ in 0..self.depth {
            head = hash_var(cs.clone(), &[head])?;
        }
        enforce_hash_eq(cs, &[head, output_salt], &binding.output_commitment)?;
        Ok(())
    }
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

    fn private(seed: u64) -> Private {
        Private { seed: fr(seed), input_salt: fr(seed + 1), output_salt: fr(seed + 2) }
    }

    fn both(public: &Public, private: &Private) -> (bool, bool) {
        let native = evaluate(public, private).is_ok();
        let circuit = is_satisfied(Circuit::new(*public, *private).unwrap()).unwrap();
        (native, circuit)
    }

    #[test]
    fn constraint_counts_are_pinned() {
        assert_eq!(FIXED_CONSTRAINTS, 483);
        for depth in [0u32, 1, 2, 5, 16] {
            let n = constraint_count(Circuit::blank(depth).unwrap()).unwrap();
            assert_eq!(n, constraints_for_depth(depth), "depth {depth}");
        }
        assert_eq!(constraints_for_depth(1), 720);
        assert_eq!(constraints_for_depth(16), 4_275);
    }

    #[test]
    fn depth_targets() {
        assert_eq!(depth_for_constraints(0), 0);
        assert_eq!(depth_for_constraints(1 << 10), 2);
        assert_eq!(depth_for_constraints(1 << 12), 15);
        assert_eq!(depth_for_constraints(1 << 14), 67);
        assert_eq!(depth_for_constraints(1 << 16), 274);
        assert_eq!(depth_for_constraints(usize::MAX), MAX_DEPTH);
        for k in 10..=20 {
            let target = 1usize << k;
            let d = depth_for_constraints(target);
            let size = constraints_for_depth(d) + 1 + NUM_PUBLIC_INPUTS;
            assert!(size <= target);
            assert!(size + CONSTRAINTS_PER_STEP > target);
        }
    }

    #[test]
    fn chain_definition() {
        let s = fr(1);
        assert_eq!(chain(s, 0).unwrap(), s);
        assert_eq!(chain(s, 1).unwrap(), hash(&[s]));
        assert_eq!(chain(s, 3).unwrap(), hash(&[hash(&[hash(&[s])])]));
        assert!(chain(s, MAX_DEPTH + 1).is_err());
        assert!(Circuit::blank(MAX_DEPTH + 1).is_err());
    }

    #[test]
    fn honest_witness_satisfies() {
        for depth in [0u32, 1, 3, 8] {
            let p = private(u64::from(depth) * 10);
            let public = Public::from_private(fr(0), fr(1), fr(2), depth, &p).unwrap();
            assert_eq!(both(&public, &p), (true, true));
        }
    }

    #[test]
    fn key_depth_is_part_of_the_statement() {
        let p = private(5);
        let public = Public::from_private(fr(0), fr(1), fr(2), 4, &p).unwrap();
        // A depth-3 circuit cannot accept a depth-4 statement, nor claim depth 3 for it.
        assert!(!is_satisfied(Circuit::with_depth(3, public, p).unwrap()).unwrap());
        let mut lying = public;
        lying.depth = 3;
        assert!(!is_satisfied(Circuit::with_depth(3, lying, p).unwrap()).unwrap());
        assert!(evaluate(&lying, &p).is_err());
        assert!(is_satisfied(Circuit::with_depth(4, public, p).unwrap()).unwrap());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn honest_accepted(seed in any::<u32>(), depth in 0u32..6) {
            let p = private(u64::from(seed));
            let public = Public::from_private(fr(0), fr(1), fr(2), depth, &p).unwrap();
            prop_assert_eq!(both(&public, &p), (true, true));
        }

        #[test]
        fn wrong_statements_rejected(seed in any::<u32>(), depth in 1u32..6, which in 0usize..5, off in 1u32..3) {
            let mut p = private(u64::from(seed));
            let mut public = Public::from_private(fr(0), fr(1), fr(2), depth, &p).unwrap();
            match which {
                // output of a different depth
                0 => public.output_commitment =
                    output_commitment(chain(p.seed, depth + off).unwrap(), p.output_salt),
                1 => public.output_commitment =
                    output_commitment(chain(p.seed, depth - 1).unwrap(), p.output_salt),
                // wrong seed (input commitment)
                2 => p.seed += Fr::from(1u64),
                // wrong output salt
                3 => p.output_salt += Fr::from(1u64),
                // wrong input commitment
                _ => public.input_commitment = input_commitment(p.seed, p.input_salt + Fr::from(1u64)),
            }
            prop_assert_eq!(both(&public, &p), (false, false));
        }
    }
}
