//! Canonical bytes: a hand-written, fixed-width little-endian encoding.
//!
//! Everything that is hashed or signed is encoded here, so the bytes are identical on every
//! machine: integers are fixed-width little-endian, variable-length data carries a `u32` length
//! prefix and is bounded by the caller's limit before any allocation, and there is exactly one
//! encoding of every value (decoding re-checks tags, lengths, booleans and trailing bytes).

/// Why bytes failed to decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the value did.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// Bytes remained after the value.
    #[error("{0} trailing bytes after value")]
    TrailingBytes(usize),
    /// An enum tag was not one of the known values.
    #[error("unknown {what} tag {tag}")]
    UnknownTag {
        /// Which enum.
        what: &'static str,
        /// The tag found.
        tag: u8,
    },
    /// A length prefix exceeded its limit.
    #[error("length {len} exceeds limit {limit}")]
    TooLong {
        /// The length found.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A value was out of its valid domain (bad UTF-8, non-canonical field element, bad key…).
    #[error("invalid {0}")]
    Invalid(&'static str),
}

/// Appends canonical encodings to a byte buffer.
#[derive(Default, Debug)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }
    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
    /// Writes one byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    /// Writes a `u16` little-endian.
    pub fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes a `u32` little-endian.
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes a `u64` little-endian.
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes a `u128` little-endian.
    pub fn u128(&mut self, v: u128) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes a boolean as one byte, 0 or 1.
    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    /// Writes fixed-size bytes with no prefix.
    pub fn fixed(&mut self, v: &[u8]) {
        self.bytes.extend_from_slice(v);
    }
    /// Writes variable-length bytes with a `u32` length prefix.
    pub fn var_bytes(&mut self, v: &[u8]) {
        self.u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        self.bytes.extend_from_slice(v);
    }
    /// Writes a UTF-8 string with a `u32` length prefix.
    pub fn str(&mut self, v: &str) {
        self.var_bytes(v.as_bytes());
    }
    /// Writes a sequence length; items follow.
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
}

/// Reads canonical encodings from a byte slice.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }
    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }
    /// Fails unless every byte was consumed.
    pub fn finish(self) -> Result<(), DecodeError> {
        if self.bytes.is_empty() { Ok(()) } else { Err(DecodeError::TrailingBytes(self.bytes.len())) }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < n {
            return Err(DecodeError::UnexpectedEnd);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }
    /// Reads exactly `N` bytes.
    pub fn fixed<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.fixed::<1>()?[0])
    }
    /// Reads a `u16`.
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.fixed()?))
    }
    /// Reads a `u32`.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.fixed()?))
    }
    /// Reads a `u64`.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.fixed()?))
    }
    /// Reads a `u128`.
    pub fn u128(&mut self) -> Result<u128, DecodeError> {
        Ok(u128::from_le_bytes(self.fixed()?))
    }
    /// Reads a boolean, rejecting anything but 0 or 1.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            tag => Err(DecodeError::UnknownTag { what: "bool", tag }),
        }
    }
    /// Reads a sequence length, bounded by `limit`.
    pub fn len(&mut self, limit: usize) -> Result<usize, DecodeError> {
        let len = self.u32()? as usize;
        if len > limit {
            return Err(DecodeError::TooLong { len, limit });
        }
        Ok(len)
    }
    /// Reads length-prefixed bytes of at most `limit` bytes.
    pub fn var_bytes(&mut self, limit: usize) -> Result<Vec<u8>, DecodeError> {
        let len = self.len(limit)?;
        Ok(self.take(len)?.to_vec())
    }
    /// Reads a length-prefixed UTF-8 string of at most `limit` bytes.
    pub fn str(&mut self, limit: usize) -> Result<String, DecodeError> {
        String::from_utf8(self.var_bytes(limit)?).map_err(|_| DecodeError::Invalid("utf-8"))
    }
}

/// A value with one canonical byte encoding.
pub trait Canonical: Sized {
    /// Appends the canonical encoding.
    fn encode(&self, w: &mut Writer);
    /// Reads a value, rejecting any non-canonical input.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// The canonical bytes of the value.
    fn to_canonical_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.encode(&mut w);
        w.into_bytes()
    }
    /// Decodes a whole buffer, rejecting trailing bytes.
    fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let value = Self::decode(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

impl Canonical for agora_identity::AgentId {
    fn encode(&self, w: &mut Writer) {
        w.fixed(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        agora_identity::AgentId::from_public_key_bytes(r.fixed()?).map_err(|_| DecodeError::Invalid("agent public key"))
    }
}

impl Canonical for crate::field::FieldBytes {
    fn encode(&self, w: &mut Writer) {
        w.fixed(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        crate::field::FieldBytes::new(r.fixed()?).map_err(|_| DecodeError::Invalid("field element"))
    }
}

impl Canonical for u16 {
    fn encode(&self, w: &mut Writer) {
        w.u16(*self);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u16()
    }
}

impl<T: Canonical> Canonical for Option<T> {
    fn encode(&self, w: &mut Writer) {
        match self {
            None => w.u8(0),
            Some(v) => {
                w.u8(1);
                v.encode(w);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            0 => Ok(None),
            1 => Ok(Some(T::decode(r)?)),
            tag => Err(DecodeError::UnknownTag { what: "option", tag }),
        }
    }
}

/// Encodes a bounded sequence.
pub fn encode_seq<T: Canonical>(w: &mut Writer, items: &[T]) {
    w.len(items.len());
    for item in items {
        item.encode(w);
    }
}

/// Decodes a sequence of at most `limit` items.
pub fn decode_seq<T: Canonical>(r: &mut Reader<'_>, limit: usize) -> Result<Vec<T>, DecodeError> {
    let len = r.len(limit)?;
    // Never trust a length prefix for allocation: each item takes at least one byte.
    let mut out = Vec::with_capacity(len.min(r.remaining()));
    for _ in 0..len {
        out.push(T::decode(r)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_little_endian_fixed_width() {
        let mut w = Writer::new();
        w.u16(0x0102);
        w.u64(1);
        assert_eq!(w.into_bytes(), vec![2, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn decoding_rejects_short_long_and_bad_tags() {
        assert_eq!(Reader::new(&[1, 2]).u32(), Err(DecodeError::UnexpectedEnd));
        assert_eq!(Reader::new(&[2]).bool(), Err(DecodeError::UnknownTag { what: "bool", tag: 2 }));
        let mut w = Writer::new();
        w.str("hello");
        let bytes = w.into_bytes();
        assert!(Reader::new(&bytes).str(4).is_err());
        assert_eq!(Reader::new(&bytes).str(5).unwrap(), "hello");
        assert_eq!(
            <Option<crate::field::FieldBytes>>::from_canonical_bytes(&[0, 9]),
            Err(DecodeError::TrailingBytes(1))
        );
    }
}
