//! `did:key` encoding of Ed25519 public keys.

use crate::error::DidError;
use crate::key_cache::KeyCache;
use std::fmt;
use std::str::FromStr;

/// The text every Agora agent identifier starts with.
pub const DID_KEY_PREFIX: &str = "did:key:";

/// The multicodec varint for an Ed25519 public key (`0xed` as an unsigned varint).
pub const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// Longest multibase form of an Ed25519 key: `z` + base58btc of the 34 prefixed bytes (at most 47
/// digits, since the first byte is never zero).
pub const MAX_MULTIBASE_BYTES: usize = 1 + 47;

/// Longest text accepted where a `did:key` is expected: the prefix, the multibase key and a
/// `#fragment` of the same multibase form (105 bytes). Checked before any base58 decoding, whose
/// cost grows with the square of the input.
pub const MAX_DID_BYTES: usize = DID_KEY_PREFIX.len() + MAX_MULTIBASE_BYTES + 1 + MAX_MULTIBASE_BYTES;

/// An agent: its Ed25519 public key. Displays and parses as `did:key:z6Mk…`.
///
/// Construction always checks the bytes are the canonical encoding of an Ed25519 point that is
/// not of small order, so an `AgentId` can always be used to verify signatures and no two ids
/// name the same point. (Under ZIP-215 anyone can sign for a small-order key; such keys name no
/// one.)
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId([u8; 32]);

impl AgentId {
    /// Wraps public key bytes, checking they are the canonical encoding of an Ed25519 point
    /// outside the small-order subgroup (decompressed once, then remembered by the [`KeyCache`]).
    pub fn from_public_key_bytes(bytes: [u8; 32]) -> Result<Self, DidError> {
        match KeyCache::global().get(&bytes) {
            Some(key) if key.agent_ok => Ok(AgentId(bytes)),
            Some(_) => Err(DidError::NotAnAgentKey),
            None => Err(DidError::InvalidPublicKey),
        }
    }

    /// Wraps a public key derived from a secret key, which is a valid point by construction.
    pub(crate) fn from_derived_public_key(bytes: [u8; 32]) -> Self {
        AgentId(bytes)
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The multibase (`z` + base58btc) form of the multicodec-prefixed key, as used in
    /// `did:key` and in `publicKeyMultibase`.
    pub fn multibase(&self) -> String {
        let mut raw = Vec::with_capacity(34);
        raw.extend_from_slice(&ED25519_MULTICODEC);
        raw.extend_from_slice(&self.0);
        format!("z{}", bs58::encode(raw).into_string())
    }

    /// The `did:key` identifier.
    pub fn did(&self) -> String {
        format!("{DID_KEY_PREFIX}{}", self.multibase())
    }

    /// Parses a `did:key` identifier (a `#fragment` is ignored).
    pub fn parse_did(text: &str) -> Result<Self, DidError> {
        if text.len() > MAX_DID_BYTES {
            return Err(DidError::TooLong { len: text.len(), max: MAX_DID_BYTES });
        }
        let rest = text.strip_prefix(DID_KEY_PREFIX).ok_or(DidError::MissingPrefix)?;
        let rest = rest.split('#').next().unwrap_or(rest);
        let encoded = rest.strip_prefix('z').ok_or(DidError::NotBase58btc)?;
        let raw = bs58::decode(encoded).into_vec().map_err(|_| DidError::InvalidBase58)?;
        let key = raw.strip_prefix(&ED25519_MULTICODEC[..]).ok_or(DidError::WrongMulticodec)?;
        let bytes: [u8; 32] = key.try_into().map_err(|_| DidError::WrongLength(key.len()))?;
        AgentId::from_public_key_bytes(bytes)
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.did())
    }
}

impl fmt::Debug for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgentId({})", self.did())
    }
}

impl FromStr for AgentId {
    type Err = DidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AgentId::parse_did(s)
    }
}

impl serde::Serialize for AgentId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.did())
    }
}

struct DidVisitor;

impl serde::de::Visitor<'_> for DidVisitor {
    type Value = AgentId;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a did:key string of at most {MAX_DID_BYTES} bytes")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<AgentId, E> {
        AgentId::parse_did(text).map_err(E::custom)
    }
}

impl<'de> serde::Deserialize<'de> for AgentId {
    /// Reads the borrowed or owned string and checks its length before decoding anything.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DidVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AgentKey;

    #[test]
    fn w3c_vector_all_zero_seed() {
        let key = AgentKey::from_seed([0u8; 32]);
        assert_eq!(key.id().did(), "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
    }

    #[test]
    fn did_round_trips() {
        let key = AgentKey::from_seed([7u8; 32]);
        let did = key.id().did();
        assert!(did.starts_with("did:key:z6Mk"));
        assert_eq!(AgentId::parse_did(&did), Ok(key.id()));
        assert_eq!(AgentId::parse_did(&format!("{did}#{}", key.id().multibase())), Ok(key.id()));
    }

    #[test]
    fn malformed_dids_are_rejected_with_reasons() {
        let good = AgentKey::from_seed([1u8; 32]).id().did();
        let body = good.trim_start_matches("did:key:z");
        assert_eq!(AgentId::parse_did("did:web:example.com"), Err(DidError::MissingPrefix));
        assert_eq!(AgentId::parse_did(&format!("did:key:f{body}")), Err(DidError::NotBase58btc));
        assert_eq!(AgentId::parse_did("did:key:z0OIl"), Err(DidError::InvalidBase58));
        let secp = bs58::encode([0xe7, 0x01, 1, 2, 3]).into_string();
        assert_eq!(AgentId::parse_did(&format!("did:key:z{secp}")), Err(DidError::WrongMulticodec));
        let short = bs58::encode([0xed, 0x01, 1, 2, 3]).into_string();
        assert_eq!(AgentId::parse_did(&format!("did:key:z{short}")), Err(DidError::WrongLength(3)));
        assert_eq!(AgentId::parse_did(""), Err(DidError::MissingPrefix));
    }

    #[test]
    fn ten_megabyte_did_is_refused_by_its_length_before_base58_decoding() {
        let good = AgentKey::from_seed([1u8; 32]).id().did();
        let huge = format!("{good}{}", "z".repeat(10 << 20));
        assert_eq!(AgentId::parse_did(&huge), Err(DidError::TooLong { len: huge.len(), max: MAX_DID_BYTES }));
        let json = format!("\"{huge}\"");
        let err = serde_json::from_str::<AgentId>(&json).unwrap_err().to_string();
        assert!(err.contains("limit of 105 bytes"), "{err}");
        let with_fragment = format!("{good}#{}", AgentKey::from_seed([1u8; 32]).id().multibase());
        assert_eq!(with_fragment.len(), MAX_DID_BYTES);
        assert!(AgentId::parse_did(&with_fragment).is_ok());
    }
}
