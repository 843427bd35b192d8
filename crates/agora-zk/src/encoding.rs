//! Byte encodings at the boundary with the core: proofs and field elements.
//!
//! A proof travels as the arkworks encoding of `(A, B, C)`, compressed (32 + 64 + 32 = 128
//! bytes) or uncompressed (64 + 128 + 64 = 256 bytes, no square roots to decode). Decoding is
//! strict: exact length, every point on the curve and in the prime-order subgroup, and the
//! bytes must be the canonical encoding of the points they decode to.
//!
//! Groth16 proofs are *malleable*: anyone holding a valid proof can derive other valid proofs of
//! the same statement (see `Groth16::rerandomize_proof`). Strict decoding only pins down the
//! encoding of a given proof, not the proof itself, so nothing may be keyed on proof bytes
//! (no "seen proof" sets, no deduplication by proof hash): bind uniqueness to the statement
//! (task id, worker id) instead.

use agora_core::FieldBytes;
use ark_bn254::{Bn254, Fr};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::Proof;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use crate::error::{ProofDecodeError, ProveError};

/// Size in bytes of a compressed BN254 Groth16 proof.
pub const PROOF_BYTES: usize = 128;

/// Size in bytes of an uncompressed BN254 Groth16 proof: `A` (64), `B` (128), `C` (64), each
/// point as its affine coordinates. Decoding skips the three square roots decompression needs.
pub const UNCOMPRESSED_PROOF_BYTES: usize = 256;

/// Decodes proof bytes strictly, in either encoding: [`PROOF_BYTES`] compressed or
/// [`UNCOMPRESSED_PROOF_BYTES`] uncompressed; in both, points on the curve and in the
/// prime-order subgroup (`Validate::Yes`), and the bytes the canonical encoding of the points
/// they decode to (re-serialising in the same mode gives the same bytes: coordinates below the
/// modulus, flags as arkworks writes them). The two encodings of one proof decode to the same
/// proof and get the same verdict. Never panics.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bn254>, ProofDecodeError> {
    let compress = match bytes.len() {
        PROOF_BYTES => Compress::Yes,
        UNCOMPRESSED_PROOF_BYTES => Compress::No,
        actual => return Err(ProofDecodeError::WrongLength { expected: PROOF_BYTES, actual }),
    };
    // Points are decoded without arkworks' validation, then validated here: on their curves,
    // and B in G2 by the one-multiplication test of `subgroup` (G1 has cofactor 1, so a G1
    // point on the curve is in the group). `tests/g2_membership.rs` shows the test gives
    // arkworks' answer.
    let proof = Proof::<Bn254>::deserialize_with_mode(bytes, compress, Validate::No)
        .map_err(|e| ProofDecodeError::InvalidPoint(e.to_string()))?;
    if !(proof.a.is_on_curve() && proof.c.is_on_curve() && proof.b.is_on_curve()) {
        return Err(ProofDecodeError::InvalidPoint("a point is not on its curve".into()));
    }
    if !(proof.a.is_in_correct_subgroup_assuming_on_curve()
        && proof.c.is_in_correct_subgroup_assuming_on_curve()
        && crate::subgroup::is_in_g2(&proof.b))
    {
        return Err(ProofDecodeError::InvalidPoint("a point is not in the prime-order subgroup".into()));
    }
    let mut again = Vec::with_capacity(bytes.len());
    proof.serialize_with_mode(&mut again, compress).map_err(|_| ProofDecodeError::NonCanonical)?;
    if again[..] != bytes[..] {
        return Err(ProofDecodeError::NonCanonical);
    }
    Ok(proof)
}

/// Encodes a proof as its [`PROOF_BYTES`]-byte compressed canonical form (the default: half
/// the size).
pub fn encode_proof(proof: &Proof<Bn254>) -> Result<Vec<u8>, ProveError> {
    let mut out = Vec::with_capacity(PROOF_BYTES);
    proof.serialize_with_mode(&mut out, Compress::Yes)?;
    Ok(out)
}

/// Encodes a proof as its [`UNCOMPRESSED_PROOF_BYTES`]-byte uncompressed canonical form
/// (twice the size, cheaper to verify).
pub fn encode_proof_uncompressed(proof: &Proof<Bn254>) -> Result<Vec<u8>, ProveError> {
    let mut out = Vec::with_capacity(UNCOMPRESSED_PROOF_BYTES);
    proof.serialize_with_mode(&mut out, Compress::No)?;
    Ok(out)
}

/// Converts a canonical field element from the core into a scalar. The core has already
/// checked the value is below the modulus, so this is a bijection (no reduction happens).
pub fn field_to_fr(value: &FieldBytes) -> Fr {
    Fr::from_le_bytes_mod_order(value.as_bytes())
}

/// Converts a scalar into the core's canonical 32-byte little-endian form (for provers building
/// public inputs and commitments).
pub fn fr_to_field(value: Fr) -> FieldBytes {
    let le = value.into_bigint().to_bytes_le();
    let mut bytes = [0u8; 32];
    for (dst, src) in bytes.iter_mut().zip(le.iter()) {
        *dst = *src;
    }
    // `into_bigint` is always below the modulus, so this cannot fail.
    FieldBytes::new(bytes).unwrap_or(FieldBytes::ZERO)
}

/// Converts a slice of core field elements to scalars.
pub fn fields_to_frs(values: &[FieldBytes]) -> Vec<Fr> {
    values.iter().map(field_to_fr).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use ark_std::rand::{SeedableRng, rngs::StdRng};

    #[test]
    fn field_round_trip() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..100 {
            let x = Fr::rand(&mut rng);
            assert_eq!(field_to_fr(&fr_to_field(x)), x);
        }
        assert_eq!(fr_to_field(Fr::from(5u64)), FieldBytes::from_u64(5));
        assert_eq!(fr_to_field(-Fr::from(1u64)).as_bytes()[0], 0x00);
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        for len in [0, 1, 64, 127, 129, 192, 255, 257, 1000] {
            let bytes = vec![0u8; len];
            assert!(matches!(decode_proof(&bytes), Err(ProofDecodeError::WrongLength { .. })));
        }
    }
}
