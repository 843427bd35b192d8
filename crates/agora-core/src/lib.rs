//! The Agora marketplace state machine.
//!
//! `agora-core` turns blocks of signed transactions into receipts and state changes. It is pure:
//! no IO, no clock (time comes in the block header), no randomness, no floats, and no knowledge
//! of where state is stored ([`StateView`]) or how proofs are checked ([`ProofVerifier`]).
//! The same blocks applied to the same state give the same receipts and the same digest on any
//! machine.
//!
//! Entry point: [`apply_block`].

mod apply;
mod block;
mod completion;
mod config;
mod encoding;
mod exec;
mod field;
mod genesis;
mod hexbytes;
mod ids;
mod invariants;
mod jsonld;
pub mod limits;
mod proof;
mod records;
mod state;
mod status;
mod tx;

pub use agora_identity::{AgentId, AgentKey, Signature};
pub use apply::{apply_block, BlockError, BlockOutcome};
pub use block::{chain_digest, Block, BlockHeader, ChainTip, Created, Receipt};
pub use completion::{completion_nullifier, completion_public_inputs, task_field, worker_field, COMPLETION_REPUTATION};
pub use config::{bps_of, ChainConfig, ASSET_COUNTER, TASK_COUNTER};
pub use encoding::{decode_seq, encode_seq, Canonical, DecodeError, Reader, Writer};
pub use field::{is_canonical, FieldBytes, NonCanonicalField, BN254_FR_MODULUS_LE};
pub use genesis::{AssetDecl, BondConfig, Genesis, GenesisError, InitialBalance, KindSpec};
pub use ids::{Amount, AssetId, Digest, TaskId, TaskKind, MANUAL_KIND};
pub use invariants::{asset_totals, AssetTotals};
pub use hexbytes::decode_fixed as hexbytes_decode_fixed;
pub use jsonld::job_offer_jsonld;

/// Decodes 32 bytes of hex (optional `0x`).
pub fn hexbytes_decode32(text: &str) -> Result<[u8; 32], String> {
    hexbytes::decode_fixed::<32>(text)
}
pub use proof::{KeyId, NoProofKeys, ProofClaim, ProofVerdict, ProofVerifier, MAX_PROOF_BYTES};
pub use records::{keys, AccountRecord, AssetRecord, BidRecord, BidStatus, Registration, TaskRecord, TaskStatus};
pub use state::{Diff, Layer, MemoryState, StateError, StateView, Table};
pub use status::Status;
pub use tx::{Action, PostTask, SignedTx, Split, TxBody, TX_SIGNING_DOMAIN};
