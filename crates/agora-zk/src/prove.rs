//! Proving: a thin layer over `ark-groth16` that returns the compressed proof bytes the core
//! carries in transactions.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_snark::SNARK;
use ark_std::rand::{CryptoRng, RngCore};

use crate::encoding::encode_proof;
use crate::error::ProveError;
use crate::keys::check_pk_shape;

/// Proves `circuit` (with its witness assigned) under `pk`; returns the proof as an arkworks
/// value. The key's shape is checked first (see [`check_pk_shape`]); a key for a different
/// circuit yields a proof that does not verify. Use a cryptographic RNG (`crate::os_rng` in production): the proof's zero-knowledge
/// rests on it.
pub fn prove_raw<C, R>(pk: &ProvingKey<Bn254>, circuit: C, rng: &mut R) -> Result<Proof<Bn254>, ProveError>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    check_pk_shape(pk)?;
    Ok(Groth16::<Bn254>::prove(pk, circuit, rng)?)
}

/// Proves `circuit` under `pk`; returns the [`crate::PROOF_BYTES`]-byte compressed proof.
pub fn prove<C, R>(pk: &ProvingKey<Bn254>, circuit: C, rng: &mut R) -> Result<Vec<u8>, ProveError>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    encode_proof(&prove_raw(pk, circuit, rng)?)
}
