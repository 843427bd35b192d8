//! Fair exchange through real Groth16 (BN254) proofs, with seeded RNGs: an honest proof verifies
//! and the employer recovers exactly the committed output; every attack is refused, either
//! because no witness satisfies the circuit or because the proof does not verify against the
//! public inputs the state machine would build.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use agora_circuits::babyjubjub::{PublicKey, SecretKey};
use agora_circuits::fair_exchange::cipher::{Ciphertext, decrypt};
use agora_circuits::fair_exchange::{self, Envelope, FairKind, MAX_FAIR_EXCHANGE_FIELDS};
use agora_circuits::{FairExchangeError, Fr, KeyError, aggregate, classify, constraint_count, is_satisfied, poseidon};
use ark_bn254::Bn254;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ed_on_bn254::{EdwardsAffine, EdwardsProjective};
use ark_ff::{One, PrimeField, UniformRand, Zero};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_snark::SNARK;
use ark_std::rand::{RngCore, SeedableRng, rngs::StdRng};

use fair_exchange::aggregate as fair_aggregate;
use fair_exchange::classify as fair_classify;

fn secret(rng: &mut StdRng) -> SecretKey {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    SecretKey::from_bytes(&bytes).unwrap()
}

fn verifies(pvk: &PreparedVerifyingKey<Bn254>, inputs: &[Fr], proof: &Proof<Bn254>) -> bool {
    Groth16::<Bn254>::verify_with_processed_vk(pvk, inputs, proof).unwrap()
}

/// One key pair and one honest proof per kind, shared by the tests.
struct Fixture<P, Q> {
    pk: ProvingKey<Bn254>,
    pvk: PreparedVerifyingKey<Bn254>,
    employer: SecretKey,
    public: P,
    private: Q,
    ciphertext: Ciphertext,
    proof: Proof<Bn254>,
}

type AggregateFixture = Fixture<fair_aggregate::Public, fair_aggregate::Private>;
type ClassifyFixture = Fixture<fair_classify::Public, fair_classify::Private>;

const THRESHOLD: u64 = 1 << 40;

fn aggregate_private(rng: &mut StdRng) -> fair_aggregate::Private {
    let mut records = [0u64; aggregate::N];
    for (i, r) in records.iter_mut().enumerate() {
        *r = u64::rand(rng) >> (i % 40);
    }
    fair_aggregate::Private {
        base: aggregate::Private { records, input_salt: Fr::rand(rng), output_salt: Fr::rand(rng) },
        ephemeral_secret: secret(rng),
    }
}

fn aggregate_fixture() -> &'static AggregateFixture {
    static FIXTURE: OnceLock<AggregateFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(11);
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(fair_aggregate::Circuit::blank(), &mut rng).unwrap();
        let employer = secret(&mut rng);
        let private = aggregate_private(&mut rng);
        let (chain, task, worker) = (Fr::rand(&mut rng), Fr::from(7u64), Fr::rand(&mut rng));
        let (public, ciphertext) =
            fair_aggregate::Public::from_private(chain, task, worker, THRESHOLD, employer.public_key(), &private)
                .unwrap();
        fair_aggregate::evaluate(&public, &private).unwrap();
        let circuit = fair_aggregate::Circuit::new(public, private.clone());
        let proof = Groth16::<Bn254>::prove(&pk, circuit, &mut rng).unwrap();
        let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
        Fixture { pk, pvk, employer, public, private, ciphertext, proof }
    })
}

fn classify_fixture() -> &'static ClassifyFixture {
    static FIXTURE: OnceLock<ClassifyFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(12);
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(fair_classify::Circuit::blank(), &mut rng).unwrap();
        let employer = secret(&mut rng);
        let mut weights = [0i32; classify::D];
        let mut features = [0i32; classify::D];
        for i in 0..classify::D {
            weights[i] = (u16::rand(&mut rng) as i16).into();
            features[i] = (u16::rand(&mut rng) as i16).into();
        }
        let private = fair_classify::Private {
            base: classify::Private {
                model: classify::Model { weights, bias: 1_234 },
                model_salt: Fr::rand(&mut rng),
                features,
                input_salt: Fr::rand(&mut rng),
                output_salt: Fr::rand(&mut rng),
            },
            ephemeral_secret: secret(&mut rng),
        };
        let (chain, task, worker) = (Fr::rand(&mut rng), Fr::from(8u64), Fr::rand(&mut rng));
        let (public, ciphertext) =
            fair_classify::Public::from_private(chain, task, worker, employer.public_key(), &private).unwrap();
        fair_classify::evaluate(&public, &private).unwrap();
        let circuit = fair_classify::Circuit::new(public, private.clone());
        let proof = Groth16::<Bn254>::prove(&pk, circuit, &mut rng).unwrap();
        let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
        Fixture { pk, pvk, employer, public, private, ciphertext, proof }
    })
}

