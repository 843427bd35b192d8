//! Applying a block: stateless checks in parallel (signatures in batches), proofs verified together, then sequential
//! execution against a layer over the state. Pure: the result depends only on the inputs.

use crate::admission::Admissions;
use crate::block::{Block, BlockHeader, ChainTip, Created, Receipt, chain_digest};
use crate::config::ChainConfig;
use crate::encoding::Canonical;
use crate::exec::{Ctx, Fault, ProofOracle, execute};
use crate::ids::Digest;
use crate::limits::{MAX_BLOCK_TIME, MAX_TXS_PER_BLOCK};
use crate::proof::{KeyFacts, KeyRejection, ProofClaim, ProofVerdict, ProofVerifier};
use crate::signatures::verify_signatures;
use crate::state::{Diff, Layer, StateError, StateView};
use crate::status::Status;
use crate::tx::{Action, SignedTx, TX_ID_DOMAIN};
use agora_identity::SignedDigest;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Why a whole block was refused. A refused block changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlockError {
    /// The height is not the tip's height + 1.
    #[error("block height {got} does not follow the tip (expected {expected})")]
    WrongHeight {
        /// Expected height.
        expected: u64,
        /// Height found.
        got: u64,
    },
    /// The block's time is before the previous block's.
    #[error("block time {got} is before the previous block time {previous}")]
    TimeWentBackwards {
        /// Previous block time.
        previous: u64,
        /// Time found.
        got: u64,
    },
    /// `prev_digest` is not the tip's digest.
    #[error("block does not build on the current digest")]
    WrongPrevDigest,
    /// More than `MAX_TXS_PER_BLOCK` transactions.
    #[error("block has {0} transactions (limit {MAX_TXS_PER_BLOCK})")]
    TooManyTxs(usize),
    /// The storage under the state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The block's time is later than [`MAX_BLOCK_TIME`].
    #[error("block time {0} is beyond the latest block time {MAX_BLOCK_TIME}")]
    TimeBeyondLimit(u64),
    /// The block's time is more than the genesis `max_block_time_step_secs` after the previous.
    #[error("block time {got} is more than {max_step} s after the previous block time {previous}")]
    TimeStepTooLarge {
        /// Previous block time.
        previous: u64,
        /// The genesis maximum step.
        max_step: u64,
        /// Time found.
        got: u64,
    },
}

impl BlockError {
    /// The stable number of this refusal, in the block-error code space (1001–1099), separate
    /// from transaction status codes because a refused block has no receipts (PROTOCOL.md §4.1).
    pub fn code(&self) -> u16 {
        match self {
            BlockError::WrongHeight { .. } => 1001,
            BlockError::TimeWentBackwards { .. } => 1002,
            BlockError::WrongPrevDigest => 1003,
            BlockError::TooManyTxs(_) => 1004,
            BlockError::State(_) => 1005,
            BlockError::TimeBeyondLimit(_) => 1006,
            BlockError::TimeStepTooLarge { .. } => 1007,
        }
    }
}

/// What applying a block produced.
#[derive(Debug, Clone)]
pub struct BlockOutcome {
    /// One receipt per transaction, in order.
    pub receipts: Vec<Receipt>,
    /// The state changes of the whole block.
    pub diff: Diff,
    /// The chained digest after this block.
    pub digest: Digest,
    /// The new tip.
    pub tip: ChainTip,
}

/// Applies `block` on top of `state` at `tip`. Rejected transactions get their status and
/// change nothing (not even their nonce); the block as a whole is refused only for header
/// faults or storage failure.
pub fn apply_block(
    config: &ChainConfig,
    state: &dyn StateView,
    tip: &ChainTip,
    block: &Block,
    verifier: &dyn ProofVerifier,
) -> Result<BlockOutcome, BlockError> {
    apply_block_admitted(config, state, tip, block, verifier, &Admissions::none())
}

