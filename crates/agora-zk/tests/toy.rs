//! End-to-end tests of setup, proving, encoding, key files and (batch) verification on the toy
//! circuit. Seeded RNGs only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::{FieldBytes, KeyId, ProofClaim, ProofVerdict, ProofVerifier};
use agora_zk::batch::derive_weights;
use agora_zk::keys::{
    self, KEY_FILE_HEADER_BYTES, decode_pk_file, decode_vk_file, encode_pk_file, encode_vk_file, import_pk, import_vk,
    read_pk_file, read_vk_file, write_pk_file, write_vk_file,
};
use agora_zk::toy::ToyCircuit;
use agora_zk::{
    Groth16Verifier, KeyError, KeyPair, PROOF_BYTES, decode_proof, encode_proof, fr_to_field, prove, setup_with_rng,
};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G2Affine};
use ark_ff::{Field, UniformRand};
use ark_groth16::Groth16;
use ark_serialize::CanonicalSerialize;
use ark_std::rand::{SeedableRng, rngs::StdRng};

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn toy_keys(extra: usize, seed: u64) -> KeyPair {
    match setup_with_rng(ToyCircuit::shape(extra), &mut rng(seed)) {
        Ok(keys) => keys,
        Err(e) => panic!("setup failed: {e}"),
    }
}

/// An honest claim for random witnesses.
fn honest_claim(keys: &KeyPair, extra: usize, rng: &mut StdRng) -> ProofClaim {
    let x = Fr::rand(rng);
    let y = Fr::rand(rng);
    let proof = prove(&keys.pk, ToyCircuit::with_witness(x, y, extra), rng).unwrap();
    assert_eq!(proof.len(), PROOF_BYTES);
    ProofClaim {
        key_id: keys.key_id,
        key: None,
        public_inputs: ToyCircuit::public_inputs(x, y, extra).into_iter().map(fr_to_field).collect(),
        proof,
    }
}

fn verifier_with(keys: &[&KeyPair]) -> Groth16Verifier {
    let mut v = Groth16Verifier::new();
    for k in keys {
        assert_eq!(v.register(k.vk.clone()).unwrap(), k.key_id);
    }
    v
}

fn bump(f: &FieldBytes) -> FieldBytes {
    fr_to_field(agora_zk::field_to_fr(f) + Fr::from(1u64))
}

#[test]
fn honest_proofs_verify_singly_and_in_batch() {
    let keys = toy_keys(2, 1);
    let v = verifier_with(&[&keys]);
    let mut r = rng(2);
    let claims: Vec<_> = (0..16).map(|_| honest_claim(&keys, 2, &mut r)).collect();
    for c in &claims {
        assert_eq!(v.verify_single(c), ProofVerdict::Valid);
    }
    assert_eq!(v.verify_batch(&claims), vec![ProofVerdict::Valid; 16]);
    assert_eq!(v.verify_batch(&claims[..1]), vec![ProofVerdict::Valid]);
    assert_eq!(v.verify_batch(&claims[..2]), vec![ProofVerdict::Valid; 2]);
    assert!(v.verify_batch(&[]).is_empty());
}

#[test]
fn exactly_the_bad_proofs_are_rejected() {
    let keys = toy_keys(2, 3);
    let v = verifier_with(&[&keys]);
    let mut r = rng(4);
    let good: Vec<_> = (0..16).map(|_| honest_claim(&keys, 2, &mut r)).collect();
    // One bad proof at every position in turn.
    for bad in 0..16 {
        let mut claims = good.clone();
        claims[bad].public_inputs[1] = bump(&claims[bad].public_inputs[1]);
        let verdicts = v.verify_batch(&claims);
        for (i, verdict) in verdicts.iter().enumerate() {
            let want = if i == bad { ProofVerdict::Invalid } else { ProofVerdict::Valid };
            assert_eq!(*verdict, want, "bad at {bad}, index {i}");
        }
    }
    // Several bad ones, including swapped proofs (each valid for another statement).
    let mut claims = good.clone();
    claims[0].public_inputs[0] = bump(&claims[0].public_inputs[0]);
    let (p7, p8) = (claims[7].proof.clone(), claims[8].proof.clone());
    claims[7].proof = p8;
    claims[8].proof = p7;
    claims[15].public_inputs[3] = bump(&claims[15].public_inputs[3]);
    let verdicts = v.verify_batch(&claims);
    for (i, verdict) in verdicts.iter().enumerate() {
        let bad = [0, 7, 8, 15].contains(&i);
        assert_eq!(*verdict, if bad { ProofVerdict::Invalid } else { ProofVerdict::Valid });
    }
    // All bad.
    let all_bad: Vec<_> = good
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.public_inputs[0] = bump(&c.public_inputs[0]);
            c
        })
        .collect();
    assert_eq!(v.verify_batch(&all_bad), vec![ProofVerdict::Invalid; 16]);
}