#[test]
fn honest_aggregate_proof_verifies_and_the_employer_recovers_exactly_the_output() {
    let f = aggregate_fixture();
    let inputs = f.public.to_field_elements();
    assert_eq!(inputs.len(), fair_aggregate::NUM_PUBLIC_INPUTS);
    assert!(verifies(&f.pvk, &inputs, &f.proof));
    // What the state machine would hash from the published ciphertext.
    fair_exchange::check_ciphertext_length(FairKind::Aggregate, &f.ciphertext).unwrap();
    assert_eq!(f.ciphertext.hash(), f.public.envelope.ciphertext_hash);

    let opening = fair_aggregate::open(
        &f.employer,
        &f.public.envelope.ephemeral_key,
        f.public.base.output_commitment,
        &f.ciphertext,
    )
    .unwrap();
    assert_eq!(opening.output, aggregate::compute_output(&f.private.base.records, THRESHOLD));
    assert_eq!(opening.output_salt, f.private.base.output_salt);
    assert_eq!(aggregate::output_commitment(&opening.output, opening.output_salt), f.public.base.output_commitment);
}

#[test]
fn honest_classify_proof_verifies_and_the_employer_recovers_exactly_the_label() {
    let f = classify_fixture();
    let inputs = f.public.to_field_elements();
    assert_eq!(inputs.len(), fair_classify::NUM_PUBLIC_INPUTS);
    assert!(verifies(&f.pvk, &inputs, &f.proof));
    assert_eq!(f.ciphertext.hash(), f.public.envelope.ciphertext_hash);

    let opening = fair_classify::open(
        &f.employer,
        &f.public.envelope.ephemeral_key,
        f.public.base.output_commitment,
        &f.ciphertext,
    )
    .unwrap();
    let label = classify::classify(&f.private.base.model, &f.private.base.features).unwrap();
    assert_eq!(opening, fair_classify::Opening { label, output_salt: f.private.base.output_salt });
    assert_eq!(classify::output_commitment(opening.label, opening.output_salt), f.public.base.output_commitment);
}

#[test]
fn fair_public_inputs_extend_the_plain_statement_and_each_is_bound() {
    let f = aggregate_fixture();
    let inputs = f.public.to_field_elements();
    // The plain statement first (binding prefix 0–4, threshold 5), then the envelope.
    assert_eq!(inputs[..aggregate::NUM_PUBLIC_INPUTS], f.public.base.to_field_elements()[..]);
    let e = &f.public.envelope;
    assert_eq!(
        inputs[aggregate::NUM_PUBLIC_INPUTS..],
        [e.employer_key.x(), e.employer_key.y(), e.ephemeral_key.x(), e.ephemeral_key.y(), e.ciphertext_hash]
    );
    for i in 0..inputs.len() {
        let mut tampered = inputs.clone();
        tampered[i] += Fr::one();
        assert!(!verifies(&f.pvk, &tampered, &f.proof), "proof verified with public input {i} changed");
    }
    let c = classify_fixture();
    let inputs = c.public.to_field_elements();
    assert_eq!(inputs[..classify::NUM_PUBLIC_INPUTS], c.public.base.to_field_elements()[..]);
    for i in 0..inputs.len() {
        let mut tampered = inputs.clone();
        tampered[i] += Fr::one();
        assert!(!verifies(&c.pvk, &tampered, &c.proof), "proof verified with public input {i} changed");
    }
}

