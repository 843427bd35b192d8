//! The JSON rules of every form that comes from outside (transactions, genesis, witnesses) and
//! of every record printed: one definition, shared by the CLI and the node.
//!
//! * Integers wider than 32 bits (u64, u128) are decimal strings, never JSON numbers: numbers
//!   above 2^53 do not survive common JSON readers. Strings are plain ASCII digits, no sign, no
//!   spaces, no leading zero. u8/u16/u32 values (basis points, decimals, asset ids, counters)
//!   stay numbers: every JSON reader holds them exactly.
//! * Every string and array has a named maximum checked before it is decoded
//!   ([`string_max`], [`vec_max`]); every body has a byte limit checked before parsing
//!   ([`from_str_bounded`]).
//! * Unknown fields and duplicate keys are errors (every form is `deny_unknown_fields`).

use serde::de::{DeserializeOwned, Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// Longest decimal string of a u64 (`18446744073709551615`).
pub const MAX_U64_DIGITS: usize = 20;
/// Longest decimal string of a u128.
pub const MAX_U128_DIGITS: usize = 39;

/// Parses a strict decimal string of at most `max_digits` digits into a u128.
fn parse_decimal<E: serde::de::Error>(text: &str, max_digits: usize, what: &str) -> Result<u128, E> {
    if text.len() > max_digits {
        return Err(E::custom(format!("{what} is {} characters, above the limit of {max_digits} digits", text.len())));
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || (text.len() > 1 && text.starts_with('0')) {
        return Err(E::custom(format!("invalid {what} {text:?}: expected a decimal string of digits")));
    }
    text.parse::<u128>().map_err(|_| E::custom(format!("{what} {text:?} is out of range")))
}

struct DecimalVisitor {
    max_digits: usize,
    what: &'static str,
}

impl Visitor<'_> for DecimalVisitor {
    type Value = u128;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} as a decimal string (e.g. \"1000\"), not a JSON number", self.what)
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<u128, E> {
        parse_decimal(text, self.max_digits, self.what)
    }
}

/// Serde adapter for u64: a decimal string in and out.
pub mod u64_string {
    use super::{DecimalVisitor, MAX_U64_DIGITS};
    use serde::{Deserializer, Serializer};

    /// Writes the value as a decimal string.
    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a decimal string (a JSON number is an error).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let value = d.deserialize_str(DecimalVisitor { max_digits: MAX_U64_DIGITS, what: "u64" })?;
        u64::try_from(value).map_err(|_| serde::de::Error::custom(format!("{value} does not fit in a u64")))
    }
}

/// Serde adapter for `Option<u64>`: `null` or a decimal string.
pub mod opt_u64_string {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "super::u64_string")] u64);

    /// Writes `null` or a decimal string.
    pub fn serialize<S: Serializer>(value: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        value.map(Wrapped).serialize(s)
    }

    /// Reads `null` or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

/// Serde adapter for u128 (amounts): a decimal string in and out.
pub mod u128_string {
    use super::{DecimalVisitor, MAX_U128_DIGITS};
    use serde::{Deserializer, Serializer};

    /// Writes the value as a decimal string.
    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a decimal string (a JSON number is an error).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        d.deserialize_str(DecimalVisitor { max_digits: MAX_U128_DIGITS, what: "amount" })
    }
}

/// Serde adapter for a `Vec<u64>` of decimal strings.
pub mod vec_u64_string {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "super::u64_string")] u64);

    /// Writes an array of decimal strings.
    pub fn serialize<S: Serializer>(values: &[u64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(values.iter().map(|v| Wrapped(*v)))
    }

    /// Reads an array of decimal strings (callers bound its length with their own type's limit).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        Ok(Vec::<Wrapped>::deserialize(d)?.into_iter().map(|w| w.0).collect())
    }
}

struct BoundedStr<const N: usize>;

impl<const N: usize> Visitor<'_> for BoundedStr<N> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string of at most {N} bytes")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<String, E> {
        if text.len() > N {
            return Err(E::custom(format!("string of {} bytes is above the limit of {N} bytes", text.len())));
        }
        Ok(text.to_owned())
    }
}

/// Reads a string of at most `N` bytes; the length is checked before anything is copied.
pub fn string_max<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(BoundedStr::<N>)
}

