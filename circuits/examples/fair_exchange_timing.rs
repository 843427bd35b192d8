//! One-off Groth16 timings of the plain and fair-exchange `aggregate` and `classify` circuits
//! (setup, proof, verification), as recorded in docs/CIRCUITS.md. Seeded inputs; run with
//! `cargo run -p agora-circuits --release --example fair_exchange_timing`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Instant;

use agora_circuits::babyjubjub::SecretKey;
use agora_circuits::fair_exchange::{aggregate as fair_aggregate, classify as fair_classify};
use agora_circuits::{Fr, aggregate, classify, constraint_count};
use ark_bn254::Bn254;
use ark_ff::UniformRand;
use ark_groth16::Groth16;
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_snark::SNARK;
use ark_std::rand::{RngCore, SeedableRng, rngs::StdRng};

fn secret(rng: &mut StdRng) -> SecretKey {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    SecretKey::from_bytes(&bytes).unwrap()
}

fn time<C: ConstraintSynthesizer<Fr> + Clone>(name: &str, blank: C, full: C, inputs: &[Fr], rng: &mut StdRng) {
    let constraints = constraint_count(blank.clone()).unwrap();
    let start = Instant::now();
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(blank, rng).unwrap();
    let setup = start.elapsed();
    let start = Instant::now();
    let proof = Groth16::<Bn254>::prove(&pk, full, rng).unwrap();
    let prove = start.elapsed();
    let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
    let start = Instant::now();
    assert!(Groth16::<Bn254>::verify_with_processed_vk(&pvk, inputs, &proof).unwrap());
    let verify = start.elapsed();
    println!(
        "{name:<18} {constraints:>7} constraints  {:>2} inputs  setup {:>6} ms  prove {:>6} ms  verify {:>4} µs",
        inputs.len(),
        setup.as_millis(),
        prove.as_millis(),
        verify.as_micros()
    );
}

fn main() {
    let mut rng = StdRng::seed_from_u64(1);
    let employer = secret(&mut rng);

    let mut records = [0u64; aggregate::N];
    for (i, r) in records.iter_mut().enumerate() {
        *r = u64::rand(&mut rng) >> (i % 40);
    }
    let base = aggregate::Private { records, input_salt: Fr::rand(&mut rng), output_salt: Fr::rand(&mut rng) };
    let (chain, task, worker) = (Fr::rand(&mut rng), Fr::from(1u64), Fr::rand(&mut rng));
    let public = aggregate::Public::from_private(chain, task, worker, 1 << 50, &base);
    time(
        "aggregate",
        aggregate::Circuit::blank(),
        aggregate::Circuit::new(public, base.clone()),
        &public.to_field_elements(),
        &mut rng,
    );
    let private = fair_aggregate::Private { base, ephemeral_secret: secret(&mut rng) };
    let (public, _) =
        fair_aggregate::Public::from_private(chain, task, worker, 1 << 50, employer.public_key(), &private).unwrap();
    time(
        "aggregate (fair)",
        fair_aggregate::Circuit::blank(),
        fair_aggregate::Circuit::new(public, private),
        &public.to_field_elements(),
        &mut rng,
    );

    let mut weights = [0i32; classify::D];
    let mut features = [0i32; classify::D];
    for i in 0..classify::D {
        weights[i] = (u16::rand(&mut rng) as i16).into();
        features[i] = (u16::rand(&mut rng) as i16).into();
    }
    let base = classify::Private {
        model: classify::Model { weights, bias: -77 },
        model_salt: Fr::rand(&mut rng),
        features,
        input_salt: Fr::rand(&mut rng),
        output_salt: Fr::rand(&mut rng),
    };
    let public = classify::Public::from_private(chain, task, worker, &base).unwrap();
    time(
        "classify",
        classify::Circuit::blank(),
        classify::Circuit::new(public, base),
        &public.to_field_elements(),
        &mut rng,
    );
    let private = fair_classify::Private { base, ephemeral_secret: secret(&mut rng) };
    let (public, _) =
        fair_classify::Public::from_private(chain, task, worker, employer.public_key(), &private).unwrap();
    time(
        "classify (fair)",
        fair_classify::Circuit::blank(),
        fair_classify::Circuit::new(public, private),
        &public.to_field_elements(),
        &mut rng,
    );
}
