//! Serde adapter for 32-byte hashes as 64 hex digits (the form core records use).

use serde::{Deserialize, Deserializer, Serializer};

/// Writes the hash as lowercase hex.
pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

/// Reads exactly 64 hex digits (the length is checked before decoding).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// Parses 64 hex digits (an optional `0x` prefix allowed) into a hash.
pub fn parse(text: &str) -> Result<[u8; 32], String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() != 64 {
        return Err(format!("expected 64 hex digits, got {} characters", digits.len()));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out).map_err(|e| format!("invalid hex: {e}"))?;
    Ok(out)
}