#[test]
fn a_ciphertext_encrypting_a_different_output_is_refused() {
    let f = aggregate_fixture();
    let true_output = aggregate::compute_output(&f.private.base.records, THRESHOLD);
    let salt = f.private.base.output_salt;
    let employer_key = f.employer.public_key();
    let wrong_outputs = [
        aggregate::Output { sum: true_output.sum + 1, ..true_output },
        aggregate::Output { count: true_output.count + 1, ..true_output },
    ];
    for wrong in wrong_outputs {
        let (envelope, ciphertext) =
            Envelope::seal(employer_key, &f.private.ephemeral_secret, &fair_aggregate::plaintext(&wrong, salt))
                .unwrap();
        // The worker cannot prove it: the circuit encrypts the output it computes.
        let lying = fair_aggregate::Public { envelope, ..f.public };
        assert_eq!(fair_aggregate::evaluate(&lying, &f.private), Err(FairExchangeError::CiphertextHashMismatch));
        assert!(!is_satisfied(fair_aggregate::Circuit::new(lying, f.private.clone())).unwrap());
        // Nor with an output commitment to the wrong output: the task's statement fails.
        let mut consistent = lying;
        consistent.base.output_commitment = aggregate::output_commitment(&wrong, salt);
        assert!(fair_aggregate::evaluate(&consistent, &f.private).is_err());
        assert!(!is_satisfied(fair_aggregate::Circuit::new(consistent, f.private.clone())).unwrap());
        // The honest proof does not verify for the wrong ciphertext's hash.
        assert!(!verifies(&f.pvk, &lying.to_field_elements(), &f.proof));
        // And the employer's decryption of it does not open the commitment.
        assert_eq!(
            fair_aggregate::open(&f.employer, &envelope.ephemeral_key, f.public.base.output_commitment, &ciphertext),
            Err(FairExchangeError::OutputCommitmentMismatch)
        );
    }
    // A wrong salt in the plaintext (the employer could not recompute the commitment).
    let (envelope, _) = Envelope::seal(
        employer_key,
        &f.private.ephemeral_secret,
        &fair_aggregate::plaintext(&true_output, salt + Fr::one()),
    )
    .unwrap();
    let lying = fair_aggregate::Public { envelope, ..f.public };
    assert!(!is_satisfied(fair_aggregate::Circuit::new(lying, f.private.clone())).unwrap());

    // classify: a ciphertext of the other label.
    let c = classify_fixture();
    let label = classify::classify(&c.private.base.model, &c.private.base.features).unwrap();
    let (envelope, _) = Envelope::seal(
        c.employer.public_key(),
        &c.private.ephemeral_secret,
        &fair_classify::plaintext(!label, c.private.base.output_salt),
    )
    .unwrap();
    let lying = fair_classify::Public { envelope, ..c.public };
    assert_eq!(fair_classify::evaluate(&lying, &c.private), Err(FairExchangeError::CiphertextHashMismatch));
    assert!(!is_satisfied(fair_classify::Circuit::new(lying, c.private.clone())).unwrap());
    assert!(!verifies(&c.pvk, &lying.to_field_elements(), &c.proof));
}

#[test]
fn a_ciphertext_encrypted_to_a_different_employer_key_is_refused() {
    let f = aggregate_fixture();
    let mut rng = StdRng::seed_from_u64(21);
    let other = secret(&mut rng);
    // An honest proof for another employer's key does not verify for this task's employer.
    let (for_other, ciphertext) = fair_aggregate::Public::from_private(
        f.public.base.chain_id,
        f.public.base.task_id,
        f.public.base.worker_id,
        THRESHOLD,
        other.public_key(),
        &f.private,
    )
    .unwrap();
    let proof =
        Groth16::<Bn254>::prove(&f.pk, fair_aggregate::Circuit::new(for_other, f.private.clone()), &mut rng).unwrap();
    assert!(verifies(&f.pvk, &for_other.to_field_elements(), &proof));
    let as_task = fair_aggregate::Public {
        envelope: Envelope { employer_key: f.employer.public_key(), ..for_other.envelope },
        ..for_other
    };
    assert!(!verifies(&f.pvk, &as_task.to_field_elements(), &proof));
    // Claiming the task's employer key with the other key's ciphertext is unsatisfiable.
    assert_eq!(fair_aggregate::evaluate(&as_task, &f.private), Err(FairExchangeError::CiphertextHashMismatch));
    assert!(!is_satisfied(fair_aggregate::Circuit::new(as_task, f.private.clone())).unwrap());
    // The task's employer cannot open it.
    assert_eq!(
        fair_aggregate::open(
            &f.employer,
            &for_other.envelope.ephemeral_key,
            f.public.base.output_commitment,
            &ciphertext
        ),
        Err(FairExchangeError::OutputCommitmentMismatch)
    );
}