/// [`apply_block`] for a block some of whose transactions were already admitted by their
/// stateless checks (see [`Admissions`]): those are not checked again. The outcome is the same
/// as [`apply_block`]'s.
pub fn apply_block_admitted(
    config: &ChainConfig,
    state: &dyn StateView,
    tip: &ChainTip,
    block: &Block,
    verifier: &dyn ProofVerifier,
    admissions: &Admissions,
) -> Result<BlockOutcome, BlockError> {
    let header = &block.header;
    let expected = tip.height.saturating_add(1);
    if header.height != expected {
        return Err(BlockError::WrongHeight { expected, got: header.height });
    }
    if header.time < tip.time {
        return Err(BlockError::TimeWentBackwards { previous: tip.time, got: header.time });
    }
    if header.time > MAX_BLOCK_TIME {
        return Err(BlockError::TimeBeyondLimit(header.time));
    }
    let max_step = config.genesis.max_block_time_step_secs;
    if header.time - tip.time > max_step {
        return Err(BlockError::TimeStepTooLarge { previous: tip.time, max_step, got: header.time });
    }
    if header.prev_digest != tip.digest {
        return Err(BlockError::WrongPrevDigest);
    }
    if block.txs.len() > MAX_TXS_PER_BLOCK {
        return Err(BlockError::TooManyTxs(block.txs.len()));
    }

    // The block's prelude (the epoch recompute if this block opens an epoch, then the panel
    // draws that became due) runs once and is shared by the dry run and the real run.
    let prelude = block_prelude(config, state, header)?;
    let checked = check_stateless_all(&block.txs, &config.genesis_hash, admissions);

    let needs_proofs =
        block.txs.iter().zip(&checked).any(|(tx, (status, _))| {
            *status == Status::Ok && matches!(tx.body.action, Action::SubmitCompletion { .. })
        });
    let (results, diff) = if needs_proofs {
        // Dry run to learn every claim the block will make, then verify them all at once.
        let mut recorder = Recorder { claims: BTreeMap::new(), verifier };
        let dry = execute_all(config, state, &prelude, block, &checked, &mut recorder)?;
        let claims: Vec<ProofClaim> = recorder.claims.values().cloned().collect();
        let verdicts = verifier.verify_batch(&claims);
        if verdicts.iter().all(|verdict| *verdict == ProofVerdict::Valid) {
            // The dry run answered every claim `Valid`, which is what the verifier said: the
            // real run would make the same calls and get the same answers, so it is the dry run.
            dry
        } else {
            let known = recorder.claims.into_iter().zip(verdicts).map(|((i, c), v)| (i, (c, v))).collect();
            execute_all(config, state, &prelude, block, &checked, &mut Verdicts { known, verifier })?
        }
    } else {
        execute_all(config, state, &prelude, block, &checked, &mut Verdicts { known: BTreeMap::new(), verifier })?
    };

    let receipts: Vec<Receipt> = results
        .into_iter()
        .zip(&checked)
        .enumerate()
        .map(|(index, ((status, created), (_, tx_id)))| Receipt {
            height: header.height,
            index: u32::try_from(index).unwrap_or(u32::MAX),
            tx_id: *tx_id,
            status,
            code: status.code(),
            created,
        })
        .collect();
    let digest = chain_digest(&header.prev_digest, &block.hash(), &receipts, &diff.to_canonical_bytes());
    Ok(BlockOutcome { receipts, diff, digest, tip: ChainTip { height: header.height, time: header.time, digest } })
}

/// Each transaction's stateless status and id, in order: the unsigned checks in parallel, then
/// every signature not vouched for by an admission in batches over the cores.
pub(crate) fn check_stateless_all(
    txs: &[SignedTx],
    genesis_hash: &Digest,
    admissions: &Admissions,
) -> Vec<(Status, Digest)> {
    let prechecked: Vec<(Result<Option<SignedDigest>, Status>, Digest)> = txs
        .par_iter()
        .map(|tx| {
            let bytes = tx.to_canonical_bytes();
            let id = blake3::derive_key(TX_ID_DOMAIN, &bytes);
            if admissions.covers(genesis_hash, &id) {
                return (Ok(None), id);
            }
            (tx.unsigned_checks(genesis_hash, &bytes).map(Some), id)
        })
        .collect();
    let pending: Vec<SignedDigest> =
        prechecked.iter().filter_map(|(check, _)| check.as_ref().ok().copied().flatten()).collect();
    let mut verdicts = verify_signatures(&pending).into_iter();
    prechecked
        .into_iter()
        .map(|(check, id)| {
            let status = match check {
                Ok(None) => Status::Ok,
                Ok(Some(_)) if verdicts.next().unwrap_or(false) => Status::Ok,
                Ok(Some(_)) => Status::BadSignature,
                Err(status) => status,
            };
            (status, id)
        })
        .collect()
}

