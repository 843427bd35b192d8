//! # Liveness: reputation reaches honest newcomers two hops from the trusted seeds
//!
//! Three trusted employers hire 10 first-hop workers (10 proven tasks each at the reference
//! price, 1 USD). In the next epoch each of those 10 hires 2 newcomers for 10 proven tasks each,
//! paying real escrow. The newcomers never deal with a trusted employer, so everything they earn
//! is delegated: the mean newcomer's reputation must be at least 20 % of the mean first-hop
//! worker's (with the old 1 % lifetime conferral share it was about 1 %).
//!
//! # The other side of the trade-off: a bridged ring stays bounded
//!
//! A ring of identities whose members each did 10 honest proven tasks for first-hop employers
//! then runs self-dealt proven tasks among themselves at the value-weight cap, across several
//! epochs (so EigenTrust carries the first-hop employers' standing into the ring). Whatever the
//! ring does, its total reputation stays within `H / (1 − f)` of what honest employers conferred
//! on it (`H`), with `f` the genesis conferral share — and so within 5 × H for any `f ≤ 0.8`.
//!
//! CI size: 10 first-hop workers, 20 newcomers, a ring of 50 identities and 2,000 ring tasks.
//! `AGORA_FULL=1`: a ring of 1,000 identities and 100,000 ring tasks. The reputation graph is
//! what is under test, so proofs are answered by `TestOnlyAcceptAllProofs` (the proof gate is
//! exercised with real Groth16 proofs in `proof_gate.rs` and the CI-size sybil suites).

mod common;

use agora_core::{Action, AgentId, AgentKey, Amount, FieldBytes};
use agora_tests::{TestOnlyAcceptAllProofs, USD, World, key};
use common::*;

/// The reference price: 1 USD, worth 1,000 points at full standing.
const PRICE: Amount = USD_1;
/// What a ring task pays: the value-weight cap (100 USD), the most one completion is worth.
const RING_PRICE: Amount = 100 * USD_1;
const TRUSTED: u8 = 1;
const FIRST_HOP: u8 = 2;
const NEWCOMERS: u8 = 3;
const RING: u8 = 4;
/// Tasks per hop and worker.
const TASKS: u32 = 10;
const FIRST_HOP_WORKERS: u32 = 10;
const NEWCOMERS_PER_WORKER: u32 = 2;

struct Job {
    employer: AgentKey,
    worker: AgentKey,
    price: Amount,
}

/// A world with `trusted` seeds and, if given, a conferral share other than the default.
fn world(trusted: &[AgentKey], share: Option<u64>) -> World {
    let operator = key(200);
    let mut genesis =
        genesis_with(&operator, trusted.iter().map(AgentKey::id).collect(), vec![placeholder_hashchain_kind()]);
    if let Some(share) = share {
        genesis.reputation.conferral_share_ppm = share;
    }
    let mut w = World::with_genesis(genesis, operator);
    w.set_verifier(Box::new(TestOnlyAcceptAllProofs));
    w
}

/// Runs `jobs` in blocks: deposits for the escrow, then posts, bids with awards and
/// completions. Chunks hold each employer at most once, so every employer pays from its own,
/// just deposited, balance.
fn run_jobs(w: &mut World, jobs: &[Job], work: &mut u64) {
    let spec = placeholder_hashchain_kind();
    let depth = vec![FieldBytes::from_u64(u64::from(agora::proofs::DEFAULT_HASHCHAIN_DEPTH))];
    let mut rest: &[Job] = jobs;
    while !rest.is_empty() {
        let mut seen = std::collections::BTreeSet::new();
        let len = rest.iter().take_while(|j| seen.insert(j.employer.id())).count().min(5_000);
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        let operator = w.operator.clone();
        let mut deposits = Batch::new();
        for job in chunk {
            deposits.push(w, &operator, Action::Deposit { to: job.employer.id(), asset: USD, amount: job.price });
        }
        deposits.apply(w);
        let bulk = chunk
            .iter()
            .map(|job| {
                *work += 1;
                let offer = offer_terms(w, spec.kind, salt(*work), depth.clone(), job.price, 0);
                BulkJob { employer: &job.employer, worker: &job.worker, offer }
            })
            .collect();
        run_bulk_jobs(w, bulk, |_, task| placeholder_completion(task));
    }
}

