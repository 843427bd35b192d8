//! The database handle: create, open, commit blocks, read history.

use crate::error::StoreError;
use crate::schema::*;
use crate::snapshot::Snapshot;
use crate::state_export;
use agora_core::{
    Admissions, Block, BlockHeader, BlockOutcome, Canonical, ChainConfig, ChainTip, Genesis, ProofVerifier, Reader,
    Receipt, SignedTx, Table, Writer, apply_block_admitted, decode_seq, encode_seq,
};
use redb::{Database, Durability, ReadableDatabase, ReadableTable, WriteTransaction};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

/// How a store commits.
#[derive(Clone, Copy, Debug)]
pub struct StoreOptions {
    /// `true` (the default): every block is fsynced before `commit_block` returns. `false` is
    /// for benchmarks and simulations that accept losing recent blocks on power loss.
    pub durable: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { durable: true }
    }
}

/// An open Agora database. Holds the file lock: a second `open` of the same file, in this
/// process or another, fails with [`StoreError::AlreadyOpen`] until this one and every
/// [`Store::reader`] made from it are dropped.
pub struct Store {
    db: Arc<Database>,
    path: PathBuf,
    config: ChainConfig,
    /// Shared with the read-only handles, so they see the writer's tip after each commit.
    tip: Arc<RwLock<ChainTip>>,
    options: StoreOptions,
    /// False for handles made by [`Store::reader`]: they cannot commit.
    writable: bool,
}

