//! `agora demo`: a whole marketplace on a fresh redb file — agents bonded, tasks posted, bids
//! placed, awards made, work settled — then the history replayed and the books checked.

use crate::args::DemoArgs;
use crate::init::now_secs;
use crate::query::scratch_path;
use agora::core::reputation::FRESH_MAX_OPEN_BIDS;
use agora::{
    Action, AgentKey, AssetId, BlockOutcome, Created, FieldBytes, Genesis, Marketplace, PostTask, SignedTx, Status,
    TaskId,
};
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How far before now the demo's genesis lies. Its blocks advance 60 s each (46 blocks with
/// the defaults), so starting three hours back keeps every block time, and so every credential
/// issued from the demo, in the past when the demo ends.
const DEMO_BACKDATE_SECS: u64 = 3 * 3_600;

const DEFAULT_DEMO_DB: &str = "agora-demo.redb";
pub(crate) const USD: AssetId = AssetId(1);
const BIDS_PER_TASK: usize = 3;

pub(crate) struct Run {
    pub(crate) market: Marketplace,
    nonces: BTreeMap<agora::AgentId, u64>,
    pub(crate) time: u64,
    blocks: u64,
    txs: u64,
    rejected: BTreeMap<&'static str, u64>,
    commit_secs: f64,
    pub(crate) bar: ProgressBar,
    setup_secs: f64,
    pub(crate) prove_secs: f64,
    pub(crate) proven: usize,
}

impl Run {
    pub(crate) fn sign(&mut self, key: &AgentKey, action: Action) -> SignedTx {
        let nonce = self.nonces.entry(key.id()).or_insert(0);
        let tx = self.market.sign_with_nonce(key, *nonce, action);
        *nonce += 1;
        tx
    }

    /// Takes the next nonce of `key` (for transactions signed elsewhere).
    pub(crate) fn nonces_next(&mut self, key: &AgentKey) -> u64 {
        let nonce = self.nonces.entry(key.id()).or_insert(0);
        let current = *nonce;
        *nonce += 1;
        current
    }

    /// A job offer of the demo: `budget` in USD, bids open for 10 minutes, delivery within an
    /// hour, no splits, no reputation floor.
    pub(crate) fn offer(
        &self,
        title: String,
        requirements: &str,
        (kind, input_commitment, params): (u16, FieldBytes, Vec<FieldBytes>),
        budget: u128,
    ) -> PostTask {
        PostTask {
            title,
            requirements: requirements.into(),
            kind,
            params,
            input_commitment,
            asset: USD,
            budget,
            bid_deadline: self.time + 600,
            delivery_deadline: self.time + 3_600,
            splits: vec![],
            min_reputation: 0,
        }
    }

    pub(crate) fn block(&mut self, stage: &str, txs: Vec<SignedTx>) -> anyhow::Result<BlockOutcome> {
        self.bar.set_message(stage.to_string());
        let count = txs.len() as u64;
        let started = Instant::now();
        let outcome = self.market.submit(txs, self.time).with_context(|| format!("stage {stage}"))?;
        self.commit_secs += started.elapsed().as_secs_f64();
        for receipt in &outcome.receipts {
            if receipt.status != Status::Ok {
                *self.rejected.entry(receipt.status.name()).or_default() += 1;
            }
        }
        self.blocks += 1;
        self.txs += count;
        self.time += 60;
        self.bar.inc(count);
        Ok(outcome)
    }
}

fn demo_path(db: Option<&PathBuf>, force: bool) -> anyhow::Result<PathBuf> {
    let path = db.cloned().unwrap_or_else(|| PathBuf::from(DEFAULT_DEMO_DB));
    if path.exists() {
        if db.is_some() && !force {
            bail!("{} exists; pass --force to overwrite it, or choose another --db", path.display());
        }
        std::fs::remove_file(&path).with_context(|| format!("removing old {}", path.display()))?;
    }
    Ok(path)
}

