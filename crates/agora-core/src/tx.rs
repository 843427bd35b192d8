//! Transactions: every state change is one, signed by its sender.

use crate::cases::CaseId;
use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::field::FieldBytes;
use crate::ids::{Amount, AssetId, Digest, TaskId, TaskKind};
use crate::kinds::KindRegistration;
use crate::limits::*;
use crate::loans::LoanId;
use crate::proof::{KeyId, MAX_PROOF_BYTES};
use crate::sealing::{CurvePoint, KeyPossession, MAX_CIPHERTEXT_FIELDS, SealedOutput};
use crate::status::Status;
use agora_identity::{AgentId, AgentKey, Signature, SignedDigest};
use serde::{Deserialize, Serialize};

/// Signature domain of transactions.
pub const TX_SIGNING_DOMAIN: &str = "agora tx v1";
/// Domain of transaction ids.
pub const TX_ID_DOMAIN: &str = "agora tx id v1";

/// A share of a task's payout sent to someone other than the worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    /// Recipient.
    pub to: AgentId,
    /// Share of the net payout in basis points.
    pub bps: u16,
}

/// A job offer: the employer's task, with its budget escrowed at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostTask {
    /// Short title.
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_TITLE_BYTES>")]
    pub title: String,
    /// What must be done (free text; the proof statement is `kind` + `params`).
    #[serde(deserialize_with = "crate::json::string_max::<_, MAX_REQUIREMENTS_BYTES>")]
    pub requirements: String,
    /// Task kind; 0 = manual (no proof).
    pub kind: TaskKind,
    /// Kind-specific public parameters of the completion proof.
    #[serde(default, deserialize_with = "crate::json::vec_max::<_, _, MAX_KIND_PARAMS>")]
    pub params: Vec<FieldBytes>,
    /// Commitment to the task's input data, published by the employer.
    pub input_commitment: FieldBytes,
    /// Asset of the budget.
    pub asset: AssetId,
    /// Budget escrowed from the employer's balance.
    #[serde(with = "crate::ids::amount_serde")]
    pub budget: Amount,
    /// Last time (inclusive) a bid may be placed.
    #[serde(with = "crate::json::u64_string")]
    pub bid_deadline: u64,
    /// Last time (inclusive) the work may be delivered; after it anyone may expire the task.
    #[serde(with = "crate::json::u64_string")]
    pub delivery_deadline: u64,
    /// Optional shares of the payout for other recipients; the worker receives the rest.
    #[serde(default, deserialize_with = "crate::json::vec_max::<_, _, MAX_SPLITS>")]
    pub splits: Vec<Split>,
    /// Minimum reputation a bidder needs.
    #[serde(default, with = "crate::json::u64_string")]
    pub min_reputation: u64,
}

