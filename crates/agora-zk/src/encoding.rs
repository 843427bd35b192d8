//! Byte encodings at the boundary with the core: proofs and field elements.
//!
//! A proof travels as the arkworks compressed encoding of `(A, B, C)`: 32 + 64 + 32 = 128
//! bytes. Decoding is strict: exact length, every point on the curve and in the prime-order
//! subgroup, and the bytes must be the canonical encoding of the points they decode to.
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

/// Decodes proof bytes strictly: exactly [`PROOF_BYTES`] long, points on the curve and in the
/// prime-order subgroup (`Validate::Yes`), canonical encoding (re-serialising gives the same
/// bytes). Never panics.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bn254>, ProofDecodeError> {
    if bytes.len() != PROOF_BYTES {
        return Err(ProofDecodeError::WrongLength { expected: PROOF_BYTES, actual: bytes.len() });
    }
    let proof = Proof::<Bn254>::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes)
        .map_err(|e| ProofDecodeError::InvalidPoint(e.to_string()))?;
    let mut again = [0u8; PROOF_BYTES];
    proof.serialize_with_mode(&mut again[..], Compress::Yes).map_err(|_| ProofDecodeError::NonCanonical)?;
    if again[..] != bytes[..] {
        return Err(ProofDecodeError::NonCanonical);
    }
    Ok(proof)
}

/// Encodes a proof as its [`PROOF_BYTES`]-byte compressed canonical form.
pub fn encode_proof(proof: &Proof<Bn254>) -> Result<Vec<u8>, ProveError> {
    let mut out = Vec::with_capacity(PROOF_BYTES);
    proof.serialize_with_mode(&mut out, Compress::Yes)?;
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
        for len in [0, 1, 64, 127, 129, 192, 256, 1000] {
            let bytes = vec![0u8; len];
            assert!(matches!(decode_proof(&bytes), Err(ProofDecodeError::WrongLength { .. })));
        }
    }
}
