//! The marketplace handle.

use crate::error::Error;
use crate::proofs::{ProofKeys, prove_offer};
use crate::reputation::ReputationReport;
use agora_core::{
    AccountRecord, Action, Admissions, AdmittedTx, AgentId, AgentKey, Amount, AssetId, AssetRecord, AssetTotals,
    BidRecord, Block, BlockOutcome, Canonical, ChainConfig, ChainTip, Genesis, ProofVerifier, Receipt, SignedTx,
    StateView, Table, TaskId, TaskRecord, TxBody, asset_totals, keys,
};
use agora_store::{ReplayReport, Snapshot, Store, StoreOptions};
use agora_zk::{Completion, Witness};
use std::path::Path;
use std::sync::Arc;

/// An Agora marketplace backed by a redb file.
///
/// Writes go through [`Marketplace::submit`] (one block, one atomic durable commit); reads see
/// the last committed block. The handle holds the database's lock for its lifetime.
pub struct Marketplace {
    pub(crate) store: Store,
    pub(crate) verifier: Arc<dyn ProofVerifier>,
}

impl Marketplace {
    /// Creates a new marketplace database at `path` from `genesis`.
    pub fn create(path: impl AsRef<Path>, genesis: Genesis) -> Result<Self, Error> {
        Self::create_with(path, genesis, StoreOptions::default())
    }

    /// [`Marketplace::create`] with explicit store options.
    pub fn create_with(path: impl AsRef<Path>, genesis: Genesis, options: StoreOptions) -> Result<Self, Error> {
        Ok(Marketplace { store: Store::create(path, genesis, options)?, verifier: default_verifier() })
    }

