//! Fair exchange outside the circuits: encryption keys as the state machine stores them, their
//! Schnorr proofs of possession, the envelope public inputs the verifier builds from published
//! values, and the employer's decryption.
//!
//! Points cross into the core as [`CurvePoint`] (affine coordinates as canonical field
//! elements); every point from outside is validated here with
//! [`PublicKey::from_coordinates`] (on the curve, in the prime-order subgroup, not the
//! identity) before any arithmetic touches it.
//!
//! The proof of possession is a Schnorr signature on BabyJubJub over the core's
//! [`agora_core::possession_message`]: `R = n·G`, `c = H(R, K, message) mod l`,
//! `s = n + c·k mod l`; it verifies when `s < l` and `s·G = R + c·K`. The nonce is derived
//! deterministically from the secret and the message (as Ed25519 does), so no randomness is
//! needed and a nonce is never reused across messages.

use agora_circuits::babyjubjub::{PublicKey, Scalar, SecretKey, generator};
use agora_circuits::fair_exchange::cipher::Ciphertext;
use agora_core::{CurvePoint, FieldBytes, KeyPossession, SealingRejection};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField, Zero};

use crate::encoding::{field_to_fr, fr_to_field};

/// Domain of the deterministic Schnorr nonce.
pub const POSSESSION_NONCE_DOMAIN: &str = "agora encryption key possession nonce v1";
/// Domain of the Schnorr challenge.
pub const POSSESSION_CHALLENGE_DOMAIN: &str = "agora encryption key possession challenge v1";

/// A key's point as the core stores it.
pub fn curve_point(key: &PublicKey) -> CurvePoint {
    CurvePoint { x: fr_to_field(key.x()), y: fr_to_field(key.y()) }
}

/// Validates a point from outside: on the curve, in the prime-order subgroup, not the identity.
pub fn public_key(point: &CurvePoint) -> Result<PublicKey, SealingRejection> {
    PublicKey::from_coordinates(field_to_fr(&point.x), field_to_fr(&point.y)).map_err(|_| SealingRejection::BadPoint)
}

fn wide_scalar(domain: &str, parts: &[&[u8]]) -> Scalar {
    let mut hasher = blake3::Hasher::new_derive_key(domain);
    for part in parts {
        hasher.update(part);
    }
    let mut wide = [0u8; 64];
    hasher.finalize_xof().fill(&mut wide);
    Scalar::from_le_bytes_mod_order(&wide)
}

fn challenge(commitment: &CurvePoint, key: &CurvePoint, message: &[u8]) -> Scalar {
    wide_scalar(
        POSSESSION_CHALLENGE_DOMAIN,
        &[commitment.x.as_bytes(), commitment.y.as_bytes(), key.x.as_bytes(), key.y.as_bytes(), message],
    )
}

fn scalar_field(scalar: Scalar) -> FieldBytes {
    let mut bytes = [0u8; 32];
    for (out, b) in bytes.iter_mut().zip(scalar.into_bigint().to_bytes_le()) {
        *out = b;
    }
    // A scalar below l < p is a canonical base-field element.
    fr_to_field(ark_bn254::Fr::from_le_bytes_mod_order(&bytes))
}

/// The proof of possession of `secret` over `message` (deterministic; see the module doc).
pub fn prove_possession(secret: &SecretKey, message: &[u8]) -> KeyPossession {
    let key = curve_point(&secret.public_key());
    let mut nonce = wide_scalar(POSSESSION_NONCE_DOMAIN, &[&secret.to_bytes(), message]);
    if nonce.is_zero() {
        nonce = Scalar::from(1u64);
    }
    let commitment_point = (generator() * nonce).into_affine();
    let commitment = CurvePoint { x: fr_to_field(commitment_point.x), y: fr_to_field(commitment_point.y) };
    let response = nonce + challenge(&commitment, &key, message) * secret.scalar();
    KeyPossession { commitment, response: scalar_field(response) }
}

