//! Genesis: the parameters a marketplace starts from, and the state they create.

use crate::arbitration_params::ArbitrationParams;
use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::ids::{Amount, Digest, MANUAL_KIND, TaskKind};
use crate::limits::*;
use crate::proof::KeyId;
use crate::reputation::ReputationParams;
use agora_identity::AgentId;
use serde::{Deserialize, Serialize};

/// Domain of the genesis hash.
pub const GENESIS_DOMAIN: &str = "agora genesis v1";

/// An asset declared at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetDecl {
    /// Ticker, unique (e.g. `USDC`).
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_SYMBOL_BYTES>")]
    pub symbol: String,
    /// Decimal places of the smallest unit (display only).
    pub decimals: u8,
}

/// The registration bond: what each identity costs to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BondConfig {
    /// Symbol of the asset bonds are paid in (declared in `assets`).
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_SYMBOL_BYTES>")]
    pub asset: String,
    /// Bond locked at registration.
    #[serde(with = "crate::ids::amount_serde")]
    pub amount: Amount,
    /// Seconds between deregistration and the bond's return.
    #[serde(with = "crate::json::u64_string")]
    pub cooldown_secs: u64,
}

/// A proof-gated task kind and the verifying key registered for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    /// Kind number (never 0: that is the manual kind).
    pub kind: TaskKind,
    /// Human name, e.g. `aggregate`.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_NAME_BYTES>")]
    pub name: String,
    /// blake3 id of the verifying key proofs of this kind must verify under.
    pub key_id: KeyId,
    /// Number of kind-specific public parameters a task of this kind carries.
    pub param_count: u8,
    /// For a fair-exchange kind, the number of field elements of its ciphertext (its proofs
    /// take [`crate::ENVELOPE_PUBLIC_INPUTS`] more public inputs and its employers need an
    /// encryption key); 0 (the default) for a plain kind.
    #[serde(default, skip_serializing_if = "crate::json::is_zero_u8")]
    pub sealed_fields: u8,
    /// For a fair-exchange kind, the plain kind whose statement it proves (its output sealed to
    /// the employer): completions of both share one nullifier per worker, input and parameters,
    /// so the same work earns reputation once whichever variant it is posted under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_kind: Option<TaskKind>,
}

impl KindSpec {
    /// The number of public inputs this kind's verifying key must expect: the binding inputs,
    /// the parameters and, for a fair-exchange kind, the envelope.
    pub fn public_inputs(&self) -> usize {
        crate::completion::kind_public_inputs(self.param_count, self.sealed_fields)
    }
}

/// A balance credited at genesis (counts as a deposit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialBalance {
    /// Owner.
    pub agent: AgentId,
    /// Asset symbol.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_SYMBOL_BYTES>")]
    pub asset: String,
    /// Amount.
    #[serde(with = "crate::ids::amount_serde")]
    pub amount: Amount,
}

/// Everything a marketplace is configured with at height 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Names this marketplace; part of every signature's domain via the genesis hash.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_NAME_BYTES>")]
    pub chain_id: String,
    /// Time of genesis (seconds); block times may not precede it.
    #[serde(with = "crate::json::u64_string")]
    pub genesis_time: u64,
    /// Keys allowed to declare assets and credit deposits.
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub operators: Vec<AgentId>,
    /// Account that receives fees.
    pub fee_account: AgentId,
    /// Fee in basis points on transfers and settlements (30 = 0.3%).
    pub fee_bps: u16,
    /// Assets available from the start (more can be declared by operators).
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub assets: Vec<AssetDecl>,
    /// Registration bond.
    pub bond: BondConfig,
    /// Proof-gated task kinds.
    #[serde(default, deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub kinds: Vec<KindSpec>,
    /// Balances credited at genesis.
    #[serde(default, deserialize_with = "crate::json::vec_max::<_, _, MAX_GENESIS_ITEMS>")]
    pub balances: Vec<InitialBalance>,
    /// The reputation model's parameters.
    #[serde(default)]
    pub reputation: ReputationParams,
    /// Disputes, arbitration and the operators' freeze threshold.
    #[serde(default)]
    pub arbitration: ArbitrationParams,
    /// Largest step between consecutive block times, in seconds (> 0): a producer cannot move
    /// the clock past cool-downs, loan due times and decay faster than one step per block.
    #[serde(default = "default_max_block_time_step_secs")]
    #[serde(with = "crate::json::u64_string")]
    pub max_block_time_step_secs: u64,
}

fn default_max_block_time_step_secs() -> u64 {
    DEFAULT_MAX_BLOCK_TIME_STEP_SECS
}

