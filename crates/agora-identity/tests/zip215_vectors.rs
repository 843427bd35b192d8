//! The ZIP-215 edge cases: small-order keys and `R` values in canonical and non-canonical
//! encodings (the 196 cases of ed25519-zebra's and ed25519-consensus's conformance suites),
//! non-canonical `s`, and ordinary signatures. Every one must get the same answer singly and in
//! any batch, and no small-order or non-canonical key may name an agent.

use agora_identity::{AgentId, AgentKey, DidError, KeyCache, verify_raw_batch, verify_raw_single};
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;

type Case = ([u8; 32], [u8; 64], [u8; 32]);

/// The 19 field elements with a second, non-canonical encoding y + p below 2^255.
fn non_canonical_field_encodings() -> Vec<[u8; 32]> {
    (0..19u8)
        .map(|i| {
            let mut bytes = [0xffu8; 32];
            bytes[0] = 0xed + i;
            bytes[31] = 0x7f;
            bytes
        })
        .collect()
}

/// Every non-canonical encoding of a curve point, low-order ones first (as in ed25519-zebra's
/// test utilities): the sign bit set on x = 0, then y + p with either sign bit.
fn non_canonical_point_encodings() -> Vec<[u8; 32]> {
    let mut y1_sign = [0u8; 32];
    y1_sign[0] = 1;
    y1_sign[31] = 0x80;
    let mut ym1_sign = [0xffu8; 32];
    ym1_sign[0] = 0xec;
    let mut encodings = vec![y1_sign, ym1_sign];
    for mut y in non_canonical_field_encodings() {
        if CompressedEdwardsY(y).decompress().is_some() {
            encodings.push(y);
        }
        y[31] |= 0x80;
        if CompressedEdwardsY(y).decompress().is_some() {
            encodings.push(y);
        }
    }
    encodings
}

/// The 14 small-order encodings: the 8 torsion points canonically, then the 6 low-order
/// non-canonical encodings.
fn small_order_encodings() -> Vec<[u8; 32]> {
    let canonical = EIGHT_TORSION.iter().map(|p| p.compress().to_bytes());
    let non_canonical = non_canonical_point_encodings().into_iter().take(6);
    let all: Vec<[u8; 32]> = canonical.chain(non_canonical).collect();
    for bytes in &all {
        let point = CompressedEdwardsY(*bytes).decompress();
        assert!(point.is_some_and(|p| p.is_small_order()), "{} is a small-order point", hex::encode(bytes));
    }
    all
}

/// The 196 cases with `s = 0`, all valid under ZIP-215 (`[8]R + [8][k]A = 0 = [8][0]B`).
fn small_order_cases() -> Vec<Case> {
    let encodings = small_order_encodings();
    let mut cases = Vec::new();
    for a in &encodings {
        for r in &encodings {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(r);
            cases.push((*a, signature, [0x5a; 32]));
        }
    }
    cases
}

/// Ordinary signatures, then the same with `s` replaced by `s + ℓ` (non-canonical, invalid),
/// with a flipped digest bit, and the small-order cases with `s = 1` (invalid).
fn mixed_cases() -> (Vec<Case>, Vec<bool>) {
    const ELL: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for i in 0..24u8 {
        let key = AgentKey::from_seed([i; 32]);
        let digest = [i.wrapping_mul(31); 32];
        let signature = key.sign_digest(&digest).to_bytes();
        cases.push((*key.id().as_bytes(), signature, digest));
        expected.push(true);
        let mut plus_ell = signature;
        let mut carry = 0u16;
        for (byte, add) in plus_ell[32..].iter_mut().zip(ELL) {
            let sum = u16::from(*byte) + u16::from(add) + carry;
            *byte = (sum & 0xff) as u8;
            carry = sum >> 8;
        }
        if carry == 0 && plus_ell[63] & 0xe0 == 0 {
            cases.push((*key.id().as_bytes(), plus_ell, digest));
            expected.push(false);
        }
        let mut other = digest;
        other[3] ^= 1;
        cases.push((*key.id().as_bytes(), signature, other));
        expected.push(false);
    }
    for (a, mut signature, digest) in small_order_cases().into_iter().step_by(5) {
        signature[32] = 1;
        cases.push((a, signature, digest));
        expected.push(false);
    }
    (cases, expected)
}

#[test]
fn every_small_order_case_is_valid_singly_and_in_a_batch() {
    let cache = KeyCache::new();
    let cases = small_order_cases();
    assert_eq!(cases.len(), 196);
    for (a, signature, digest) in &cases {
        assert!(verify_raw_single(&cache, a, signature, digest), "A = {}", hex::encode(a));
    }
    assert!(verify_raw_batch(&cache, &cases).iter().all(|ok| *ok));
}

#[test]
fn single_and_batch_verification_agree_on_every_edge_case_in_every_batch_shape() {
    let cache = KeyCache::new();
    let (mut cases, mut expected) = mixed_cases();
    cases.extend(small_order_cases());
    expected.extend(std::iter::repeat_n(true, 196));
    for (case, want) in cases.iter().zip(&expected) {
        assert_eq!(verify_raw_single(&cache, &case.0, &case.1, &case.2), *want, "{case:?}");
    }
    // Batches of every size from 1 to 64, over a rotating window, must give the single answers.
    for size in (1..=64).chain([128, cases.len()]) {
        for start in (0..cases.len()).step_by(size.max(17)) {
            let end = (start + size).min(cases.len());
            let verdicts = verify_raw_batch(&cache, &cases[start..end]);
            assert_eq!(verdicts, expected[start..end], "batch {start}..{end}");
        }
    }
}

#[test]
fn small_order_and_non_canonical_keys_cannot_name_an_agent() {
    for bytes in small_order_encodings() {
        assert_eq!(AgentId::from_public_key_bytes(bytes), Err(DidError::NotAnAgentKey), "{}", hex::encode(bytes));
    }
    for bytes in non_canonical_point_encodings() {
        assert_eq!(AgentId::from_public_key_bytes(bytes), Err(DidError::NotAnAgentKey), "{}", hex::encode(bytes));
    }
    let ordinary = AgentKey::from_seed([3; 32]).id();
    assert_eq!(AgentId::from_public_key_bytes(*ordinary.as_bytes()), Ok(ordinary));
}
