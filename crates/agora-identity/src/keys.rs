//! Secret keys of agents.

use crate::did::AgentId;
use crate::error::IdentityError;
use crate::signing::{Signature, signing_digest};
use ed25519_dalek::{Signer, SigningKey};

/// An agent's Ed25519 secret key. The secret is zeroised on drop.
#[derive(Clone)]
pub struct AgentKey {
    signing: SigningKey,
    id: AgentId,
}

impl AgentKey {
    /// A fresh key from operating-system randomness: the only constructor for production keys.
    pub fn generate() -> Result<Self, IdentityError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| IdentityError::Randomness(e.to_string()))?;
        Ok(Self::from_seed(seed))
    }

    /// The key with this 32-byte Ed25519 seed (RFC 8032 secret key). For test vectors,
    /// simulations and restoring exported keys.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let public = signing.verifying_key().to_bytes();
        let id = AgentId::from_derived_public_key(public);
        AgentKey { signing, id }
    }

    /// Restores a key from the 64-hex-character seed printed by `agora key new`.
    pub fn from_secret_hex(text: &str) -> Result<Self, IdentityError> {
        let raw = hex::decode(text.trim()).map_err(|_| IdentityError::BadSecretKey)?;
        let seed: [u8; 32] = raw.try_into().map_err(|_| IdentityError::BadSecretKey)?;
        Ok(Self::from_seed(seed))
    }

    /// The secret seed as hex, for export.
    pub fn secret_hex(&self) -> String {
        hex::encode(self.signing.to_bytes())
    }

    /// This agent's identifier.
    pub fn id(&self) -> AgentId {
        self.id
    }

    /// Signs `message` under `domain` (see [`signing_digest`]).
    pub fn sign(&self, domain: &str, message: &[u8]) -> Signature {
        self.sign_digest(&signing_digest(domain, message))
    }

    /// Signs a digest already produced by [`signing_digest`].
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Signature {
        Signature::from_bytes(self.signing.sign(digest).to_bytes())
    }
}

impl std::fmt::Debug for AgentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgentKey({}, secret hidden)", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_differ_and_round_trip_through_hex() {
        let a = AgentKey::generate().unwrap();
        let b = AgentKey::generate().unwrap();
        assert_ne!(a.id(), b.id());
        assert_eq!(AgentKey::from_secret_hex(&a.secret_hex()).unwrap().id(), a.id());
        assert!(AgentKey::from_secret_hex("abcd").is_err());
        assert!(AgentKey::from_secret_hex("zz").is_err());
    }
}
