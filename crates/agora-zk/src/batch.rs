//! Batch verification of Groth16 proofs that share a verifying key.
//!
//! For proofs `(A_i, B_i, C_i)` with public inputs `x_i` and weights `r_i`, one check replaces
//! `n` separate ones:
//!
//! ```text
//! Π e(r_i·A_i, B_i) · e(Σ r_i·IC(x_i), −γ) · e(Σ r_i·C_i, −δ)  ==  e(α, β)^(Σ r_i)
//! ```
//!
//! where `IC(x) = γ_abc[0] + Σ_j x_j·γ_abc[j+1]`. Moving the right side over as the pair
//! `e(−(Σ r_i)·α, β)` (with `β` prepared once per key) makes the whole check one
//! multi-Miller loop over `n + 3` pairs and a single final exponentiation. (Raising the
//! prepared `e(α, β)` to `Σ r_i` instead was measured slower: a 128-bit cyclotomic
//! exponentiation costs more than one extra Miller pair plus a G1 multiplication.)
//! `Σ r_i·IC(x_i)` is one MSM over `γ_abc` with the combined scalars
//! `(Σ r_i, Σ r_i·x_i1, …)`, and `Σ r_i·C_i` is one MSM over the `C_i`. Rayon parallelises
//! the per-proof work (`r_i·A_i`, preparing each `B_i`), the MSMs and the Miller loop
//! (arkworks splits it into chunks of pairs whose results are multiplied together).
//!
//! **Weights.** `r_i` are 128-bit values read from a blake3 XOF over a transcript of the whole
//! group (domain string, key id, count, and for each proof its claim index, its public inputs
//! and its proof bytes), so every replica derives the same weights and a prover cannot choose
//! them: a batch containing an invalid proof passes with probability about 2^-128 per check
//! (and grinding over malleated proofs costs that much work).
//!
//! **Failures.** A failing group is bisected: the left half is re-checked with the same
//! weights; if it passes, the right half is known to fail and is split without re-checking.
//! A single proof that fails its weighted check is exactly an invalid proof (the weight is
//! nonzero and the target group has prime order), so the outcome per proof is exact.
//!
//! **Cost bound.** Unbounded bisection of `n` invalid proofs re-checks every sub-batch of every
//! level: about `n·log2(n)` Miller pairs, an amplification an attacker gets for free by filling
//! a block with bad proofs. Here a group's work is capped at [`BATCH_COST_FACTOR`] × the work of
//! verifying its proofs one by one ([`VerifyCost::singles`]): before each sub-batch check the
//! [`Budget`] asks whether the work spent so far, plus this check, plus a single verification of
//! every still-undecided proof, fits the cap; if not, the sub-batch is settled by single
//! verifications. A failing sub-batch of fewer than [`MIN_BISECT`] proofs is settled singly as
//! well (splitting it again saves nothing). Since the whole-group check plus singles for
//! everything fits the cap for every `n ≥ 2` (`4n + 3 ≤ 6n` pairs, `n + 1 ≤ 2n` final
//! exponentiations), the cap always holds; one bad proof among `n` still costs about `2n`
//! Miller pairs and `log2(n)` final exponentiations.

use agora_core::{FieldBytes, KeyId, ProofClaim, ProofVerdict};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{One, Zero};
use ark_groth16::{Groth16, Proof};
use ark_snark::SNARK;
use rayon::prelude::*;

use crate::cost::{CostCounter, VerifyCost};
use crate::encoding::{decode_proof, fields_to_frs};
use crate::verifier::{Groth16Verifier, RegisteredKey};

/// A group's pairing work never exceeds this many times the work of verifying each of its
/// proofs on its own.
pub const BATCH_COST_FACTOR: u64 = 2;

/// A failing sub-batch smaller than this is settled by single verifications.
pub const MIN_BISECT: usize = 4;

