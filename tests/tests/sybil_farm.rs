//! # Attack: a Sybil reputation farm
//!
//! The attacker registers a ring of bonded identities that deal only with each other: each
//! member posts tasks that other members bid on, win and complete with valid proofs, so every
//! completion passes the proof gate and records evidence. To make each completion count as
//! much as possible the ring pays the value-weight cap (100 USD = 100,000 points of evidence
//! per task) and never repeats a pair (so the pair factor is always 1). Beside it runs an honest
//! population: a few genesis-trusted employers and honest workers completing two 1 USD jobs
//! each for them. Block time advances across several daily epochs, so standing is recomputed
//! from the evidence graph several times while both groups work.
//!
//! A second variant adds a **bridge**: in the first epoch one ring member does one honest
//! 1 USD job for a trusted employer, giving the ring a single edge from the trusted part of the
//! graph, through which EigenTrust can leak standing into the ring. A third variant has the
//! same bridge with the ring paying itself honest prices (1 USD) instead of the cap.
//!
//! # Defence
//!
//! A completion's gain is value × pair factor × the employer's standing, and standing is
//! EigenTrust mass flowing from the genesis-trusted seeds over the evidence graph. A ring no
//! seed reaches has no standing, so whatever it pays itself and however many bonded identities
//! and proven tasks it has, it confers exactly nothing. An employer outside the trusted set
//! can moreover confer in total at most the genesis share f (default 1/2) of the reputation it
//! has itself received (its conserved conferral budget), so what a bridge brings into a ring is
//! conserved: the ring derives at most H × f / (1 − f) from it (H = what the bridge earned
//! honestly), however it trades.
//!
//! # Asserted and reported
//!
//! * Closed ring: every ring completion is accepted (the attack really runs), yet every ring
//!   member ends with zero standing and zero reputation; the ring's best is ≤ 1 % of the median
//!   honest worker's reputation. Printed: ring best as % of honest median, ring total, and the
//!   attacker's cost (bonds locked + fees paid, checked against the ledger).
//! * Bridge: the bridge keeps its honest job's reputation, and everything the ring derives from
//!   ring employers is within H × f / (1 − f) (= H at the default f = 1/2), so no ring member
//!   other than the bridge holds more than that. Printed: the bridge's standing, received and
//!   conferred reputation, the best standing inside the ring, the leak against its bound, the
//!   ring's best and total, and what the ring holds as a share of H.
//!
//! CI size: 20 ring identities, 40 ring completions, 3 trusted employers, 10 honest workers × 2
//! jobs, 4 epochs, every completion with a real Groth16 proof (hashchain, depth 16).
//! `AGORA_FULL=1`: 10,000 ring identities, 100,000 ring completions, 5 trusted employers,
//! 200 honest workers × 2, 5 epochs, built in blocks of up to 20,000 transactions; proofs are
//! replaced by `TestOnlyAcceptAllProofs` (the reputation graph is what is under test there; the
//! proof gate itself is exercised with real proofs at CI size and in `proof_gate.rs`).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use agora::{Completion, Witness};
use agora_core::reputation::{EPOCH_COUNTER, STANDING_ONE, conferral_budget};
use agora_core::{AgentId, AgentKey, Amount, Digest, FieldBytes, StateView, Table, TaskId, bps_of};
use agora_tests::{BOND, TestOnlyAcceptAllProofs, USD, World, key};
use common::*;

/// What an honest job pays: 1 USD (1,000 points at full standing).
const HONEST_PRICE: Amount = USD_1;
/// What a ring task pays in the main variants: the value-weight cap (100 USD = 100,000 points
/// of evidence), the most one completion can ever be worth.
const RING_PRICE: Amount = 100 * USD_1;
/// Key groups of `agent_key`.
const EMPLOYERS: u8 = 1;
const HONEST: u8 = 2;
const RING: u8 = 3;
const OUTSIDER: u8 = 4;

#[derive(Clone, Copy, Debug)]
struct Size {
    ring: u32,
    ring_completions: u64,
    employers: u32,
    honest_workers: u32,
    jobs_per_worker: u32,
    epochs: u64,
    real_proofs: bool,
}

fn size() -> Size {
    if full_size() {
        Size {
            ring: 10_000,
            ring_completions: 100_000,
            employers: 5,
            honest_workers: 200,
            jobs_per_worker: 2,
            epochs: 5,
            real_proofs: false,
        }
    } else {
        Size {
            ring: 20,
            ring_completions: 40,
            employers: 3,
            honest_workers: 10,
            jobs_per_worker: 2,
            epochs: 4,
            real_proofs: true,
        }
    }
}

