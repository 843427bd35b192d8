//! Agora: an open, verifiable backend for marketplaces where autonomous agents hire, pay and
//! manage each other.
//!
//! [`Marketplace`] is the one type most integrators need: open a database, submit signed
//! transactions as blocks, query agents, balances, tasks, bids and receipts, and replay the
//! history to prove the state is what the blocks say.
//!
//! ```no_run
//! use agora::{Marketplace, Genesis, AgentKey, Action};
//! # fn main() -> Result<(), agora::Error> {
//! let operator = AgentKey::generate()?;
//! let mut market = Marketplace::create("market.redb", Genesis::development(operator.id(), 0))?;
//! let deposit = market.sign(&operator, Action::Deposit {
//!     to: operator.id(), asset: agora::AssetId(1), amount: 1_000,
//! })?;
//! let outcome = market.submit(vec![deposit], 1)?;
//! assert!(outcome.receipts[0].status.code() == 0);
//! # Ok(()) }
//! ```

mod completions;
mod disputes;
mod error;
mod kinds;
mod lending;
mod marketplace;
pub mod proofs;
mod reader;
pub(crate) mod replication;
pub mod reputation;
pub mod sealing;

/// The task-completion circuits.
pub use agora_circuits as circuits;
pub use agora_core::loans::{LoanId, LoanRecord, LoanStatus, ReputationLock};
pub use agora_core::{
    AccountRecord, Action, AdmittedTx, AgentId, AgentKey, Amount, AssetId, AssetRecord, AssetTotals, BidRecord,
    BidStatus, Block, BlockHeader, BlockOutcome, ChainTip, Created, FieldBytes, Genesis, KeyId, KindRecord,
    KindRegistration, KindSpec, KindVersion, NoProofKeys, PostTask, ProofVerifier, Receipt, SignedTx, Split, Status,
    TaskId, TaskRecord, TaskStatus, TxBody,
};
pub use agora_core::{
    ArbitrationParams, ArbitratorRecord, AuditEntry, AuditKind, AuditVerification, CaseId, CasePhase, CaseRecord,
    CaseSubject, FreezeRecord,
};
pub use agora_store::{ReplayReport, StoreOptions};
/// Groth16 keys, proving and batch verification.
pub use agora_zk as zk;
pub use agora_zk::{CircuitShape, Completion, Witness};
pub use agora_zk::{OpenError, Opened};
pub use completions::VerifiedCompletion;
pub use error::Error;
pub use lending::TaskView;
pub use marketplace::Marketplace;
pub use proofs::{ProofKeys, default_shapes, fair_exchange_kind, prove_offer, task_terms};
pub use reader::MarketReader;
pub use replication::bounded_block_time;
pub use reputation::{ReputationReport, ReputationSource};
pub use sealing::{EncryptionKey, EncryptionKeyFile};

/// The state machine, for integrators who drive it directly.
pub use agora_core as core;
/// Identities (`did:key`).
pub use agora_identity as identity;
/// The redb storage layer.
pub use agora_store as store;