struct BoundedSeq<T, const N: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for BoundedSeq<T, N> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of at most {N} items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(1024));
        while let Some(item) = seq.next_element()? {
            if items.len() == N {
                return Err(A::Error::custom(format!("array is above the limit of {N} items")));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// Reads an array of at most `N` items, refusing the first item past the limit before decoding it.
pub fn vec_max<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(BoundedSeq::<T, N>(PhantomData))
}

/// Why a JSON form was refused: where (a path such as `action.offer.title`, empty at the top)
/// and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The body is larger than its limit; nothing was parsed.
    #[error("{what} is {len} bytes, above the limit of {max} bytes")]
    TooLarge {
        /// What the body is (e.g. `signed transaction`).
        what: &'static str,
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not an acceptable form.
    #[error("{what}: {}{message}", if path.is_empty() { String::new() } else { format!("field `{path}`: ") })]
    Invalid {
        /// What the body is.
        what: &'static str,
        /// The field the parser was in when it failed (dotted path; array items as `[i]`).
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// Parses `text` as a `T` after checking it is at most `max` bytes, naming the field on error.
pub fn from_str_bounded<T: DeserializeOwned>(text: &str, what: &'static str, max: usize) -> Result<T, JsonError> {
    if text.len() > max {
        return Err(JsonError::TooLarge { what, len: text.len(), max });
    }
    serde_json::from_str(text).map_err(|e| {
        let offset = byte_offset(text, e.line(), e.column());
        let message = strip_position(&e.to_string());
        JsonError::Invalid { what, path: path_at(text, offset), message }
    })
}

/// [`from_str_bounded`] over bytes, which must be UTF-8.
pub fn from_slice_bounded<T: DeserializeOwned>(bytes: &[u8], what: &'static str, max: usize) -> Result<T, JsonError> {
    if bytes.len() > max {
        return Err(JsonError::TooLarge { what, len: bytes.len(), max });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| JsonError::Invalid {
        what,
        path: String::new(),
        message: format!("not UTF-8: {e}"),
    })?;
    from_str_bounded(text, what, max)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte offset of serde_json's 1-based line and column (column counts bytes).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return (offset + column).min(text.len());
        }
        offset += l.len() + 1;
    }
    text.len()
}

enum Frame {
    Object(Option<String>),
    Array(usize),
}

/// The path of the value being read at `offset`, by scanning the prefix (which the parser has
/// already accepted as well-formed JSON up to that point).
fn path_at(text: &str, offset: usize) -> String {
    let bytes = &text.as_bytes()[..offset.min(text.len())];
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut expecting_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expecting_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(_)) => expecting_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expecting_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = Some(String::from_utf8_lossy(&bytes[start..i.min(bytes.len())]).into_owned());
                    expecting_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

/// True for 0: lets a `u8` field that defaults to 0 stay out of the JSON it is absent from.
pub fn is_zero_u8(value: &u8) -> bool {
    *value == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[serde(with = "u64_string")]
        n: u64,
        #[serde(deserialize_with = "string_max::<_, 4>")]
        s: String,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(deserialize_with = "vec_max::<_, _, 2>")]
        items: Vec<Inner>,
        #[serde(with = "u128_string")]
        amount: u128,
    }

    fn parse(text: &str) -> Result<Outer, JsonError> {
        from_str_bounded(text, "test form", 200)
    }

    #[test]
    fn u64_values_are_strings_both_ways() {
        let value = Outer { items: vec![Inner { n: u64::MAX, s: "ab".into() }], amount: u128::MAX };
        let text = serde_json::to_string(&value).unwrap();
        assert!(text.contains("\"18446744073709551615\""), "{text}");
        assert_eq!(parse(&text), Ok(value));
    }

    #[test]
    fn numbers_leading_zeros_and_signs_are_refused_with_the_field_path() {
        let err = parse(r#"{"items":[{"n":"1","s":""},{"n":9007199254740993,"s":""}],"amount":"1"}"#).unwrap_err();
        assert!(err.to_string().contains("field `items[1].n`"), "{err}");
        assert!(err.to_string().contains("decimal string"), "{err}");
        for bad in ["\"01\"", "\"+1\"", "\" 1\"", "\"\"", "\"1e3\"", "\"18446744073709551616\""] {
            let text = format!(r#"{{"items":[{{"n":{bad},"s":""}}],"amount":"1"}}"#);
            assert!(parse(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_are_checked_and_named() {
        let err = parse(r#"{"items":[{"n":"1","s":"abcde"}],"amount":"1"}"#).unwrap_err();
        assert!(err.to_string().contains("items[0].s") && err.to_string().contains("limit of 4 bytes"), "{err}");
        let three = r#"{"items":[{"n":"1","s":""},{"n":"1","s":""},{"n":"1","s":""}],"amount":"1"}"#;
        assert!(parse(three).unwrap_err().to_string().contains("limit of 2 items"));
        let big = "x".repeat(201);
        assert_eq!(parse(&big), Err(JsonError::TooLarge { what: "test form", len: 201, max: 200 }));
    }

    #[test]
    fn unknown_and_duplicate_fields_are_refused() {
        let err = parse(r#"{"items":[],"amount":"1","extra":1}"#).unwrap_err().to_string();
        assert!(err.contains("unknown field `extra`"), "{err}");
        let err = parse(r#"{"items":[],"amount":"1","amount":"2"}"#).unwrap_err().to_string();
        assert!(err.contains("duplicate field `amount`"), "{err}");
    }
}
