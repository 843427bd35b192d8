//! Genesis parameters of disputes, arbitration and operator freezes.

use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::ids::Amount;
use crate::limits::MAX_PANEL_SIZE;
use serde::{Deserialize, Serialize};

/// How disputes are ruled and how many operators a freeze needs. Amounts are in the genesis
/// bond asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArbitrationParams {
    /// Distinct operator approvals a freeze (or its renewal) needs to take effect (k of the n
    /// genesis operators; 1 for development).
    pub operator_threshold: u16,
    /// Bond an agent locks to register as an arbitrator (on top of its registration bond).
    #[serde(with = "crate::ids::amount_serde")]
    pub arbitrator_bond: Amount,
    /// Minimum usable reputation (decayed score minus loan pledges) an arbitrator needs, at
    /// registration and every time it is drawn. Must be above 0 to keep reputation-less
    /// identities off panels.
    #[serde(with = "crate::json::u64_string")]
    pub min_arbitrator_reputation: u64,
    /// Fee the opener of a case posts; it pays the arbitrators who vote with the final ruling.
    #[serde(with = "crate::ids::amount_serde")]
    pub dispute_fee: Amount,
    /// Bond the losing party posts to appeal; returned if the appeal wins, else paid to the
    /// other party.
    #[serde(with = "crate::ids::amount_serde")]
    pub appeal_bond: Amount,
    /// Members of a first-round panel (n).
    pub panel_size: u8,
    /// Matching votes that decide a first-round case (k; more than half of n). The appeal
    /// panel has `2k + 1` members and decides with `k + 1` matching votes.
    pub quorum: u8,
    /// k: a panel is drawn from the digest of block `h + k`, where `h` is the height of the
    /// block that opened the case (or the appeal). At least 1, so no party sees the seed.
    #[serde(with = "crate::json::u64_string")]
    pub panel_seed_delay_blocks: u64,
    /// How long an arbitrator's bond stays locked after the last case it sat on closed (and
    /// after its registration): `RetireArbitrator` is refused meanwhile.
    #[serde(with = "crate::json::u64_string")]
    pub arbitrator_cooldown_secs: u64,
    /// Share of its bond (basis points) a first-round arbitrator loses when the ruling it voted
    /// for is overturned on appeal; paid to the appellant.
    pub overturn_slash_bps: u16,
}

impl Default for ArbitrationParams {
    /// Development values: one operator approval, a 50 USD arbitrator bond, a minimum usable
    /// reputation of 1,000 (one reference-value completion at full standing), a 1 USD dispute
    /// fee, a 10 USD appeal bond, 2 of 3 arbitrators, panels seeded 2 blocks after the case
    /// opened, a 7-day bond cool-down and a 20 % slash for an overturned ruling.
    fn default() -> Self {
        ArbitrationParams {
            operator_threshold: 1,
            arbitrator_bond: 50_000_000,
            min_arbitrator_reputation: crate::reputation::ESTABLISHED_REPUTATION,
            dispute_fee: 1_000_000,
            appeal_bond: 10_000_000,
            panel_size: 3,
            quorum: 2,
            panel_seed_delay_blocks: 2,
            arbitrator_cooldown_secs: 7 * 24 * 3600,
            overturn_slash_bps: 2_000,
        }
    }
}

impl ArbitrationParams {
    /// True when the panel sizes are usable: `0 < k ≤ n ≤ MAX_PANEL_SIZE` and `2k > n`, so two
    /// different rulings can never both reach the quorum; the operator threshold is between 1
    /// and `operators`; the seed delay is between 1 and `MAX_PANEL_SEED_DELAY_BLOCKS`; the
    /// slash is at most 10,000 bps.
    pub fn is_valid(&self, operators: usize) -> bool {
        let (n, k) = (self.panel_size, self.quorum);
        k > 0
            && k <= n
            && n <= MAX_PANEL_SIZE
            && u16::from(k) * 2 > u16::from(n)
            && self.operator_threshold >= 1
            && self.panel_seed_delay_blocks >= 1
            && self.panel_seed_delay_blocks <= crate::limits::MAX_PANEL_SEED_DELAY_BLOCKS
            && self.overturn_slash_bps <= crate::limits::BPS_DENOMINATOR
            && usize::from(self.operator_threshold) <= operators
    }

    /// Members of the appeal panel: `2k + 1`.
    pub fn appeal_panel_size(&self) -> u8 {
        self.quorum.saturating_mul(2).saturating_add(1)
    }

    /// Matching votes that decide an appeal: `k + 1`.
    pub fn appeal_quorum(&self) -> u8 {
        self.quorum.saturating_add(1)
    }
}

impl Canonical for ArbitrationParams {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.operator_threshold);
        w.u128(self.arbitrator_bond);
        w.u64(self.min_arbitrator_reputation);
        w.u128(self.dispute_fee);
        w.u128(self.appeal_bond);
        w.u8(self.panel_size);
        w.u8(self.quorum);
        w.u64(self.panel_seed_delay_blocks);
        w.u64(self.arbitrator_cooldown_secs);
        w.u16(self.overturn_slash_bps);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ArbitrationParams {
            operator_threshold: r.u16()?,
            arbitrator_bond: r.u128()?,
            min_arbitrator_reputation: r.u64()?,
            dispute_fee: r.u128()?,
            appeal_bond: r.u128()?,
            panel_size: r.u8()?,
            quorum: r.u8()?,
            panel_seed_delay_blocks: r.u64()?,
            arbitrator_cooldown_secs: r.u64()?,
            overturn_slash_bps: r.u16()?,
        })
    }
}
