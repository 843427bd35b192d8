//! Agent identities for Agora: Ed25519 keys named by W3C `did:key` identifiers.
//!
//! * [`AgentId`] is an agent's public key; its text form is a `did:key` (multicodec `0xed01`,
//!   base58btc multibase `z`), so any W3C DID tooling can resolve it.
//! * [`AgentKey`] holds the secret. Production keys come from OS randomness ([`AgentKey::generate`]);
//!   [`AgentKey::from_seed`] exists for test vectors and deterministic simulations.
//! * Signatures are over domain-separated digests ([`signing_digest`]): a signature made for one
//!   purpose (or one marketplace) can never be replayed as another.
//! * Signatures are accepted by the ZIP-215 rule, singly ([`Signature::verify_digest`]) or in a
//!   batch ([`verify_batch`]) with the same answers; decompressed keys are kept in a bounded
//!   [`KeyCache`].

mod batch;
mod did;
mod document;
mod error;
mod key_cache;
mod keys;
mod signing;

pub use batch::{SIGNATURE_WEIGHT_DOMAIN, SignedDigest, verify_batch, verify_raw_batch, verify_raw_single};
pub use did::{AgentId, DID_KEY_PREFIX, ED25519_MULTICODEC, MAX_DID_BYTES, MAX_MULTIBASE_BYTES};
pub use document::did_document;
pub use error::{DidError, IdentityError};
pub use key_cache::{KeyCache, MAX_CACHED_KEYS};
pub use keys::AgentKey;
pub use signing::{MAX_SIGNATURE_HEX_BYTES, Signature, signing_digest};
