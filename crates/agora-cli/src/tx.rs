//! `agora tx …`: build and sign one transaction.

use crate::args::{PostTaskArgs, TxAction, TxArgs};
use crate::output::print_json;
use agora::core::hexbytes_decode32;
use agora::{
    Action, AgentId, AgentKey, AssetId, CaseId, FieldBytes, LoanId, Marketplace, PostTask, Split, TaskId, TxBody,
};
use anyhow::{Context, anyhow};
use std::path::Path;

fn did(text: &str) -> anyhow::Result<AgentId> {
    AgentId::parse_did(text).with_context(|| format!("invalid did {text:?}"))
}

fn field(text: &str, what: &str) -> anyhow::Result<FieldBytes> {
    let trimmed = text.strip_prefix("0x").unwrap_or(text);
    let mut raw = hex::decode(trimmed).with_context(|| format!("{what}: invalid hex"))?;
    if raw.len() > 32 {
        return Err(anyhow!("{what}: more than 32 bytes"));
    }
    raw.resize(32, 0);
    let bytes: [u8; 32] = raw.try_into().map_err(|_| anyhow!("{what}: bad length"))?;
    FieldBytes::new(bytes).map_err(|e| anyhow!("{what}: {e}"))
}

fn post_task(a: PostTaskArgs) -> anyhow::Result<Action> {
    let params = a.params.iter().map(|p| field(p, "--param")).collect::<anyhow::Result<Vec<_>>>()?;
    let splits = a
        .splits
        .iter()
        .map(|s| {
            let (to, bps) = s.rsplit_once('=').ok_or_else(|| anyhow!("--split must be DID=BPS, got {s:?}"))?;
            Ok(Split { to: did(to)?, bps: bps.parse().with_context(|| format!("--split basis points {bps:?}"))? })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (kind, input_commitment, params) = match &a.terms_from {
        Some(path) => {
            let text = crate::input::read_text_bounded(path, "task data", crate::input::MAX_WITNESS_JSON_BYTES)?;
            let witness = agora::Witness::from_json(&text).with_context(|| format!("parsing {}", path.display()))?;
            let (kind, input_commitment, params) = agora::task_terms(&witness)?;
            let kind = match a.fair_exchange {
                false => kind,
                true => agora::fair_exchange_kind(kind)
                    .ok_or_else(|| anyhow!("kind {kind} has no fair-exchange variant"))?,
            };
            (kind, input_commitment, params)
        }
        None => (a.kind, field(&a.input_commitment, "--input-commitment")?, params),
    };
    let offer = PostTask {
        title: a.title,
        requirements: a.requirements,
        kind,
        params,
        input_commitment,
        asset: AssetId(a.asset),
        budget: a.budget,
        bid_deadline: a.bid_deadline,
        delivery_deadline: a.delivery_deadline,
        splits,
        min_reputation: a.min_reputation,
    };
    Ok(match a.parent {
        Some(parent) => Action::PostSubtask { parent: TaskId(parent), offer },
        None => Action::PostTask(offer),
    })
}

fn sealed_output(text: &str) -> anyhow::Result<agora::core::SealedOutput> {
    agora::core::json::from_slice_bounded(text.as_bytes(), "--sealed", crate::input::MAX_SEALED_JSON_BYTES)
        .context("--sealed: not a sealed output")
}

/// The action a `tx` subcommand describes; `genesis_hash` is asked for only by actions that
/// sign something of their own for one marketplace (an encryption key's proof of possession).
pub fn action(
    sender: AgentId,
    a: TxAction,
    genesis_hash: &dyn Fn() -> anyhow::Result<[u8; 32]>,
) -> anyhow::Result<Action> {
    Ok(match a {
        TxAction::DeclareAsset { symbol, decimals } => Action::DeclareAsset { symbol, decimals },
        TxAction::Deposit { to, asset, amount } => Action::Deposit { to: did(&to)?, asset: AssetId(asset), amount },
        TxAction::Withdraw { asset, amount } => Action::Withdraw { asset: AssetId(asset), amount },
        TxAction::Transfer { to, asset, amount } => Action::Transfer { to: did(&to)?, asset: AssetId(asset), amount },
        TxAction::Register => Action::Register {},
        TxAction::Deregister => Action::Deregister {},
        TxAction::ReclaimBond => Action::ReclaimBond {},
        TxAction::PostTask(p) => post_task(p)?,
        TxAction::PlaceBid { task, price, eta, plan_hash } => Action::PlaceBid {
            task: TaskId(task),
            price,
            eta_secs: eta,
            plan_hash: hexbytes_decode32(&plan_hash).map_err(|e| anyhow!("--plan-hash: {e}"))?,
        },
        TxAction::WithdrawBid { task } => Action::WithdrawBid { task: TaskId(task), bidder: sender },
        TxAction::Award { task, bidder } => Action::AwardBid { task: TaskId(task), bidder: did(&bidder)? },
        TxAction::Cancel { task } => Action::CancelTask { task: TaskId(task) },
        TxAction::Expire { task } => Action::ExpireTask { task: TaskId(task) },
        TxAction::Accept { task } => Action::AcceptDelivery { task: TaskId(task) },
        TxAction::SubmitCompletion { task, output_commitment, proof, sealed } => Action::SubmitCompletion {
            task: TaskId(task),
            output_commitment: field(&output_commitment, "--output-commitment")?,
            proof: hex::decode(proof.strip_prefix("0x").unwrap_or(&proof)).context("--proof: invalid hex")?,
            sealed: sealed.as_deref().map(sealed_output).transpose()?,
        },
        TxAction::RegisterEncryptionKey { key_file } => {
            crate::encryption_key::read(&key_file)?.registration(&genesis_hash()?, &sender)
        }
        TxAction::OfferLoan { asset, principal, interest_bps, due, borrower } => Action::OfferLoan {
            asset: AssetId(asset),
            principal,
            interest_bps,
            due,
            borrower: borrower.as_deref().map(did).transpose()?,
        },
        TxAction::CancelLoan { loan } => Action::CancelLoan { loan: LoanId(loan) },
        TxAction::AcceptLoan { loan, pledge } => Action::AcceptLoan { loan: LoanId(loan), pledge },
        TxAction::RepayLoan { loan } => Action::RepayLoan { loan: LoanId(loan) },
        TxAction::ClaimDefault { loan } => Action::ClaimDefault { loan: LoanId(loan) },
        TxAction::OpenDispute { task } => Action::OpenDispute { task: TaskId(task) },
        TxAction::RegisterArbitrator => Action::RegisterArbitrator {},
        TxAction::RetireArbitrator => Action::RetireArbitrator {},
        TxAction::Vote { case, worker_bps } => Action::CastVote { case: CaseId(case), worker_bps },
        TxAction::ResolveDispute { case } => Action::ResolveDispute { case: CaseId(case) },
        TxAction::Appeal { case } => Action::Appeal { case: CaseId(case) },
        TxAction::Freeze { agent, reason, evidence } => Action::FreezeAgent {
            agent: did(&agent)?,
            reason,
            evidence: hexbytes_decode32(&evidence).map_err(|e| anyhow!("--evidence: {e}"))?,
        },
        TxAction::AppealFreeze => Action::AppealFreeze {},
        TxAction::Trust { agent, remove } => Action::ChangeTrusted { agent: did(&agent)?, add: !remove },
    })
}

/// The `--genesis-hash` a transaction is signed for.
pub fn given_genesis_hash(hex: &str) -> anyhow::Result<[u8; 32]> {
    hexbytes_decode32(hex).map_err(|e| anyhow!("--genesis-hash: {e}"))
}

pub fn run(db: &Path, args: TxArgs) -> anyhow::Result<()> {
    let key = AgentKey::from_secret_hex(&args.secret).context("--secret")?;
    let given = args.genesis_hash.clone();
    let genesis_hash = move || match &given {
        Some(hash) => given_genesis_hash(hash),
        None => Ok(Marketplace::open(db)
            .with_context(|| format!("opening {} (or pass --genesis-hash)", db.display()))?
            .genesis_hash()),
    };
    let action = action(key.id(), args.action, &genesis_hash)?;
    sign(db, &key, args.nonce, args.genesis_hash.as_deref(), action)
}

/// Signs `action` for the marketplace in `db` (or, offline, for `genesis_hash` with `nonce`)
/// and prints the transaction.
pub fn sign(
    db: &Path,
    key: &AgentKey,
    nonce: Option<u64>,
    genesis_hash: Option<&str>,
    action: Action,
) -> anyhow::Result<()> {
    let (genesis_hash, nonce) = match (genesis_hash, nonce) {
        (Some(hash), Some(nonce)) => (given_genesis_hash(hash)?, nonce),
        _ => {
            let market = Marketplace::open(db)
                .with_context(|| format!("opening {} (or pass --genesis-hash and --nonce)", db.display()))?;
            let nonce = match nonce {
                Some(n) => n,
                None => market.account(&key.id())?.nonce,
            };
            (market.genesis_hash(), nonce)
        }
    };
    print_json(&TxBody { sender: key.id(), nonce, action }.sign(key, &genesis_hash))
}
