//! The reputation model: evidence only from verified completions, weighted by value paid and
//! by the employer's standing, with diminishing returns per employer–worker pair, decay over
//! block time, and standing recomputed at epoch boundaries by EigenTrust from the trusted
//! agents. Everything is integer fixed-point and deterministic.
//!
//! * A completion's **gain** = value weight × pair factor × employer standing
//!   ([`completion_gain`]). It is added to the worker's score at once.
//! * **Value weight**: points per reference amount of the asset paid (genesis
//!   `reference_amounts`), capped at [`MAX_VALUE_WEIGHT_POINTS`].
//! * **Pair factor**: the k-th completion between the same employer and worker (k = 0, 1, …)
//!   counts 1/(k+1)²; the whole series sums to < π²/6 ≈ 1.645 of the first.
//! * **Standing** of an employer (0 … [`STANDING_ONE`]): trusted agents have full
//!   standing; everyone else gets the EigenTrust mass that flows to it over the evidence graph,
//!   relative to a trusted seed's teleport share, capped at full. A ring of identities that only
//!   deal with each other receives no trust, so it confers nothing — however many bonded
//!   identities and proven tasks it has.
//! * **Conferral budget**: an employer outside the trusted set can confer, over its whole life,
//!   at most the genesis share `f` ([`ReputationParams::conferral_share_ppm`], default
//!   [`DEFAULT_CONFERRAL_SHARE_PPM`] = 1/2) of the reputation it has itself received
//!   ([`conferral_budget`]); each gain it confers is taken from that budget. Reputation is
//!   therefore conserved as it flows away from the seeds: summed over every agent outside the
//!   trusted set, what they confer is C ≤ f × (H + C), with H what trusted employers conferred,
//!   so C ≤ H × f / (1 − f) — independent of the topology, of the size of any ring, of the
//!   number of tasks, of cycles in the graph and of the prices paid. The same holds for any
//!   group of agents: a ring that received H from outside holds at most H / (1 − f) in total
//!   (2 × H at the default, 5 × H at the largest allowed share).
//! * **Trusted set**: seeded from the genesis list, stored in state ([`trusted_set`]) and
//!   changed after genesis by operator quorum (`ChangeTrusted`, audited).
//! * **Slashing**: burning reputation (loan default, lost dispute) shrinks the agent's
//!   `received` in the proportion of the score burned — so reputation that was destroyed can
//!   no longer be conferred — and scales its standing by the unslashed share of everything it
//!   ever received ([`slash_factor_ppm`]), at once and at every later use.
//! * **Decay**: scores halve every `half_life_secs` of block time ([`decayed`]). Scores are
//!   stored in millionths of a point ([`MICRO_PER_POINT`]) so bringing them up to date at every
//!   update does not lose whole points to rounding.

mod decay;
mod params;
mod trust;
mod trusted;
mod weight;

pub use decay::decayed;
pub use params::{ReferenceAmount, ReputationParams};
pub use trust::{
    EPOCH_COUNTER, EdgeRecord, TRUST_ITERATIONS, WindowEdge, evidence_window, rank_key, recompute_standing,
    recompute_standing_from,
};
pub use trusted::{
    TRUSTED_COUNTER, TrustProposal, is_trusted, proposal_key, slash_factor_ppm, slashed_points, standing_of,
    trusted_set,
};
pub use weight::{MAX_VALUE_WEIGHT_POINTS, POINTS_PER_REFERENCE, completion_gain, pair_factor_ppm, value_weight};

/// Millionths of a point per point: the resolution scores are stored at.
pub const MICRO_PER_POINT: u64 = 1_000_000;
/// The default share (parts per million) of the reputation an agent has received that it may
/// confer, in total, as an employer outside the trusted set: 1/2, so everything agents outside
/// the trusted set confer is at most what trusted employers conferred (C ≤ H).
pub const DEFAULT_CONFERRAL_SHARE_PPM: u64 = 500_000;

/// The total reputation an agent that has received `received` points may confer on others as
/// an employer outside the trusted set, at a share of `share_ppm` (trusted employers have no
/// such limit).
pub fn conferral_budget(received: u64, share_ppm: u64) -> u64 {
    u64::try_from(u128::from(received) * u128::from(share_ppm.min(1_000_000)) / 1_000_000).unwrap_or(u64::MAX)
}

/// Full standing (1.0 in fixed point).
pub const STANDING_ONE: u64 = 1_000_000;
/// Reputation an agent needs to count as established (one point of value at full standing).
pub const ESTABLISHED_REPUTATION: u64 = 1_000;
/// Open bids an agent below [`ESTABLISHED_REPUTATION`] may hold at once: fresh identities
/// cannot flood the market with underbids.
pub const FRESH_MAX_OPEN_BIDS: u32 = 3;

/// What a block at `time` changes before any of its transactions: at the first block of a new
/// epoch, the recomputed standing and the epoch counter; otherwise nothing. Computed once per
/// block (`apply.rs` reuses it for the proof pre-pass and the real run).
pub(crate) fn epoch_diff(
    state: &dyn crate::state::StateView,
    config: &crate::config::ChainConfig,
    time: u64,
) -> Result<crate::state::Diff, crate::state::StateError> {
    use crate::state::{Layer, StateView, Table};
    let mut layer = Layer::new(state);
    let params = &config.genesis.reputation;
    let epoch = time / params.epoch_secs.max(1);
    let stored = match layer.get(Table::Counters, EPOCH_COUNTER.as_bytes())? {
        Some(bytes) => u64::from_le_bytes(bytes.as_slice().try_into().map_err(|_| {
            crate::state::StateError::Corrupt { table: Table::Counters.name(), reason: "epoch counter".into() }
        })?),
        None => 0,
    };
    if epoch > stored {
        recompute_standing(&mut layer)?;
        layer.put(Table::Counters, EPOCH_COUNTER.as_bytes().to_vec(), epoch.to_le_bytes().to_vec());
    }
    Ok(layer.into_diff())
}
