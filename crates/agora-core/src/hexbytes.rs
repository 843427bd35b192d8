//! Hex helpers for the JSON forms of fixed-size byte strings.

/// Decodes exactly `N` bytes of hex (an optional `0x` prefix is allowed); longer text is refused
/// before decoding.
pub fn decode_fixed<const N: usize>(text: &str) -> Result<[u8; N], String> {
    if text.len() > 2 * N + 2 {
        return Err(format!("hex of {} bytes is above the limit of {} bytes", text.len(), 2 * N + 2));
    }
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

    /// Parses 32 bytes of hex (the length is checked before decoding).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = super::HexStr::<66>::deserialize(d)?;
        super::decode_fixed::<32>(&text.0).map_err(serde::de::Error::custom)
    }
}

/// A hex string of at most `N` bytes of text, refused before it is copied when longer.
pub(crate) struct HexStr<const N: usize>(pub String);

impl<'de, const N: usize> serde::Deserialize<'de> for HexStr<N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::json::string_max::<D, N>(d).map(HexStr)
    }
}

/// Reads a hex string of at most `max_text` characters (optional `0x`) into bytes.
pub(crate) fn deserialize_hex_max<'de, D: serde::Deserializer<'de>>(
    d: D,
    max_text: usize,
) -> Result<Vec<u8>, D::Error> {
    struct V(usize);
    impl serde::de::Visitor<'_> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "hex of at most {} characters", self.0)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Vec<u8>, E> {
            if text.len() > self.0 {
                return Err(E::custom(format!("hex of {} bytes is above the limit of {} bytes", text.len(), self.0)));
            }
            hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|e| E::custom(format!("invalid hex: {e}")))
        }
    }
    d.deserialize_str(V(max_text))
}
