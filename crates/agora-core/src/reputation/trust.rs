//! Standing: EigenTrust over the evidence graph, seeded by the trusted set in state and
//! recomputed deterministically once per epoch, over a bounded window of the highest-evidence edges.

use super::STANDING_ONE;
use crate::encoding::{Canonical, DecodeError, Reader, Writer};
use crate::limits::MAX_TRUST_EDGES;
use crate::state::{Layer, StateError, StateView, Table};
use agora_identity::AgentId;
use std::collections::{BTreeMap, BTreeSet};

/// Counter holding the epoch standing was last computed for.
pub const EPOCH_COUNTER: &str = "epoch";
/// Power iterations of EigenTrust per recomputation.
pub const TRUST_ITERATIONS: usize = 24;
/// Teleport probability back to the trusted seeds, in parts per million (0.15).
const ALPHA_PPM: u128 = 150_000;
/// Total trust mass in fixed point.
const TOTAL_TRUST: u128 = 1_000_000_000_000_000_000;

/// Evidence of verified work by a worker for an employer (key: worker ‖ employer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EdgeRecord {
    /// Value weight × pair factor summed over completions: how much the employer vouched for
    /// the worker, before standing. EigenTrust's local trust is proportional to it.
    #[serde(with = "crate::json::u64_string")]
    pub evidence: u64,
    /// Verified completions between the pair.
    pub count: u32,
    /// Reputation these completions gave the worker (after standing).
    #[serde(with = "crate::json::u64_string")]
    pub gained: u64,
}

impl Canonical for EdgeRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.evidence);
        w.u32(self.count);
        w.u64(self.gained);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(EdgeRecord { evidence: r.u64()?, count: r.u32()?, gained: r.u64()? })
    }
}

fn corrupt(table: Table, reason: impl std::fmt::Display) -> StateError {
    StateError::Corrupt { table: table.name(), reason: reason.to_string() }
}

/// Raw 32-byte agent key (the recompute never decompresses points: the bytes were written by
/// the state machine from valid ids).
type RawAgent = [u8; 32];

/// The key of an edge in [`Table::TrustRank`]: `(u64::MAX − evidence)` big-endian ‖ worker ‖
/// employer, so a key-order scan yields the highest evidence first.
pub fn rank_key(evidence: u64, worker: &AgentId, employer: &AgentId) -> Vec<u8> {
    let mut key = Vec::with_capacity(72);
    key.extend_from_slice(&(u64::MAX - evidence).to_be_bytes());
    key.extend_from_slice(worker.as_bytes());
    key.extend_from_slice(employer.as_bytes());
    key
}

/// One evidence edge as the recompute reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowEdge {
    /// The worker vouched for.
    pub worker: AgentId,
    /// The employer that paid for verified work.
    pub employer: AgentId,
    /// The edge's evidence.
    pub evidence: u64,
}

fn parse_rank_key(key: &[u8]) -> Result<(u64, RawAgent, RawAgent), StateError> {
    let bad = || corrupt(Table::TrustRank, "key is not 72 bytes");
    let inverted: [u8; 8] = key.get(0..8).and_then(|s| s.try_into().ok()).ok_or_else(bad)?;
    let worker: RawAgent = key.get(8..40).and_then(|s| s.try_into().ok()).ok_or_else(bad)?;
    let employer: RawAgent = key.get(40..72).and_then(|s| s.try_into().ok()).ok_or_else(bad)?;
    if key.len() != 72 {
        return Err(bad());
    }
    Ok((u64::MAX - u64::from_be_bytes(inverted), worker, employer))
}

fn raw_window(view: &dyn StateView, limit: usize) -> Result<Vec<(u64, RawAgent, RawAgent)>, StateError> {
    view.scan_prefix(Table::TrustRank, &[], limit)?.iter().map(|(key, _)| parse_rank_key(key)).collect()
}

/// The evidence edges the recompute reads: the `limit` with the highest evidence (ties in key
/// order), highest first. One scan of [`Table::TrustRank`].
pub fn evidence_window(view: &dyn StateView, limit: usize) -> Result<Vec<WindowEdge>, StateError> {
    raw_window(view, limit)?
        .into_iter()
        .map(|(evidence, worker, employer)| {
            let id = |raw: RawAgent| AgentId::from_public_key_bytes(raw).map_err(|e| corrupt(Table::TrustRank, e));
            Ok(WindowEdge { worker: id(worker)?, employer: id(employer)?, evidence })
        })
        .collect()
}