/// What a transaction does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Operator: declares a new asset.
    DeclareAsset {
        /// Unique ticker.
        #[serde(deserialize_with = "crate::json::string_max::<_, MAX_SYMBOL_BYTES>")]
        symbol: String,
        /// Display decimals.
        decimals: u8,
    },
    /// Operator: credits funds that arrived from outside.
    Deposit {
        /// Beneficiary.
        to: AgentId,
        /// Asset.
        asset: AssetId,
        /// Amount.
        #[serde(with = "crate::ids::amount_serde")]
        amount: Amount,
    },
    /// Owner: takes funds out of the marketplace.
    Withdraw {
        /// Asset.
        asset: AssetId,
        /// Amount.
        #[serde(with = "crate::ids::amount_serde")]
        amount: Amount,
    },
    /// Moves funds to another account (fee deducted from what arrives).
    Transfer {
        /// Recipient.
        to: AgentId,
        /// Asset.
        asset: AssetId,
        /// Amount debited from the sender.
        #[serde(with = "crate::ids::amount_serde")]
        amount: Amount,
    },
    /// Registers the sender as an agent, locking the genesis bond.
    Register {},
    /// Starts the bond's cool-down; the agent can no longer trade.
    Deregister {},
    /// Returns the bond after the cool-down.
    ReclaimBond {},
    /// Posts a task with its budget in escrow.
    PostTask(PostTask),
    /// Bids on an open task.
    PlaceBid {
        /// Task.
        task: TaskId,
        /// Price asked, at most the budget.
        #[serde(with = "crate::ids::amount_serde")]
        price: Amount,
        /// Promised time to deliver, in seconds.
        #[serde(with = "crate::json::u64_string")]
        eta_secs: u64,
        /// Hash of the bidder's signed execution plan.
        #[serde(with = "crate::hexbytes::serde32")]
        plan_hash: Digest,
    },
    /// Withdraws an open bid (by its owner).
    WithdrawBid {
        /// Task.
        task: TaskId,
        /// The bid's owner (must be the sender).
        bidder: AgentId,
    },
    /// Employer awards the task to a bid; escrow is trimmed to the price.
    AwardBid {
        /// Task.
        task: TaskId,
        /// Winning bidder.
        bidder: AgentId,
    },
    /// Employer cancels an unawarded task; the escrow is refunded.
    CancelTask {
        /// Task.
        task: TaskId,
    },
    /// Anyone, after the delivery deadline: refunds an unsettled task's escrow to its employer.
    ExpireTask {
        /// Task.
        task: TaskId,
    },
    /// Employer accepts the delivery and releases payment (never changes reputation).
    AcceptDelivery {
        /// Task.
        task: TaskId,
    },
    /// Awarded worker proves completion; a valid proof settles the task and earns reputation.
    SubmitCompletion {
        /// Task.
        task: TaskId,
        /// Commitment to the output (and a salt shared with the employer).
        output_commitment: FieldBytes,
        /// Compressed Groth16 proof, hex in JSON.
        #[serde(with = "hex_vec")]
        proof: Vec<u8>,
        /// For a fair-exchange task (and only then): the output encrypted to the employer's key,
        /// which the proof shows to be the encryption of the committed output.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sealed: Option<SealedOutput>,
    },
    /// Lender: offers a loan, escrowing the principal from its balance at once.
    OfferLoan {
        /// Asset of the principal (must have a genesis reference amount).
        asset: AssetId,
        /// Amount lent.
        #[serde(with = "crate::ids::amount_serde")]
        principal: Amount,
        /// Flat interest on the principal for the whole term, in basis points.
        interest_bps: u16,
        /// Block time after which the lender may claim default.
        #[serde(with = "crate::json::u64_string")]
        due: u64,
        /// The only agent who may accept, if any.
        #[serde(default)]
        borrower: Option<AgentId>,
    },
    /// Lender: withdraws an unaccepted offer; the principal is refunded.
    CancelLoan {
        /// Loan.
        loan: LoanId,
    },
    /// Borrower: accepts a loan by pledging reputation; the principal moves to the sender.
    AcceptLoan {
        /// Loan.
        loan: LoanId,
        /// Reputation points of the sender pledged (locked until repaid or defaulted).
        #[serde(with = "crate::json::u64_string")]
        pledge: u64,
    },
    /// Borrower: repays principal plus interest to the lender and unlocks the pledge.
    RepayLoan {
        /// Loan.
        loan: LoanId,
    },
    /// Lender, after the due time: burns the pledge and takes a share of the borrower's bond.
    ClaimDefault {
        /// Loan.
        loan: LoanId,
    },
    /// The awarded worker of `parent` posts a sub-task, funded from its own balance.
    PostSubtask {
        /// The awarded task this one helps deliver.
        parent: TaskId,
        /// The sub-task's offer (same rules as `PostTask`, deadline within the parent's).
        offer: PostTask,
    },
    /// Employer or awarded worker: disputes an awarded task, posting the dispute fee; the
    /// escrow stays locked and a panel is drawn.
    OpenDispute {
        /// Task.
        task: TaskId,
    },
    /// Registers the sender as an arbitrator, locking the arbitrator bond.
    RegisterArbitrator {},
    /// Retires an arbitrator that sits on no open panel; its bond is returned.
    RetireArbitrator {},
    /// Panel member: votes on the case's current round.
    CastVote {
        /// Case.
        case: CaseId,
        /// Worker share of the escrow in basis points (freeze case: 10,000 lifts, 0 upholds).
        worker_bps: u16,
    },
    /// Anyone: closes a case whose appeal window passed, or applies the documented default to
    /// a case whose panel missed its ruling deadline.
    ResolveDispute {
        /// Case.
        case: CaseId,
    },
    /// The losing party: appeals a first-round ruling, posting the appeal bond.
    Appeal {
        /// Case.
        case: CaseId,
    },
    /// Operator: approves freezing `agent` (takes effect, or renews, at the genesis threshold
    /// of distinct operator approvals of the same reason and evidence).
    FreezeAgent {
        /// The agent to freeze.
        agent: AgentId,
        /// Reason code.
        reason: u16,
        /// Hash of the evidence.
        #[serde(with = "crate::hexbytes::serde32")]
        evidence: Digest,
    },
    /// Frozen agent: appeals its freeze to an arbitration panel, posting the dispute fee.
    AppealFreeze {},
    /// Operator: approves adding `agent` to the trusted set (`add`) or removing it; the change
    /// takes effect at the genesis threshold of distinct operator approvals within a day.
    ChangeTrusted {
        /// The agent to add or remove.
        agent: AgentId,
        /// True to add, false to remove.
        add: bool,
    },
    /// Operator: approves registering a new proof-gated task kind with its verifying key; the
    /// kind exists once the genesis threshold of distinct operators approved the same
    /// registration within `KIND_PROPOSAL_TTL_SECS`.
    RegisterKind(KindRegistration),
    /// Operator: approves the next verifying-key version of a kind (same quorum rule). Tasks
    /// posted before keep the version they were posted under.
    RotateKindKey {
        /// The kind.
        kind: TaskKind,
        /// The new version: the kind's current version plus one.
        version: u16,
        /// The new key's id (checked against `vk`).
        key_id: KeyId,
        /// The new verifying key, canonical compressed bytes.
        #[serde(with = "crate::kinds::vk_hex")]
        vk: Vec<u8>,
    },
    /// Operator: approves retiring a kind (same quorum rule): no new tasks; open ones still
    /// settle or refund under their rules.
    RetireKind {
        /// The kind.
        kind: TaskKind,
    },
    /// Registers (or replaces) the sender's encryption key for fair-exchange tasks, with a
    /// proof of possession of its secret over [`crate::possession_message`]. Tasks posted
    /// before keep the key they were posted with.
    RegisterEncryptionKey {
        /// The key: a point of BabyJubJub's prime-order subgroup.
        key: CurvePoint,
        /// Schnorr proof of possession of the key's secret.
        possession: KeyPossession,
    },
}