/// Trusted employers hire the first-hop workers (worker i works for trusted employer i mod 3,
/// `TASKS` times), then the epoch turns so their standing is computed.
fn first_hop(w: &mut World, trusted: &[AgentKey], first: &[AgentKey], work: &mut u64) {
    let mut jobs = Vec::new();
    for _ in 0..TASKS {
        for (i, worker) in first.iter().enumerate() {
            jobs.push(Job { employer: trusted[i % trusted.len()].clone(), worker: worker.clone(), price: PRICE });
        }
    }
    run_jobs(w, &jobs, work);
    start_next_epoch(w);
}

fn mean(w: &World, keys: &[AgentKey]) -> u64 {
    keys.iter().map(|k| reputation_now(w, &k.id())).sum::<u64>() / keys.len() as u64
}

/// Figures of one liveness run.
struct Liveness {
    first_mean: u64,
    newcomer_mean: u64,
    newcomer_min: u64,
    standing_min: u64,
    standing_max: u64,
}

fn liveness(share: Option<u64>) -> Liveness {
    let trusted: Vec<AgentKey> = (0..3).map(|i| agent_key(TRUSTED, i)).collect();
    let first: Vec<AgentKey> = (0..FIRST_HOP_WORKERS).map(|i| agent_key(FIRST_HOP, i)).collect();
    let newcomers: Vec<AgentKey> =
        (0..FIRST_HOP_WORKERS * NEWCOMERS_PER_WORKER).map(|i| agent_key(NEWCOMERS, i)).collect();
    let mut w = world(&trusted, share);
    register_many(&mut w, &trusted, 0);
    register_many(&mut w, &first, 0);
    register_many(&mut w, &newcomers, 0);
    let mut work = 0;
    first_hop(&mut w, &trusted, &first, &mut work);
    let standings: Vec<u64> = first.iter().map(|k| standing(&w, &k.id())).collect();

    // Each first-hop worker hires its 2 newcomers alternately, 10 tasks each.
    let mut jobs = Vec::new();
    for _ in 0..TASKS {
        for (i, employer) in first.iter().enumerate() {
            for n in 0..NEWCOMERS_PER_WORKER as usize {
                let worker = newcomers[i * NEWCOMERS_PER_WORKER as usize + n].clone();
                jobs.push(Job { employer: employer.clone(), worker, price: PRICE });
            }
        }
    }
    run_jobs(&mut w, &jobs, &mut work);
    start_next_epoch(&mut w);
    let proven: u64 = newcomers.iter().map(|k| w.account(&k.id()).proven_completions).sum();
    assert_eq!(proven, u64::from(FIRST_HOP_WORKERS * NEWCOMERS_PER_WORKER * TASKS), "every newcomer task completed");
    w.assert_conserved();
    Liveness {
        first_mean: mean(&w, &first),
        newcomer_mean: mean(&w, &newcomers),
        newcomer_min: newcomers.iter().map(|k| reputation_now(&w, &k.id())).min().unwrap_or(0),
        standing_min: standings.iter().copied().min().unwrap_or(0),
        standing_max: standings.iter().copied().max().unwrap_or(0),
    }
}

fn print_liveness(label: &str, l: &Liveness) -> u128 {
    let ratio = bps(l.newcomer_mean.into(), l.first_mean.into());
    println!(
        "  {label}: first-hop standing {}..{} ppm; mean first-hop reputation {}, mean newcomer {} (min {}): {}",
        l.standing_min,
        l.standing_max,
        l.first_mean,
        l.newcomer_mean,
        l.newcomer_min,
        pct(ratio)
    );
    ratio
}

/// The old rule (a lifetime share of 1 %) as the genesis parameter: the figure before this change.
const OLD_SHARE_PPM: u64 = 10_000;

#[test]
fn reputation_liveness() {
    println!("== reputation liveness ==");
    println!(
        "  3 trusted employers -> {FIRST_HOP_WORKERS} first-hop workers x {TASKS} tasks -> {} newcomers x {TASKS} tasks, at {}",
        FIRST_HOP_WORKERS * NEWCOMERS_PER_WORKER,
        usd(PRICE)
    );
    let old = liveness(Some(OLD_SHARE_PPM));
    print_liveness("old rule, conferral share 1%", &old);
    let new = liveness(None);
    let ratio = print_liveness("default conferral share", &new);
    assert!(new.first_mean > 0, "first-hop workers earned reputation");
    assert!(ratio >= 2_000, "mean newcomer reputation is {} of the mean first-hop worker's (< 20%)", pct(ratio));
    assert!(new.newcomer_min > 0, "every newcomer earned reputation");
}

#[derive(Clone, Copy)]
struct RingSize {
    members: u32,
    tasks: u64,
    epochs: u64,
}

