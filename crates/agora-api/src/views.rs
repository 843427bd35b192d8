//! Query responses that are not core records, with the one function that builds each from a
//! marketplace: the node serves them and the CLI prints them, so both show the same JSON.
//! Every view also deserializes (strictly), so typed clients read exactly what the node wrote.

use agora::core::{AccountRecord, ChainTip, EncryptionKeyRecord, Genesis, SealedTaskRecord};
use agora::{
    AgentId, ArbitratorRecord, AssetId, AssetTotals, Error, FieldBytes, FreezeRecord, Marketplace, Receipt, TaskId,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/tip` and `agora query tip`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TipView {
    /// The last committed block (height, time, digest: the state digest after it).
    #[schema(value_type = Object)]
    pub tip: ChainTip,
    /// The genesis hash (hex) every signature commits to.
    pub genesis_hash: String,
    /// The genesis.
    #[schema(value_type = Object)]
    pub genesis: Genesis,
}

impl TipView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace) -> TipView {
        TipView {
            tip: market.tip(),
            genesis_hash: hex::encode(market.genesis_hash()),
            genesis: market.config().genesis.clone(),
        }
    }
}

/// One balance line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceEntry {
    /// Asset id.
    #[schema(value_type = u32)]
    pub asset: AssetId,
    /// Amount (decimal string).
    #[serde(with = "agora::core::json::u128_string")]
    #[schema(value_type = String)]
    pub amount: u128,
}

/// `GET /v1/agents/{did}` and `agora query agent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentView {
    /// The agent.
    #[schema(value_type = String)]
    pub did: AgentId,
    /// Its account (a default, empty record for keys never seen).
    #[schema(value_type = Object)]
    pub account: AccountRecord,
    /// Its non-zero balances.
    pub balances: Vec<BalanceEntry>,
}

impl AgentView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace, did: &AgentId) -> Result<AgentView, Error> {
        let balances =
            market.balances(did)?.into_iter().map(|(asset, amount)| BalanceEntry { asset, amount }).collect();
        Ok(AgentView { did: *did, account: market.account(did)?, balances })
    }
}

/// `GET /v1/agents/{did}/balances/{asset}` and `agora query balance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceView {
    /// The agent.
    #[schema(value_type = String)]
    pub did: AgentId,
    /// Asset id.
    #[schema(value_type = u32)]
    pub asset: AssetId,
    /// Amount (decimal string).
    #[serde(with = "agora::core::json::u128_string")]
    #[schema(value_type = String)]
    pub amount: u128,
}

impl BalanceView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace, did: &AgentId, asset: AssetId) -> Result<BalanceView, Error> {
        Ok(BalanceView { did: *did, asset, amount: market.balance(did, asset)? })
    }
}

/// `GET /v1/totals` and `agora query totals`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotalsView {
    /// True when every asset's supply equals balances + escrow + bonds.
    pub conserved: bool,
    /// Per asset.
    #[schema(value_type = Vec<Object>)]
    pub assets: Vec<AssetTotals>,
}

impl TotalsView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace) -> Result<TotalsView, Error> {
        let assets = market.asset_totals()?;
        Ok(TotalsView { conserved: assets.iter().all(|t| t.conserved()), assets })
    }
}

/// `GET /v1/agents/{did}/arbitrator` and `agora query arbitrator`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArbitratorView {
    /// The agent.
    #[schema(value_type = String)]
    pub did: AgentId,
    /// Its arbitrator record, if it registered as one.
    #[schema(value_type = Option<Object>)]
    pub arbitrator: Option<ArbitratorRecord>,
}

impl ArbitratorView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace, did: &AgentId) -> Result<ArbitratorView, Error> {
        Ok(ArbitratorView { did: *did, arbitrator: market.arbitrator(did)? })
    }
}

/// `GET /v1/agents/{did}/freeze` and `agora query freeze`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeView {
    /// The agent.
    #[schema(value_type = String)]
    pub did: AgentId,
    /// True while a freeze is active at the tip time.
    pub frozen: bool,
    /// The freeze record, if any.
    #[schema(value_type = Option<Object>)]
    pub freeze: Option<FreezeRecord>,
}

impl FreezeView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace, did: &AgentId) -> Result<FreezeView, Error> {
        let freeze = market.freeze(did)?;
        let now = market.tip().time;
        Ok(FreezeView { did: *did, frozen: freeze.as_ref().is_some_and(|f| f.is_active(now)), freeze })
    }
}

/// `GET /v1/agents/{did}/encryption-key` and `agora query encryption-key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionKeyView {
    /// The agent.
    #[schema(value_type = String)]
    pub did: AgentId,
    /// The registered encryption key, if any.
    #[schema(value_type = Option<Object>)]
    pub encryption_key: Option<EncryptionKeyRecord>,
}

