//! Typed access to state for handlers, and the fault type they return.

use crate::config::ChainConfig;
use crate::encoding::{Canonical, DecodeError};
use crate::ids::{Amount, AssetId, TaskId};
use crate::proof::{ProofClaim, ProofVerdict};
use crate::records::{AccountRecord, AssetRecord, BidRecord, TaskRecord, keys};
use crate::state::{Layer, StateError, StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

/// Why a handler stopped: a rejection (a status for the receipt) or a storage failure (aborts
/// the block).
#[derive(Debug)]
pub(crate) enum Fault {
    Reject(Status),
    State(StateError),
}

impl From<Status> for Fault {
    fn from(status: Status) -> Self {
        Fault::Reject(status)
    }
}

impl From<StateError> for Fault {
    fn from(error: StateError) -> Self {
        Fault::State(error)
    }
}

/// Answers proof claims for the transaction at `index` of the block, and judges verifying keys
/// offered to the kind registry.
pub(crate) trait ProofOracle {
    fn check(&mut self, index: usize, claim: ProofClaim) -> ProofVerdict;
    fn inspect_key(&mut self, vk: &[u8]) -> Result<crate::proof::KeyFacts, crate::proof::KeyRejection>;
    fn verifier(&self) -> Option<&dyn crate::proof::ProofVerifier>;
}

/// What a handler sees: the transaction's layer, the chain's configuration, the block's time.
pub(crate) struct Ctx<'l, 'a> {
    pub layer: &'l mut Layer<'a>,
    pub config: &'l ChainConfig,
    pub time: u64,
    /// The block's height (a case opened here waits for the digest of a later block).
    pub height: u64,
    /// The digest the block builds on (its header's `prev_digest`): the seed of the panel draws
    /// due at the start of this block.
    pub prev_digest: crate::ids::Digest,
    pub index: usize,
    pub proofs: &'l mut dyn ProofOracle,
}

pub(crate) fn ensure(condition: bool, status: Status) -> Result<(), Fault> {
    if condition { Ok(()) } else { Err(Fault::Reject(status)) }
}

fn decode<T: Canonical>(table: Table, bytes: &[u8]) -> Result<T, StateError> {
    T::from_canonical_bytes(bytes)
        .map_err(|e: DecodeError| StateError::Corrupt { table: table.name(), reason: e.to_string() })
}

impl Ctx<'_, '_> {
    pub(crate) fn read<T: Canonical>(&self, table: Table, key: &[u8]) -> Result<Option<T>, StateError> {
        self.layer.get(table, key)?.map(|bytes| decode(table, &bytes)).transpose()
    }

    /// Writes a record's canonical bytes.
    pub(crate) fn write<T: Canonical>(&mut self, table: Table, key: Vec<u8>, record: &T) {
        self.layer.put(table, key, record.to_canonical_bytes());
    }

    pub fn account(&self, id: &AgentId) -> Result<AccountRecord, StateError> {
        Ok(self.read(Table::Accounts, &keys::account(id))?.unwrap_or_default())
    }

    pub fn put_account(&mut self, id: &AgentId, record: &AccountRecord) {
        self.layer.put(Table::Accounts, keys::account(id), record.to_canonical_bytes());
    }

    pub fn balance(&self, id: &AgentId, asset: AssetId) -> Result<Amount, StateError> {
        match self.layer.get(Table::Balances, &keys::balance(id, asset))? {
            None => Ok(0),
            Some(bytes) => {
                let raw: [u8; 16] = bytes.as_slice().try_into().map_err(|_| StateError::Corrupt {
                    table: Table::Balances.name(),
                    reason: "balance is not 16 bytes".to_string(),
                })?;
                Ok(u128::from_le_bytes(raw))
            }
        }
    }

    fn set_balance(&mut self, id: &AgentId, asset: AssetId, amount: Amount) {
        let key = keys::balance(id, asset);
        if amount == 0 {
            self.layer.delete(Table::Balances, key);
        } else {
            self.layer.put(Table::Balances, key, amount.to_le_bytes().to_vec());
        }
    }

    /// Adds to a balance. Balances never exceed their asset's supply, so overflow means a
    /// broken invariant; it is still reported as a status rather than a panic.
    pub fn credit(&mut self, id: &AgentId, asset: AssetId, amount: Amount) -> Result<(), Fault> {
        if amount == 0 {
            return Ok(());
        }
        let balance = self.balance(id, asset)?.checked_add(amount).ok_or(Status::AmountOverflow)?;
        self.set_balance(id, asset, balance);
        Ok(())
    }

    /// Subtracts from a balance, rejecting with `InsufficientFunds`.
    pub fn debit(&mut self, id: &AgentId, asset: AssetId, amount: Amount) -> Result<(), Fault> {
        let balance = self.balance(id, asset)?.checked_sub(amount).ok_or(Status::InsufficientFunds)?;
        self.set_balance(id, asset, balance);
        Ok(())
    }

    pub fn asset(&self, id: AssetId) -> Result<Option<AssetRecord>, StateError> {
        self.read(Table::Assets, &keys::asset(id))
    }

    pub fn put_asset(&mut self, record: &AssetRecord) {
        self.layer.put(Table::Assets, keys::asset(record.id), record.to_canonical_bytes());
    }

    pub fn task(&self, id: TaskId) -> Result<Option<TaskRecord>, StateError> {
        self.read(Table::Tasks, &keys::task(id))
    }

    pub fn put_task(&mut self, record: &TaskRecord) {
        self.layer.put(Table::Tasks, keys::task(record.id), record.to_canonical_bytes());
    }

    pub fn bid(&self, task: TaskId, bidder: &AgentId) -> Result<Option<BidRecord>, StateError> {
        self.read(Table::Bids, &keys::bid(task, bidder))
    }

    pub fn put_bid(&mut self, record: &BidRecord) {
        self.layer.put(Table::Bids, keys::bid(record.task, &record.bidder), record.to_canonical_bytes());
    }

    pub fn delete_bid(&mut self, task: TaskId, bidder: &AgentId) {
        self.layer.delete(Table::Bids, keys::bid(task, bidder));
    }

    /// Every bid record of a task (at most `limit`).
    pub fn bids_of(&self, task: TaskId, limit: usize) -> Result<Vec<BidRecord>, StateError> {
        self.layer
            .scan_prefix(Table::Bids, &keys::task(task), limit)?
            .iter()
            .map(|(_, bytes)| decode(Table::Bids, bytes))
            .collect()
    }

    pub fn counter(&self, name: &str) -> Result<u64, StateError> {
        match self.layer.get(Table::Counters, name.as_bytes())? {
            None => Ok(0),
            Some(bytes) => {
                let raw: [u8; 8] = bytes.as_slice().try_into().map_err(|_| StateError::Corrupt {
                    table: Table::Counters.name(),
                    reason: "counter is not 8 bytes".to_string(),
                })?;
                Ok(u64::from_le_bytes(raw))
            }
        }
    }

    pub fn set_counter(&mut self, name: &str, value: u64) {
        self.layer.put(Table::Counters, name.as_bytes().to_vec(), value.to_le_bytes().to_vec());
    }

    pub fn has_nullifier(&self, nullifier: &[u8; 32]) -> Result<bool, StateError> {
        Ok(self.layer.get(Table::Nullifiers, nullifier)?.is_some())
    }

    pub fn put_nullifier(&mut self, nullifier: &[u8; 32]) {
        self.layer.put(Table::Nullifiers, nullifier.to_vec(), Vec::new());
    }

    pub fn kind(&self, kind: u16) -> Result<Option<crate::kinds::KindRecord>, StateError> {
        self.read(Table::Kinds, &crate::kinds::kind_keys::kind(kind))
    }

    pub fn kind_version(&self, kind: u16, version: u16) -> Result<Option<crate::kinds::KindVersion>, StateError> {
        self.read(Table::KindVersions, &crate::kinds::kind_keys::version(kind, version))
    }

    /// Whether `agent` is in the trusted set now (a seed of standing, with no conferral budget).
    pub fn is_trusted(&self, agent: &AgentId) -> Result<bool, StateError> {
        crate::reputation::is_trusted(&*self.layer, agent)
    }

    /// An employer's standing: full in the trusted set, else last epoch's value; scaled by the
    /// unslashed share of what it ever received.
    pub fn standing(&self, agent: &AgentId) -> Result<u64, StateError> {
        crate::reputation::standing_of(&*self.layer, agent)
    }

    /// The evidence edge from `employer` to `worker`.
    pub fn edge(&self, worker: &AgentId, employer: &AgentId) -> Result<crate::reputation::EdgeRecord, StateError> {
        Ok(self.read(Table::TrustEdges, &keys::edge(worker, employer))?.unwrap_or_default())
    }

    /// Stores the edge `previous → record` and moves its entry in the evidence rank to the new
    /// evidence. Edges with no evidence are never stored (nor ranked).
    pub fn put_edge(
        &mut self,
        worker: &AgentId,
        employer: &AgentId,
        previous: &crate::reputation::EdgeRecord,
        record: &crate::reputation::EdgeRecord,
    ) {
        use crate::reputation::rank_key;
        if record.evidence == 0 {
            return;
        }
        if previous.evidence > 0 {
            self.layer.delete(Table::TrustRank, rank_key(previous.evidence, worker, employer));
        }
        self.layer.put(Table::TrustRank, rank_key(record.evidence, worker, employer), Vec::new());
        self.layer.put(Table::TrustEdges, keys::edge(worker, employer), record.to_canonical_bytes());
    }

    /// The reference amount of an asset for reputation, if the genesis names one.
    pub fn reference_amount(&self, asset: AssetId) -> Result<Option<Amount>, StateError> {
        let Some(record) = self.asset(asset)? else { return Ok(None) };
        Ok(self.config.genesis.reputation.reference_amounts.iter().find(|r| r.asset == record.symbol).map(|r| r.amount))
    }

    /// Fee owed on `amount` at the configured rate (rounded down, exact for any u128).
    pub fn fee_on(&self, amount: Amount) -> Amount {
        crate::config::bps_of(amount, self.config.fee_bps)
    }
}