/// The signed part of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxBody {
    /// Who signs and pays.
    pub sender: AgentId,
    /// The sender's next nonce (starts at 0, +1 per applied transaction).
    #[serde(with = "crate::json::u64_string")]
    pub nonce: u64,
    /// The action.
    pub action: Action,
}

/// A transaction with its sender's signature. Its JSON form is the body's fields and the
/// signature in one flat object (`sender`, `nonce`, `action`, `signature`; no other key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SignedTxForm", into = "SignedTxForm")]
pub struct SignedTx {
    /// What is signed.
    pub body: TxBody,
    /// Ed25519 signature over [`TxBody::signing_digest`].
    pub signature: Signature,
}

/// The JSON form of [`SignedTx`] (serde's `flatten` cannot be combined with
/// `deny_unknown_fields`, so the body's fields are spelled out here once).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedTxForm {
    sender: AgentId,
    #[serde(with = "crate::json::u64_string")]
    nonce: u64,
    action: Action,
    signature: Signature,
}

impl From<SignedTxForm> for SignedTx {
    fn from(f: SignedTxForm) -> Self {
        SignedTx { body: TxBody { sender: f.sender, nonce: f.nonce, action: f.action }, signature: f.signature }
    }
}

impl From<SignedTx> for SignedTxForm {
    fn from(tx: SignedTx) -> Self {
        SignedTxForm { sender: tx.body.sender, nonce: tx.body.nonce, action: tx.body.action, signature: tx.signature }
    }
}

