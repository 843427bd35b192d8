//! Poseidon gadgets and task-completion circuits (Groth16 over BN254) for Agora.
//!
//! Every task kind is a module exposing the same shape:
//!
//! * `KIND` — the kind number (`u16`) used by the marketplace;
//! * `Public` — the statement; [`Public::to_field_elements`](aggregate::Public::to_field_elements)
//!   gives the Groth16 public inputs, always starting with the shared binding prefix
//!   `chain_id, task_id, worker_id, input_commitment, output_commitment` (see
//!   [`BINDING_INPUTS`]),
//!   followed by the kind's own parameters;
//! * `Private` — the witness the worker holds;
//! * `Circuit` — the [`ConstraintSynthesizer`] (constructible without a witness for setup);
//! * `evaluate(&Public, &Private)` — the native check of exactly the statement the circuit
//!   enforces;
//! * commitment helpers and an honest `Public::from_private` builder.
//!
//! Binding: `chain_id`, `task_id` and `worker_id` are allocated as Groth16 public inputs.
//! arkworks' Groth16 (libsnark QAP reduction) gives every instance variable its own independent
//! QAP term (it appends one row `x_i · 0 = 0` per instance variable, giving `x_i` its own
//! Lagrange basis polynomial in `A`), so each public input has a non-trivial `gamma_abc` / IC point even when no
//! constraint mentions it: a proof made for one `(chain_id, task_id, worker_id)` does not verify
//! for another (tests check it).
//!
//! Fair-exchange variants of `aggregate` and `classify` ([`fair_exchange`]) add to the same
//! statement a ciphertext of the output encrypted to the employer's BabyJubJub key
//! ([`babyjubjub`]); their public inputs are the base kind's followed by the envelope's.
//!
//! See `docs/CIRCUITS.md` for the exact statements, encodings and constraint counts.

pub mod aggregate;
pub mod babyjubjub;
pub mod classify;
pub mod error;
pub mod fair_exchange;
pub mod gadgets;
pub mod hashchain;
pub mod poseidon;

pub use ark_bn254::Fr;
pub use error::{EvalError, FairExchangeError, KeyError};

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisError, SynthesisMode};

/// Number of shared binding public inputs at the front of every kind's public-input vector:
/// `chain_id`, `task_id`, `worker_id`, `input_commitment`, `output_commitment`.
pub const BINDING_INPUTS: usize = 5;

/// The task kinds this crate has circuits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Data processing over committed records ([`aggregate`]).
    Aggregate,
    /// Fixed-point linear classifier inference ([`classify`]).
    Classify,
    /// Iterated Poseidon hashing, proof of compute ([`hashchain`]).
    Hashchain,
}

impl Kind {
    /// All kinds, in kind-number order.
    pub const ALL: [Kind; 3] = [Kind::Aggregate, Kind::Classify, Kind::Hashchain];

    /// The kind number used on the wire.
    pub const fn code(self) -> u16 {
        match self {
            Kind::Aggregate => aggregate::KIND,
            Kind::Classify => classify::KIND,
            Kind::Hashchain => hashchain::KIND,
        }
    }

    /// The kind with the given number, if any.
    pub const fn from_code(code: u16) -> Option<Kind> {
        match code {
            aggregate::KIND => Some(Kind::Aggregate),
            classify::KIND => Some(Kind::Classify),
            hashchain::KIND => Some(Kind::Hashchain),
            _ => None,
        }
    }

    /// Number of Groth16 public inputs for this kind (binding prefix plus kind parameters).
    pub const fn num_public_inputs(self) -> usize {
        match self {
            Kind::Aggregate => aggregate::NUM_PUBLIC_INPUTS,
            Kind::Classify => classify::NUM_PUBLIC_INPUTS,
            Kind::Hashchain => hashchain::NUM_PUBLIC_INPUTS,
        }
    }
}

/// Synthesizes `circuit` the way Groth16 setup does (setup mode, constraint-minimising
/// optimisation goal) and returns its number of R1CS constraints.
///
/// Pass a blank circuit (no witness); a circuit with a witness gives the same number.
pub fn constraint_count<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<usize, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    Ok(cs.num_constraints())
}

/// Synthesizes `circuit` with its witness and reports whether every constraint holds.
///
/// A debugging aid (and what the tests use): a missing witness is an error, a wrong one is
/// `Ok(false)`.
pub fn is_satisfied<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<bool, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    cs.is_satisfied()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
            assert_eq!(kind.num_public_inputs(), BINDING_INPUTS + 1);
        }
        assert_eq!(Kind::ALL.map(Kind::code), [1, 2, 3]);
        assert_eq!(Kind::from_code(0), None);
        assert_eq!(Kind::from_code(4), None);
    }

    #[test]
    fn blank_circuits_cannot_be_checked() {
        // A missing witness is an error, not a silent "satisfied".
        assert!(is_satisfied(aggregate::Circuit::blank()).is_err());
    }
}
