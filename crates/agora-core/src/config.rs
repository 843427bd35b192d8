//! The chain configuration the state machine runs with, derived once from the genesis, and the
//! state the genesis creates.

use crate::encoding::Canonical;
use crate::genesis::{Genesis, GenesisError};
use crate::ids::{Amount, AssetId, Digest};
use crate::kinds::kind_keys;
use crate::limits::BPS_DENOMINATOR;
use crate::records::{AccountRecord, AssetRecord, keys};
use crate::state::{Diff, Layer, MemoryState, StateView, Table};
use agora_identity::AgentId;
use std::collections::BTreeSet;

/// Counter holding the last assigned task id.
pub const TASK_COUNTER: &str = "task";
/// Counter holding the last assigned asset id.
pub const ASSET_COUNTER: &str = "asset";

/// Parameters of a running marketplace, derived from its genesis.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    /// The genesis.
    pub genesis: Genesis,
    /// Its hash: the digest before block 1 and part of every signing domain.
    pub genesis_hash: Digest,
    /// Operator keys.
    pub operators: BTreeSet<AgentId>,
    /// Fee in basis points.
    pub fee_bps: u16,
    /// Fee recipient.
    pub fee_account: AgentId,
    /// Asset of the registration bond.
    pub bond_asset: AssetId,
    /// Registration bond.
    pub bond_amount: Amount,
    /// Bond cool-down.
    pub bond_cooldown_secs: u64,
}

impl ChainConfig {
    /// Validates `genesis` and derives the configuration.
    pub fn new(genesis: Genesis) -> Result<Self, GenesisError> {
        genesis.validate()?;
        let bond_index = genesis
            .assets
            .iter()
            .position(|a| a.symbol == genesis.bond.asset)
            .ok_or_else(|| GenesisError::UnknownAsset(genesis.bond.asset.clone()))?;
        Ok(ChainConfig {
            genesis_hash: genesis.hash(),
            operators: genesis.operators.iter().copied().collect(),
            fee_bps: genesis.fee_bps,
            fee_account: genesis.fee_account,
            bond_asset: asset_id_at(bond_index),
            bond_amount: genesis.bond.amount,
            bond_cooldown_secs: genesis.bond.cooldown_secs,
            genesis,
        })
    }

    /// The state at height 0: genesis assets (ids from 1 in declaration order), the trusted set,
    /// kinds and balances.
    pub fn genesis_diff(&self) -> Diff {
        let empty = MemoryState::new();
        let mut layer = Layer::new(&empty);
        let g = &self.genesis;
        for (index, decl) in g.assets.iter().enumerate() {
            let id = asset_id_at(index);
            let supply = g.balances.iter().filter(|b| b.asset == decl.symbol).map(|b| b.amount).sum();
            let record = AssetRecord { id, symbol: decl.symbol.clone(), decimals: decl.decimals, supply };
            layer.put(Table::Assets, keys::asset(id), record.to_canonical_bytes());
            layer.put(Table::AssetSymbols, decl.symbol.as_bytes().to_vec(), id.0.to_be_bytes().to_vec());
        }
        layer.put(Table::Counters, ASSET_COUNTER.as_bytes().to_vec(), (g.assets.len() as u64).to_le_bytes().to_vec());
        layer.put(Table::Counters, TASK_COUNTER.as_bytes().to_vec(), 0u64.to_le_bytes().to_vec());
        let epoch = g.genesis_time / g.reputation.epoch_secs.max(1);
        layer.put(Table::Counters, crate::reputation::EPOCH_COUNTER.as_bytes().to_vec(), epoch.to_le_bytes().to_vec());
        for agent in &g.reputation.trusted {
            layer.put(Table::TrustedSet, agent.as_bytes().to_vec(), Vec::new());
        }
        let trusted = g.reputation.trusted.len() as u64;
        layer.put(
            Table::Counters,
            crate::reputation::TRUSTED_COUNTER.as_bytes().to_vec(),
            trusted.to_le_bytes().to_vec(),
        );
        for spec in &g.kinds {
            let record = crate::kinds::KindRecord::from_genesis(spec);
            layer.put(Table::Kinds, kind_keys::kind(spec.kind), record.to_canonical_bytes());
            layer.put(Table::KindNames, kind_keys::name(&spec.name), spec.kind.to_be_bytes().to_vec());
            let version = crate::kinds::KindVersion {
                kind: spec.kind,
                version: 1,
                key_id: spec.key_id,
                vk: Vec::new(),
                public_inputs: u16::try_from(spec.public_inputs()).unwrap_or(u16::MAX),
                registered_at: 0,
            };
            layer.put(Table::KindVersions, kind_keys::version(spec.kind, 1), version.to_canonical_bytes());
        }
        layer.put(
            Table::Counters,
            crate::kinds::KIND_COUNTER.as_bytes().to_vec(),
            (g.kinds.len() as u64).to_le_bytes().to_vec(),
        );
        let mut balances = std::collections::BTreeMap::<Vec<u8>, Amount>::new();
        for b in &g.balances {
            if let Some(index) = g.assets.iter().position(|a| a.symbol == b.asset) {
                *balances.entry(keys::balance(&b.agent, asset_id_at(index))).or_default() += b.amount;
            }
        }
        for (key, amount) in balances {
            if amount > 0 {
                layer.put(Table::Balances, key, amount.to_le_bytes().to_vec());
            }
        }
        // Touch operator accounts so they are visible to queries from the start.
        for op in &g.operators {
            if layer.get(Table::Accounts, &keys::account(op)).ok().flatten().is_none() {
                layer.put(Table::Accounts, keys::account(op), AccountRecord::default().to_canonical_bytes());
            }
        }
        layer.into_diff()
    }
}

fn asset_id_at(index: usize) -> AssetId {
    AssetId(u32::try_from(index + 1).unwrap_or(u32::MAX))
}

/// `amount × bps / 10 000`, rounded down, exact over the whole u128 range (no overflow).
pub fn bps_of(amount: Amount, bps: u16) -> Amount {
    let d = Amount::from(BPS_DENOMINATOR);
    let b = Amount::from(bps);
    (amount / d) * b + (amount % d) * b / d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bps_of_is_exact_floor_without_overflow() {
        assert_eq!(bps_of(10_000, 30), 30);
        assert_eq!(bps_of(9_999, 30), 29);
        assert_eq!(bps_of(1, 10_000), 1);
        assert_eq!(bps_of(u128::MAX, 10_000), u128::MAX);
        assert_eq!(bps_of(u128::MAX, 0), 0);
        for a in [0u128, 1, 333, 10_001, 123_456_789] {
            for b in [0u16, 1, 30, 5_000, 9_999, 10_000] {
                assert_eq!(bps_of(a, b), a * u128::from(b) / 10_000);
            }
        }
    }
}
