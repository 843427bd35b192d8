//! Standing: EigenTrust over the evidence graph, seeded by the genesis-trusted agents and
//! recomputed deterministically at epoch boundaries.

use super::STANDING_ONE;
use super::params::ReputationParams;
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

fn agent_at(key: &[u8], range: std::ops::Range<usize>) -> Result<AgentId, StateError> {
    let bytes: [u8; 32] =
        key.get(range).and_then(|s| s.try_into().ok()).ok_or_else(|| corrupt(Table::TrustEdges, "key"))?;
    AgentId::from_public_key_bytes(bytes).map_err(|e| corrupt(Table::TrustEdges, e))
}

/// Recomputes every agent's standing from the evidence graph and writes the `Standing` table
/// (trusted seeds are implicit: always full standing). Cost: `TRUST_ITERATIONS` passes over the
/// edges (at most `MAX_TRUST_EDGES`, in key order).
pub fn recompute_standing(layer: &mut Layer<'_>, params: &ReputationParams) -> Result<(), StateError> {
    let trusted: BTreeSet<AgentId> = params.trusted.iter().copied().collect();
    let mut index: BTreeMap<AgentId, usize> = BTreeMap::new();
    let mut agents: Vec<AgentId> = Vec::new();
    let mut id_of = |agent: AgentId, index: &mut BTreeMap<AgentId, usize>| -> usize {
        *index.entry(agent).or_insert_with(|| {
            agents.push(agent);
            agents.len() - 1
        })
    };
    for seed in &trusted {
        id_of(*seed, &mut index);
    }
    // (employer, worker, evidence)
    let mut edges: Vec<(usize, usize, u128)> = Vec::new();
    for (key, value) in layer.scan_prefix(Table::TrustEdges, &[], MAX_TRUST_EDGES)? {
        let worker = agent_at(&key, 0..32)?;
        let employer = agent_at(&key, 32..64)?;
        let record = EdgeRecord::from_canonical_bytes(&value).map_err(|e| corrupt(Table::TrustEdges, e))?;
        if record.evidence > 0 && worker != employer {
            let (e, w) = (id_of(employer, &mut index), id_of(worker, &mut index));
            edges.push((e, w, u128::from(record.evidence)));
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

    for (key, _) in layer.scan_prefix(Table::Standing, &[], usize::MAX)? {
        layer.delete(Table::Standing, key);
    }
    // A seed's own teleport share is the yardstick of full standing.
    let reference = seed_share * ALPHA_PPM / 1_000_000;
    if reference == 0 {
        return Ok(());
    }
    for (i, agent) in agents.iter().enumerate() {
        if trusted.contains(agent) {
            continue;
        }
        let standing = (trust[i] * u128::from(STANDING_ONE) / reference).min(u128::from(STANDING_ONE));
        if standing > 0 {
            layer.put(Table::Standing, agent.as_bytes().to_vec(), (standing as u64).to_le_bytes().to_vec());
        }
    }
    Ok(())
}