/// Recomputes every agent's standing from the evidence graph and writes the `Standing` table
/// (trusted seeds are implicit: always full standing), seeded by the trusted set as it stands in
/// state (the genesis list plus operator changes).
pub fn recompute_standing(layer: &mut Layer<'_>) -> Result<(), StateError> {
    let seeds: BTreeSet<AgentId> = super::trusted_set(&*layer)?;
    recompute_standing_from(layer, &seeds)
}

/// [`recompute_standing`] from an explicit set of trusted seeds. Cost: one scan of at most
/// `MAX_TRUST_EDGES` entries of [`Table::TrustRank`] (the highest-evidence edges), then
/// `TRUST_ITERATIONS` passes over them, then one rewrite of the `Standing` table (at most one
/// entry per agent in the window).
pub fn recompute_standing_from(layer: &mut Layer<'_>, seeds: &BTreeSet<AgentId>) -> Result<(), StateError> {
    let window = raw_window(layer, MAX_TRUST_EDGES)?;
    let trusted: BTreeSet<RawAgent> = seeds.iter().map(|a| *a.as_bytes()).collect();
    let standings = eigentrust(&trusted, &window);
    for (key, _) in layer.scan_prefix(Table::Standing, &[], usize::MAX)? {
        layer.delete(Table::Standing, key);
    }
    for (agent, standing) in standings {
        layer.put(Table::Standing, agent.to_vec(), standing.to_le_bytes().to_vec());
    }
    Ok(())
}

/// EigenTrust over `window` (evidence, worker, employer) from `trusted`: the non-zero standing
/// of every agent outside `trusted`, in key order.
fn eigentrust(trusted: &BTreeSet<RawAgent>, window: &[(u64, RawAgent, RawAgent)]) -> Vec<(RawAgent, u64)> {
    let mut index: BTreeMap<RawAgent, usize> = BTreeMap::new();
    let mut agents: Vec<RawAgent> = Vec::new();
    let mut id_of = |agent: RawAgent, index: &mut BTreeMap<RawAgent, usize>| -> usize {
        *index.entry(agent).or_insert_with(|| {
            agents.push(agent);
            agents.len() - 1
        })
    };
    for seed in trusted {
        id_of(*seed, &mut index);
    }
    // (employer, worker, evidence)
    let mut edges: Vec<(usize, usize, u128)> = Vec::with_capacity(window.len());
    for (evidence, worker, employer) in window {
        if *evidence > 0 && worker != employer {
            let (e, w) = (id_of(*employer, &mut index), id_of(*worker, &mut index));
            edges.push((e, w, u128::from(*evidence)));
        }
    }
    let n = agents.len();
    let mut out = vec![0u128; n];
    for (e, _, weight) in &edges {
        out[*e] += weight;
    }
    let seed_share = if trusted.is_empty() { 0 } else { TOTAL_TRUST / trusted.len() as u128 };
    let prior: Vec<u128> = agents.iter().map(|a| if trusted.contains(a) { seed_share } else { 0 }).collect();
    let mut trust = prior.clone();
    for _ in 0..TRUST_ITERATIONS {
        let mut next = vec![0u128; n];
        let mut dangling = 0u128;
        for i in 0..n {
            if out[i] == 0 {
                dangling += trust[i];
            }
        }
        for (e, w, weight) in &edges {
            next[*w] += trust[*e] * weight / out[*e];
        }
        for j in 0..n {
            let redistributed = if seed_share == 0 {
                0
            } else {
                dangling / TOTAL_TRUST * prior[j] + dangling % TOTAL_TRUST * prior[j] / TOTAL_TRUST
            };
            next[j] =
                (next[j] + redistributed) * (1_000_000 - ALPHA_PPM) / 1_000_000 + prior[j] * ALPHA_PPM / 1_000_000;
        }
        trust = next;
    }

    // A seed's own teleport share is the yardstick of full standing.
    let reference = seed_share * ALPHA_PPM / 1_000_000;
    if reference == 0 {
        return Vec::new();
    }
    let mut standings: Vec<(RawAgent, u64)> = agents
        .iter()
        .enumerate()
        .filter(|(_, agent)| !trusted.contains(*agent))
        .filter_map(|(i, agent)| {
            let standing = (trust[i] * u128::from(STANDING_ONE) / reference).min(u128::from(STANDING_ONE));
            (standing > 0).then_some((*agent, standing as u64))
        })
        .collect();
    standings.sort_unstable();
    standings
}