fn ring_size() -> RingSize {
    if full_size() {
        RingSize { members: 1_000, tasks: 100_000, epochs: 4 }
    } else {
        RingSize { members: 50, tasks: 2_000, epochs: 4 }
    }
}

#[test]
fn bridged_ring_stays_within_five_times_its_honest_income() {
    let size = ring_size();
    let trusted: Vec<AgentKey> = (0..3).map(|i| agent_key(TRUSTED, i)).collect();
    let first: Vec<AgentKey> = (0..FIRST_HOP_WORKERS).map(|i| agent_key(FIRST_HOP, i)).collect();
    let ring: Vec<AgentKey> = (0..size.members).map(|i| agent_key(RING, i)).collect();
    let mut w = world(&trusted, None);
    register_many(&mut w, &trusted, 0);
    register_many(&mut w, &first, 0);
    register_many(&mut w, &ring, 0);
    let mut work = 0;
    first_hop(&mut w, &trusted, &first, &mut work);

    // Every ring member does 10 honest tasks for first-hop employers (member m's j-th for
    // employer (m + j) mod 10: distinct pairs, full pair factor).
    let mut jobs = Vec::new();
    for j in 0..TASKS as usize {
        for (m, member) in ring.iter().enumerate() {
            jobs.push(Job { employer: first[(m + j) % first.len()].clone(), worker: member.clone(), price: PRICE });
        }
    }
    run_jobs(&mut w, &jobs, &mut work);
    start_next_epoch(&mut w);

    // Self-dealing at the cap over several epochs: task c has employer c mod n and worker at
    // offset 1 + ⌊c / n⌋ mod (n − 1), so pairs repeat as rarely as possible.
    let n = u64::from(size.members);
    for epoch in 0..size.epochs {
        let (from, to) = (epoch * size.tasks / size.epochs, (epoch + 1) * size.tasks / size.epochs);
        let jobs: Vec<Job> = (from..to)
            .map(|c| {
                let e = c % n;
                let offset = 1 + (c / n) % (n - 1);
                Job {
                    employer: ring[e as usize].clone(),
                    worker: ring[((e + offset) % n) as usize].clone(),
                    price: RING_PRICE,
                }
            })
            .collect();
        run_jobs(&mut w, &jobs, &mut work);
        start_next_epoch(&mut w);
    }

    let ring_ids: std::collections::BTreeSet<AgentId> = ring.iter().map(AgentKey::id).collect();
    let (mut honest_in, mut self_dealt) = (0u64, 0u64);
    for ((worker, employer), edge) in edges(&w) {
        if ring_ids.contains(&worker) {
            if ring_ids.contains(&employer) {
                self_dealt += edge.gained;
            } else {
                honest_in += edge.gained;
            }
        }
    }
    let received: u64 = ring.iter().map(|k| w.account(&k.id()).received).sum();
    let now: u64 = ring.iter().map(|k| reputation_now(&w, &k.id())).sum();
    let proven: u64 = ring.iter().map(|k| w.account(&k.id()).proven_completions).sum();
    let best_standing = ring.iter().map(|k| standing(&w, &k.id())).max().unwrap_or(0);
    println!("== bridged ring ==");
    println!(
        "  {} members x {TASKS} honest tasks for first-hop employers, then {} self-dealt tasks at {} over {} epochs",
        size.members,
        size.tasks,
        usd(RING_PRICE),
        size.epochs
    );
    println!("  ring proven completions {proven}; best standing in the ring {best_standing} ppm");
    println!(
        "  honest employers conferred H = {honest_in}; self-dealt gains {self_dealt}; ring received {received} = {} of H \
         (target <= 500%); ring reputation now {now}",
        pct(bps(received.into(), honest_in.into()))
    );
    assert_eq!(proven, u64::from(size.members) * u64::from(TASKS) + size.tasks, "every task completed: the attack ran");
    assert!(honest_in > 0, "the ring earned honest reputation");
    assert_eq!(received, honest_in + self_dealt);
    assert!(u128::from(received) <= 5 * u128::from(honest_in), "ring total {received} > 5 x H = {}", 5 * honest_in);
    // The derived bound: self-dealt C ≤ f × (H + C), so C × (1 − f) ≤ H × f.
    let share = u128::from(w.config.genesis.reputation.conferral_share_ppm);
    assert!(u128::from(self_dealt) * (1_000_000 - share) <= u128::from(honest_in) * share, "C <= H f/(1-f)");
    w.assert_conserved();
}
