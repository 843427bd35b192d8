//! Randomness for key generation and proving.
//!
//! Production keys and proofs take their randomness from the operating system
//! ([`os_rng`]); seeded generators belong in tests only.

use ark_std::rand::{SeedableRng, rngs::StdRng};

/// The operating system could not provide randomness.
#[derive(Debug, thiserror::Error)]
#[error("operating-system randomness unavailable: {0}")]
pub struct RngError(String);

/// A cryptographically secure generator (ChaCha12, `rand`'s `StdRng`) seeded with 32 bytes of
/// operating-system randomness. Use this for every production setup and proof.
pub fn os_rng() -> Result<StdRng, RngError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| RngError(e.to_string()))?;
    Ok(StdRng::from_seed(seed))
}