/// One job to run: who employs whom, at what price, on which (unique) work.
struct Job {
    employer: AgentKey,
    worker: AgentKey,
    price: Amount,
    work: u64,
}

struct Farm {
    w: World,
    size: Size,
    honest: Vec<AgentKey>,
    ring: Vec<AgentKey>,
    ring_tasks: u64,
    ring_price: Amount,
    /// USD the operator deposited to ring members (bonds included).
    deposited_to_ring: Amount,
    /// What the ring earned from honest employers (net of fees).
    honest_income_of_ring: Amount,
    proving: Duration,
    proofs_made: u64,
    build: Duration,
}

/// The work of job `n`: a real hashchain witness, or (with the accept-all verifier) synthetic
/// terms with a distinct input commitment.
fn terms(n: u64, real: bool) -> (Option<Witness>, u16, FieldBytes, Vec<FieldBytes>) {
    if real {
        let witness = hashchain(n);
        let (kind, input, params) = agora::task_terms(&witness).expect("terms");
        (Some(witness), kind, input, params)
    } else {
        let spec = placeholder_hashchain_kind();
        (None, spec.kind, salt(n), vec![FieldBytes::from_u64(u64::from(agora::proofs::DEFAULT_HASHCHAIN_DEPTH))])
    }
}

/// A proof of job `work` for `task` by `worker`, proven once per test binary: both variants
/// run the very same statements (same task ids, workers and witnesses — see the outsider in
/// `build_farm`), so the second world reuses the first one's proofs instead of proving them
/// again (each world's verifier still checks every proof against its own records).
fn cached_proof(chain: Digest, work: u64, witness: &Witness, task: TaskId, worker: &AgentId) -> (Completion, bool) {
    type Cell = Arc<OnceLock<Completion>>;
    type Cache = Mutex<HashMap<(Digest, u64, AgentId, u64), Cell>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cell = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("proof cache")
        .entry((chain, task.0, *worker, work))
        .or_default()
        .clone();
    let mut proved = false;
    let done = cell
        .get_or_init(|| {
            proved = true;
            prove_on(fixture(), &chain, witness, task, worker)
        })
        .clone();
    (done, proved)
}

/// Runs `jobs` in chunks of three blocks (posts; bids with awards; completions), proving each
/// completion for real when `real`. Within a chunk an employer may appear several times only if
/// it is funded for all its tasks.
fn run_jobs(w: &mut World, jobs: &[Job], real: bool, proving: &mut Duration, proofs_made: &mut u64) {
    for chunk in jobs.chunks(10_000) {
        let mut witnesses = Vec::with_capacity(chunk.len());
        let mut bulk = Vec::with_capacity(chunk.len());
        for job in chunk {
            let (witness, kind, input, params) = terms(job.work, real);
            witnesses.push(witness);
            let offer = offer_terms(w, kind, input, params, job.price, 0);
            bulk.push(BulkJob { employer: &job.employer, worker: &job.worker, offer });
        }
        let chain = w.config.genesis_hash;
        run_bulk_jobs(w, bulk, |i, task| match &witnesses[i] {
            Some(witness) => {
                let job = &chunk[i];
                let t = Instant::now();
                let (done, proved) = cached_proof(chain, job.work, witness, task, &job.worker.id());
                *proving += t.elapsed();
                *proofs_made += u64::from(proved);
                submit_completion(task, &done)
            }
            None => placeholder_completion(task),
        });
    }
}

