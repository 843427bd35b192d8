//! Transaction status codes: stable numbers, in precedence order.
//!
//! A transaction gets exactly one status. Checks run in the order of the codes below: stateless
//! checks first (in parallel, before the block executes), then the nonce, then authority, then
//! existence, then the state of the objects involved, then deadlines, then amounts, then proofs.
//! When several faults apply, the lowest code in that order is reported. Codes never change
//! meaning; new codes are only ever added.

use serde::{Deserialize, Serialize};

macro_rules! statuses {
    ($( $(#[$doc:meta])* $name:ident = $code:expr, )*) => {
        /// The outcome of one transaction. `Ok` applied it; every other status changed nothing.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[repr(u16)]
        #[non_exhaustive]
        pub enum Status { $( $(#[$doc])* $name = $code, )* }

        impl Status {
            /// Every status, in precedence order.
            pub const ALL: &'static [Status] = &[ $( Status::$name, )* ];

            /// The stable numeric code.
            pub fn code(self) -> u16 { self as u16 }

            /// The status with this code, if any.
            pub fn from_code(code: u16) -> Option<Status> {
                match code { $( $code => Some(Status::$name), )* _ => None }
            }

            /// The variant name, for logs and JSON.
            pub fn name(self) -> &'static str {
                match self { $( Status::$name => stringify!($name), )* }
            }
        }
    };
}

statuses! {
    /// Applied.
    Ok = 0,
    // ---- stateless: checked before execution ----
    /// The encoded transaction exceeds `MAX_TX_BYTES`.
    TxTooLarge = 1,
    /// A field exceeds its named limit (text length, parameter count, splits, proof bytes).
    LimitExceeded = 2,
    /// The signature does not verify for the sender over the transaction's signing digest.
    BadSignature = 3,
    // ---- ordering and authority ----
    /// The nonce is not the sender's next nonce (replay or gap).
    BadNonce = 10,
    /// Only an operator may send this transaction.
    NotOperator = 11,
    /// The sender is not a registered, active agent.
    NotRegistered = 12,
    /// The sender is already registered (or deregistering).
    AlreadyRegistered = 13,
    /// `ReclaimBond` without a prior `Deregister`.
    NotDeregistering = 14,
    /// The bond's cool-down after deregistration has not elapsed.
    CooldownActive = 15,
    /// Deregistration while the agent still has open tasks, jobs or bids.
    OpenObligations = 16,
    // ---- existence ----
    /// No asset with this id.
    UnknownAsset = 20,
    /// An asset with this symbol already exists.
    AssetExists = 21,
    /// No task with this id.
    UnknownTask = 22,
    /// No bid by this bidder on this task.
    UnknownBid = 23,
    /// The task kind is neither manual nor registered.
    UnknownKind = 24,
    // ---- roles ----
    /// Only the task's employer may do this.
    NotEmployer = 25,
    /// Only the bid's owner may do this.
    NotBidder = 26,
    /// Only the task's awarded worker may do this.
    NotWorker = 27,
    /// An agent may not bid on, or be awarded, its own task.
    SelfDealing = 28,
    // ---- object state ----
    /// The task is already settled, cancelled or expired.
    TaskClosed = 30,
    /// The task is not open for bids (it has been awarded).
    TaskNotOpen = 31,
    /// The task has not been awarded.
    TaskNotAwarded = 32,
    /// The bid is not open.
    BidNotOpen = 33,
    /// The bidder already has an open bid on this task.
    BidExists = 34,
    /// The bidder is no longer an active registered agent.
    BidderInactive = 35,
    // ---- time and parameters ----
    /// The bid deadline has passed.
    BidDeadlinePassed = 40,
    /// The delivery deadline has passed.
    DeliveryDeadlinePassed = 41,
    /// The deadline this action waits for has not been reached.
    DeadlineNotReached = 42,
    /// Deadlines are in the past, out of order, or too far ahead.
    InvalidDeadlines = 43,
    /// Payout splits are invalid (basis points over 10,000, duplicates, zero shares).
    InvalidSplits = 44,
    /// The parameter count does not match the task kind.
    InvalidParams = 45,
    /// The bidder's reputation is below the task's minimum.
    ReputationTooLow = 46,
    /// The task already holds the maximum number of open bids.
    TooManyBids = 47,
    /// The bidder already holds the maximum number of open bids.
    TooManyOpenBids = 48,
    // ---- amounts ----
    /// Zero amounts are not allowed here.
    ZeroAmount = 50,
    /// The bid price exceeds the task budget.
    PriceAboveBudget = 51,
    /// The sender's balance is too small.
    InsufficientFunds = 52,
    /// The amount would overflow a balance or supply.
    AmountOverflow = 53,
    // ---- proofs ----
    /// The task kind has no proof (manual tasks settle only by acceptance).
    NotProvable = 60,
    /// This worker already completed work of this kind on this input commitment.
    NullifierUsed = 61,
    /// The verifier holds no key registered for this kind.
    UnknownProofKey = 62,
    /// The public input count does not match the key.
    ProofInputCount = 63,
    /// The proof bytes are not valid, in-subgroup curve points of the right size.
    ProofMalformed = 64,
    /// The proof does not verify for the statement the state machine built.
    ProofInvalid = 65,
    // ---- loans and sub-tasks ----
    /// No loan with this id.
    UnknownLoan = 70,
    /// Only the loan's lender may do this.
    NotLender = 71,
    /// Only the loan's borrower (or the borrower the offer names) may do this.
    NotBorrower = 72,
    /// The loan is not on offer (already accepted, repaid, defaulted or cancelled).
    LoanNotOffered = 73,
    /// The loan is not active (not accepted yet, or already repaid or defaulted).
    LoanNotActive = 74,
    /// The loan's due time has passed: it can no longer be accepted.
    LoanPastDue = 75,
    /// The pledge exceeds the borrower's available reputation (decayed score minus pledges).
    PledgeAboveReputation = 76,
    /// The principal's value exceeds the borrow limit (or the asset has no reference amount).
    AboveBorrowLimit = 77,
    /// A sub-task's delivery deadline is later than its parent's.
    DeadlineBeyondParent = 78,
    /// The parent task already has the maximum number of sub-tasks.
    TooManySubtasks = 79,
    // ---- disputes, arbitration and freezes ----
    /// The task is under dispute: acceptance, expiry, cancellation and completion wait for the
    /// ruling.
    TaskDisputed = 80,
    /// Only the task's employer or awarded worker may do this (or the frozen agent, for a freeze
    /// case).
    NotParty = 81,
    /// The dispute window of this task (or this party's right to dispute it) has closed.
    DisputeWindowClosed = 82,
    /// This case already has what the transaction would create (an open case, an appeal).
    CaseExists = 83,
    /// No dispute case with this id.
    UnknownCase = 84,
    /// The sender is not a registered arbitrator.
    NotArbitrator = 85,
    /// The sender is already a registered arbitrator.
    AlreadyArbitrator = 86,
    /// The sender is not on the case's current panel.
    NotOnPanel = 87,
    /// The panel member already voted in this round.
    AlreadyVoted = 88,
    /// The ruling is out of range (over 10,000 bps, or neither 0 nor 10,000 for a freeze case).
    InvalidRuling = 89,
    /// The panel's ruling deadline has passed.
    RulingDeadlinePassed = 90,
    /// The case is not in the phase this action needs (already closed, not ruled, voting).
    CaseNotInPhase = 91,
    /// Only the losing party of a first-round ruling may appeal, once.
    NotAppellant = 92,
    /// The appeal window has closed.
    AppealWindowClosed = 93,
    /// Too few eligible arbitrators to draw the panel.
    NotEnoughArbitrators = 94,
    /// The agent is frozen: it may not post, bid, withdraw or transfer.
    AgentFrozen = 95,
    /// The agent is not frozen.
    NotFrozen = 96,
    /// This operator already approved the pending freeze, or it names a different reason.
    FreezeConflict = 97,
    /// The arbitrator still sits on an open panel.
    ArbitratorBusy = 98,
    // ---- panels that cannot be captured, disputes that cannot override a proof ----
    /// The arbitrator's bond is in its cool-down after its last case (or its registration).
    ArbitratorCoolingDown = 100,
    /// The arbitrator sum tree is full (`MAX_ARBITRATORS`).
    ArbitratorSetFull = 101,
    /// The current round's panel has not been drawn yet (it is drawn from a later block's
    /// digest).
    PanelNotDrawn = 102,
    /// The task's completion was proven: a dispute cannot override a verified proof.
    TaskProven = 103,
    /// `ChangeTrusted` would add an agent that is already in the trusted set.
    AlreadyTrusted = 120,
    /// `ChangeTrusted` would remove an agent that is not in the trusted set.
    NotTrusted = 121,
    /// This operator already approved the pending trusted-set change.
    TrustChangeConflict = 122,
    /// The trusted set already holds `MAX_TRUSTED` agents.
    TooManyTrusted = 123,
    // ---- the kind registry ----
    /// `RegisterKind`: the kind number is 0, or the number or the name is already registered.
    KindExists = 130,
    /// The kind is retired: it takes no new tasks, keys or retirement.
    KindRetired = 131,
    /// The kind's layout is not acceptable: more than `MAX_KIND_PARAMS` parameters, or a
    /// reputation weight of 0 or above 10,000 basis points.
    KindLayoutInvalid = 132,
    /// The stated key id is not blake3 of the verifying key's bytes.
    KindKeyIdMismatch = 133,
    /// The verifying key does not decode to valid, canonical, in-subgroup points, or is
    /// degenerate (an identity or repeated input base would leave a public input unbound).
    KindKeyInvalid = 134,
    /// The key's public-input count is not the binding inputs (chain, task, worker, input and
    /// output commitments) plus the kind's parameters: the circuit does not expose what the
    /// state machine binds.
    KindKeyLayoutMismatch = 135,
    /// `RotateKindKey`: the version is not the kind's current version plus one.
    KindVersionMismatch = 136,
    /// This operator already approved the pending kind change.
    KindChangeConflict = 137,
    /// The registry is full (`MAX_KINDS` kinds, or `MAX_KIND_VERSIONS` versions of a kind).
    TooManyKinds = 138,
    // ---- fair exchange ----
    // A fair-exchange completion's envelope is checked before its proof (the proof's public
    // inputs are built from it), so these are reported ahead of the proof codes 62–65.
    /// The employer of a fair-exchange task has registered no encryption key.
    NoEncryptionKey = 140,
    /// `RegisterEncryptionKey`: the key is not a point of the curve's prime-order subgroup,
    /// or its proof of possession does not verify.
    EncryptionKeyInvalid = 141,
    /// A completion carries a sealed output for a plain task, or none for a fair-exchange task.
    SealedOutputMismatch = 142,
    /// The ciphertext does not have the kind's number of field elements (truncated or padded).
    CiphertextLength = 143,
    /// The ephemeral key is not a point of the curve's prime-order subgroup (or is the
    /// identity).
    EphemeralKeyInvalid = 144,
    /// The ephemeral key was already used with this employer key: a second use would encrypt
    /// two outputs under one keystream.
    EphemeralKeyReused = 145,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_round_trip() {
        let mut last = None;
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(*status));
            if let Some(prev) = last {
                assert!(status.code() > prev, "{status} out of precedence order");
            }
            last = Some(status.code());
        }
    }
}