impl EncryptionKeyView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace, did: &AgentId) -> Result<EncryptionKeyView, Error> {
        Ok(EncryptionKeyView { did: *did, encryption_key: market.encryption_key(did)? })
    }
}

/// `GET /v1/tasks/{id}/sealed` and `agora query sealed`: the fair-exchange part of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SealedTaskView {
    /// The task's kind (a fair-exchange kind).
    pub kind: u16,
    /// The task's output commitment, once a completion settled it.
    #[schema(value_type = Option<String>)]
    pub output_commitment: Option<FieldBytes>,
    /// The employer key the task was posted with and the sealed output once delivered.
    #[schema(value_type = Object)]
    pub sealed: SealedTaskRecord,
}

impl SealedTaskView {
    /// Reads it from `market`; `None` when there is no such task or it is not fair-exchange.
    pub fn read(market: &Marketplace, task: TaskId) -> Result<Option<SealedTaskView>, Error> {
        let (Some(sealed), Some(record)) = (market.sealed_task(task)?, market.task(task)?) else { return Ok(None) };
        Ok(Some(SealedTaskView { kind: record.offer.kind, output_commitment: record.output_commitment, sealed }))
    }
}

/// `GET /v1/trusted` and `agora query trusted`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedView {
    /// The trusted set, in key order.
    #[schema(value_type = Vec<String>)]
    pub trusted: Vec<AgentId>,
}

impl TrustedView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace) -> Result<TrustedView, Error> {
        Ok(TrustedView { trusted: market.trusted()? })
    }
}

/// `GET /v1/txs/{hash}`: a committed transaction's receipt and its block's time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptView {
    /// The receipt.
    #[schema(value_type = Object)]
    pub receipt: Receipt,
    /// The block time (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schema(value_type = String)]
    pub block_time: u64,
}

/// `GET /v1/blocks/{height}/digest`: the state digest recorded after a block, so a credential
/// or a replica can be checked against the node's history at that height.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockDigestView {
    /// The block height (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schema(value_type = String)]
    pub height: u64,
    /// The block time (decimal string).
    #[serde(with = "agora::core::json::u64_string")]
    #[schema(value_type = String)]
    pub time: u64,
    /// The state digest after the block (hex).
    #[serde(with = "crate::hex32")]
    #[schema(value_type = String)]
    pub digest: [u8; 32],
}

impl BlockDigestView {
    /// Reads it from `market`; `None` when there is no block at `height` yet (height 0 is the
    /// genesis: its digest is the genesis hash).
    pub fn read(market: &Marketplace, height: u64) -> Result<Option<BlockDigestView>, Error> {
        let Some(digest) = market.digest_at(height)? else { return Ok(None) };
        let time = match height {
            0 => market.config().genesis.genesis_time,
            h => match market.block(h)? {
                Some(block) => block.header.time,
                None => return Ok(None),
            },
        };
        Ok(Some(BlockDigestView { height, time, digest }))
    }
}

/// One verifying-key version of a kind, as `GET /v1/kinds` lists it (the key itself is
/// exported with `agora export vk --kind K --version V`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindVersionView {
    /// Version number, from 1.
    pub version: u16,
    /// blake3 of the key's canonical compressed bytes (hex).
    pub key_id: String,
    /// Number of public inputs the key expects.
    pub public_inputs: u16,
    /// Where replicas get the key: `registry` (its bytes are in state) or `key_directory`
    /// (a genesis key, named by id).
    pub source: String,
    /// Block height the version took effect at (decimal; 0 at genesis).
    pub registered_at: String,
}

/// One kind of the registry.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindView {
    /// The kind as stored (number, name, description, layout, weight, current version, retired).
    #[schema(value_type = Object)]
    pub kind: agora::KindRecord,
    /// Every version, oldest first.
    pub versions: Vec<KindVersionView>,
}

/// `GET /v1/kinds` and `agora query kinds`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindsView {
    /// Every kind, by number.
    pub kinds: Vec<KindView>,
}

impl KindsView {
    /// Reads it from `market`.
    pub fn read(market: &Marketplace) -> Result<KindsView, Error> {
        let mut kinds = Vec::new();
        for kind in market.kinds()? {
            let versions = market
                .kind_versions(kind.kind)?
                .into_iter()
                .map(|v| KindVersionView {
                    version: v.version,
                    key_id: hex::encode(v.key_id.0),
                    public_inputs: v.public_inputs,
                    source: if v.vk.is_empty() { "key_directory" } else { "registry" }.to_string(),
                    registered_at: v.registered_at.to_string(),
                })
                .collect();
            kinds.push(KindView { kind, versions });
        }
        Ok(KindsView { kinds })
    }
}