fn build_farm(size: Size, bridge: bool, ring_price: Amount) -> Farm {
    let started = Instant::now();
    let employers: Vec<AgentKey> = (0..size.employers).map(|i| agent_key(EMPLOYERS, i)).collect();
    let honest: Vec<AgentKey> = (0..size.honest_workers).map(|i| agent_key(HONEST, i)).collect();
    let ring: Vec<AgentKey> = (0..size.ring).map(|i| agent_key(RING, i)).collect();
    // In the closed-ring variant the bridge's job slot goes to an outsider (neither honest
    // population nor ring), so that both variants post the same tasks in the same order.
    let outsider = agent_key(OUTSIDER, 0);
    let trusted = employers.iter().map(AgentKey::id).collect();
    let mut w = if size.real_proofs {
        proof_world(trusted)
    } else {
        let operator = key(200);
        let mut w = World::with_genesis(genesis_with(&operator, trusted, vec![placeholder_hashchain_kind()]), operator);
        w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
        w
    };

    // Trusted employers are funded for all their jobs up front; ring members get working
    // capital for one task in flight at a time (they pay each other, so only fees leak).
    let honest_jobs = u128::from(size.honest_workers * size.jobs_per_worker);
    let per_employer = (honest_jobs / u128::from(size.employers) + 2) * HONEST_PRICE;
    register_many(&mut w, &employers, per_employer);
    register_many(&mut w, &honest, 0);
    register_many(&mut w, std::slice::from_ref(&outsider), 0);
    let ring_capital = 2 * ring_price;
    register_many(&mut w, &ring, ring_capital);
    let deposited_to_ring = u128::from(size.ring) * (BOND + ring_capital);

    let n = u64::from(size.ring);
    let m = size.employers as usize;
    let mut proving = Duration::ZERO;
    let mut proofs_made = 0;
    let mut work = 0u64;
    let mut next_work = || {
        work += 1;
        work
    };
    for epoch in 0..size.epochs {
        let mut honest_jobs = Vec::new();
        if epoch == 0 {
            // The bridge: one honest job by a ring member for a trusted employer (or, without a
            // bridge, the same job done by the outsider).
            let worker = if bridge { ring[0].clone() } else { outsider.clone() };
            honest_jobs.push(Job { employer: employers[0].clone(), worker, price: HONEST_PRICE, work: next_work() });
        }
        for (i, worker) in honest.iter().enumerate() {
            for j in 0..size.jobs_per_worker as usize {
                if ((i * size.jobs_per_worker as usize + j) as u64) % size.epochs == epoch {
                    let employer = employers[(i + j) % m].clone();
                    honest_jobs.push(Job { employer, worker: worker.clone(), price: HONEST_PRICE, work: next_work() });
                }
            }
        }
        run_jobs(&mut w, &honest_jobs, size.real_proofs, &mut proving, &mut proofs_made);

        // Ring completions c of this epoch: employer c mod n; worker at offset 1 + ⌊c / n⌋ mod
        // (n − 1), so no pair ever repeats (full pair factor). Chunks of at most n completions
        // hold each employer once, so one task's worth of capital suffices.
        let (from, to) =
            (epoch * size.ring_completions / size.epochs, (epoch + 1) * size.ring_completions / size.epochs);
        let mut c = from;
        while c < to {
            let end = to.min((c / n + 1) * n);
            let jobs: Vec<Job> = (c..end)
                .map(|c| {
                    let e = c % n;
                    let offset = 1 + (c / n) % (n - 1);
                    Job {
                        employer: ring[e as usize].clone(),
                        worker: ring[((e + offset) % n) as usize].clone(),
                        price: ring_price,
                        work: next_work(),
                    }
                })
                .collect();
            run_jobs(&mut w, &jobs, size.real_proofs, &mut proving, &mut proofs_made);
            c = end;
        }
        start_next_epoch(&mut w);
    }
    let honest_income_of_ring = if bridge { HONEST_PRICE - bps_of(HONEST_PRICE, w.config.fee_bps) } else { 0 };
    Farm {
        w,
        size,
        honest,
        ring,
        ring_tasks: size.ring_completions,
        ring_price,
        deposited_to_ring,
        honest_income_of_ring,
        proving,
        proofs_made,
        build: started.elapsed(),
    }
}

struct Figures {
    honest_median: u64,
    ring_best: u64,
    ring_total: u64,
    /// Reputation ring members gained from ring employers (before decay), per member: the leak.
    ring_derived: BTreeMap<AgentId, u64>,
    ring_standing_max: u64,
    bridge_standing: u64,
}

