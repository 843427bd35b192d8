//! Hex helpers for the JSON forms of fixed-size byte strings.

/// Decodes exactly `N` bytes of hex (an optional `0x` prefix is allowed).
pub fn decode_fixed<const N: usize>(text: &str) -> Result<[u8; N], String> {
    let trimmed = text.strip_prefix("0x").unwrap_or(text);
    let raw = hex::decode(trimmed).map_err(|e| format!("invalid hex: {e}"))?;
    <[u8; N]>::try_from(raw.as_slice()).map_err(|_| format!("expected {N} bytes of hex, got {}", raw.len()))
}

/// Serde adapter: `[u8; 32]` as a hex string.
pub mod serde32 {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as lowercase hex.
    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    /// Parses 32 bytes of hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        super::decode_fixed::<32>(&text).map_err(serde::de::Error::custom)
    }
}
