//! The Agora marketplace state machine.
//!
//! `agora-core` turns blocks of signed transactions into receipts and state changes. It is pure:
//! no IO, no clock (time comes in the block header), no randomness, no floats, and no knowledge
//! of where state is stored ([`StateView`]) or how proofs are checked ([`ProofVerifier`]).
//! The same blocks applied to the same state give the same receipts and the same digest on any
//! machine.
//!
//! Entry point: [`apply_block`].

mod admission;
mod apply;
mod arbitration_params;
mod audit;
mod block;
mod cases;
mod completion;
mod config;
mod encoding;
mod exec;
mod field;
mod genesis;
mod hexbytes;
mod ids;
mod invariants;
pub mod json;
mod jsonld;
mod kinds;
pub mod limits;
pub mod loans;
mod proof;
mod records;
pub mod reputation;
mod sealing;
mod signatures;
mod state;
mod status;
pub mod subtasks;
mod tx;

pub use admission::{Admissions, AdmittedTx};
pub use agora_identity::{AgentId, AgentKey, Signature};
pub use apply::{BlockError, BlockOutcome, apply_block, apply_block_admitted};
pub use arbitration_params::ArbitrationParams;
pub use audit::{
    AUDIT_COUNTER, AUDIT_DOMAIN, AuditBreak, AuditEntry, AuditKind, AuditVerification, audit_entries, audit_key,
    verify_audit_chain,
};
pub use block::{Block, BlockHeader, ChainTip, Created, Receipt, chain_digest};
pub use cases::{
    ArbitratorRecord, CASE_COUNTER, CaseId, CasePhase, CaseRecord, CaseSubject, FreezeProposal, FreezeRecord, Round,
    Vote, case_keys,
};
pub use completion::{
    BINDING_PUBLIC_INPUTS, chain_field, completion_nullifier, completion_public_inputs, offer_public_inputs,
    task_field, worker_field,
};
pub use config::{ASSET_COUNTER, ChainConfig, TASK_COUNTER, bps_of};
pub use encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
pub use field::{BN254_FR_MODULUS_LE, FieldBytes, NonCanonicalField, is_canonical};
pub use genesis::{AssetDecl, BondConfig, Genesis, GenesisError, InitialBalance, KindSpec};
pub use hexbytes::decode_fixed as hexbytes_decode_fixed;
pub use ids::{Amount, AssetId, Digest, MANUAL_KIND, TaskId, TaskKind};
pub use invariants::{AssetTotals, asset_totals};
pub use jsonld::job_offer_jsonld;
pub use kinds::{
    FULL_KIND_WEIGHT_BPS, KIND_COUNTER, KIND_PROPOSAL_DOMAIN, KindProposal, KindRecord, KindRegistration, KindVersion,
    kind_keys,
};

/// Decodes 32 bytes of hex (optional `0x`).
pub fn hexbytes_decode32(text: &str) -> Result<[u8; 32], String> {
    hexbytes::decode_fixed::<32>(text)
}
pub use proof::{
    KeyFacts, KeyId, KeyRejection, MAX_PROOF_BYTES, NoProofKeys, ProofClaim, ProofVerdict, ProofVerifier, key_id_of,
};
pub use records::{AccountRecord, AssetRecord, BidRecord, BidStatus, Registration, TaskRecord, TaskStatus, keys};
pub use sealing::{
    CurvePoint, ENVELOPE_PUBLIC_INPUTS, EncryptionKeyRecord, KeyPossession, MAX_CIPHERTEXT_FIELDS, POSSESSION_DOMAIN,
    SealedOutput, SealedTaskRecord, SealingRejection, possession_message, sealing_keys,
};
pub use signatures::{MIN_SIGNATURE_SHARE, verify_signatures};
pub use state::{Diff, Entries, Layer, MemoryState, StateError, StateView, Table};
pub use status::Status;
pub use tx::{Action, PostTask, SignedTx, Split, TX_SIGNING_DOMAIN, TxBody};