fn figures(farm: &Farm, label: &str) -> Figures {
    let w = &farm.w;
    let ring_ids: BTreeSet<AgentId> = farm.ring.iter().map(AgentKey::id).collect();
    let mut honest: Vec<u64> = farm.honest.iter().map(|k| reputation_now(w, &k.id())).collect();
    honest.sort_unstable();
    let honest_median = honest[honest.len() / 2];
    let ring_reps: Vec<u64> = farm.ring.iter().map(|k| reputation_now(w, &k.id())).collect();
    let ring_best = ring_reps.iter().copied().max().unwrap_or(0);
    let ring_total: u64 = ring_reps.iter().sum();
    let mut ring_derived: BTreeMap<AgentId, u64> = BTreeMap::new();
    for ((worker, employer), edge) in edges(w) {
        if ring_ids.contains(&worker) && ring_ids.contains(&employer) {
            *ring_derived.entry(worker).or_default() += edge.gained;
        }
    }
    let standings = standings(w);
    let ring_standings: Vec<u64> = farm.ring.iter().map(|k| standings.get(&k.id()).copied().unwrap_or(0)).collect();
    let ring_standing_max = ring_standings.iter().copied().max().unwrap_or(0);
    let ring_standing_sum: u64 = ring_standings.iter().sum();
    let ring_with_standing = ring_standings.iter().filter(|s| **s > 0).count();
    let bridge_standing = standings.get(&farm.ring[0].id()).copied().unwrap_or(0);
    let ring_proven: u64 = farm.ring.iter().map(|k| w.account(&k.id()).proven_completions).sum();

    // The attacker's cost: bonds locked, plus fees on every ring task. Cross-checked against the
    // ledger: what the operator deposited to the ring (plus what the bridge earned honestly)
    // is now in ring balances, in bonds, or gone in fees.
    let fee_bps = w.config.fee_bps;
    let bonds = u128::from(farm.size.ring) * BOND;
    let fees = u128::from(farm.ring_tasks) * bps_of(farm.ring_price, fee_bps);
    let balances: Amount = farm.ring.iter().map(|k| w.balance(&k.id(), USD)).sum();
    assert_eq!(farm.deposited_to_ring + farm.honest_income_of_ring, balances + bonds + fees, "ring ledger");

    let epoch = u64::from_le_bytes(
        w.state
            .get(Table::Counters, EPOCH_COUNTER.as_bytes())
            .expect("read")
            .expect("epoch counter")
            .try_into()
            .expect("8 bytes"),
    );
    let leak_total: u64 = ring_derived.values().sum();
    let leak_best = ring_derived.values().copied().max().unwrap_or(0);
    println!("== sybil farm: {label} ==");
    println!(
        "  size: {} ring identities, {} ring completions at {}, {} trusted employers, {} honest workers x {} jobs at {}, {} epochs ({}), proofs: {}",
        farm.size.ring,
        farm.ring_tasks,
        usd(farm.ring_price),
        farm.size.employers,
        farm.size.honest_workers,
        farm.size.jobs_per_worker,
        usd(HONEST_PRICE),
        farm.size.epochs,
        if epoch >= farm.size.epochs {
            format!("standing recomputed through epoch {epoch}")
        } else {
            "NOT advanced".into()
        },
        if farm.size.real_proofs { "real Groth16 (hashchain depth 16)" } else { "TestOnlyAcceptAllProofs" },
    );
    println!("  honest reputation: min {} / median {} / max {}", honest[0], honest_median, honest[honest.len() - 1]);
    println!("  ring proven completions: {ring_proven}");
    println!(
        "  ring best reputation: {ring_best} = {} of the honest median; ring total: {ring_total}",
        pct(bps(ring_best.into(), honest_median.into()))
    );
    println!(
        "  leak (gained from ring employers): total {leak_total}, best member {leak_best} = {} of the honest median",
        pct(bps(leak_best.into(), honest_median.into()))
    );
    println!(
        "  standing (ppm, full = {STANDING_ONE}): bridge/ring[0] {bridge_standing}, best in ring {ring_standing_max}, \
         {ring_with_standing} of {} ring members have some, summing to {ring_standing_sum}",
        farm.size.ring
    );
    println!("  attacker cost: bonds locked {} + fees paid {} = {}", usd(bonds), usd(fees), usd(bonds + fees));
    println!(
        "  time: build {:.2?} (proving or waiting for shared proofs {:.2?}; {} proofs made by this test)",
        farm.build, farm.proving, farm.proofs_made
    );

    assert!(epoch >= farm.size.epochs, "block time crossed every epoch boundary");
    let bridge_jobs = u64::from(farm.honest_income_of_ring > 0);
    assert_eq!(ring_proven, farm.ring_tasks + bridge_jobs, "every ring completion was accepted: the attack really ran");
    assert!(honest[0] > 0, "every honest worker earned reputation");
    Figures { honest_median, ring_best, ring_total, ring_derived, ring_standing_max, bridge_standing }
}