/// Domain separation string of the weight transcript.
pub const WEIGHT_DOMAIN: &str = "agora-zk groth16 batch weights v1";

/// One decoded claim waiting for its verdict.
struct Item<'a> {
    /// Position of the claim in the caller's slice.
    index: usize,
    claim: &'a ProofClaim,
    proof: Proof<Bn254>,
    inputs: Vec<Fr>,
}

/// Checks every claim; one verdict per claim, in order. Claims are grouped by key; every group
/// is batch-verified (groups run in parallel).
pub(crate) fn verify_claims(verifier: &Groth16Verifier, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
    let mut keys: std::collections::BTreeMap<KeyId, Option<std::sync::Arc<RegisteredKey>>> = Default::default();
    let mut verdicts = vec![ProofVerdict::Malformed; claims.len()];
    let mut groups: std::collections::BTreeMap<KeyId, Vec<usize>> = Default::default();
    for (i, claim) in claims.iter().enumerate() {
        let key = keys.entry(claim.key_id).or_insert_with(|| verifier.resolve(claim));
        match key {
            None => verdicts[i] = ProofVerdict::UnknownKey,
            Some(key) if claim.public_inputs.len() != key.inputs => verdicts[i] = ProofVerdict::WrongInputCount,
            Some(_) => groups.entry(claim.key_id).or_default().push(i),
        }
    }
    let groups: Vec<(KeyId, Vec<usize>)> = groups.into_iter().collect();
    let results: Vec<Vec<(usize, ProofVerdict)>> = groups
        .par_iter()
        .filter_map(|(id, members)| {
            keys.get(id)
                .and_then(Option::as_ref)
                .map(|key| verify_group(id, key, claims, members, verifier.cost_counter()))
        })
        .collect();
    for (index, verdict) in results.into_iter().flatten() {
        verdicts[index] = verdict;
    }
    verdicts
}

/// Decodes and checks the claims of one key (`members` index into `claims`).
fn verify_group(
    id: &KeyId,
    key: &RegisteredKey,
    claims: &[ProofClaim],
    members: &[usize],
    cost: &CostCounter,
) -> Vec<(usize, ProofVerdict)> {
    let decoded: Vec<Result<Item<'_>, usize>> = members
        .par_iter()
        .map(|&index| {
            let claim = &claims[index];
            match decode_proof(&claim.proof) {
                Ok(proof) => Ok(Item { index, claim, proof, inputs: fields_to_frs(&claim.public_inputs) }),
                Err(_) => Err(index),
            }
        })
        .collect();
    let mut out = Vec::with_capacity(members.len());
    let mut items = Vec::with_capacity(members.len());
    for entry in decoded {
        match entry {
            Ok(item) => items.push(item),
            Err(index) => out.push((index, ProofVerdict::Malformed)),
        }
    }
    let valid = check_items(id, key, &items, cost);
    for (item, ok) in items.iter().zip(valid) {
        out.push((item.index, if ok { ProofVerdict::Valid } else { ProofVerdict::Invalid }));
    }
    out
}

/// Per-proof precomputation for the batch equation.
struct Batch<'k> {
    key: &'k RegisteredKey,
    cost: &'k CostCounter,
    weights: Vec<Fr>,
    /// `r_i·A_i`.
    weighted_a: Vec<G1Affine>,
    /// `B_i`, prepared for the Miller loop.
    prepared_b: Vec<<Bn254 as Pairing>::G2Prepared>,
    c: Vec<G1Affine>,
    inputs: Vec<Vec<Fr>>,
}