pub fn run(db: Option<&PathBuf>, args: DemoArgs) -> anyhow::Result<()> {
    if args.agents < 2 || args.tasks == 0 {
        bail!("the demo needs at least 2 agents and 1 task");
    }
    let path = demo_path(db, args.force)?;
    let started = Instant::now();
    let operator = AgentKey::generate()?;
    let genesis_time = now_secs().saturating_sub(DEMO_BACKDATE_SECS);
    let employers: Vec<AgentKey> = (0..args.agents / 2).map(|_| AgentKey::generate()).collect::<Result<_, _>>()?;
    let mut genesis = Genesis::development(operator.id(), genesis_time);
    // The demo's employers are the marketplace's trusted seeds: reputation flows from them.
    genesis.reputation.trusted = employers.iter().map(AgentKey::id).collect();
    let setup_started = Instant::now();
    let keys = if args.proof_tasks > 0 {
        let dir = crate::keys::keys_dir(&path, None);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing old {}", dir.display()))?;
        }
        let keys = crate::keys::generate(&dir, &crate::keys::shapes(), args.quiet)?;
        genesis.kinds = keys.kind_specs();
        Some(keys)
    } else {
        None
    };
    let setup_secs = setup_started.elapsed().as_secs_f64();
    let mut market = Marketplace::create(&path, genesis)?;
    if let Some(keys) = &keys {
        market = market.with_verifier(keys.verifier());
    }
    let workers: Vec<AgentKey> =
        (0..args.agents - args.agents / 2).map(|_| AgentKey::generate()).collect::<Result<_, _>>()?;
    let bids_per_task = BIDS_PER_TASK.min(workers.len());
    let expected = (2 * args.agents + (args.tasks + args.proof_tasks) * (3 + bids_per_task)) as u64;
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(expected) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} txs  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut run = Run {
        market,
        nonces: BTreeMap::new(),
        time: genesis_time + 1,
        blocks: 0,
        txs: 0,
        rejected: BTreeMap::new(),
        commit_secs: 0.0,
        bar,
        setup_secs,
        prove_secs: 0.0,
        proven: 0,
    };

    let bond = run.market.config().bond_amount;
    let budget: u128 = 1_000_000; // 1 USD
    let per_employer = ((args.tasks + args.proof_tasks) / employers.len() + 1) as u128 * budget;
    let funding: Vec<SignedTx> = employers
        .iter()
        .map(|e| (e, bond + per_employer))
        .chain(workers.iter().map(|w| (w, bond)))
        .map(|(k, amount)| Action::Deposit { to: k.id(), asset: USD, amount })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|action| run.sign(&operator, action))
        .collect();
    run.block("deposits", funding)?;

    let registrations: Vec<SignedTx> =
        employers.iter().chain(&workers).map(|k| run.sign(k, Action::Register {})).collect();
    run.block("registrations (bonds locked)", registrations)?;

    // Tasks run in waves so no worker ever holds more open bids than the protocol allows.
    // Workers without an established reputation may hold only FRESH_MAX_OPEN_BIDS bids.
    let wave = (workers.len() * FRESH_MAX_OPEN_BIDS as usize / bids_per_task).max(1);
    let mut first = 0;
    while first < args.tasks {
        let last = (first + wave).min(args.tasks);
        run_wave(&mut run, &employers, &workers, first..last, budget, bids_per_task)?;
        first = last;
    }
    let mut runtime_kind = None;
    let mut fair_exchange = None;
    if let Some(keys) = &keys {
        crate::demo_proofs::run_proof_wave(&mut run, keys, &employers, &workers, args.proof_tasks, budget)?;
        let dir = crate::keys::keys_dir(&path, None);
        runtime_kind = Some(crate::demo_runtime_kind::run_runtime_kind(
            &mut run,
            &dir,
            &operator,
            &employers[0],
            &workers[0],
            budget,
        )?);
        fair_exchange = Some(crate::demo_fair_exchange::run_fair_exchange(
            &mut run,
            keys,
            &operator,
            &employers[1 % employers.len()],
            &workers[1 % workers.len()],
            budget,
        )?);
    }
    run.bar.finish_and_clear();

    summary(&run, &path, &operator, started, runtime_kind.as_ref(), fair_exchange.as_ref())
}

fn run_wave(
    run: &mut Run,
    employers: &[AgentKey],
    workers: &[AgentKey],
    range: std::ops::Range<usize>,
    budget: u128,
    bids_per_task: usize,
) -> anyhow::Result<()> {
    let employer_of = |i: usize| &employers[i % employers.len()];
    let posts: Vec<SignedTx> = range
        .clone()
        .map(|i| {
            let input = FieldBytes::hash_to_field("agora demo input", &(i as u64).to_le_bytes());
            let offer = run.offer(
                format!("demo task {i}: summarise dataset shard"),
                "JSON summary with record count and sum",
                (0, input, vec![]),
                budget,
            );
            run.sign(employer_of(i), Action::PostTask(offer))
        })
        .collect();
    let outcome = run.block("tasks posted (budgets escrowed)", posts)?;
    let tasks: Vec<(usize, TaskId)> = range
        .clone()
        .zip(&outcome.receipts)
        .filter_map(|(i, r)| if let Created::Task(id) = r.created { Some((i, id)) } else { None })
        .collect();

    let mut bids = Vec::new();
    let mut best: BTreeMap<TaskId, (u128, usize)> = BTreeMap::new();
    for (slot, (i, task)) in tasks.iter().enumerate() {
        for j in 0..bids_per_task {
            let w = (slot * bids_per_task + j) % workers.len();
            let price = budget - ((i * 7 + j * 13) % 100) as u128 * 1_000;
            let entry = best.entry(*task).or_insert((u128::MAX, w));
            if price < entry.0 {
                *entry = (price, w);
            }
            let plan = blake3_plan(*i, j);
            bids.push(run.sign(&workers[w], Action::PlaceBid { task: *task, price, eta_secs: 600, plan_hash: plan }));
        }
    }
    run.block("bids placed", bids)?;

    let awards: Vec<SignedTx> = tasks
        .iter()
        .map(|(i, task)| {
            run.sign(employer_of(*i), Action::AwardBid { task: *task, bidder: workers[best[task].1].id() })
        })
        .collect();
    run.block("awarded to the lowest bid", awards)?;

    let accepts: Vec<SignedTx> =
        tasks.iter().map(|(i, task)| run.sign(employer_of(*i), Action::AcceptDelivery { task: *task })).collect();
    run.block("deliveries accepted, workers paid", accepts)?;
    Ok(())
}