impl Store {
    /// Creates a new database at `path` with this genesis. Fails if the file already holds a
    /// genesis.
    pub fn create(path: impl AsRef<Path>, genesis: Genesis, options: StoreOptions) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let config = ChainConfig::new(genesis)?;
        let db = Database::create(&path).map_err(|e| StoreError::from_redb(&path, e))?;
        Self::create_in(db, path, config, options)
    }

    /// [`Store::create`] on a caller-supplied redb storage backend (for example one that
    /// injects faults, see [`crate::fault`]). `label` names the database in errors.
    pub fn create_with_backend(
        label: impl AsRef<Path>,
        backend: impl redb::StorageBackend,
        genesis: Genesis,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let path = label.as_ref().to_path_buf();
        let config = ChainConfig::new(genesis)?;
        let db = Database::builder().create_with_backend(backend).map_err(|e| StoreError::from_redb(&path, e))?;
        Self::create_in(db, path, config, options)
    }

    fn create_in(db: Database, path: PathBuf, config: ChainConfig, options: StoreOptions) -> Result<Store, StoreError> {
        let txn = db.begin_write().map_err(|e| StoreError::from_redb(&path, e))?;
        {
            let meta = txn.open_table(META).map_err(|e| StoreError::from_redb(&path, e))?;
            if meta.get(META_GENESIS).map_err(|e| StoreError::from_redb(&path, e))?.is_some() {
                return Err(StoreError::AlreadyInitialised(path));
            }
        }
        let tip = ChainTip { height: 0, time: config.genesis.genesis_time, digest: config.genesis_hash };
        let genesis_diff = config.genesis_diff();
        // Every state table exists from genesis on, so readers can open them all and a block
        // need only open the tables it writes.
        for table in Table::ALL {
            txn.open_table(state_table(table)).map_err(|e| StoreError::from_redb(&path, e))?;
        }
        write_diff(&path, &txn, &genesis_diff)?;
        {
            let mut meta = txn.open_table(META).map_err(|e| StoreError::from_redb(&path, e))?;
            let schema = SCHEMA_VERSION.to_le_bytes();
            let genesis_bytes = config.genesis.to_canonical_bytes();
            let tip_bytes = tip.to_canonical_bytes();
            for (key, value) in [(META_SCHEMA, &schema[..]), (META_GENESIS, &genesis_bytes), (META_TIP, &tip_bytes)] {
                meta.insert(key, value).map_err(|e| StoreError::from_redb(&path, e))?;
            }
            let mut digests = txn.open_table(DIGESTS).map_err(|e| StoreError::from_redb(&path, e))?;
            digests.insert(0, &tip.digest[..]).map_err(|e| StoreError::from_redb(&path, e))?;
            txn.open_table(BLOCKS).map_err(|e| StoreError::from_redb(&path, e))?;
            txn.open_table(RECEIPTS).map_err(|e| StoreError::from_redb(&path, e))?;
        }
        txn.commit().map_err(|e| StoreError::from_redb(&path, e))?;
        Ok(Store::assemble(db, path, config, tip, options))
    }

    /// Opens an existing database, checking its schema version. An unclean shutdown is repaired
    /// by redb on open; committed blocks are never lost.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        if !path.exists() {
            return Err(StoreError::NotFound(path));
        }
        let db = Database::open(&path).map_err(|e| StoreError::from_redb(&path, e))?;
        Self::open_in(db, path, options)
    }

    /// [`Store::open`] on a caller-supplied redb storage backend holding an existing database
    /// (for example one that injects faults, see [`crate::fault`]). `label` names the database
    /// in errors.
    pub fn open_with_backend(
        label: impl AsRef<Path>,
        backend: impl redb::StorageBackend,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let path = label.as_ref().to_path_buf();
        let db = Database::builder().create_with_backend(backend).map_err(|e| StoreError::from_redb(&path, e))?;
        Self::open_in(db, path, options)
    }

    fn open_in(db: Database, path: PathBuf, options: StoreOptions) -> Result<Store, StoreError> {
        let read = db.begin_read().map_err(|e| StoreError::from_redb(&path, e))?;
        let meta = match read.open_table(META) {
            Ok(meta) => meta,
            Err(redb::TableError::TableDoesNotExist(_)) => return Err(StoreError::NotInitialised(path)),
            Err(e) => return Err(StoreError::from_redb(&path, e)),
        };
        let get = |key: &str| -> Result<Option<Vec<u8>>, StoreError> {
            Ok(meta.get(key).map_err(|e| StoreError::from_redb(&path, e))?.map(|g| g.value().to_vec()))
        };
        let schema = get(META_SCHEMA)?.ok_or_else(|| StoreError::NotInitialised(path.clone()))?;
        let found =
            u32::from_le_bytes(schema.as_slice().try_into().map_err(|_| StoreError::Corrupt("schema version".into()))?);
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaMismatch { found, expected: SCHEMA_VERSION });
        }
        let genesis = Genesis::from_canonical_bytes(
            &get(META_GENESIS)?.ok_or_else(|| StoreError::NotInitialised(path.clone()))?,
        )?;
        let tip =
            ChainTip::from_canonical_bytes(&get(META_TIP)?.ok_or_else(|| StoreError::Corrupt("missing tip".into()))?)?;
        let config = ChainConfig::new(genesis)?;
        drop(meta);
        drop(read);
        Ok(Store::assemble(db, path, config, tip, options))
    }

    fn assemble(db: Database, path: PathBuf, config: ChainConfig, tip: ChainTip, options: StoreOptions) -> Store {
        Store { db: Arc::new(db), path, config, tip: Arc::new(RwLock::new(tip)), options, writable: true }
    }

    /// A read-only handle on the same open database: it reads committed state while this
    /// handle commits (redb readers run beside its one writer), follows this handle's tip, and
    /// refuses [`Store::commit_block`] with [`StoreError::ReadOnly`]. Its tip is updated just
    /// after each commit, so a read right at a commit may see the new state under the old tip.
    pub fn reader(&self) -> Store {
        Store {
            db: Arc::clone(&self.db),
            path: self.path.clone(),
            config: self.config.clone(),
            tip: Arc::clone(&self.tip),
            options: self.options,
            writable: false,
        }
    }

    /// True unless this handle was made by [`Store::reader`].
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The chain configuration (genesis and what is derived from it).
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The last committed block's height, time and digest.
    pub fn tip(&self) -> ChainTip {
        *self.tip.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A read-only view of the committed state.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        Snapshot::new(&self.path, &read)
    }

    /// The block of `txs` at block time `time` that follows the tip.
    pub fn next_block(&self, txs: Vec<SignedTx>, time: u64) -> Block {
        let tip = self.tip();
        Block { header: BlockHeader { height: tip.height + 1, time, prev_digest: tip.digest }, txs }
    }

    /// Applies `block` through the state machine and commits the block, its receipts, its state
    /// changes and the new digest in one write transaction. If the block is refused or the
    /// commit fails, nothing is written and the tip is unchanged.
    pub fn commit_block(&mut self, block: &Block, verifier: &dyn ProofVerifier) -> Result<BlockOutcome, StoreError> {
        self.commit_block_admitted(block, verifier, &Admissions::none())
    }

    /// [`Store::commit_block`] for a block whose transactions `admissions` vouches for were
    /// already admitted by their stateless checks (not checked again; same outcome).
    pub fn commit_block_admitted(
        &mut self,
        block: &Block,
        verifier: &dyn ProofVerifier,
        admissions: &Admissions,
    ) -> Result<BlockOutcome, StoreError> {
        self.commit(block, verifier, admissions, None)
    }

    /// [`Store::commit_block_admitted`] that also records `mark` as the replication mark in the
    /// same write transaction, so the block and the replication layer's position (its last
    /// applied log entry) are durable together or not at all.
    pub fn commit_block_marked(
        &mut self,
        block: &Block,
        verifier: &dyn ProofVerifier,
        admissions: &Admissions,
        mark: &[u8],
    ) -> Result<BlockOutcome, StoreError> {
        self.commit(block, verifier, admissions, Some(mark))
    }

    /// The replication mark recorded by the last [`Store::commit_block_marked`] or
    /// [`Store::set_replication_mark`] (opaque to the store), if any.
    pub fn replication_mark(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        let meta = read.open_table(META).map_err(|e| StoreError::from_redb(&self.path, e))?;
        Ok(meta.get(META_REPLICATION).map_err(|e| StoreError::from_redb(&self.path, e))?.map(|v| v.value().to_vec()))
    }

    /// Records `mark` as the replication mark without a block (a replicated entry that carries
    /// no transactions), durably.
    pub fn set_replication_mark(&mut self, mark: &[u8]) -> Result<(), StoreError> {
        if !self.writable {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let path = self.path.clone();
        let mut txn = self.db.begin_write().map_err(|e| StoreError::from_redb(&path, e))?;
        txn.set_durability(self.durability()).map_err(|e| StoreError::Storage(e.to_string()))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| StoreError::from_redb(&path, e))?;
            meta.insert(META_REPLICATION, mark).map_err(|e| StoreError::from_redb(&path, e))?;
        }
        txn.commit().map_err(|e| StoreError::from_redb(&path, e))
    }

    /// The whole database (state, blocks, receipts, digests, metadata with the replication
    /// mark) as one self-checking byte string, read from one consistent read transaction.
    pub fn export_state(&self) -> Result<Vec<u8>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        state_export::export(&self.path, &read)
    }

    /// Replaces this database's whole contents with `export` (made by [`Store::export_state`]
    /// of a database of the same chain) in one durable write transaction, and returns the new
    /// tip. The export's size, hash, layout, schema, genesis and tip digest are checked first;
    /// if any check fails nothing changes. Read handles see the new contents at once.
    pub fn install_state(&mut self, export: &[u8]) -> Result<ChainTip, StoreError> {
        if !self.writable {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let parsed = state_export::parse(export)?;
        let ours = self.config.genesis_hash;
        let theirs = ChainConfig::new(parsed.genesis.clone())?.genesis_hash;
        if theirs != ours {
            return Err(StoreError::OtherChain { ours, theirs });
        }
        let path = self.path.clone();
        let mut txn = self.db.begin_write().map_err(|e| StoreError::from_redb(&path, e))?;
        txn.set_durability(self.durability()).map_err(|e| StoreError::Storage(e.to_string()))?;
        state_export::install(&path, &txn, &parsed)?;
        txn.commit().map_err(|e| StoreError::from_redb(&path, e))?;
        *self.tip.write().unwrap_or_else(PoisonError::into_inner) = parsed.tip;
        Ok(parsed.tip)
    }

    fn durability(&self) -> Durability {
        if self.options.durable { Durability::Immediate } else { Durability::None }
    }

    fn commit(
        &mut self,
        block: &Block,
        verifier: &dyn ProofVerifier,
        admissions: &Admissions,
        mark: Option<&[u8]>,
    ) -> Result<BlockOutcome, StoreError> {
        if !self.writable {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let snapshot = self.snapshot()?;
        let outcome = apply_block_admitted(&self.config, &snapshot, &self.tip(), block, verifier, admissions)?;
        drop(snapshot);
        let path = self.path.clone();
        let mut txn = self.db.begin_write().map_err(|e| StoreError::from_redb(&path, e))?;
        txn.set_durability(self.durability()).map_err(|e| StoreError::Storage(e.to_string()))?;
        write_diff(&path, &txn, &outcome.diff)?;
        {
            let height = block.header.height;
            let mut blocks = txn.open_table(BLOCKS).map_err(|e| StoreError::from_redb(&path, e))?;
            blocks
                .insert(height, block.to_canonical_bytes().as_slice())
                .map_err(|e| StoreError::from_redb(&path, e))?;
            let mut receipts = txn.open_table(RECEIPTS).map_err(|e| StoreError::from_redb(&path, e))?;
            let mut w = Writer::new();
            encode_seq(&mut w, &outcome.receipts);
            receipts.insert(height, w.into_bytes().as_slice()).map_err(|e| StoreError::from_redb(&path, e))?;
            let mut digests = txn.open_table(DIGESTS).map_err(|e| StoreError::from_redb(&path, e))?;
            digests.insert(height, &outcome.digest[..]).map_err(|e| StoreError::from_redb(&path, e))?;
            let mut meta = txn.open_table(META).map_err(|e| StoreError::from_redb(&path, e))?;
            meta.insert(META_TIP, outcome.tip.to_canonical_bytes().as_slice())
                .map_err(|e| StoreError::from_redb(&path, e))?;
            if let Some(mark) = mark {
                meta.insert(META_REPLICATION, mark).map_err(|e| StoreError::from_redb(&path, e))?;
            }
        }
        txn.commit().map_err(|e| StoreError::from_redb(&path, e))?;
        *self.tip.write().unwrap_or_else(PoisonError::into_inner) = outcome.tip;
        Ok(outcome)
    }

    /// The stored block at `height` (1-based), if any.
    pub fn block(&self, height: u64) -> Result<Option<Block>, StoreError> {
        self.read_at(BLOCKS, height)?
            .map(|bytes| Block::from_canonical_bytes(&bytes).map_err(StoreError::from))
            .transpose()
    }

    /// The receipts of the block at `height`, if any.
    pub fn receipts(&self, height: u64) -> Result<Option<Vec<Receipt>>, StoreError> {
        match self.read_at(RECEIPTS, height)? {
            None => Ok(None),
            Some(bytes) => {
                let mut r = Reader::new(&bytes);
                let receipts = decode_seq(&mut r, agora_core::limits::MAX_TXS_PER_BLOCK)?;
                r.finish()?;
                Ok(Some(receipts))
            }
        }
    }

    /// The digest recorded after the block at `height` (height 0: the genesis hash).
    pub fn digest_at(&self, height: u64) -> Result<Option<[u8; 32]>, StoreError> {
        match self.read_at(DIGESTS, height)? {
            None => Ok(None),
            Some(bytes) => {
                Ok(Some(bytes.as_slice().try_into().map_err(|_| StoreError::Corrupt(format!("digest at {height}")))?))
            }
        }
    }

    fn read_at(
        &self,
        table: redb::TableDefinition<'static, u64, &'static [u8]>,
        height: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let read = self.db.begin_read().map_err(|e| StoreError::from_redb(&self.path, e))?;
        let handle = read.open_table(table).map_err(|e| StoreError::from_redb(&self.path, e))?;
        Ok(handle.get(height).map_err(|e| StoreError::from_redb(&self.path, e))?.map(|g| g.value().to_vec()))
    }
}

fn write_diff(path: &Path, txn: &WriteTransaction, diff: &agora_core::Diff) -> Result<(), StoreError> {
    // The writes are ordered by table, so each table with writes is opened once, and a table
    // without any is not opened at all.
    let mut writes = diff.writes.iter().peekable();
    while let Some(((table, _), _)) = writes.peek() {
        let table = *table;
        let mut handle = txn.open_table(state_table(table)).map_err(|e| StoreError::from_redb(path, e))?;
        while let Some(((_, key), value)) = writes.next_if(|((t, _), _)| *t == table) {
            match value {
                Some(v) => handle.insert(key.as_slice(), v.as_slice()).map(|_| ()),
                None => handle.remove(key.as_slice()).map(|_| ()),
            }
            .map_err(|e| StoreError::from_redb(path, e))?;
        }
    }
    Ok(())
}
