//! Field elements as the core sees them: canonical 32-byte little-endian BN254 scalars.
//!
//! The core never links arkworks. A value crosses the boundary as 32 bytes that must be strictly
//! below the BN254 scalar modulus; the ZK crates convert them with `Fr::from_le_bytes_mod_order`
//! only after the core has checked they are canonical, so the conversion is a bijection.

use serde::{Deserialize, Serialize};

/// The BN254 scalar field modulus `r`, little-endian.
pub const BN254_FR_MODULUS_LE: [u8; 32] = [
    0x01, 0x00, 0x00, 0xf0, 0x93, 0xf5, 0xe1, 0x43, 0x91, 0x70, 0xb9, 0x79, 0x48, 0xe8, 0x33, 0x28, 0x5d, 0x58, 0x81,
    0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30,
];

/// A canonical BN254 scalar: 32 little-endian bytes whose value is below the modulus.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "crate::hexbytes::HexStr<66>", into = "String")]
pub struct FieldBytes([u8; 32]);

/// The bytes were not a canonical field element (value ≥ modulus).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("value is not a canonical BN254 scalar (must be < r, 32 bytes little-endian)")]
pub struct NonCanonicalField;

impl FieldBytes {
    /// The zero element.
    pub const ZERO: FieldBytes = FieldBytes([0u8; 32]);

    /// Accepts `bytes` only if it encodes a value strictly below the modulus.
    pub fn new(bytes: [u8; 32]) -> Result<Self, NonCanonicalField> {
        if is_canonical(&bytes) { Ok(FieldBytes(bytes)) } else { Err(NonCanonicalField) }
    }

    /// Embeds a `u64` (always canonical).
    pub fn from_u64(value: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&value.to_le_bytes());
        FieldBytes(bytes)
    }

    /// Hashes arbitrary bytes to a field element under a domain: blake3 in derive-key mode,
    /// truncated to 31 bytes so the value is below 2^248 < r (no modular bias to reason about).
    pub fn hash_to_field(domain: &str, data: &[u8]) -> Self {
        let digest = blake3::derive_key(domain, data);
        let mut bytes = [0u8; 32];
        bytes[..31].copy_from_slice(&digest[..31]);
        FieldBytes(bytes)
    }

    /// The canonical little-endian bytes.
    pub fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// Borrowed canonical bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// True when `bytes` (little-endian) is strictly below the BN254 scalar modulus.
pub fn is_canonical(bytes: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        if bytes[i] != BN254_FR_MODULUS_LE[i] {
            return bytes[i] < BN254_FR_MODULUS_LE[i];
        }
    }
    false
}

impl TryFrom<String> for FieldBytes {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let raw = crate::hexbytes::decode_fixed::<32>(&text)?;
        FieldBytes::new(raw).map_err(|e| e.to_string())
    }
}

impl TryFrom<crate::hexbytes::HexStr<66>> for FieldBytes {
    type Error = String;
    fn try_from(text: crate::hexbytes::HexStr<66>) -> Result<Self, Self::Error> {
        FieldBytes::try_from(text.0)
    }
}

impl From<FieldBytes> for String {
    fn from(value: FieldBytes) -> String {
        hex::encode(value.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_and_above_are_rejected_below_is_accepted() {
        assert!(FieldBytes::new(BN254_FR_MODULUS_LE).is_err());
        assert!(FieldBytes::new([0xff; 32]).is_err());
        let mut below = BN254_FR_MODULUS_LE;
        below[0] = 0;
        assert!(FieldBytes::new(below).is_ok());
        assert!(FieldBytes::new([0u8; 32]).is_ok());
    }

    #[test]
    fn hash_to_field_is_always_canonical_and_domain_separated() {
        for i in 0u32..200 {
            let a = FieldBytes::hash_to_field("agora test a", &i.to_le_bytes());
            assert!(is_canonical(a.as_bytes()));
            assert_ne!(a, FieldBytes::hash_to_field("agora test b", &i.to_le_bytes()));
        }
    }
}
