//! One real Groth16 (BN254) round trip per task kind, with a seeded RNG.
//!
//! Each test also checks that the proof is bound to every public input: changing any one of
//! them (in particular `chain_id`, `task_id` or `worker_id`, which no constraint mentions) makes
//! verification fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use agora_circuits::{Fr, aggregate, classify, hashchain};
use ark_bn254::Bn254;
use ark_ff::{One, UniformRand};
use ark_groth16::Groth16;
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_snark::SNARK;
use ark_std::rand::{SeedableRng, rngs::StdRng};

fn round_trip<C: ConstraintSynthesizer<Fr>>(blank: C, full: C, inputs: &[Fr], rng: &mut StdRng) {
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(blank, rng).unwrap();
    let proof = Groth16::<Bn254>::prove(&pk, full, rng).unwrap();
    let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
    assert!(Groth16::<Bn254>::verify_with_processed_vk(&pvk, inputs, &proof).unwrap());
    for i in 0..inputs.len() {
        let mut tampered = inputs.to_vec();
        tampered[i] += Fr::one();
        assert!(
            !Groth16::<Bn254>::verify_with_processed_vk(&pvk, &tampered, &proof).unwrap(),
            "proof verified with public input {i} changed"
        );
    }
}

#[test]
fn aggregate_round_trip() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut records = [0u64; aggregate::N];
    for (i, r) in records.iter_mut().enumerate() {
        *r = u64::rand(&mut rng) >> (i % 40);
    }
    let private = aggregate::Private { records, input_salt: Fr::rand(&mut rng), output_salt: Fr::rand(&mut rng) };
    let public =
        aggregate::Public::from_private(Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng), 1 << 50, &private);
    aggregate::evaluate(&public, &private).unwrap();
    round_trip(
        aggregate::Circuit::blank(),
        aggregate::Circuit::new(public, private),
        &public.to_field_elements(),
        &mut rng,
    );
}

#[test]
fn classify_round_trip() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut weights = [0i32; classify::D];
    let mut features = [0i32; classify::D];
    for i in 0..classify::D {
        weights[i] = (u16::rand(&mut rng) as i16).into();
        features[i] = (u16::rand(&mut rng) as i16).into();
    }
    let private = classify::Private {
        model: classify::Model { weights, bias: -77 },
        model_salt: Fr::rand(&mut rng),
        features,
        input_salt: Fr::rand(&mut rng),
        output_salt: Fr::rand(&mut rng),
    };
    let public =
        classify::Public::from_private(Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng), &private).unwrap();
    classify::evaluate(&public, &private).unwrap();
    round_trip(
        classify::Circuit::blank(),
        classify::Circuit::new(public, private),
        &public.to_field_elements(),
        &mut rng,
    );
}

#[test]
fn hashchain_round_trip() {
    let mut rng = StdRng::seed_from_u64(3);
    let depth = 4;
    let private = hashchain::Private {
        seed: Fr::rand(&mut rng),
        input_salt: Fr::rand(&mut rng),
        output_salt: Fr::rand(&mut rng),
    };
    let public =
        hashchain::Public::from_private(Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng), depth, &private)
            .unwrap();
    hashchain::evaluate(&public, &private).unwrap();
    round_trip(
        hashchain::Circuit::blank(depth).unwrap(),
        hashchain::Circuit::new(public, private).unwrap(),
        &public.to_field_elements(),
        &mut rng,
    );
}
