//! Fault injection for tests: a redb storage backend over a real file that fails chosen writes
//! or fsyncs, so a suite can check that a failed commit leaves nothing partial behind and that
//! the next open is consistent.
//!
//! Writes and syncs are numbered from 1 over the life of a [`Faults`] handle (shared by every
//! backend made with it). Arm a fault with [`Faults::fail_write`] or [`Faults::fail_sync`]; it
//! fires on the chosen operation and, in [`FaultMode::Persistent`] mode, on every later one of
//! the same kind (a dead disk), or only once in [`FaultMode::Once`] mode (a transient error).
//! A write can also be torn: the first half of its bytes reach the file before the error.

use crate::error::StoreError;
use crate::store::{Store, StoreOptions};
use agora_core::Genesis;
use redb::StorageBackend;
use redb::backends::FileBackend;
use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Whether an armed fault fires once or keeps firing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultMode {
    /// Only the chosen operation fails.
    Once,
    /// The chosen operation and every later one of the same kind fail.
    Persistent,
}

const NEVER: u64 = u64::MAX;

#[derive(Debug)]
struct State {
    writes: AtomicU64,
    syncs: AtomicU64,
    fail_write_at: AtomicU64,
    fail_sync_at: AtomicU64,
    write_persistent: AtomicBool,
    sync_persistent: AtomicBool,
    tear: AtomicBool,
    injected: AtomicU64,
}

/// The control handle of fault-injecting backends: counts operations and arms faults.
#[derive(Clone, Debug)]
pub struct Faults {
    state: Arc<State>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::new()
    }
}

impl Faults {
    /// A handle with nothing armed.
    pub fn new() -> Self {
        Faults {
            state: Arc::new(State {
                writes: AtomicU64::new(0),
                syncs: AtomicU64::new(0),
                fail_write_at: AtomicU64::new(NEVER),
                fail_sync_at: AtomicU64::new(NEVER),
                write_persistent: AtomicBool::new(false),
                sync_persistent: AtomicBool::new(false),
                tear: AtomicBool::new(false),
                injected: AtomicU64::new(0),
            }),
        }
    }

    /// Writes seen so far (including failed ones).
    pub fn writes(&self) -> u64 {
        self.state.writes.load(Ordering::SeqCst)
    }

    /// Syncs seen so far (including failed ones).
    pub fn syncs(&self) -> u64 {
        self.state.syncs.load(Ordering::SeqCst)
    }

    /// Faults injected so far.
    pub fn injected(&self) -> u64 {
        self.state.injected.load(Ordering::SeqCst)
    }

    /// Fails write number `n` (counted from 1 over this handle's life; `writes() + 1` is the
    /// next one). With `torn`, half of that write's bytes reach the file first.
    pub fn fail_write(&self, n: u64, mode: FaultMode, torn: bool) {
        self.state.write_persistent.store(mode == FaultMode::Persistent, Ordering::SeqCst);
        self.state.tear.store(torn, Ordering::SeqCst);
        self.state.fail_write_at.store(n, Ordering::SeqCst);
    }

    /// Fails sync number `n` (counted from 1; `syncs() + 1` is the next one).
    pub fn fail_sync(&self, n: u64, mode: FaultMode) {
        self.state.sync_persistent.store(mode == FaultMode::Persistent, Ordering::SeqCst);
        self.state.fail_sync_at.store(n, Ordering::SeqCst);
    }

    /// Disarms every fault; counting goes on.
    pub fn disarm(&self) {
        self.state.fail_write_at.store(NEVER, Ordering::SeqCst);
        self.state.fail_sync_at.store(NEVER, Ordering::SeqCst);
    }

    fn fires(&self, number: u64, at: &AtomicU64, persistent: &AtomicBool) -> bool {
        let at = at.load(Ordering::SeqCst);
        let fire = number == at || (number > at && persistent.load(Ordering::SeqCst));
        if fire {
            self.state.injected.fetch_add(1, Ordering::SeqCst);
        }
        fire
    }

    /// Opens (creating it if needed) `path` as a fault-injecting backend.
    pub fn backend(&self, path: &Path) -> Result<FaultyBackend, StoreError> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
        let inner = FileBackend::new(file).map_err(|e| StoreError::from_redb(path, e))?;
        Ok(FaultyBackend { inner, faults: self.clone() })
    }
}

fn injected(what: &str) -> io::Error {
    io::Error::other(format!("injected {what} fault"))
}

/// A redb [`FileBackend`] whose writes and syncs fail when its [`Faults`] say so. Everything
/// else (reads, length, locks) goes straight to the file.
#[derive(Debug)]
pub struct FaultyBackend {
    inner: FileBackend,
    faults: Faults,
}

impl StorageBackend for FaultyBackend {
    fn len(&self) -> Result<u64, io::Error> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        let state = &self.faults.state;
        let number = state.syncs.fetch_add(1, Ordering::SeqCst) + 1;
        if self.faults.fires(number, &state.fail_sync_at, &state.sync_persistent) {
            return Err(injected("sync"));
        }
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        let state = &self.faults.state;
        let number = state.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if self.faults.fires(number, &state.fail_write_at, &state.write_persistent) {
            if state.tear.load(Ordering::SeqCst) {
                let half = data.get(..data.len() / 2).unwrap_or(&[]);
                self.inner.write(offset, half)?;
            }
            return Err(injected("write"));
        }
        self.inner.write(offset, data)
    }

    fn close(&self) -> Result<(), io::Error> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, redb::BackendError> {
        self.inner.query_lock_range(start, end)
    }
}

impl Store {
    /// [`Store::create`] on `path` through a fault-injecting backend controlled by `faults`.
    pub fn create_with_faults(
        path: impl AsRef<Path>,
        genesis: Genesis,
        options: StoreOptions,
        faults: &Faults,
    ) -> Result<Store, StoreError> {
        let path = path.as_ref();
        Store::create_with_backend(path, faults.backend(path)?, genesis, options)
    }

    /// [`Store::open`] on `path` through a fault-injecting backend controlled by `faults`.
    pub fn open_with_faults(
        path: impl AsRef<Path>,
        options: StoreOptions,
        faults: &Faults,
    ) -> Result<Store, StoreError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        Store::open_with_backend(path, faults.backend(path)?, options)
    }
}
