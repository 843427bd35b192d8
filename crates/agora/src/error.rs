//! The facade's error type.

/// Anything a [`crate::Marketplace`] operation can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Database: open, commit, corruption, lock held elsewhere.
    #[error(transparent)]
    Store(#[from] agora_store::StoreError),
    /// Reading state failed.
    #[error(transparent)]
    State(#[from] agora_core::StateError),
    /// A stored record did not decode.
    #[error(transparent)]
    Decode(#[from] agora_core::DecodeError),
    /// Proof keys, witnesses or proving.
    #[error("proof: {0}")]
    Proof(String),
    /// Key handling.
    #[error(transparent)]
    Identity(#[from] agora_identity::IdentityError),
}