impl TxBody {
    /// The digest the sender signs: blake3 (derive-key, [`TX_SIGNING_DOMAIN`]) over the genesis
    /// hash followed by the canonical body, so a signature is valid in one marketplace only.
    pub fn signing_digest(&self, genesis_hash: &Digest) -> Digest {
        signing_digest_of_encoded(genesis_hash, &self.to_canonical_bytes())
    }

    /// Signs the body with `key` (which should be the sender's).
    pub fn sign(self, key: &AgentKey, genesis_hash: &Digest) -> SignedTx {
        let signature = key.sign_digest(&self.signing_digest(genesis_hash));
        SignedTx { body: self, signature }
    }
}

impl SignedTx {
    /// The transaction id: blake3 of the canonical signed encoding (for lookups and logs only;
    /// nothing in the state is keyed on it).
    pub fn id(&self) -> Digest {
        blake3::derive_key(TX_ID_DOMAIN, &self.to_canonical_bytes())
    }

    /// Checks everything that needs no state: size, field limits, signature.
    pub fn check_stateless(&self, genesis_hash: &Digest) -> Status {
        self.check_stateless_encoded(genesis_hash, &self.to_canonical_bytes())
    }

    /// [`SignedTx::check_stateless`] over the transaction's own canonical bytes (`encoded`, as
    /// from [`Canonical::to_canonical_bytes`]), so the hot path encodes each transaction once.
    pub fn check_stateless_encoded(&self, genesis_hash: &Digest, encoded: &[u8]) -> Status {
        match self.unsigned_checks(genesis_hash, encoded) {
            Ok(signed) => match signed.signature.verify_digest(&signed.signer, &signed.digest) {
                Ok(()) => Status::Ok,
                Err(_) => Status::BadSignature,
            },
            Err(status) => status,
        }
    }

    /// The stateless checks before the signature (size, field limits); on success, the
    /// signature still to check, so that many can be checked in one batch
    /// ([`agora_identity::verify_batch`]) with the answers single checks would give.
    pub fn unsigned_checks(&self, genesis_hash: &Digest, encoded: &[u8]) -> Result<SignedDigest, Status> {
        if encoded.len() > MAX_TX_BYTES {
            return Err(Status::TxTooLarge);
        }
        if !self.body.action.within_limits() {
            return Err(Status::LimitExceeded);
        }
        // The signed encoding is the body's encoding followed by the 64-byte signature.
        let body = &encoded[..encoded.len().saturating_sub(64)];
        let digest = signing_digest_of_encoded(genesis_hash, body);
        Ok(SignedDigest { signer: self.body.sender, signature: self.signature, digest })
    }
}

/// The signing digest from a body's canonical bytes: the same value as
/// `agora_identity::signing_digest(TX_SIGNING_DOMAIN, genesis_hash ‖ body)`, streamed.
fn signing_digest_of_encoded(genesis_hash: &Digest, body: &[u8]) -> Digest {
    let mut hasher = blake3::Hasher::new_derive_key(TX_SIGNING_DOMAIN);
    hasher.update(genesis_hash);
    hasher.update(body);
    *hasher.finalize().as_bytes()
}

impl Action {
    /// True when every variable-length field is within its named limit.
    pub fn within_limits(&self) -> bool {
        match self {
            Action::DeclareAsset { symbol, .. } => !symbol.is_empty() && symbol.len() <= MAX_SYMBOL_BYTES,
            Action::PostTask(p) | Action::PostSubtask { offer: p, .. } => p.within_limits(),
            Action::SubmitCompletion { proof, sealed, .. } => {
                proof.len() <= MAX_PROOF_BYTES
                    && sealed
                        .as_ref()
                        .is_none_or(|s| !s.ciphertext.is_empty() && s.ciphertext.len() <= MAX_CIPHERTEXT_FIELDS)
            }
            Action::OfferLoan { interest_bps, .. } => *interest_bps <= MAX_LOAN_INTEREST_BPS,
            Action::RegisterKind(registration) => registration.within_limits(),
            Action::RotateKindKey { vk, .. } => !vk.is_empty() && vk.len() <= MAX_KIND_VK_BYTES,
            _ => true,
        }
    }