/// Checks decoded items of one key; returns one boolean per item, in order.
fn check_items(id: &KeyId, key: &RegisteredKey, items: &[Item<'_>], cost: &CostCounter) -> Vec<bool> {
    match items {
        [] => Vec::new(),
        [item] => {
            cost.add(VerifyCost::SINGLE);
            let ok = Groth16::<Bn254>::verify_with_processed_vk(&key.pvk, &item.inputs, &item.proof).unwrap_or(false);
            vec![ok]
        }
        _ => {
            let batch = Batch::new(id, key, items, cost);
            let mut out = vec![false; items.len()];
            let mut budget = Budget::new(items.len());
            batch.settle(items, 0, &mut out, false, &mut budget);
            out
        }
    }
}

/// The deterministic batch weights for the given claims under key `id`: 128-bit values from a
/// blake3 XOF over (domain, key id, count, and per claim: index, inputs, proof bytes). A zero
/// weight (probability 2^-128) is replaced by one.
pub fn derive_weights(id: &KeyId, claims: &[(usize, &[FieldBytes], &[u8])]) -> Vec<Fr> {
    let mut hasher = blake3::Hasher::new_derive_key(WEIGHT_DOMAIN);
    hasher.update(&id.0);
    let count = claims.len();
    hasher.update(&(count as u64).to_le_bytes());
    for &(index, inputs, proof) in claims {
        hasher.update(&(index as u64).to_le_bytes());
        hasher.update(&(inputs.len() as u64).to_le_bytes());
        for input in inputs {
            hasher.update(input.as_bytes());
        }
        hasher.update(&(proof.len() as u64).to_le_bytes());
        hasher.update(proof);
    }
    let mut xof = hasher.finalize_xof();
    (0..count)
        .map(|_| {
            let mut bytes = [0u8; 16];
            xof.fill(&mut bytes);
            let weight = Fr::from(u128::from_le_bytes(bytes));
            if weight.is_zero() { Fr::one() } else { weight }
        })
        .collect()
}

impl<'k> Batch<'k> {
    fn new(id: &KeyId, key: &'k RegisteredKey, items: &[Item<'_>], cost: &'k CostCounter) -> Self {
        let transcript: Vec<(usize, &[FieldBytes], &[u8])> =
            items.iter().map(|it| (it.index, it.claim.public_inputs.as_slice(), it.claim.proof.as_slice())).collect();
        let weights = derive_weights(id, &transcript);
        let weighted: Vec<G1Projective> =
            items.par_iter().zip(weights.par_iter()).map(|(it, r)| it.proof.a * r).collect();
        let weighted_a = G1Projective::normalize_batch(&weighted);
        let prepared_b = items.par_iter().map(|it| it.proof.b.into()).collect();
        let c = items.iter().map(|it| it.proof.c).collect();
        let inputs = items.iter().map(|it| it.inputs.clone()).collect();
        Batch { key, cost, weights, weighted_a, prepared_b, c, inputs }
    }

    /// Decides items `lo .. lo + out.len()`; `known_failed` says their combined check is
    /// already known to fail.
    fn settle(&self, items: &[Item<'_>], lo: usize, out: &mut [bool], known_failed: bool, budget: &mut Budget) {
        let n = out.len();
        if known_failed && n == 1 {
            // A failing weighted check of one proof is exactly an invalid proof.
            out.fill(false);
            budget.decided(1);
            return;
        }
        if !known_failed {
            if n == 1 || !budget.affords_check(n) {
                self.singles(items, lo, out, budget);
                return;
            }
            budget.checked(n);
            if self.check(lo, n) {
                out.fill(true);
                budget.decided(n);
                return;
            }
        }
        let half = n / 2;
        if n < MIN_BISECT || !budget.affords_check(half) {
            self.singles(items, lo, out, budget);
            return;
        }
        let (left, right) = out.split_at_mut(half);
        budget.checked(half);
        let left_ok = self.check(lo, half);
        if left_ok {
            left.fill(true);
            budget.decided(half);
        } else {
            self.settle(items, lo, left, true, budget);
        }
        // If the left half passed, the right half must hold the failure.
        self.settle(items, lo + half, right, left_ok, budget);
    }

    /// Decides items `lo .. lo + out.len()` by single verification each (in parallel).
    fn singles(&self, items: &[Item<'_>], lo: usize, out: &mut [bool], budget: &mut Budget) {
        let pvk = &self.key.pvk;
        let results: Vec<bool> = items[lo..lo + out.len()]
            .par_iter()
            .map(|item| Groth16::<Bn254>::verify_with_processed_vk(pvk, &item.inputs, &item.proof).unwrap_or(false))
            .collect();
        out.copy_from_slice(&results);
        let count = out.len() as u64;
        self.cost.add(VerifyCost::singles(count));
        budget.spent = budget.spent.plus(VerifyCost::singles(count));
        budget.decided(out.len());
    }

    /// The batch equation over items `lo .. lo + n` (counted as [`VerifyCost::batch_check`]).
    fn check(&self, lo: usize, n: usize) -> bool {
        self.cost.add(VerifyCost::batch_check(n as u64));
        let range = lo..lo + n;
        let weights = &self.weights[range.clone()];
        let vk = &self.key.pvk.vk;
        let mut sum_r = Fr::zero();
        let mut ic_scalars = vec![Fr::zero(); vk.gamma_abc_g1.len()];
        for (r, inputs) in weights.iter().zip(&self.inputs[range.clone()]) {
            sum_r += r;
            for (acc, x) in ic_scalars.iter_mut().skip(1).zip(inputs) {
                *acc += *r * x;
            }
        }
        if let Some(first) = ic_scalars.first_mut() {
            *first = sum_r;
        }
        let (Ok(ic), Ok(c_sum)) =
            (G1Projective::msm(&vk.gamma_abc_g1, &ic_scalars), G1Projective::msm(&self.c[range.clone()], weights))
        else {
            return false;
        };
        let neg_alpha = vk.alpha_g1 * (-sum_r);
        let tail = G1Projective::normalize_batch(&[ic, c_sum, neg_alpha]);
        let g1: Vec<<Bn254 as Pairing>::G1Prepared> =
            self.weighted_a[range.clone()].iter().chain(&tail).map(|p| (*p).into()).collect();
        let g2: Vec<<Bn254 as Pairing>::G2Prepared> = self.prepared_b[range]
            .iter()
            .cloned()
            .chain([
                self.key.pvk.gamma_g2_neg_pc.clone(),
                self.key.pvk.delta_g2_neg_pc.clone(),
                self.key.beta_prepared.clone(),
            ])
            .collect();
        if g1.len() != g2.len() {
            return false;
        }
        let miller = Bn254::multi_miller_loop(g1, g2);
        match Bn254::final_exponentiation(miller) {
            Some(result) => result.0.is_one(),
            None => false,
        }
    }
}

/// The work one group may still spend: [`BATCH_COST_FACTOR`] × single verification of all
/// its proofs, minus what was spent, always keeping enough to verify every undecided proof on
/// its own.
struct Budget {
    limit: VerifyCost,
    spent: VerifyCost,
    undecided: u64,
}

impl Budget {
    fn new(n: usize) -> Self {
        let n = n as u64;
        Budget {
            limit: VerifyCost::singles(BATCH_COST_FACTOR.saturating_mul(n)),
            spent: VerifyCost::default(),
            undecided: n,
        }
    }

    /// True when a batch check of `m` proofs still leaves room to verify every undecided proof
    /// singly.
    fn affords_check(&self, m: usize) -> bool {
        self.spent.plus(VerifyCost::batch_check(m as u64)).plus(VerifyCost::singles(self.undecided)).within(self.limit)
    }

    /// Records a batch check of `m` proofs.
    fn checked(&mut self, m: usize) {
        self.spent = self.spent.plus(VerifyCost::batch_check(m as u64));
    }

    /// Records that `m` proofs have their verdict.
    fn decided(&mut self, m: usize) {
        self.undecided = self.undecided.saturating_sub(m as u64);
    }
}