/// What a block does before its first transaction: the epoch's standing recompute (first block
/// of an epoch only), then the panel draws that are due at this height.
fn block_prelude(config: &ChainConfig, state: &dyn StateView, header: &BlockHeader) -> Result<Diff, StateError> {
    let epoch = crate::reputation::epoch_diff(state, config, header.time)?;
    let mut layer = Layer::new(state);
    layer.absorb(epoch);
    crate::exec::run_pending_draws(&mut layer, config, header.height, header.time, header.prev_digest)?;
    Ok(layer.into_diff())
}

fn execute_all(
    config: &ChainConfig,
    state: &dyn StateView,
    prelude: &Diff,
    block: &Block,
    checked: &[(Status, Digest)],
    proofs: &mut dyn ProofOracle,
) -> Result<(Vec<(Status, Created)>, Diff), StateError> {
    let mut block_layer = Layer::new(state);
    block_layer.absorb(prelude.clone());
    let mut results = Vec::with_capacity(block.txs.len());
    for (index, (tx, (stateless, _))) in block.txs.iter().zip(checked).enumerate() {
        if *stateless != Status::Ok {
            results.push((*stateless, Created::Nothing));
            continue;
        }
        let mut tx_layer = Layer::new(&block_layer);
        let outcome = {
            let mut ctx = Ctx {
                layer: &mut tx_layer,
                config,
                time: block.header.time,
                height: block.header.height,
                prev_digest: block.header.prev_digest,
                index,
                proofs: &mut *proofs,
            };
            execute(&mut ctx, &tx.body)
        };
        match outcome {
            Ok(created) => {
                let diff = tx_layer.into_diff();
                block_layer.absorb(diff);
                results.push((Status::Ok, created));
            }
            Err(Fault::Reject(status)) => results.push((status, Created::Nothing)),
            Err(Fault::State(error)) => return Err(error),
        }
    }
    Ok((results, block_layer.into_diff()))
}

/// Records the claims of a dry run and answers "valid" so execution proceeds as if they were
/// (keys offered to the registry are judged for real: that is cheap and decides what follows).
struct Recorder<'v> {
    claims: BTreeMap<usize, ProofClaim>,
    verifier: &'v dyn ProofVerifier,
}

impl ProofOracle for Recorder<'_> {
    fn check(&mut self, index: usize, claim: ProofClaim) -> ProofVerdict {
        self.claims.insert(index, claim);
        ProofVerdict::Valid
    }
    fn inspect_key(&mut self, vk: &[u8]) -> Result<KeyFacts, KeyRejection> {
        self.verifier.inspect_key(vk)
    }
    fn verifier(&self) -> Option<&dyn ProofVerifier> {
        Some(self.verifier)
    }
}

/// Answers from the batch's verdicts; a claim the dry run did not foresee (because an earlier
/// proof in the block failed and changed what follows) is verified on its own.
struct Verdicts<'v> {
    known: BTreeMap<usize, (ProofClaim, ProofVerdict)>,
    verifier: &'v dyn ProofVerifier,
}

impl ProofOracle for Verdicts<'_> {
    fn check(&mut self, index: usize, claim: ProofClaim) -> ProofVerdict {
        if let Some((known_claim, verdict)) = self.known.get(&index)
            && *known_claim == claim
        {
            return *verdict;
        }
        self.verifier.verify_batch(std::slice::from_ref(&claim)).first().copied().unwrap_or(ProofVerdict::Invalid)
    }
    fn inspect_key(&mut self, vk: &[u8]) -> Result<KeyFacts, KeyRejection> {
        self.verifier.inspect_key(vk)
    }
    fn verifier(&self) -> Option<&dyn ProofVerifier> {
        Some(self.verifier)
    }
}