#[test]
fn a_ciphertext_and_proof_replayed_from_another_task_fail_verification() {
    let f = aggregate_fixture();
    // The same ciphertext, ephemeral key and proof, presented for another task (or by another
    // worker, or on another chain): the state machine builds inputs from its own records.
    let mut other_task = f.public;
    other_task.base.task_id = Fr::from(8u64);
    assert!(!verifies(&f.pvk, &other_task.to_field_elements(), &f.proof));
    let mut other_worker = f.public;
    other_worker.base.worker_id += Fr::one();
    assert!(!verifies(&f.pvk, &other_worker.to_field_elements(), &f.proof));
    let mut other_chain = f.public;
    other_chain.base.chain_id += Fr::one();
    assert!(!verifies(&f.pvk, &other_chain.to_field_elements(), &f.proof));
    // A task of the same employer with other input data.
    let mut other_input = f.public;
    other_input.base.input_commitment = aggregate::input_commitment(&[1; aggregate::N], Fr::one());
    assert!(!verifies(&f.pvk, &other_input.to_field_elements(), &f.proof));

    let c = classify_fixture();
    let mut other_task = c.public;
    other_task.base.task_id = Fr::from(9u64);
    assert!(!verifies(&c.pvk, &other_task.to_field_elements(), &c.proof));
}

#[test]
fn a_truncated_ciphertext_is_refused() {
    let f = aggregate_fixture();
    let elements = f.ciphertext.elements();
    let truncated = Ciphertext::new(elements[..elements.len() - 1].to_vec()).unwrap();
    // The state machine's length check.
    assert_eq!(
        fair_exchange::check_ciphertext_length(FairKind::Aggregate, &truncated),
        Err(FairExchangeError::LengthMismatch { len: 2, expected: 3 })
    );
    // Were it hashed anyway, the hash names the length: the proof does not verify.
    assert_ne!(truncated.hash(), f.ciphertext.hash());
    let mut with_truncated = f.public;
    with_truncated.envelope.ciphertext_hash = truncated.hash();
    assert!(!verifies(&f.pvk, &with_truncated.to_field_elements(), &f.proof));
    // Padding it back with a zero does not restore the hash either.
    let mut padded = elements[..elements.len() - 1].to_vec();
    padded.push(Fr::zero());
    assert_ne!(Ciphertext::new(padded).unwrap().hash(), f.ciphertext.hash());
    // The employer's side refuses it too.
    assert!(matches!(
        fair_aggregate::open(
            &f.employer,
            &f.public.envelope.ephemeral_key,
            f.public.base.output_commitment,
            &truncated
        ),
        Err(FairExchangeError::LengthMismatch { .. })
    ));
    // An over-long or empty ciphertext cannot even be constructed.
    assert!(matches!(
        Ciphertext::new(vec![Fr::one(); MAX_FAIR_EXCHANGE_FIELDS + 1]),
        Err(FairExchangeError::LengthOutOfBounds { .. })
    ));
    assert!(Ciphertext::new(Vec::new()).is_err());
    // An extended ciphertext fails the same way.
    let mut extended = elements.to_vec();
    extended.push(Fr::one());
    let extended = Ciphertext::new(extended).unwrap();
    assert!(fair_exchange::check_ciphertext_length(FairKind::Aggregate, &extended).is_err());
    with_truncated.envelope.ciphertext_hash = extended.hash();
    assert!(!verifies(&f.pvk, &with_truncated.to_field_elements(), &f.proof));
}

#[test]
fn a_wrong_ephemeral_public_key_is_refused() {
    let f = aggregate_fixture();
    let mut rng = StdRng::seed_from_u64(31);
    let other = secret(&mut rng).public_key();
    // Published with another ephemeral key: the proof does not verify.
    let mut wrong = f.public;
    wrong.envelope.ephemeral_key = other;
    assert!(!verifies(&f.pvk, &wrong.to_field_elements(), &f.proof));
    // No proof for it: the ephemeral key must be r·G for the r that encrypted.
    assert_eq!(fair_aggregate::evaluate(&wrong, &f.private), Err(FairExchangeError::EphemeralKeyMismatch));
    assert!(!is_satisfied(fair_aggregate::Circuit::new(wrong, f.private.clone())).unwrap());
    // With the wrong ephemeral key the employer derives another keystream.
    assert_eq!(
        fair_aggregate::open(&f.employer, &other, f.public.base.output_commitment, &f.ciphertext),
        Err(FairExchangeError::OutputCommitmentMismatch)
    );
    assert_ne!(
        decrypt(&f.employer, &other, &f.ciphertext),
        decrypt(&f.employer, &f.public.envelope.ephemeral_key, &f.ciphertext)
    );
    // The identity (a key whose shared point anyone knows) is not a public key at all.
    assert_eq!(PublicKey::from_coordinates(Fr::zero(), Fr::one()), Err(KeyError::Identity));
}

