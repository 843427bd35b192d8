//! Explaining a reputation: the score, its epoch, and where it came from.

use agora_core::AgentId;
use agora_core::reputation::{EPOCH_COUNTER, EdgeRecord};
use serde::Serialize;

/// Sources listed by [`crate::Marketplace::reputation`].
pub const TOP_SOURCES: usize = 10;

/// One employer whose verified completions raised the score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReputationSource {
    /// The employer.
    pub employer: AgentId,
    /// Verified completions for it.
    pub completions: u32,
    /// Reputation they gave (before decay).
    #[serde(with = "agora_core::json::u64_string")]
    pub gained: u64,
    /// Value-weighted evidence they represent (before standing).
    #[serde(with = "agora_core::json::u64_string")]
    pub evidence: u64,
    /// The employer's standing now (parts per million of full).
    #[serde(with = "agora_core::json::u64_string")]
    pub employer_standing: u64,
}

/// A reputation, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReputationReport {
    /// The agent.
    pub did: AgentId,
    /// Score at the tip's block time (decay applied).
    #[serde(with = "agora_core::json::u64_string")]
    pub score: u64,
    /// Score as last stored, before decay.
    #[serde(with = "agora_core::json::u64_string")]
    pub stored: u64,
    /// Block time the stored score was last updated.
    #[serde(with = "agora_core::json::u64_string")]
    pub updated_at: u64,
    /// Points lost to decay since then.
    #[serde(with = "agora_core::json::u64_string")]
    pub decay_applied: u64,
    /// The standing epoch in force.
    #[serde(with = "agora_core::json::u64_string")]
    pub epoch: u64,
    /// This agent's own standing as an employer (parts per million; full = 1,000,000), slashes
    /// applied.
    #[serde(with = "agora_core::json::u64_string")]
    pub standing: u64,
    /// Points slashes have removed from `received` (they scale `standing` down).
    #[serde(with = "agora_core::json::u64_string")]
    pub slashed: u64,
    /// Whether it is in the trusted set now.
    pub trusted: bool,
    /// Verified completions.
    #[serde(with = "agora_core::json::u64_string")]
    pub proven_completions: u64,
    /// Reputation points ever received from verified completions (before decay).
    #[serde(with = "agora_core::json::u64_string")]
    pub received: u64,
    /// Reputation points conferred on workers as an employer.
    #[serde(with = "agora_core::json::u64_string")]
    pub conferred: u64,
    /// The most it may confer in total (the genesis conferral share of `received`); `None` for a
    /// trusted agent, which has no such limit.
    #[serde(with = "agora_core::json::opt_u64_string")]
    pub conferral_budget: Option<u64>,
    /// Points pledged as loan collateral (face value, not decayed). They are not available for
    /// another pledge nor for bidding gates: usable = `score − locked`, floored at 0.
    #[serde(with = "agora_core::json::u64_string")]
    pub locked: u64,
    /// Top sources by reputation given.
    pub sources: Vec<ReputationSource>,
}

pub(crate) fn decode_edge(key: &[u8], value: &[u8]) -> Option<(AgentId, EdgeRecord)> {
    use agora_core::Canonical;
    let employer: [u8; 32] = key.get(32..64)?.try_into().ok()?;
    Some((AgentId::from_public_key_bytes(employer).ok()?, EdgeRecord::from_canonical_bytes(value).ok()?))
}

pub(crate) fn epoch_of(stored: Option<Vec<u8>>) -> u64 {
    stored.and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok()).map(u64::from_le_bytes).unwrap_or(0)
}

pub(crate) const EPOCH_KEY: &str = EPOCH_COUNTER;