#[test]
fn wrong_public_input_is_invalid() {
    let keys = toy_keys(1, 5);
    let v = verifier_with(&[&keys]);
    let mut c = honest_claim(&keys, 1, &mut rng(6));
    for j in 0..c.public_inputs.len() {
        let mut bad = c.clone();
        bad.public_inputs[j] = bump(&bad.public_inputs[j]);
        assert_eq!(v.verify_single(&bad), ProofVerdict::Invalid);
        assert_eq!(v.verify_batch(&[bad]), vec![ProofVerdict::Invalid]);
    }
    c.public_inputs.swap(0, 1);
    assert_eq!(v.verify_batch(&[c]), vec![ProofVerdict::Invalid]);
}

#[test]
fn input_count_must_match_the_key() {
    let keys = toy_keys(2, 7);
    let v = verifier_with(&[&keys]);
    assert_eq!(v.expected_inputs(&keys.key_id), Some(4));
    let good = honest_claim(&keys, 2, &mut rng(8));
    let mut more = good.clone();
    more.public_inputs.push(FieldBytes::ZERO);
    let mut fewer = good.clone();
    fewer.public_inputs.pop();
    let mut none = good.clone();
    none.public_inputs.clear();
    let verdicts = v.verify_batch(&[more.clone(), good, fewer.clone(), none]);
    assert_eq!(
        verdicts,
        vec![
            ProofVerdict::WrongInputCount,
            ProofVerdict::Valid,
            ProofVerdict::WrongInputCount,
            ProofVerdict::WrongInputCount
        ]
    );
    assert_eq!(v.verify_single(&more), ProofVerdict::WrongInputCount);
    assert_eq!(v.verify_single(&fewer), ProofVerdict::WrongInputCount);
}

#[test]
fn flipped_bits_never_verify_and_never_panic() {
    let keys = toy_keys(2, 9);
    let v = verifier_with(&[&keys]);
    let good = honest_claim(&keys, 2, &mut rng(10));
    for byte in 0..PROOF_BYTES {
        let claims: Vec<_> = (0..8)
            .map(|bit| {
                let mut c = good.clone();
                c.proof[byte] ^= 1 << bit;
                c
            })
            .collect();
        let mut with_good = claims.clone();
        with_good.push(good.clone());
        let verdicts = v.verify_batch(&with_good);
        for (bit, verdict) in verdicts[..8].iter().enumerate() {
            assert!(
                matches!(verdict, ProofVerdict::Malformed | ProofVerdict::Invalid),
                "byte {byte} bit {bit}: {verdict:?}"
            );
            assert_eq!(v.verify_single(&claims[bit]), *verdict);
        }
        assert_eq!(verdicts[8], ProofVerdict::Valid);
    }
}