    /// The action's name as it appears in JSON (`type`).
    pub fn name(&self) -> &'static str {
        match self {
            Action::DeclareAsset { .. } => "declare_asset",
            Action::Deposit { .. } => "deposit",
            Action::Withdraw { .. } => "withdraw",
            Action::Transfer { .. } => "transfer",
            Action::Register {} => "register",
            Action::Deregister {} => "deregister",
            Action::ReclaimBond {} => "reclaim_bond",
            Action::PostTask(_) => "post_task",
            Action::PlaceBid { .. } => "place_bid",
            Action::WithdrawBid { .. } => "withdraw_bid",
            Action::AwardBid { .. } => "award_bid",
            Action::CancelTask { .. } => "cancel_task",
            Action::ExpireTask { .. } => "expire_task",
            Action::AcceptDelivery { .. } => "accept_delivery",
            Action::SubmitCompletion { .. } => "submit_completion",
            Action::OfferLoan { .. } => "offer_loan",
            Action::CancelLoan { .. } => "cancel_loan",
            Action::AcceptLoan { .. } => "accept_loan",
            Action::RepayLoan { .. } => "repay_loan",
            Action::ClaimDefault { .. } => "claim_default",
            Action::PostSubtask { .. } => "post_subtask",
            Action::OpenDispute { .. } => "open_dispute",
            Action::RegisterArbitrator {} => "register_arbitrator",
            Action::RetireArbitrator {} => "retire_arbitrator",
            Action::CastVote { .. } => "cast_vote",
            Action::ResolveDispute { .. } => "resolve_dispute",
            Action::Appeal { .. } => "appeal",
            Action::FreezeAgent { .. } => "freeze_agent",
            Action::AppealFreeze {} => "appeal_freeze",
            Action::ChangeTrusted { .. } => "change_trusted",
            Action::RegisterKind(_) => "register_kind",
            Action::RotateKindKey { .. } => "rotate_kind_key",
            Action::RetireKind { .. } => "retire_kind",
            Action::RegisterEncryptionKey { .. } => "register_encryption_key",
        }
    }
}

impl PostTask {
    /// True when the offer's text, parameters and splits are within their named limits.
    pub fn within_limits(&self) -> bool {
        self.title.len() <= MAX_TITLE_BYTES
            && self.requirements.len() <= MAX_REQUIREMENTS_BYTES
            && self.params.len() <= MAX_KIND_PARAMS
            && self.splits.len() <= MAX_SPLITS
    }
}

impl Canonical for Split {
    fn encode(&self, w: &mut Writer) {
        self.to.encode(w);
        w.u16(self.bps);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Split { to: AgentId::decode(r)?, bps: r.u16()? })
    }
}

impl Canonical for PostTask {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.title);
        w.str(&self.requirements);
        w.u16(self.kind);
        encode_seq(w, &self.params);
        self.input_commitment.encode(w);
        w.u32(self.asset.0);
        w.u128(self.budget);
        w.u64(self.bid_deadline);
        w.u64(self.delivery_deadline);
        encode_seq(w, &self.splits);
        w.u64(self.min_reputation);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(PostTask {
            title: r.str(MAX_DECODE_FIELD_BYTES)?,
            requirements: r.str(MAX_DECODE_FIELD_BYTES)?,
            kind: r.u16()?,
            params: decode_seq(r, MAX_DECODE_FIELD_BYTES)?,
            input_commitment: FieldBytes::decode(r)?,
            asset: AssetId(r.u32()?),
            budget: r.u128()?,
            bid_deadline: r.u64()?,
            delivery_deadline: r.u64()?,
            splits: decode_seq(r, MAX_DECODE_FIELD_BYTES)?,
            min_reputation: r.u64()?,
        })
    }
}

