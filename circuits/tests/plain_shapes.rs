//! The plain kinds' constraint matrices are pinned by a digest: a Groth16 key is a function of
//! these matrices (and of the instance count), so an unchanged digest means the verifying keys
//! already made for `aggregate`, `classify` and `hashchain` stay valid.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use agora_circuits::{Fr, aggregate, classify, hashchain};
use ark_ff::{BigInteger, PrimeField};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};

/// Synthesizes `circuit` as Groth16 setup does and hashes (blake3) the variable counts and every
/// matrix entry: predicate label, matrix, row, then each (column, coefficient).
fn matrices_digest<C: ConstraintSynthesizer<Fr>>(circuit: C) -> String {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    circuit.generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let mut hasher = blake3::Hasher::new();
    for count in [cs.num_instance_variables(), cs.num_witness_variables(), cs.num_constraints()] {
        hasher.update(&(count as u64).to_le_bytes());
    }
    for (label, matrices) in cs.to_matrices().unwrap() {
        hasher.update(&(label.len() as u64).to_le_bytes());
        hasher.update(label.as_bytes());
        for (m, matrix) in matrices.iter().enumerate() {
            for (r, row) in matrix.iter().enumerate() {
                hasher.update(&[0xff]);
                hasher.update(&(m as u64).to_le_bytes());
                hasher.update(&(r as u64).to_le_bytes());
                for (coeff, column) in row {
                    hasher.update(&(*column as u64).to_le_bytes());
                    hasher.update(&coeff.into_bigint().to_bytes_le());
                }
            }
        }
    }
    hasher.finalize().to_hex().to_string()
}

#[test]
fn plain_circuit_matrices_are_unchanged() {
    let digests = [
        matrices_digest(aggregate::Circuit::blank()),
        matrices_digest(classify::Circuit::blank()),
        matrices_digest(hashchain::Circuit::blank(4).unwrap()),
    ];
    assert_eq!(digests, [AGGREGATE_DIGEST, CLASSIFY_DIGEST, HASHCHAIN_4_DIGEST]);
}

/// Digests of the matrices the plain kinds' keys are made from (hashchain at depth 4).
const AGGREGATE_DIGEST: &str = "6798db4686d3a803c2e3b303ac4bc4318b6f0e02b83b774d8a109c23d6309813";
const CLASSIFY_DIGEST: &str = "2eaf67312ffca2ae4fa95602778bf21297cd8e50874e970848801dd94555b2cb";
const HASHCHAIN_4_DIGEST: &str = "ff3d7771d6c0977741bc99bc18b3e90b89ca67bfc5a9d509391ac497a21a85c1";