#[test]
fn off_curve_and_off_subgroup_points_are_malformed() {
    let keys = toy_keys(0, 11);
    let v = verifier_with(&[&keys]);
    let good = honest_claim(&keys, 0, &mut rng(12));

    // A: an x coordinate with no curve point (x^3 + 3 not a square), keeping the flag bits.
    let mut found_off_curve = false;
    for x in 1u64..100 {
        let xf = Fq::from(x);
        if (xf * xf * xf + Fq::from(3u64)).sqrt().is_some() {
            continue;
        }
        let mut enc = Vec::new();
        xf.serialize_compressed(&mut enc).unwrap();
        let mut c = good.clone();
        c.proof[..32].copy_from_slice(&enc);
        c.proof[31] |= good.proof[31] & 0xc0;
        assert!(decode_proof(&c.proof).is_err());
        assert_eq!(v.verify_batch(&[c, good.clone()]), vec![ProofVerdict::Malformed, ProofVerdict::Valid]);
        found_off_curve = true;
        break;
    }
    assert!(found_off_curve);

    // B: a point on the twist curve but outside the prime-order subgroup (cofactor > 1).
    let mut r = rng(13);
    let mut found_off_subgroup = false;
    for _ in 0..100 {
        let x = Fq2::rand(&mut r);
        let Some(p) = G2Affine::get_point_from_x_unchecked(x, true) else {
            continue;
        };
        assert!(p.is_on_curve());
        if p.is_in_correct_subgroup_assuming_on_curve() {
            continue;
        }
        let mut enc = Vec::new();
        p.serialize_compressed(&mut enc).unwrap();
        assert_eq!(enc.len(), 64);
        let mut c = good.clone();
        c.proof[32..96].copy_from_slice(&enc);
        assert!(decode_proof(&c.proof).is_err());
        assert_eq!(v.verify_batch(&[good.clone(), c.clone()]), vec![ProofVerdict::Valid, ProofVerdict::Malformed]);
        assert_eq!(v.verify_single(&c), ProofVerdict::Malformed);
        found_off_subgroup = true;
        break;
    }
    assert!(found_off_subgroup);

    // Coordinates at or above the field modulus (all ones in the value bits).
    let mut c = good.clone();
    c.proof[..31].fill(0xff);
    c.proof[31] = (good.proof[31] & 0xc0) | 0x3f;
    assert_eq!(v.verify_single(&c), ProofVerdict::Malformed);
}

#[test]
fn truncated_and_oversized_proofs_are_malformed() {
    let keys = toy_keys(0, 14);
    let v = verifier_with(&[&keys]);
    let good = honest_claim(&keys, 0, &mut rng(15));
    let mut claims = Vec::new();
    for len in [0usize, 1, 31, 32, 96, 127] {
        let mut c = good.clone();
        c.proof.truncate(len);
        claims.push(c);
    }
    for extra in [1usize, 32, 128, 1000] {
        let mut c = good.clone();
        c.proof.extend(std::iter::repeat_n(0u8, extra));
        claims.push(c);
    }
    let n = claims.len();
    claims.push(good);
    let verdicts = v.verify_batch(&claims);
    assert_eq!(verdicts[..n], vec![ProofVerdict::Malformed; n][..]);
    assert_eq!(verdicts[n], ProofVerdict::Valid);
}

/// Groth16 proofs are malleable: re-randomising gives different bytes that still verify. So
/// nothing may be keyed on proof bytes.
#[test]
fn rerandomised_proof_still_verifies() {
    let keys = toy_keys(1, 16);
    let v = verifier_with(&[&keys]);
    let mut r = rng(17);
    let c = honest_claim(&keys, 1, &mut r);
    let proof = decode_proof(&c.proof).unwrap();
    let other = Groth16::<Bn254>::rerandomize_proof(&keys.vk, &proof, &mut r);
    let bytes = encode_proof(&other).unwrap();
    assert_ne!(bytes, c.proof);
    let c2 = ProofClaim { proof: bytes, ..c.clone() };
    assert_eq!(v.verify_batch(&[c, c2]), vec![ProofVerdict::Valid; 2]);
}