#[test]
fn closed_ring_earns_nothing() {
    let farm = build_farm(size(), false, RING_PRICE);
    let f = figures(&farm, "closed ring");
    // Nobody trusted ever vouched for a ring member: no EigenTrust mass reaches the ring.
    assert_eq!(f.ring_standing_max, 0, "a closed ring has no standing");
    assert_eq!(f.ring_total, 0, "a closed ring confers no reputation on itself");
    assert!(f.ring_derived.values().all(|g| *g == 0));
    assert!(
        u128::from(f.ring_best) * 100 <= u128::from(f.honest_median),
        "ring best {} > 1% of honest median {}",
        f.ring_best,
        f.honest_median
    );
    farm.w.assert_conserved();
}

/// The bridge variants' property: the bridge keeps what it earned honestly, and everything
/// the ring derives from ring employers (C) is bounded by the conserved conferral budget: every
/// ring employer confers at most the share f of what it received, so C ≤ f × (H + C), i.e.
/// C ≤ H × f / (1 − f), with H what honest employers conferred on the ring (the bridge's job) —
/// whatever the ring's size, task count or prices. At the default f = 1/2: C ≤ H, the ring's
/// total at most 2 × H.
fn assert_bridge_leak_bounded(farm: &Farm, f: &Figures) {
    let w = &farm.w;
    let share = w.config.genesis.reputation.conferral_share_ppm;
    let ring_ids: BTreeSet<AgentId> = farm.ring.iter().map(AgentKey::id).collect();
    let bridge = w.account(&farm.ring[0].id());
    let leak_total: u64 = f.ring_derived.values().sum();
    let leak_best = f.ring_derived.values().copied().max().unwrap_or(0);
    let honest_in: u64 = edges(w)
        .into_iter()
        .filter(|((worker, employer), _)| ring_ids.contains(worker) && !ring_ids.contains(employer))
        .map(|(_, edge)| edge.gained)
        .sum();
    let ring_received: u64 = farm.ring.iter().map(|k| w.account(&k.id()).received).sum();
    let others_best = farm.ring[1..].iter().map(|k| reputation_now(w, &k.id())).max().unwrap_or(0);
    // C ≤ H × f / (1 − f), in integers: C × (10⁶ − f) ≤ H × f (every rounding is downwards).
    let leak_bound = u128::from(honest_in) * u128::from(share) / u128::from(1_000_000 - share);
    println!(
        "  bridge: received {} ({} honestly), conferred {} (budget {}); ring members other than the bridge: best {} = {} \
         of the honest median; leak total {leak_total} (bound H x f/(1-f) = {leak_bound}); ring received {} = {} of H",
        bridge.received,
        honest_in,
        bridge.conferred,
        conferral_budget(bridge.received, share),
        others_best,
        pct(bps(others_best.into(), f.honest_median.into())),
        ring_received,
        pct(bps(ring_received.into(), honest_in.into())),
    );
    assert!(f.bridge_standing > 0, "the bridge's trusted edge gives it standing");
    assert!(bridge.conferred <= conferral_budget(bridge.received, share), "the bridge stayed within its budget");
    assert_eq!(u128::from(ring_received), u128::from(honest_in) + u128::from(leak_total), "all the ring holds");
    assert!(
        u128::from(leak_total) * u128::from(1_000_000 - share) <= u128::from(honest_in) * u128::from(share),
        "ring-derived total {leak_total} > bound {leak_bound}"
    );
    assert!(
        u128::from(others_best) <= leak_bound,
        "a ring member other than the bridge has more than the ring can derive"
    );
    assert!(f.ring_best <= HONEST_BRIDGE_POINTS + leak_best, "the bridge's best is its honest job");
}

/// What the bridge's one honest 1 USD job for a trusted employer earns at most.
const HONEST_BRIDGE_POINTS: u64 = 1_000;

#[test]
fn ring_with_one_bridge_to_a_trusted_employer() {
    let farm = build_farm(size(), true, RING_PRICE);
    let f = figures(&farm, "ring with one bridge");
    assert_bridge_leak_bounded(&farm, &f);
    farm.w.assert_conserved();
}

#[test]
fn ring_with_one_bridge_trading_at_honest_prices() {
    // The same bridge, but the ring pays itself what honest employers pay (1 USD).
    let farm = build_farm(size(), true, HONEST_PRICE);
    let f = figures(&farm, "ring with one bridge, 1 USD ring tasks");
    assert_bridge_leak_bounded(&farm, &f);
    farm.w.assert_conserved();
}
