//! Identifiers and amounts.

use serde::{Deserialize, Serialize};

/// An amount of some asset, in its smallest unit. Integer only: no floats anywhere.
pub type Amount = u128;

/// A 32-byte blake3 digest.
pub type Digest = [u8; 32];

/// A task, numbered in posting order from 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub u64);

/// An asset, numbered in declaration order from 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssetId(pub u32);

/// A task kind: which statement a completion proof must establish. Kind 0 is
/// [`MANUAL_KIND`]: no proof possible, settlement only by the employer's acceptance.
pub type TaskKind = u16;

/// The task kind that has no proof: settled only through `AcceptDelivery`.
pub const MANUAL_KIND: TaskKind = 0;

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::fmt::Display for AssetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Serde adapter for [`Amount`]: written as a decimal string (exact in every JSON reader,
/// including JavaScript's), read from a decimal string or a JSON integer.
pub mod amount_serde {
    use super::Amount;
    use serde::{Deserializer, Serializer};

    /// Writes the amount as a decimal string.
    pub fn serialize<S: Serializer>(amount: &Amount, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&amount.to_string())
    }

    struct AmountVisitor;

    impl serde::de::Visitor<'_> for AmountVisitor {
        type Value = Amount;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an amount: a decimal string (e.g. \"1000000\") or a non-negative integer")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Amount, E> {
            text.trim().parse().map_err(|_| E::custom(format!("invalid amount {text:?}: expected a decimal string")))
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Amount, E> {
            Ok(Amount::from(n))
        }
        fn visit_u128<E: serde::de::Error>(self, n: u128) -> Result<Amount, E> {
            Ok(n)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Amount, E> {
            u64::try_from(n).map(Amount::from).map_err(|_| E::custom("amounts cannot be negative"))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Amount, E> {
            Err(E::custom("amount too large or not an integer: write large amounts as decimal strings"))
        }
    }

    /// Reads a decimal string or an integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}
