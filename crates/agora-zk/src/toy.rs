//! A tiny circuit for tests and benchmarks of the proof plumbing. **Not a task circuit**: it
//! proves knowledge of `x, y` with `z = x·y`, `s = x + y` and `extra` further public inputs
//! `e_k = z + k` (so the number of public inputs is adjustable).

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::lc;

/// Knowledge of `x, y` such that the public inputs are `(x·y, x + y, x·y + 1, …, x·y + extra)`.
#[derive(Clone, Debug)]
pub struct ToyCircuit {
    /// Witness `x` (`None` during setup).
    pub x: Option<Fr>,
    /// Witness `y` (`None` during setup).
    pub y: Option<Fr>,
    /// Number of public inputs beyond the first two.
    pub extra: usize,
}

impl ToyCircuit {
    /// The circuit's shape, for setup.
    pub fn shape(extra: usize) -> Self {
        ToyCircuit { x: None, y: None, extra }
    }

    /// The circuit with a witness, for proving.
    pub fn with_witness(x: Fr, y: Fr, extra: usize) -> Self {
        ToyCircuit { x: Some(x), y: Some(y), extra }
    }

    /// The public inputs for a witness, in circuit order (`2 + extra` of them).
    pub fn public_inputs(x: Fr, y: Fr, extra: usize) -> Vec<Fr> {
        let z = x * y;
        let mut out = vec![z, x + y];
        out.extend((1..=extra as u64).map(|k| z + Fr::from(k)));
        out
    }
}

impl ConstraintSynthesizer<Fr> for ToyCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let xv = self.x;
        let yv = self.y;
        let zv = xv.zip(yv).map(|(x, y)| x * y);
        let x = cs.new_witness_variable(|| xv.ok_or(SynthesisError::AssignmentMissing))?;
        let y = cs.new_witness_variable(|| yv.ok_or(SynthesisError::AssignmentMissing))?;
        let z = cs.new_input_variable(|| zv.ok_or(SynthesisError::AssignmentMissing))?;
        let s = cs.new_input_variable(|| xv.zip(yv).map(|(x, y)| x + y).ok_or(SynthesisError::AssignmentMissing))?;
        cs.enforce_r1cs_constraint(|| lc!() + x, || lc!() + y, || lc!() + z)?;
        cs.enforce_r1cs_constraint(|| lc!() + x + y, || lc!() + ark_relations::gr1cs::Variable::One, || lc!() + s)?;
        for k in 1..=self.extra as u64 {
            let e = cs.new_input_variable(|| zv.map(|z| z + Fr::from(k)).ok_or(SynthesisError::AssignmentMissing))?;
            cs.enforce_r1cs_constraint(
                || lc!() + z + (Fr::from(k), ark_relations::gr1cs::Variable::One),
                || lc!() + ark_relations::gr1cs::Variable::One,
                || lc!() + e,
            )?;
        }
        Ok(())
    }
}
