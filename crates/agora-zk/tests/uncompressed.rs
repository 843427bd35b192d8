//! The uncompressed proof encoding (256 bytes): decoded as strictly as the compressed one, and
//! the two encodings of one proof get the same verdict, singly and in any batch. Seeded RNGs
//! only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::{ProofClaim, ProofVerdict, ProofVerifier};
use agora_zk::toy::ToyCircuit;
use agora_zk::{
    Groth16Verifier, KeyPair, PROOF_BYTES, UNCOMPRESSED_PROOF_BYTES, decode_proof, encode_proof_uncompressed,
    fr_to_field, prove, setup_with_rng,
};
use ark_bn254::{Fq, Fq2, Fr, G2Affine};
use ark_ff::{BigInteger, PrimeField, UniformRand};
use ark_serialize::{CanonicalSerialize, Compress};
use ark_std::rand::{SeedableRng, rngs::StdRng};

fn keys() -> KeyPair {
    setup_with_rng(ToyCircuit::shape(2), &mut StdRng::seed_from_u64(41)).unwrap()
}

/// An honest claim in both encodings.
fn claim_pair(keys: &KeyPair, seed: u64) -> (ProofClaim, ProofClaim) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (x, y) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let compressed = prove(&keys.pk, ToyCircuit::with_witness(x, y, 2), &mut rng).unwrap();
    let proof = decode_proof(&compressed).unwrap();
    let uncompressed = encode_proof_uncompressed(&proof).unwrap();
    assert_eq!((compressed.len(), uncompressed.len()), (PROOF_BYTES, UNCOMPRESSED_PROOF_BYTES));
    assert_eq!(decode_proof(&uncompressed).unwrap(), proof, "both encodings decode to the same proof");
    let claim = |bytes: Vec<u8>| ProofClaim {
        key_id: keys.key_id,
        key: None,
        public_inputs: ToyCircuit::public_inputs(x, y, 2).into_iter().map(fr_to_field).collect(),
        proof: bytes,
    };
    (claim(compressed), claim(uncompressed))
}

fn verifier(keys: &KeyPair) -> Groth16Verifier {
    let mut v = Groth16Verifier::new();
    v.register(keys.vk.clone()).unwrap();
    v
}

#[test]
fn both_encodings_of_a_proof_get_the_same_verdict_singly_and_in_a_batch() {
    let keys = keys();
    let v = verifier(&keys);
    let mut claims = Vec::new();
    for seed in 0..6 {
        let (compressed, uncompressed) = claim_pair(&keys, seed);
        let mut wrong = uncompressed.clone();
        wrong.public_inputs[0] = fr_to_field(Fr::from(seed + 1_000));
        let mut wrong_compressed = compressed.clone();
        wrong_compressed.public_inputs = wrong.public_inputs.clone();
        claims.extend([compressed, uncompressed, wrong, wrong_compressed]);
    }
    let expected: Vec<ProofVerdict> = claims.iter().map(|c| v.verify_single(c)).collect();
    for (i, verdict) in expected.iter().enumerate() {
        let want = if i % 4 < 2 { ProofVerdict::Valid } else { ProofVerdict::Invalid };
        assert_eq!(*verdict, want, "claim {i}");
    }
    assert_eq!(v.verify_batch(&claims), expected);
    let valid_only: Vec<ProofClaim> =
        claims.iter().step_by(4).chain(claims.iter().skip(1).step_by(4)).cloned().collect();
    assert!(v.verify_batch(&valid_only).iter().all(|verdict| *verdict == ProofVerdict::Valid));
}

#[test]
fn every_flipped_bit_of_an_uncompressed_proof_is_refused() {
    let keys = keys();
    let v = verifier(&keys);
    let (_, good) = claim_pair(&keys, 77);
    for byte in 0..UNCOMPRESSED_PROOF_BYTES {
        let mut claims: Vec<ProofClaim> = (0..8)
            .map(|bit| {
                let mut c = good.clone();
                c.proof[byte] ^= 1 << bit;
                c
            })
            .collect();
        claims.push(good.clone());
        let verdicts = v.verify_batch(&claims);
        for (bit, verdict) in verdicts[..8].iter().enumerate() {
            assert!(
                matches!(verdict, ProofVerdict::Malformed | ProofVerdict::Invalid),
                "byte {byte} bit {bit}: {verdict:?}"
            );
        }
        assert_eq!(verdicts[8], ProofVerdict::Valid);
    }
}

#[test]
fn an_uncompressed_b_outside_the_prime_order_subgroup_is_malformed() {
    let keys = keys();
    let v = verifier(&keys);
    let (_, good) = claim_pair(&keys, 5);
    let mut rng = StdRng::seed_from_u64(6);
    let off_subgroup = loop {
        let x = Fq2::new(Fq::rand(&mut rng), Fq::rand(&mut rng));
        if let Some(point) = G2Affine::get_point_from_x_unchecked(x, false)
            && point.is_on_curve()
            && !point.is_in_correct_subgroup_assuming_on_curve()
        {
            break point;
        }
    };
    let mut b = Vec::new();
    off_subgroup.serialize_with_mode(&mut b, Compress::No).unwrap();
    assert_eq!(b.len(), 128);
    let mut forged = good.clone();
    forged.proof[64..192].copy_from_slice(&b);
    assert!(decode_proof(&forged.proof).is_err());
    assert_eq!(v.verify_single(&forged), ProofVerdict::Malformed);
    assert_eq!(v.verify_batch(&[forged, good])[0], ProofVerdict::Malformed);
}

#[test]
fn an_uncompressed_coordinate_at_or_above_the_modulus_is_malformed() {
    let keys = keys();
    let (_, good) = claim_pair(&keys, 8);
    // A.x is a plain 32-byte field element in this encoding (the flags live in A.y), and
    // x + p < 2p < 2^256, so x + p is a second spelling of x that must not decode.
    let x = Fq::from_le_bytes_mod_order(&good.proof[..32]).into_bigint();
    let mut shifted = x;
    assert!(!shifted.add_with_carry(&Fq::MODULUS));
    for spelling in [shifted.to_bytes_le(), Fq::MODULUS.to_bytes_le()] {
        let mut forged = good.proof.clone();
        forged[..32].copy_from_slice(&spelling[..32]);
        assert!(decode_proof(&forged).is_err(), "{spelling:?}");
    }
}