/// Why a genesis is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenesisError {
    /// A named limit was exceeded.
    #[error("genesis {0} exceeds its limit")]
    Limit(&'static str),
    /// No operator.
    #[error("genesis needs at least one operator")]
    NoOperator,
    /// The same operator key listed twice.
    #[error("genesis lists an operator twice")]
    DuplicateOperator,
    /// Fee over 100%.
    #[error("fee_bps must be at most 10000")]
    FeeTooHigh,
    /// Duplicate or empty asset symbol.
    #[error("asset symbol {0:?} is empty or declared twice")]
    BadAsset(String),
    /// The bond asset or a balance asset is not declared.
    #[error("asset {0:?} is not declared in genesis")]
    UnknownAsset(String),
    /// A kind number is 0, or a kind number or name is repeated.
    #[error("kind {0} is reserved or declared twice (by number or by name)")]
    BadKind(TaskKind),
    /// Initial balances overflow an asset's supply.
    #[error("initial balances overflow")]
    Overflow,
}

impl Genesis {
    /// A development genesis: one operator (who also collects fees), a `USD` asset with six
    /// decimals, a bond of 100 USD with a one-day cool-down, fee 30 bps, no proof-gated kinds.
    pub fn development(operator: AgentId, genesis_time: u64) -> Genesis {
        Genesis {
            chain_id: "agora-dev".to_string(),
            genesis_time,
            operators: vec![operator],
            fee_account: operator,
            fee_bps: 30,
            assets: vec![AssetDecl { symbol: "USD".to_string(), decimals: 6 }],
            bond: BondConfig { asset: "USD".to_string(), amount: 100_000_000, cooldown_secs: 86_400 },
            kinds: Vec::new(),
            balances: Vec::new(),
            reputation: ReputationParams::development(vec![operator]),
            arbitration: ArbitrationParams::default(),
            max_block_time_step_secs: DEFAULT_MAX_BLOCK_TIME_STEP_SECS,
        }
    }

    /// Checks the limits and consistency of the configuration.
    pub fn validate(&self) -> Result<(), GenesisError> {
        if self.chain_id.is_empty() || self.chain_id.len() > MAX_NAME_BYTES {
            return Err(GenesisError::Limit("chain_id"));
        }
        for (what, n) in [
            ("operators", self.operators.len()),
            ("assets", self.assets.len()),
            ("kinds", self.kinds.len()),
            ("balances", self.balances.len()),
        ] {
            if n > MAX_GENESIS_ITEMS {
                return Err(GenesisError::Limit(what));
            }
        }
        if self.operators.is_empty() {
            return Err(GenesisError::NoOperator);
        }
        let distinct: std::collections::BTreeSet<_> = self.operators.iter().collect();
        if distinct.len() != self.operators.len() {
            return Err(GenesisError::DuplicateOperator);
        }
        if self.fee_bps > BPS_DENOMINATOR {
            return Err(GenesisError::FeeTooHigh);
        }
        let mut symbols = std::collections::BTreeSet::new();
        for asset in &self.assets {
            if asset.symbol.is_empty() || asset.symbol.len() > MAX_SYMBOL_BYTES || !symbols.insert(&asset.symbol) {
                return Err(GenesisError::BadAsset(asset.symbol.clone()));
            }
        }
        if !symbols.contains(&self.bond.asset) {
            return Err(GenesisError::UnknownAsset(self.bond.asset.clone()));
        }
        let mut kinds = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for spec in &self.kinds {
            if spec.kind == MANUAL_KIND || !kinds.insert(spec.kind) || !names.insert(spec.name.as_str()) {
                return Err(GenesisError::BadKind(spec.kind));
            }
            if spec.name.is_empty()
                || spec.name.len() > MAX_NAME_BYTES
                || spec.param_count as usize > MAX_KIND_PARAMS
                || usize::from(spec.sealed_fields) > crate::sealing::MAX_CIPHERTEXT_FIELDS
            {
                return Err(GenesisError::Limit("kind"));
            }
            // Only a fair-exchange kind names a base kind, and never itself or the manual kind.
            if let Some(base) = spec.base_kind
                && (spec.sealed_fields == 0 || base == spec.kind || base == MANUAL_KIND)
            {
                return Err(GenesisError::BadKind(spec.kind));
            }
        }
        for reference in &self.reputation.reference_amounts {
            if !symbols.contains(&reference.asset) {
                return Err(GenesisError::UnknownAsset(reference.asset.clone()));
            }
        }
        let trusted: std::collections::BTreeSet<_> = self.reputation.trusted.iter().collect();
        if trusted.len() != self.reputation.trusted.len() || self.reputation.trusted.len() > MAX_GENESIS_ITEMS {
            return Err(GenesisError::Limit("reputation.trusted (duplicates or too many)"));
        }
        if self.reputation.conferral_share_ppm > crate::limits::MAX_CONFERRAL_SHARE_PPM {
            return Err(GenesisError::Limit("reputation.conferral_share_ppm (at most 800,000)"));
        }
        if self.reputation.epoch_secs == 0 {
            return Err(GenesisError::Limit("reputation.epoch_secs must be positive"));
        }
        if self.max_block_time_step_secs == 0 {
            return Err(GenesisError::Limit("max_block_time_step_secs must be positive"));
        }
        if self.genesis_time > MAX_BLOCK_TIME {
            return Err(GenesisError::Limit("genesis_time (at most MAX_BLOCK_TIME)"));
        }
        for (what, secs) in [
            ("bond.cooldown_secs", self.bond.cooldown_secs),
            ("max_block_time_step_secs", self.max_block_time_step_secs),
            ("reputation.half_life_secs", self.reputation.half_life_secs),
            ("reputation.epoch_secs", self.reputation.epoch_secs),
        ] {
            if secs > MAX_CONFIGURED_DURATION_SECS {
                return Err(GenesisError::Limit(what));
            }
        }
        if !self.arbitration.is_valid(self.operators.len()) {
            return Err(GenesisError::Limit("arbitration (panel sizes or operator threshold)"));
        }
        let mut supply = std::collections::BTreeMap::<&str, Amount>::new();
        for balance in &self.balances {
            if !symbols.contains(&balance.asset) {
                return Err(GenesisError::UnknownAsset(balance.asset.clone()));
            }
            let total = supply.entry(&balance.asset).or_default();
            *total = total.checked_add(balance.amount).ok_or(GenesisError::Overflow)?;
        }
        Ok(())
    }