/// Checks a proof of possession of `key` over `message`: both points validated, the response
/// below the subgroup order, `s·G = R + c·K`.
pub fn check_possession(key: &CurvePoint, possession: &KeyPossession, message: &[u8]) -> Result<(), SealingRejection> {
    let public = public_key(key)?;
    let commitment = public_key(&possession.commitment)?;
    let response =
        Scalar::from_bigint(field_to_fr(&possession.response).into_bigint()).ok_or(SealingRejection::BadScalar)?;
    let c = challenge(&possession.commitment, key, message);
    let left = generator() * response;
    let right = commitment.point().into_group() + public.point() * c;
    if left == right { Ok(()) } else { Err(SealingRejection::Invalid) }
}

/// The envelope public inputs `employer_key.x, employer_key.y, ephemeral_key.x,
/// ephemeral_key.y, ciphertext_hash` of a published sealed output, after validating the
/// ephemeral key and the ciphertext's length. The employer key is the one the task records,
/// validated when it was registered (`check_possession`), so it is not checked again here.
pub fn envelope_inputs(
    employer_key: &CurvePoint,
    ephemeral_key: &CurvePoint,
    ciphertext: &[FieldBytes],
) -> Result<Vec<FieldBytes>, SealingRejection> {
    public_key(ephemeral_key)?;
    let ciphertext = ciphertext_of(ciphertext)?;
    Ok(vec![employer_key.x, employer_key.y, ephemeral_key.x, ephemeral_key.y, fr_to_field(ciphertext.hash())])
}

/// A published ciphertext as the circuits' type (length 1 to the maximum).
pub fn ciphertext_of(fields: &[FieldBytes]) -> Result<Ciphertext, SealingRejection> {
    Ciphertext::new(fields.iter().map(field_to_fr).collect()).map_err(|_| SealingRejection::BadLength)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_bytes(&[seed; 32]).unwrap()
    }

    #[test]
    fn an_honest_possession_verifies_and_binds_key_and_message() {
        let secret = key(3);
        let point = curve_point(&secret.public_key());
        let pop = prove_possession(&secret, b"message");
        assert_eq!(check_possession(&point, &pop, b"message"), Ok(()));
        assert_eq!(check_possession(&point, &pop, b"other message"), Err(SealingRejection::Invalid));
        let other = curve_point(&key(4).public_key());
        assert_eq!(check_possession(&other, &pop, b"message"), Err(SealingRejection::Invalid));
        // The same key and message give the same proof (deterministic nonce).
        assert_eq!(prove_possession(&secret, b"message"), pop);
    }

    #[test]
    fn a_tampered_possession_is_refused() {
        let secret = key(5);
        let point = curve_point(&secret.public_key());
        let pop = prove_possession(&secret, b"m");
        let mut bumped = pop;
        bumped.response = fr_to_field(field_to_fr(&pop.response) + ark_bn254::Fr::from(1u64));
        assert_eq!(check_possession(&point, &bumped, b"m"), Err(SealingRejection::Invalid));
        // s + l: the same point, but not a canonical scalar.
        let mut wide = field_to_fr(&pop.response).into_bigint();
        let _ = wide.add_with_carry(&Scalar::MODULUS);
        if let Some(fr) = ark_bn254::Fr::from_bigint(wide) {
            let mut aliased = pop;
            aliased.response = fr_to_field(fr);
            assert_eq!(check_possession(&point, &aliased, b"m"), Err(SealingRejection::BadScalar));
        }
        let mut off_curve = pop;
        off_curve.commitment.x = FieldBytes::from_u64(1);
        assert_eq!(check_possession(&point, &off_curve, b"m"), Err(SealingRejection::BadPoint));
    }

    #[test]
    fn envelope_inputs_validate_points_and_length() {
        let employer = curve_point(&key(1).public_key());
        let ephemeral = curve_point(&key(2).public_key());
        let ct = vec![FieldBytes::from_u64(9); 3];
        let inputs = envelope_inputs(&employer, &ephemeral, &ct).unwrap();
        assert_eq!(inputs.len(), agora_core::ENVELOPE_PUBLIC_INPUTS);
        assert_eq!(inputs[4], fr_to_field(ciphertext_of(&ct).unwrap().hash()));
        let identity = CurvePoint { x: FieldBytes::ZERO, y: FieldBytes::from_u64(1) };
        assert_eq!(envelope_inputs(&employer, &identity, &ct), Err(SealingRejection::BadPoint));
        assert_eq!(envelope_inputs(&employer, &ephemeral, &[]), Err(SealingRejection::BadLength));
    }
}