#[test]
fn unknown_keys_and_mixed_keys_in_one_batch() {
    let k1 = toy_keys(1, 18);
    let k2 = toy_keys(3, 19);
    assert_ne!(k1.key_id, k2.key_id);
    let v = verifier_with(&[&k1, &k2]);
    let mut r = rng(20);
    let mut claims = Vec::new();
    let mut want = Vec::new();
    for i in 0..12 {
        let (keys, extra) = if i % 3 == 0 { (&k2, 3) } else { (&k1, 1) };
        let mut c = honest_claim(keys, extra, &mut r);
        let mut w = ProofVerdict::Valid;
        if i == 4 || i == 9 {
            c.public_inputs[0] = bump(&c.public_inputs[0]);
            w = ProofVerdict::Invalid;
        }
        if i == 6 {
            c.key_id = KeyId([7u8; 32]);
            w = ProofVerdict::UnknownKey;
        }
        if i == 10 {
            // A proof for key 1 presented under key 2 (input count differs).
            c.key_id = k2.key_id;
            w = ProofVerdict::WrongInputCount;
        }
        claims.push(c);
        want.push(w);
    }
    // A proof for key 1 claimed under another key with the same input count: invalid.
    let k3 = toy_keys(1, 21);
    let v3 = verifier_with(&[&k1, &k2, &k3]);
    let mut stolen = honest_claim(&k1, 1, &mut r);
    stolen.key_id = k3.key_id;
    claims.push(stolen);
    want.push(ProofVerdict::Invalid);
    assert_eq!(v3.verify_batch(&claims), want);
    assert_eq!(v.verify_batch(&claims[..12]), want[..12]);
}

#[test]
fn weights_are_deterministic_and_bound_to_the_batch() {
    let id = KeyId([1u8; 32]);
    let inputs = [FieldBytes::from_u64(1), FieldBytes::from_u64(2)];
    let proof = [9u8; PROOF_BYTES];
    let batch =
        |idx: usize, p: &[u8]| derive_weights(&id, &[(idx, &inputs[..], p), (idx + 1, &inputs[..], &proof[..])]);
    let a = batch(0, &proof);
    assert_eq!(a, batch(0, &proof));
    assert_eq!(a.len(), 2);
    assert_ne!(a[0], a[1]);
    assert_ne!(a, batch(1, &proof));
    let mut other = proof;
    other[0] ^= 1;
    assert_ne!(a, batch(0, &other));
    let other_id = derive_weights(&KeyId([2u8; 32]), &[(0, &inputs[..], &proof[..])]);
    assert_ne!(a[0], other_id[0]);
}

#[test]
fn key_files_round_trip_and_tampering_is_detected() {
    let keys = toy_keys(2, 22);
    let dir = tempfile::tempdir().unwrap();
    let vk_path = dir.path().join("toy.vk");
    let pk_path = dir.path().join("toy.pk");
    assert_eq!(write_vk_file(&vk_path, &keys.vk).unwrap(), keys.key_id);
    assert_eq!(write_pk_file(&pk_path, &keys.pk).unwrap(), keys.key_id);
    let (vk, id) = read_vk_file(&vk_path).unwrap();
    assert_eq!((vk.clone(), id), (keys.vk.clone(), keys.key_id));
    let (pk, id) = read_pk_file(&pk_path).unwrap();
    assert_eq!(id, keys.key_id);
    assert_eq!(pk, keys.pk);
    assert_eq!(keys::key_id(&vk).unwrap(), keys.key_id);

    // A proof made with the reloaded proving key verifies under the reloaded verifying key.
    let reloaded = KeyPair { pk, vk, key_id: id };
    let v = verifier_with(&[&reloaded]);
    let c = honest_claim(&reloaded, 2, &mut rng(23));
    assert_eq!(v.verify_batch(&[c]), vec![ProofVerdict::Valid]);

    // Header key id tampered.
    let file = encode_vk_file(&keys.vk).unwrap();
    let mut bad = file.clone();
    bad[12] ^= 1;
    assert!(matches!(decode_vk_file(&bad), Err(KeyError::KeyIdMismatch { .. })));
    let pfile = encode_pk_file(&keys.pk).unwrap();
    let mut pbad = pfile.clone();
    pbad[40] ^= 0x80;
    assert!(matches!(decode_pk_file(&pbad), Err(KeyError::KeyIdMismatch { .. })));

    // Every byte of the vk body flipped: never accepted silently.
    for i in KEY_FILE_HEADER_BYTES..file.len() {
        let mut bad = file.clone();
        bad[i] ^= 0x01;
        assert!(decode_vk_file(&bad).is_err(), "flip at {i} accepted");
    }
    // A body that is another valid key, under the original header: id mismatch.
    let other = toy_keys(2, 24);
    let mut swapped = file[..KEY_FILE_HEADER_BYTES].to_vec();
    swapped.extend_from_slice(&keys::vk_to_bytes(&other.vk).unwrap());
    assert!(matches!(decode_vk_file(&swapped), Err(KeyError::KeyIdMismatch { .. })));

    // Magic, version, truncation, trailing bytes.
    assert!(matches!(decode_vk_file(&pfile), Err(KeyError::BadMagic { .. })));
    let mut v2 = file.clone();
    v2[8] = 2;
    assert!(matches!(decode_vk_file(&v2), Err(KeyError::UnsupportedVersion(2))));
    assert!(matches!(decode_vk_file(&file[..20]), Err(KeyError::Truncated)));
    assert!(matches!(decode_vk_file(&file[..file.len() - 1]), Err(KeyError::Truncated)));
    let mut longer = file.clone();
    longer.push(0);
    assert!(matches!(decode_vk_file(&longer), Err(KeyError::Truncated)));
    let mut huge_len = file.clone();
    huge_len[42..50].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(decode_vk_file(&huge_len), Err(KeyError::TooLarge { .. })));
    std::fs::write(&vk_path, &bad).unwrap();
    assert!(read_vk_file(&vk_path).is_err());
}