impl Canonical for Action {
    fn encode(&self, w: &mut Writer) {
        match self {
            Action::DeclareAsset { symbol, decimals } => {
                w.u8(1);
                w.str(symbol);
                w.u8(*decimals);
            }
            Action::Deposit { to, asset, amount } => {
                w.u8(2);
                to.encode(w);
                w.u32(asset.0);
                w.u128(*amount);
            }
            Action::Withdraw { asset, amount } => {
                w.u8(3);
                w.u32(asset.0);
                w.u128(*amount);
            }
            Action::Transfer { to, asset, amount } => {
                w.u8(4);
                to.encode(w);
                w.u32(asset.0);
                w.u128(*amount);
            }
            Action::Register {} => w.u8(5),
            Action::Deregister {} => w.u8(6),
            Action::ReclaimBond {} => w.u8(7),
            Action::PostTask(p) => {
                w.u8(8);
                p.encode(w);
            }
            Action::PlaceBid { task, price, eta_secs, plan_hash } => {
                w.u8(9);
                w.u64(task.0);
                w.u128(*price);
                w.u64(*eta_secs);
                w.fixed(plan_hash);
            }
            Action::WithdrawBid { task, bidder } => {
                w.u8(10);
                w.u64(task.0);
                bidder.encode(w);
            }
            Action::AwardBid { task, bidder } => {
                w.u8(11);
                w.u64(task.0);
                bidder.encode(w);
            }
            Action::CancelTask { task } => {
                w.u8(12);
                w.u64(task.0);
            }
            Action::ExpireTask { task } => {
                w.u8(13);
                w.u64(task.0);
            }
            Action::AcceptDelivery { task } => {
                w.u8(14);
                w.u64(task.0);
            }
            Action::SubmitCompletion { task, output_commitment, proof, sealed } => {
                w.u8(15);
                w.u64(task.0);
                output_commitment.encode(w);
                w.var_bytes(proof);
                sealed.encode(w);
            }
            Action::OfferLoan { asset, principal, interest_bps, due, borrower } => {
                w.u8(20);
                w.u32(asset.0);
                w.u128(*principal);
                w.u16(*interest_bps);
                w.u64(*due);
                borrower.encode(w);
            }
            Action::CancelLoan { loan } => {
                w.u8(21);
                w.u64(loan.0);
            }
            Action::AcceptLoan { loan, pledge } => {
                w.u8(22);
                w.u64(loan.0);
                w.u64(*pledge);
            }
            Action::RepayLoan { loan } => {
                w.u8(23);
                w.u64(loan.0);
            }
            Action::ClaimDefault { loan } => {
                w.u8(24);
                w.u64(loan.0);
            }
            Action::PostSubtask { parent, offer } => {
                w.u8(25);
                w.u64(parent.0);
                offer.encode(w);
            }
            Action::OpenDispute { task } => {
                w.u8(30);
                w.u64(task.0);
            }
            Action::RegisterArbitrator {} => w.u8(31),
            Action::RetireArbitrator {} => w.u8(32),
            Action::CastVote { case, worker_bps } => {
                w.u8(33);
                w.u64(case.0);
                w.u16(*worker_bps);
            }
            Action::ResolveDispute { case } => {
                w.u8(34);
                w.u64(case.0);
            }
            Action::Appeal { case } => {
                w.u8(35);
                w.u64(case.0);
            }
            Action::FreezeAgent { agent, reason, evidence } => {
                w.u8(36);
                agent.encode(w);
                w.u16(*reason);
                w.fixed(evidence);
            }
            Action::AppealFreeze {} => w.u8(37),
            Action::ChangeTrusted { agent, add } => {
                w.u8(48);
                agent.encode(w);
                w.bool(*add);
            }
            Action::RegisterKind(registration) => {
                w.u8(49);
                registration.encode(w);
            }
            Action::RotateKindKey { kind, version, key_id, vk } => {
                w.u8(50);
                w.u16(*kind);
                w.u16(*version);
                w.fixed(&key_id.0);
                w.var_bytes(vk);
            }
            Action::RetireKind { kind } => {
                w.u8(51);
                w.u16(*kind);
            }
            Action::RegisterEncryptionKey { key, possession } => {
                w.u8(52);
                key.encode(w);
                possession.encode(w);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            1 => Action::DeclareAsset { symbol: r.str(MAX_DECODE_FIELD_BYTES)?, decimals: r.u8()? },
            2 => Action::Deposit { to: AgentId::decode(r)?, asset: AssetId(r.u32()?), amount: r.u128()? },
            3 => Action::Withdraw { asset: AssetId(r.u32()?), amount: r.u128()? },
            4 => Action::Transfer { to: AgentId::decode(r)?, asset: AssetId(r.u32()?), amount: r.u128()? },
            5 => Action::Register {},
            6 => Action::Deregister {},
            7 => Action::ReclaimBond {},
            8 => Action::PostTask(PostTask::decode(r)?),
            9 => {
                Action::PlaceBid { task: TaskId(r.u64()?), price: r.u128()?, eta_secs: r.u64()?, plan_hash: r.fixed()? }
            }
            10 => Action::WithdrawBid { task: TaskId(r.u64()?), bidder: AgentId::decode(r)? },
            11 => Action::AwardBid { task: TaskId(r.u64()?), bidder: AgentId::decode(r)? },
            12 => Action::CancelTask { task: TaskId(r.u64()?) },
            13 => Action::ExpireTask { task: TaskId(r.u64()?) },
            14 => Action::AcceptDelivery { task: TaskId(r.u64()?) },
            15 => Action::SubmitCompletion {
                task: TaskId(r.u64()?),
                output_commitment: FieldBytes::decode(r)?,
                proof: r.var_bytes(MAX_DECODE_FIELD_BYTES)?,
                sealed: Option::decode(r)?,
            },
            20 => Action::OfferLoan {
                asset: AssetId(r.u32()?),
                principal: r.u128()?,
                interest_bps: r.u16()?,
                due: r.u64()?,
                borrower: Option::decode(r)?,
            },
            21 => Action::CancelLoan { loan: LoanId(r.u64()?) },
            22 => Action::AcceptLoan { loan: LoanId(r.u64()?), pledge: r.u64()? },
            23 => Action::RepayLoan { loan: LoanId(r.u64()?) },
            24 => Action::ClaimDefault { loan: LoanId(r.u64()?) },
            25 => Action::PostSubtask { parent: TaskId(r.u64()?), offer: PostTask::decode(r)? },
            30 => Action::OpenDispute { task: TaskId(r.u64()?) },
            31 => Action::RegisterArbitrator {},
            32 => Action::RetireArbitrator {},
            33 => Action::CastVote { case: CaseId(r.u64()?), worker_bps: r.u16()? },
            34 => Action::ResolveDispute { case: CaseId(r.u64()?) },
            35 => Action::Appeal { case: CaseId(r.u64()?) },
            36 => Action::FreezeAgent { agent: AgentId::decode(r)?, reason: r.u16()?, evidence: r.fixed()? },
            37 => Action::AppealFreeze {},
            48 => Action::ChangeTrusted { agent: AgentId::decode(r)?, add: r.bool()? },
            49 => Action::RegisterKind(KindRegistration::decode(r)?),
            50 => Action::RotateKindKey {
                kind: r.u16()?,
                version: r.u16()?,
                key_id: KeyId(r.fixed()?),
                vk: r.var_bytes(MAX_DECODE_FIELD_BYTES)?,
            },
            51 => Action::RetireKind { kind: r.u16()? },
            52 => Action::RegisterEncryptionKey { key: CurvePoint::decode(r)?, possession: KeyPossession::decode(r)? },
            tag => return Err(DecodeError::UnknownTag { what: "action", tag }),
        })
    }
}

