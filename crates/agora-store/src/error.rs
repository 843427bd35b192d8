//! Errors of the store. Each says what went wrong in words a user can act on.

use std::path::PathBuf;

/// Why a store operation failed. A failed operation leaves the database as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process (or another handle in this one) has the database open.
    #[error("database {0} is already open in another process; close it first")]
    AlreadyOpen(PathBuf),
    /// No database file at this path.
    #[error("no database at {0} (run `agora init` first)")]
    NotFound(PathBuf),
    /// `create` on a database that already has a genesis.
    #[error("database {0} is already initialised")]
    AlreadyInitialised(PathBuf),
    /// The file is a redb database but holds no Agora genesis.
    #[error("database {0} holds no Agora genesis")]
    NotInitialised(PathBuf),
    /// Written by a different schema version.
    #[error("database schema version {found} is not supported (expected {expected})")]
    SchemaMismatch {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is damaged or is not a database.
    #[error("database is corrupted or not an Agora database: {0}")]
    Corrupt(String),
    /// An IO failure of the underlying file.
    #[error("database IO error: {0}")]
    Io(String),
    /// Another storage failure.
    #[error("storage error: {0}")]
    Storage(String),
    /// The block was refused by the state machine; nothing was written.
    #[error("block refused (block error {code}): {0}", code = .0.code())]
    Block(#[from] agora_core::BlockError),
    /// The genesis is invalid.
    #[error("invalid genesis: {0}")]
    Genesis(#[from] agora_core::GenesisError),
    /// A stored record failed to decode.
    #[error("corrupt record: {0}")]
    Record(#[from] agora_core::DecodeError),
    /// A state export of another chain was offered for installation.
    #[error("the state export is of chain {theirs} and this database of chain {ours}", theirs = hex32(.theirs), ours = hex32(.ours))]
    OtherChain {
        /// This database's genesis hash.
        ours: [u8; 32],
        /// The export's genesis hash.
        theirs: [u8; 32],
    },
    /// `commit_block` on a read-only handle (see `Store::reader`).
    #[error("database {0} was opened through a read-only handle; it cannot commit blocks")]
    ReadOnly(PathBuf),
}

fn hex32(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl StoreError {
    /// Converts any redb error, naming the database path where it helps.
    pub(crate) fn from_redb(path: &std::path::Path, error: impl Into<redb::Error>) -> Self {
        match error.into() {
            redb::Error::DatabaseAlreadyOpen => StoreError::AlreadyOpen(path.to_path_buf()),
            redb::Error::Corrupted(message) => StoreError::Corrupt(message),
            redb::Error::Io(io) => {
                // redb reports a file that is not a database as an IO error on its header.
                if io.kind() == std::io::ErrorKind::InvalidData || io.kind() == std::io::ErrorKind::UnexpectedEof {
                    StoreError::Corrupt(io.to_string())
                } else {
                    StoreError::Io(io.to_string())
                }
            }
            redb::Error::UpgradeRequired(version) => {
                StoreError::Corrupt(format!("unsupported redb file format {version}"))
            }
            other => StoreError::Storage(other.to_string()),
        }
    }
}

impl From<StoreError> for agora_core::StateError {
    fn from(error: StoreError) -> Self {
        agora_core::StateError::Storage(error.to_string())
    }
}