    /// The genesis hash: blake3 (derive-key, [`GENESIS_DOMAIN`]) of the canonical encoding.
    /// Every signature commits to it, so transactions cannot be replayed across marketplaces.
    pub fn hash(&self) -> Digest {
        blake3::derive_key(GENESIS_DOMAIN, &self.to_canonical_bytes())
    }
}

impl Canonical for AssetDecl {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.symbol);
        w.u8(self.decimals);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(AssetDecl { symbol: r.str(MAX_SYMBOL_BYTES)?, decimals: r.u8()? })
    }
}

impl Canonical for KindSpec {
    fn encode(&self, w: &mut Writer) {
        w.u16(self.kind);
        w.str(&self.name);
        w.fixed(&self.key_id.0);
        w.u8(self.param_count);
        w.u8(self.sealed_fields);
        self.base_kind.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KindSpec {
            kind: r.u16()?,
            name: r.str(MAX_NAME_BYTES)?,
            key_id: KeyId(r.fixed()?),
            param_count: r.u8()?,
            sealed_fields: r.u8()?,
            base_kind: Option::decode(r)?,
        })
    }
}

impl Canonical for InitialBalance {
    fn encode(&self, w: &mut Writer) {
        self.agent.encode(w);
        w.str(&self.asset);
        w.u128(self.amount);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(InitialBalance { agent: AgentId::decode(r)?, asset: r.str(MAX_SYMBOL_BYTES)?, amount: r.u128()? })
    }
}

impl Canonical for Genesis {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.chain_id);
        w.u64(self.genesis_time);
        encode_seq(w, &self.operators);
        self.fee_account.encode(w);
        w.u16(self.fee_bps);
        encode_seq(w, &self.assets);
        w.str(&self.bond.asset);
        w.u128(self.bond.amount);
        w.u64(self.bond.cooldown_secs);
        encode_seq(w, &self.kinds);
        encode_seq(w, &self.balances);
        self.reputation.encode(w);
        self.arbitration.encode(w);
        w.u64(self.max_block_time_step_secs);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Genesis {
            chain_id: r.str(MAX_NAME_BYTES)?,
            genesis_time: r.u64()?,
            operators: decode_seq(r, MAX_GENESIS_ITEMS)?,
            fee_account: AgentId::decode(r)?,
            fee_bps: r.u16()?,
            assets: decode_seq(r, MAX_GENESIS_ITEMS)?,
            bond: BondConfig { asset: r.str(MAX_SYMBOL_BYTES)?, amount: r.u128()?, cooldown_secs: r.u64()? },
            kinds: decode_seq(r, MAX_GENESIS_ITEMS)?,
            balances: decode_seq(r, MAX_GENESIS_ITEMS)?,
            reputation: ReputationParams::decode(r)?,
            arbitration: ArbitrationParams::decode(r)?,
            max_block_time_step_secs: r.u64()?,
        })
    }
}