#[test]
fn off_curve_and_small_order_employer_keys_are_rejected_natively() {
    let mut rng = StdRng::seed_from_u64(41);
    let good = secret(&mut rng).public_key();
    assert_eq!(PublicKey::from_coordinates(good.x(), good.y()), Ok(good));
    assert_eq!(PublicKey::from_bytes(&good.to_bytes()), Ok(good));
    // Off the curve.
    assert_eq!(PublicKey::from_coordinates(good.x(), good.y() + Fr::one()), Err(KeyError::NotOnCurve));
    assert_eq!(PublicKey::from_coordinates(Fr::from(2u64), Fr::from(3u64)), Err(KeyError::NotOnCurve));
    // Small order: the identity, the point of order 2, the points of order 4.
    assert_eq!(PublicKey::from_coordinates(Fr::zero(), Fr::one()), Err(KeyError::Identity));
    let order_two = EdwardsAffine::new_unchecked(Fr::zero(), -Fr::one());
    assert_eq!(PublicKey::from_coordinates(order_two.x, order_two.y), Err(KeyError::NotInSubgroup));
    assert_eq!(PublicKey::from_coordinates(Fr::one(), Fr::zero()), Err(KeyError::NotInSubgroup));
    assert_eq!(PublicKey::from_coordinates(-Fr::one(), Fr::zero()), Err(KeyError::NotInSubgroup));
    // Order 8: l·P for a curve point P whose small-order component has order 8.
    let order_eight = (2u64..)
        .filter_map(|y| EdwardsAffine::get_point_from_y_unchecked(Fr::from(y), false))
        .map(|p| p.mul_bigint(<ark_ed_on_bn254::Fr as PrimeField>::MODULUS).into_affine())
        .find(|t| !t.mul_bigint([4u64]).is_zero())
        .unwrap();
    assert_eq!(PublicKey::from_coordinates(order_eight.x, order_eight.y), Err(KeyError::NotInSubgroup));
    // A valid key plus a small-order point.
    let mixed = (good.point().into_group() + EdwardsProjective::from(order_two)).into_affine();
    assert_eq!(PublicKey::from_coordinates(mixed.x, mixed.y), Err(KeyError::NotInSubgroup));
    // A secret reducing to zero.
    assert_eq!(SecretKey::from_bytes(&[0; 32]), Err(KeyError::ZeroSecret));
}

#[test]
fn constraint_counts_plain_and_fair_exchange() {
    let plain_aggregate = constraint_count(aggregate::Circuit::blank()).unwrap();
    let fair_aggregate = constraint_count(fair_aggregate::Circuit::blank()).unwrap();
    let plain_classify = constraint_count(classify::Circuit::blank()).unwrap();
    let fair_classify = constraint_count(fair_classify::Circuit::blank()).unwrap();
    assert_eq!((plain_aggregate, fair_aggregate), (16_821, 23_744));
    assert_eq!((plain_classify, fair_classify), (5_191, 11_391));
    assert_eq!((fair_aggregate::CONSTRAINTS, fair_classify::CONSTRAINTS), (fair_aggregate, fair_classify));
    assert_eq!(FairKind::Aggregate.num_public_inputs(), aggregate::NUM_PUBLIC_INPUTS + 5);
    assert_eq!(FairKind::Classify.num_public_inputs(), classify::NUM_PUBLIC_INPUTS + 5);
    // Groth16 domains (constraints + instance variables, next power of two): 2^15 and 2^14.
    assert!(fair_aggregate + 1 + fair_aggregate::NUM_PUBLIC_INPUTS <= 1 << 15);
    assert!(fair_classify + 1 + fair_classify::NUM_PUBLIC_INPUTS <= 1 << 14);
}

#[test]
fn the_plaintext_is_the_output_commitment_preimage() {
    // What lets the employer check a decryption with nothing but the task's record.
    let f = aggregate_fixture();
    let plaintext = decrypt(&f.employer, &f.public.envelope.ephemeral_key, &f.ciphertext);
    assert_eq!(poseidon::hash(&plaintext), f.public.base.output_commitment);
    let c = classify_fixture();
    let plaintext = decrypt(&c.employer, &c.public.envelope.ephemeral_key, &c.ciphertext);
    assert_eq!(poseidon::hash(&plaintext), c.public.base.output_commitment);
}
