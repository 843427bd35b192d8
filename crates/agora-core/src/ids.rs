//! Identifiers and amounts.

use serde::{Deserialize, Serialize};

/// An amount of some asset, in its smallest unit. Integer only: no floats anywhere.
pub type Amount = u128;

/// A 32-byte blake3 digest.
pub type Digest = [u8; 32];

/// A task, numbered in posting order from 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(#[serde(with = "crate::json::u64_string")] pub u64);

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

/// Serde adapter for [`Amount`]: a decimal string in and out (see [`crate::json`]).
pub use crate::json::u128_string as amount_serde;