impl Canonical for TxBody {
    fn encode(&self, w: &mut Writer) {
        self.sender.encode(w);
        w.u64(self.nonce);
        self.action.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(TxBody { sender: AgentId::decode(r)?, nonce: r.u64()?, action: Action::decode(r)? })
    }
}

impl Canonical for SignedTx {
    fn encode(&self, w: &mut Writer) {
        self.body.encode(w);
        w.fixed(&self.signature.to_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SignedTx { body: TxBody::decode(r)?, signature: Signature::from_bytes(r.fixed()?) })
    }
}

mod hex_vec {
    use crate::proof::MAX_PROOF_BYTES;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    /// The proof's hex is at most `2 × MAX_PROOF_BYTES` digits (plus `0x`), checked before decoding.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        crate::hexbytes::deserialize_hex_max(d, 2 * MAX_PROOF_BYTES + 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_digest_is_the_identity_crates_domain_separated_digest() {
        let key = AgentKey::from_seed([5; 32]);
        let body = TxBody { sender: key.id(), nonce: 3, action: Action::Register {} };
        let genesis = [7u8; 32];
        let mut message = genesis.to_vec();
        message.extend_from_slice(&body.to_canonical_bytes());
        assert_eq!(body.signing_digest(&genesis), agora_identity::signing_digest(TX_SIGNING_DOMAIN, &message));
        let signed = body.sign(&key, &genesis);
        assert_eq!(signed.check_stateless(&genesis), Status::Ok);
        assert_eq!(signed.check_stateless(&[8u8; 32]), Status::BadSignature);
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    fn signed(action: Action) -> String {
        let key = AgentKey::from_seed([5; 32]);
        serde_json::to_string(&TxBody { sender: key.id(), nonce: 1, action }.sign(&key, &[7u8; 32])).unwrap()
    }