fn reputation_total(run: &Run) -> anyhow::Result<u64> {
    let mut total = 0u64;
    for task in run.market.tasks(TaskId(1), usize::MAX)? {
        if task.status == agora::TaskStatus::Completed
            && let Some(worker) = task.worker
        {
            total = total.max(run.market.account(&worker)?.reputation_stored());
        }
    }
    Ok(total)
}

pub(crate) fn blake3_plan(task: usize, bid: usize) -> [u8; 32] {
    let mut data = [0u8; 16];
    data[..8].copy_from_slice(&(task as u64).to_le_bytes());
    data[8..].copy_from_slice(&(bid as u64).to_le_bytes());
    agora::FieldBytes::hash_to_field("agora demo plan", &data).to_bytes()
}

fn summary(
    run: &Run,
    path: &Path,
    operator: &AgentKey,
    started: Instant,
    runtime_kind: Option<&crate::demo_runtime_kind::RuntimeKindOutcome>,
    fair_exchange: Option<&crate::demo_fair_exchange::FairExchangeOutcome>,
) -> anyhow::Result<()> {
    let market = &run.market;
    let replay_path = scratch_path("demo-replay");
    let report = market.replay(&replay_path);
    let _ = std::fs::remove_file(&replay_path);
    let report = report?;
    let totals = market.asset_totals()?;
    let conserved = totals.iter().all(|t| t.conserved());
    let settled =
        market.tasks(TaskId(1), usize::MAX)?.iter().filter(|t| t.status == agora::TaskStatus::Accepted).count();
    let fees = market.balance(&operator.id(), USD)?;
    let runtime_kind_row = match runtime_kind {
        None => "none (no proof tasks)".to_string(),
        Some(k) => format!(
            "{} (kind {}) registered at height {}; its task {}",
            crate::demo_runtime_kind::RUNTIME_KIND_NAME,
            crate::demo_runtime_kind::RUNTIME_KIND,
            k.registered_at,
            if k.settled { "settled by proof" } else { "NOT settled" }
        ),
    };
    let fair_exchange_row = match fair_exchange {
        None => "none (no proof tasks)".to_string(),
        Some(f) => format!(
            "task {} (kind {}) {}; employer decrypted: {} ({})",
            f.task,
            crate::demo_fair_exchange::FAIR_KIND,
            if f.settled { "paid against its sealed output" } else { "NOT settled" },
            f.decrypted,
            if f.matches { "opens the output commitment" } else { "DOES NOT MATCH" }
        ),
    };
    let setup_label = format!("trusted setup ({} kinds)", agora::default_shapes().len());
    let rows = [
        ("database", path.display().to_string()),
        ("blocks committed (durable)", run.blocks.to_string()),
        ("transactions", run.txs.to_string()),
        ("rejected", if run.rejected.is_empty() { "0".into() } else { format!("{:?}", run.rejected) }),
        ("tasks settled by acceptance", settled.to_string()),
        ("tasks settled by ZK proof", format!("{} (Groth16, batch-verified in one block)", run.proven)),
        (setup_label.as_str(), format!("{:.2} s", run.setup_secs)),
        ("kind registered at runtime", runtime_kind_row),
        ("fair exchange", fair_exchange_row),
        ("proving time", format!("{:.2} s", run.prove_secs)),
        ("best reputation (earned by proofs only)", reputation_total(run)?.to_string()),
        ("fees collected (USD units)", fees.to_string()),
        ("apply+commit throughput", format!("{:.0} tx/s", run.txs as f64 / run.commit_secs.max(1e-9))),
        ("funds conserved", conserved.to_string()),
        ("final digest", hex::encode(market.tip().digest)),
        ("replay digest matches", report.matches().to_string()),
        ("wall time", format!("{:.2} s", started.elapsed().as_secs_f64())),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    println!("Agora demo");
    for (k, v) in rows {
        println!("  {k:<width$}  {v}");
    }
    if runtime_kind.is_some_and(|k| !k.settled) {
        bail!("the runtime kind's task did not settle by proof");
    }
    if fair_exchange.is_some_and(|f| !f.settled || !f.matches) {
        bail!("the fair-exchange task did not settle, or its decryption differs from the output");
    }
    if !conserved || !report.matches() {
        bail!("demo invariants failed (conserved: {conserved}, replay matches: {})", report.matches());
    }
    Ok(())
}