    /// Opens an existing marketplace database.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(Marketplace { store: Store::open(path, StoreOptions::default())?, verifier: default_verifier() })
    }

    /// Wraps an already open store (for example one made with
    /// [`agora_store::Store::create_with_faults`] in a fault-injection test).
    pub fn from_store(store: Store) -> Self {
        Marketplace { store, verifier: default_verifier() }
    }

    /// Uses `verifier` for completion proofs (by default no proof keys are loaded and every
    /// completion is rejected with `UnknownProofKey`).
    pub fn with_verifier(mut self, verifier: Arc<dyn ProofVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// The chain configuration.
    pub fn config(&self) -> &ChainConfig {
        self.store.config()
    }

    /// The genesis hash every signature commits to.
    pub fn genesis_hash(&self) -> [u8; 32] {
        self.store.config().genesis_hash
    }

    /// The last committed block.
    pub fn tip(&self) -> ChainTip {
        self.store.tip()
    }

    /// Signs `action` from `key` with its next nonce as of the committed state. For several
    /// transactions from one sender in one block, use [`Marketplace::sign_with_nonce`].
    pub fn sign(&self, key: &AgentKey, action: Action) -> Result<SignedTx, Error> {
        let nonce = self.account(&key.id())?.nonce;
        Ok(self.sign_with_nonce(key, nonce, action))
    }

    /// Signs `action` from `key` with an explicit nonce.
    pub fn sign_with_nonce(&self, key: &AgentKey, nonce: u64, action: Action) -> SignedTx {
        TxBody { sender: key.id(), nonce, action }.sign(key, &self.genesis_hash())
    }

    /// Applies `txs` as the next block at block time `time` and commits it atomically.
    pub fn submit(&mut self, txs: Vec<SignedTx>, time: u64) -> Result<BlockOutcome, Error> {
        let block = self.store.next_block(txs, time);
        self.submit_block(&block)
    }

    /// [`Marketplace::submit`] for transactions already admitted by their stateless checks (a
    /// node checks each one as it arrives): their signatures are not verified a second time.
    /// Receipts, state and digest are the same as [`Marketplace::submit`]'s.
    pub fn submit_admitted(&mut self, admitted: Vec<AdmittedTx>, time: u64) -> Result<(Block, BlockOutcome), Error> {
        let (txs, admissions) = Admissions::split(admitted);
        let block = self.store.next_block(txs, time);
        let outcome = self.store.commit_block_admitted(&block, self.verifier.as_ref(), &admissions)?;
        Ok((block, outcome))
    }

    /// Applies and commits a fully formed block (its header must follow the tip).
    pub fn submit_block(&mut self, block: &Block) -> Result<BlockOutcome, Error> {
        Ok(self.store.commit_block(block, self.verifier.as_ref())?)
    }

    /// Commits one block per `(txs, time)` in order, each as [`Marketplace::submit`] would and
    /// as durable, while the signatures of the next block are checked during the application and
    /// commit of the current one (see [`agora_store::commit_pipelined`]). Stops at the first
    /// error with every earlier block committed; returns the outcomes of the committed blocks.
    pub fn submit_pipelined(&mut self, batches: Vec<(Vec<SignedTx>, u64)>) -> Result<Vec<BlockOutcome>, Error> {
        let mut outcomes = Vec::with_capacity(batches.len());
        let result = agora_store::commit_pipelined(
            &mut self.store,
            batches.into_iter().map(|(txs, time)| Ok(agora_store::NextBlock::Txs { txs, time })),
            self.verifier.as_ref(),
            |_, outcome| {
                outcomes.push(outcome);
                Ok(())
            },
        );
        result?;
        Ok(outcomes)
    }

    pub(crate) fn snapshot(&self) -> Result<Snapshot, Error> {
        Ok(self.store.snapshot()?)
    }

    pub(crate) fn read<T: Canonical>(&self, table: Table, key: &[u8]) -> Result<Option<T>, Error> {
        match self.snapshot()?.get(table, key)? {
            None => Ok(None),
            Some(bytes) => Ok(Some(T::from_canonical_bytes(&bytes)?)),
        }
    }

    /// An agent's account (a default, empty record for keys never seen).
    pub fn account(&self, id: &AgentId) -> Result<AccountRecord, Error> {
        Ok(self.read(Table::Accounts, &keys::account(id))?.unwrap_or_default())
    }

    /// One balance.
    pub fn balance(&self, id: &AgentId, asset: AssetId) -> Result<Amount, Error> {
        let bytes = self.snapshot()?.get(Table::Balances, &keys::balance(id, asset))?;
        Ok(bytes.and_then(|b| <[u8; 16]>::try_from(b.as_slice()).ok()).map(u128::from_le_bytes).unwrap_or(0))
    }

    /// Every non-zero balance of an agent.
    pub fn balances(&self, id: &AgentId) -> Result<Vec<(AssetId, Amount)>, Error> {
        let entries = self.snapshot()?.scan_prefix(Table::Balances, id.as_bytes(), usize::MAX)?;
        Ok(entries
            .into_iter()
            .filter_map(|(key, value)| {
                let asset = u32::from_be_bytes(key.get(32..36)?.try_into().ok()?);
                Some((AssetId(asset), u128::from_le_bytes(value.as_slice().try_into().ok()?)))
            })
            .collect())
    }

    /// An asset.
    pub fn asset(&self, id: AssetId) -> Result<Option<AssetRecord>, Error> {
        self.read(Table::Assets, &keys::asset(id))
    }

    /// Every asset.
    pub fn assets(&self) -> Result<Vec<AssetRecord>, Error> {
        let entries = self.snapshot()?.scan_prefix(Table::Assets, &[], usize::MAX)?;
        entries.iter().map(|(_, v)| Ok(AssetRecord::from_canonical_bytes(v)?)).collect()
    }

    /// The asset with this symbol.
    pub fn asset_by_symbol(&self, symbol: &str) -> Result<Option<AssetRecord>, Error> {
        Ok(self.assets()?.into_iter().find(|a| a.symbol == symbol))
    }

    /// A task.
    pub fn task(&self, id: TaskId) -> Result<Option<TaskRecord>, Error> {
        self.read(Table::Tasks, &keys::task(id))
    }

    /// An agent's registered encryption key (for fair-exchange tasks), if any.
    pub fn encryption_key(&self, agent: &AgentId) -> Result<Option<agora_core::EncryptionKeyRecord>, Error> {
        self.read(Table::EncryptionKeys, &agora_core::sealing_keys::encryption_key(agent))
    }

    /// The fair-exchange part of a task (the employer key it was posted with and, once settled,
    /// the sealed output); `None` for a plain task.
    pub fn sealed_task(&self, id: TaskId) -> Result<Option<agora_core::SealedTaskRecord>, Error> {
        self.read(Table::SealedTasks, &agora_core::sealing_keys::sealed_task(id))
    }

    /// Tasks with ids from `from`, at most `limit`.
    pub fn tasks(&self, from: TaskId, limit: usize) -> Result<Vec<TaskRecord>, Error> {
        let snapshot = self.snapshot()?;
        let mut out = Vec::new();
        let mut id = from.0.max(1);
        while out.len() < limit {
            match snapshot.get(Table::Tasks, &keys::task(TaskId(id)))? {
                Some(bytes) => out.push(TaskRecord::from_canonical_bytes(&bytes)?),
                None => break,
            }
            id += 1;
        }
        Ok(out)
    }

    /// The bids on a task (open, won or closed; withdrawn bids are deleted).
    pub fn bids(&self, task: TaskId) -> Result<Vec<BidRecord>, Error> {
        let entries = self.snapshot()?.scan_prefix(Table::Bids, &keys::task(task), usize::MAX)?;
        entries.iter().map(|(_, v)| Ok(BidRecord::from_canonical_bytes(v)?)).collect()
    }

    /// The receipts of the block at `height`.
    pub fn receipts(&self, height: u64) -> Result<Option<Vec<Receipt>>, Error> {
        Ok(self.store.receipts(height)?)
    }

    /// The stored block at `height`.
    pub fn block(&self, height: u64) -> Result<Option<Block>, Error> {
        Ok(self.store.block(height)?)
    }

    /// The digest recorded after the block at `height` (height 0: the genesis hash).
    pub fn digest_at(&self, height: u64) -> Result<Option<[u8; 32]>, Error> {
        Ok(self.store.digest_at(height)?)
    }

    /// Per asset: supply beside balances, escrow and bonds — they must add up exactly.
    pub fn asset_totals(&self) -> Result<Vec<AssetTotals>, Error> {
        Ok(asset_totals(&self.snapshot()?, self.store.config().bond_asset)?)
    }

    /// Rebuilds the state from the stored blocks into a fresh database at `target` and compares
    /// every digest with the recorded one.
    pub fn replay(&self, target: impl AsRef<Path>) -> Result<ReplayReport, Error> {
        Ok(agora_store::replay(&self.store, target, self.verifier.as_ref())?)
    }

    /// Opens an existing marketplace and loads the verifying keys in `keys`, checking that every
    /// proof-gated kind of the genesis has its key.
    pub fn open_with_keys(path: impl AsRef<Path>, keys: &ProofKeys) -> Result<Self, Error> {
        let market = Self::open(path)?;
        market.check_keys(keys)?;
        Ok(market.with_verifier(keys.verifier()))
    }

    /// Fails unless `keys` holds the key of every kind the genesis registers.
    pub fn check_keys(&self, keys: &ProofKeys) -> Result<(), Error> {
        keys.check_kinds(&self.config().genesis.kinds)
    }

    /// The worker's side of the proof gate: proves `witness` for `task` as `worker` (the
    /// awarded worker) and signs the `SubmitCompletion` with the worker's next nonce. Checks
    /// first that the witness matches what the employer published (kind, input commitment,
    /// parameters), so a mismatch is a clear error here rather than a rejected transaction.
    pub fn prove_completion(
        &self,
        keys: &ProofKeys,
        worker: &AgentKey,
        task: TaskId,
        witness: &Witness,
        nonce: Option<u64>,
    ) -> Result<(SignedTx, Completion), Error> {
        let record = self.task(task)?.ok_or_else(|| Error::Proof(format!("no task {task}")))?;
        if let Some(spec) = self.task_kind_spec(&record)? {
            let entry = keys.entry(record.offer.kind)?;
            if entry.spec.key_id != spec.key_id {
                return Err(Error::Proof(format!(
                    "task {task} was posted under version {} of kind {} (key {}); the key directory holds key {}",
                    record.kind_version,
                    spec.name,
                    hex::encode(spec.key_id.0),
                    hex::encode(entry.spec.key_id.0)
                )));
            }
        }
        let employer_key = self.sealed_task(task)?.map(|sealed| sealed.employer_key);
        let completion =
            prove_offer(keys, &self.genesis_hash(), task, &record.offer, &worker.id(), witness, employer_key.as_ref())?;
        let action = Action::SubmitCompletion {
            task,
            output_commitment: completion.output_commitment,
            proof: completion.proof.clone(),
            sealed: completion.sealed.clone(),
        };
        let nonce = match nonce {
            Some(n) => n,
            None => self.account(&worker.id())?.nonce,
        };
        Ok((self.sign_with_nonce(worker, nonce, action), completion))
    }

    /// An agent's reputation at the tip, explained: score with decay applied, the epoch, its own
    /// standing, and the employers whose verified completions it came from.
    pub fn reputation(&self, id: &AgentId) -> Result<ReputationReport, Error> {
        use crate::reputation::*;
        let snapshot = self.snapshot()?;
        let account = self.account(id)?;
        let params = &self.config().genesis.reputation;
        let now = self.tip().time;
        let score = account.reputation_at(now, params.half_life_secs);
        let trusted = agora_core::reputation::is_trusted(&snapshot, id)?;
        let mut sources = Vec::new();
        for (key, value) in snapshot.scan_prefix(Table::TrustEdges, id.as_bytes(), usize::MAX)? {
            if let Some((employer, edge)) = decode_edge(&key, &value) {
                let employer_standing = agora_core::reputation::standing_of(&snapshot, &employer)?;
                sources.push(ReputationSource {
                    employer,
                    completions: edge.count,
                    gained: edge.gained,
                    evidence: edge.evidence,
                    employer_standing,
                });
            }
        }
        sources.sort_by(|a, b| b.gained.cmp(&a.gained).then(a.employer.cmp(&b.employer)));
        sources.truncate(TOP_SOURCES);
        Ok(ReputationReport {
            did: *id,
            score,
            stored: account.reputation_stored(),
            updated_at: account.reputation_updated_at,
            decay_applied: account.reputation_stored().saturating_sub(score),
            epoch: epoch_of(snapshot.get(Table::Counters, EPOCH_KEY.as_bytes())?),
            standing: agora_core::reputation::standing_of(&snapshot, id)?,
            slashed: agora_core::reputation::slashed_points(&snapshot, id)?,
            trusted,
            proven_completions: account.proven_completions,
            locked: self.reputation_lock(id)?.locked,
            received: account.received,
            conferred: account.conferred,
            conferral_budget: if trusted {
                None
            } else {
                Some(agora_core::reputation::conferral_budget(account.received, params.conferral_share_ppm))
            },
            sources,
        })
    }

    /// The trusted set at the tip (genesis list plus operator changes), in key order.
    pub fn trusted(&self) -> Result<Vec<AgentId>, Error> {
        Ok(agora_core::reputation::trusted_set(&self.snapshot()?)?.into_iter().collect())
    }

    /// A task's job offer as JSON-LD.
    pub fn job_offer(&self, id: TaskId) -> Result<Option<serde_json::Value>, Error> {
        Ok(self.task(id)?.map(|task| agora_core::job_offer_jsonld(&task)))
    }
}

/// The verifier a marketplace starts with: Groth16 with no key directory. It verifies every
/// kind whose key the registry holds in state (registered or rotated by transaction); genesis
/// kinds need their key directory (`with_verifier`, `open_with_keys`).
fn default_verifier() -> Arc<dyn ProofVerifier> {
    Arc::new(agora_zk::Groth16Verifier::new())
}