#[test]
fn raw_key_import_computes_the_id() {
    let keys = toy_keys(1, 25);
    let raw_vk = keys::vk_to_bytes(&keys.vk).unwrap();
    let raw_pk = keys::pk_to_bytes(&keys.pk).unwrap();
    assert_eq!(import_vk(&raw_vk).unwrap(), (keys.vk.clone(), keys.key_id));
    assert_eq!(import_pk(&raw_pk).unwrap().1, keys.key_id);
    assert_eq!(keys.key_id.0, *blake3::hash(&raw_vk).as_bytes());

    let mut trailing = raw_vk.clone();
    trailing.push(0);
    assert!(matches!(import_vk(&trailing), Err(KeyError::TrailingBytes(1))));
    assert!(import_vk(&raw_vk[..raw_vk.len() - 1]).is_err());
    assert!(matches!(import_vk(&vec![0u8; keys::MAX_VK_BYTES + 1]), Err(KeyError::TooLarge { .. })));

    // Degenerate keys are refused at import and at registration.
    let mut degenerate = keys.vk.clone();
    degenerate.delta_g2 = degenerate.gamma_g2;
    let raw = keys::vk_to_bytes(&degenerate).unwrap();
    assert!(matches!(import_vk(&raw), Err(KeyError::Degenerate(_))));
    assert!(Groth16Verifier::new().register(degenerate).is_err());
    let mut zero = keys.vk.clone();
    zero.alpha_g1 = ark_bn254::G1Affine::default();
    assert!(matches!(keys::check_vk_sanity(&zero), Err(KeyError::Degenerate(_))));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn fixture() -> &'static (KeyPair, Groth16Verifier, ProofClaim) {
        static FIXTURE: OnceLock<(KeyPair, Groth16Verifier, ProofClaim)> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let keys = toy_keys(1, 26);
            let v = verifier_with(&[&keys]);
            let c = honest_claim(&keys, 1, &mut rng(27));
            (keys, v, c)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let (keys, v, good) = fixture();
            let _ = decode_proof(&bytes);
            let _ = import_vk(&bytes);
            let _ = decode_vk_file(&bytes);
            let claim = ProofClaim { key_id: keys.key_id, key: None, public_inputs: good.public_inputs.clone(), proof: bytes };
            let verdicts = v.verify_batch(&[claim.clone(), good.clone()]);
            prop_assert_ne!(verdicts[0], ProofVerdict::Valid);
            prop_assert_eq!(verdicts[1], ProofVerdict::Valid);
            prop_assert_eq!(v.verify_single(&claim), verdicts[0]);
        }

        #[test]
        fn random_proof_sized_bytes_never_verify(bytes in proptest::collection::vec(any::<u8>(), PROOF_BYTES)) {
            let (keys, v, good) = fixture();
            let claim = ProofClaim { key_id: keys.key_id, key: None, public_inputs: good.public_inputs.clone(), proof: bytes };
            prop_assert!(matches!(v.verify_single(&claim), ProofVerdict::Malformed | ProofVerdict::Invalid));
        }
    }
}

