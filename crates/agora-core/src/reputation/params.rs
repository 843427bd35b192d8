//! Genesis parameters of the reputation model.

use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::ids::Amount;
use crate::limits::{MAX_GENESIS_ITEMS, MAX_SYMBOL_BYTES};
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// The amount of an asset that counts as one unit of value for reputation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceAmount {
    /// Asset symbol.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_SYMBOL_BYTES>")]
    pub asset: String,
    /// Amount worth [`super::POINTS_PER_REFERENCE`] points at full standing.
    #[serde(with = "crate::ids::amount_serde")]
    pub amount: Amount,
}

/// Reputation parameters, fixed at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReputationParams {
    /// Agents trusted from the start: the seeds trust flows from.
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub trusted: Vec<AgentId>,
    /// Per asset, the payment worth one unit of value. Payments in other assets earn nothing.
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub reference_amounts: Vec<ReferenceAmount>,
    /// Scores halve every this many seconds of block time (0 = no decay).
    #[serde(with = "crate::json::u64_string")]
    pub half_life_secs: u64,
    /// Standing is recomputed at the first block of every epoch of this many seconds.
    #[serde(with = "crate::json::u64_string")]
    pub epoch_secs: u64,
    /// The share (parts per million) of the reputation it has received that an employer outside
    /// the trusted set may confer over its life (its conserved conferral budget). At most
    /// [`crate::limits::MAX_CONFERRAL_SHARE_PPM`]; default [`super::DEFAULT_CONFERRAL_SHARE_PPM`].
    #[serde(default = "default_conferral_share_ppm")]
    #[serde(with = "crate::json::u64_string")]
    pub conferral_share_ppm: u64,
}

fn default_conferral_share_ppm() -> u64 {
    super::DEFAULT_CONFERRAL_SHARE_PPM
}

impl Default for ReputationParams {
    /// No trusted seeds (so no reputation can be conferred), no reference amounts, a 30-day
    /// half-life, daily epochs and the default conferral share.
    fn default() -> Self {
        ReputationParams {
            trusted: Vec::new(),
            reference_amounts: Vec::new(),
            half_life_secs: 30 * 86_400,
            epoch_secs: 86_400,
            conferral_share_ppm: super::DEFAULT_CONFERRAL_SHARE_PPM,
        }
    }
}

impl ReputationParams {
    /// Development defaults: `trusted` seeds, 1 USD (6 decimals) per unit of value, a 30-day
    /// half-life, daily epochs and the default conferral share.
    pub fn development(trusted: Vec<AgentId>) -> Self {
        ReputationParams {
            trusted,
            reference_amounts: vec![ReferenceAmount { asset: "USD".to_string(), amount: 1_000_000 }],
            half_life_secs: 30 * 86_400,
            epoch_secs: 86_400,
            conferral_share_ppm: super::DEFAULT_CONFERRAL_SHARE_PPM,
        }
    }
}

impl Canonical for ReferenceAmount {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.asset);
        w.u128(self.amount);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ReferenceAmount { asset: r.str(MAX_SYMBOL_BYTES)?, amount: r.u128()? })
    }
}

impl Canonical for ReputationParams {
    fn encode(&self, w: &mut Writer) {
        encode_seq(w, &self.trusted);
        encode_seq(w, &self.reference_amounts);
        w.u64(self.half_life_secs);
        w.u64(self.epoch_secs);
        w.u64(self.conferral_share_ppm);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ReputationParams {
            trusted: decode_seq(r, MAX_GENESIS_ITEMS)?,
            reference_amounts: decode_seq(r, MAX_GENESIS_ITEMS)?,
            half_life_secs: r.u64()?,
            epoch_secs: r.u64()?,
            conferral_share_ppm: r.u64()?,
        })
    }
}