    fn parse(text: &str) -> Result<SignedTx, crate::json::JsonError> {
        crate::json::from_str_bounded(text, "signed transaction", 1 << 20)
    }

    #[test]
    fn signed_tx_round_trips_flat_with_nonce_as_string() {
        let text = signed(Action::CancelTask { task: TaskId(u64::MAX) });
        assert!(text.contains("\"nonce\":\"1\""), "{text}");
        assert!(text.contains("\"task\":\"18446744073709551615\""), "{text}");
        let tx = parse(&text).unwrap();
        assert_eq!(serde_json::to_string(&tx).unwrap(), text);
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        let text = signed(Action::CancelTask { task: TaskId(3) });
        let top = text.replacen('{', "{\"extra\":1,", 1);
        assert!(parse(&top).unwrap_err().to_string().contains("unknown field `extra`"));
        let inner = text.replace("\"type\":\"cancel_task\"", "\"type\":\"cancel_task\",\"memo\":\"x\"");
        assert!(parse(&inner).unwrap_err().to_string().contains("unknown field `memo`"), "{inner}");
    }

    #[test]
    fn an_action_without_fields_refuses_extra_keys() {
        for action in [Action::Register {}, Action::AppealFreeze {}, Action::RetireArbitrator {}] {
            let text = signed(action);
            let tag = text.split("\"type\":\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default();
            let padded = text.replace(&format!("\"type\":\"{tag}\""), &format!("\"type\":\"{tag}\",\"memo\":\"x\""));
            assert_ne!(padded, text);
            assert!(parse(&padded).unwrap_err().to_string().contains("unknown field `memo`"), "{padded}");
            assert!(parse(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn duplicate_keys_are_refused_including_the_action_tag() {
        let text = signed(Action::CancelTask { task: TaskId(3) });
        let dup_nonce = text.replace("\"nonce\":\"1\"", "\"nonce\":\"1\",\"nonce\":\"2\"");
        assert!(parse(&dup_nonce).unwrap_err().to_string().contains("duplicate field `nonce`"));
        let dup_task = text.replace("\"task\":\"3\"", "\"task\":\"3\",\"task\":\"4\"");
        assert!(parse(&dup_task).unwrap_err().to_string().contains("duplicate field `task`"), "{dup_task}");
        let dup_type = text.replace("\"type\":\"cancel_task\"", "\"type\":\"cancel_task\",\"type\":\"expire_task\"");
        assert!(parse(&dup_type).is_err(), "{dup_type}");
    }

    #[test]
    fn numbers_where_strings_are_required_are_refused_naming_the_field() {
        let text = signed(Action::CancelTask { task: TaskId(3) });
        let err = parse(&text.replace("\"nonce\":\"1\"", "\"nonce\":9007199254740993")).unwrap_err().to_string();
        assert!(err.contains("field `nonce`") && err.contains("decimal string"), "{err}");
        let err = parse(&text.replace("\"task\":\"3\"", "\"task\":3")).unwrap_err().to_string();
        assert!(err.contains("field `action`") && err.contains("decimal string"), "{err}");
    }
}