/// Informal timings (run with `--ignored --nocapture`); asserts only correctness.
#[test]
#[ignore]
fn timings() {
    use std::time::Instant;
    let keys = toy_keys(4, 28);
    let v = verifier_with(&[&keys]);
    let mut r = rng(29);
    let claims: Vec<_> = (0..64).map(|_| honest_claim(&keys, 4, &mut r)).collect();
    let t = Instant::now();
    for c in &claims[..16] {
        assert_eq!(v.verify_single(c), ProofVerdict::Valid);
    }
    println!("single verify: {:?} each", t.elapsed() / 16);
    for n in [2usize, 16, 64] {
        let t = Instant::now();
        assert!(v.verify_batch(&claims[..n]).iter().all(|x| *x == ProofVerdict::Valid));
        let e = t.elapsed();
        println!("batch of {n}: {e:?} total, {:?} per proof", e / n as u32);
    }
    let mut bad = claims.clone();
    bad[40].public_inputs[0] = bump(&bad[40].public_inputs[0]);
    let t = Instant::now();
    let verdicts = v.verify_batch(&bad);
    println!("batch of 64 with one bad: {:?}", t.elapsed());
    assert_eq!(verdicts.iter().filter(|x| **x == ProofVerdict::Invalid).count(), 1);
    let t = Instant::now();
    for _ in 0..16 {
        let _ = prove(&keys.pk, ToyCircuit::with_witness(Fr::from(3u64), Fr::from(5u64), 4), &mut r);
    }
    println!("toy prove: {:?} each", t.elapsed() / 16);
}

/// Informal breakdown of the batch's building blocks (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn timing_breakdown() {
    use ark_bn254::{G1Affine, G1Projective};
    use ark_ec::pairing::{Pairing, PairingOutput};
    use ark_ec::{CurveGroup, PrimeGroup};
    use std::time::Instant;
    let mut r = rng(30);
    let n = 64usize;
    let a: Vec<G1Affine> = (0..n).map(|_| G1Projective::rand(&mut r).into_affine()).collect();
    let b: Vec<G2Affine> = (0..n).map(|_| ark_bn254::G2Projective::rand(&mut r).into_affine()).collect();
    let w: Vec<Fr> = (0..n).map(|_| Fr::from(u128::rand(&mut r))).collect();
    let t = Instant::now();
    let prepared: Vec<<Bn254 as Pairing>::G2Prepared> = b.iter().map(|x| (*x).into()).collect();
    println!("G2 prepare: {:?} each", t.elapsed() / n as u32);
    let t = Instant::now();
    let _wa: Vec<G1Projective> = a.iter().zip(&w).map(|(x, r)| *x * r).collect();
    println!("G1 mul by 128-bit: {:?} each", t.elapsed() / n as u32);
    let t = Instant::now();
    let ml =
        Bn254::multi_miller_loop(a.iter().map(|x| <Bn254 as Pairing>::G1Prepared::from(*x)), prepared.iter().cloned());
    println!("multi Miller loop: {:?} per pair", t.elapsed() / n as u32);
    let t = Instant::now();
    let _ = Bn254::final_exponentiation(ml);
    println!("final exp: {:?}", t.elapsed());
    let gt = PairingOutput::<Bn254>::generator();
    let t = Instant::now();
    let _ = gt * w[0];
    println!("GT exp 128-bit: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = Bn254::pairing(a[0], b[0]);
    println!("one pairing: {:?}", t.elapsed());
}
