//! Batch verification of Ed25519 signatures under the ZIP-215 rule, giving exactly the answers
//! single verification gives.
//!
//! For signatures `(R_i, s_i)` by keys `A_i` over messages with challenges
//! `k_i = SHA-512(R_i ‖ A_i ‖ M_i) mod ℓ`, one multiscalar multiplication checks them all:
//!
//! ```text
//! [8]( [−Σ z_i·s_i]B + Σ [z_i]R_i + Σ_A [Σ_{i: A_i = A} z_i·k_i]A ) = 0
//! ```
//!
//! This is ZIP-215's cofactored equation `[8][s]B = [8]R + [8][k]A` summed with weights `z_i`.
//! Each term that is zero on its own (a valid signature) stays zero; a term that is not zero
//! lies, after the factor 8, in the prime-order subgroup, and random 128-bit weights cancel it
//! with probability at most 2^-128. A batch that fails is settled by single verification of each
//! signature, so every signature gets the answer [`crate::Signature::verify_digest`] gives.
//!
//! **Why not a library's batch verifier.** ed25519-zebra's and ed25519-consensus's batch
//! verifiers implement the same equation but draw the weights from a caller's RNG in the order
//! of a `HashMap`, and decompress every key each time. Here the weights are read from a blake3
//! XOF over the whole batch (keys, signatures, digests), in the order given, and keys come
//! decompressed from the [`KeyCache`]: the check reads no randomness and a repeat signer costs
//! no decompression. Single verification is ed25519-zebra's, the reference the batch answers
//! are tested against (the ZIP-215 edge-case vectors among them).

use crate::did::AgentId;
use crate::key_cache::KeyCache;
use crate::signing::Signature;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest as _, Sha512};
use std::collections::BTreeMap;

/// Domain string of the weight transcript.
pub const SIGNATURE_WEIGHT_DOMAIN: &str = "agora-identity ed25519 batch weights v1";

/// One signature to check: `signature` by `signer` over the 32-byte `digest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedDigest {
    /// Who signed.
    pub signer: AgentId,
    /// The signature.
    pub signature: Signature,
    /// What was signed.
    pub digest: [u8; 32],
}

/// Checks every signature; `true` where [`crate::Signature::verify_digest`] would accept it.
/// One batch equation for all of them, then single checks only if it fails.
pub fn verify_batch(items: &[SignedDigest]) -> Vec<bool> {
    verify_batch_with(KeyCache::global(), items)
}

/// [`verify_batch`] with raw key bytes (not necessarily an acceptable agent id) and the given
/// cache: the rule as such, for the ZIP-215 vectors and for tests.
pub fn verify_raw_batch(cache: &KeyCache, items: &[([u8; 32], [u8; 64], [u8; 32])]) -> Vec<bool> {
    let parsed: Vec<Option<Term>> =
        items.iter().map(|(key, sig, digest)| Term::parse(cache, key, sig, digest)).collect();
    settle(cache, items, &parsed)
}

/// [`verify_raw_batch`] for a single signature: the single-verification rule.
pub fn verify_raw_single(cache: &KeyCache, key: &[u8; 32], signature: &[u8; 64], digest: &[u8; 32]) -> bool {
    let Some(decoded) = cache.get(key) else { return false };
    let signature = ed25519_zebra::Signature::from_bytes(signature);
    decoded.single.verify(&signature, digest).is_ok()
}

fn verify_batch_with(cache: &KeyCache, items: &[SignedDigest]) -> Vec<bool> {
    let raw: Vec<([u8; 32], [u8; 64], [u8; 32])> =
        items.iter().map(|item| (*item.signer.as_bytes(), item.signature.to_bytes(), item.digest)).collect();
    verify_raw_batch(cache, &raw)
}

/// One signature's part of the equation; `None` when it fails before the equation (key or `R`
/// not a point, `s` not below ℓ): that signature is invalid on its own.
struct Term {
    key: [u8; 32],
    a: EdwardsPoint,
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

impl Term {
    fn parse(cache: &KeyCache, key: &[u8; 32], signature: &[u8; 64], digest: &[u8; 32]) -> Option<Term> {
        let decoded = cache.get(key)?;
        let mut r_bytes = [0u8; 32];
        r_bytes.copy_from_slice(&signature[..32]);
        let mut s_bytes = [0u8; 32];
        s_bytes.copy_from_slice(&signature[32..]);
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
        let r = CompressedEdwardsY(r_bytes).decompress()?;
        let mut hash = Sha512::new();
        hash.update(r_bytes);
        hash.update(key);
        hash.update(digest);
        let k = Scalar::from_bytes_mod_order_wide(&hash.finalize().into());
        Some(Term { key: *key, a: decoded.point, r, s, k })
    }
}

/// Runs the equation over the parsed terms and falls back to single checks if it fails.
fn settle(cache: &KeyCache, items: &[([u8; 32], [u8; 64], [u8; 32])], parsed: &[Option<Term>]) -> Vec<bool> {
    let terms: Vec<&Term> = parsed.iter().flatten().collect();
    let batch_holds = match terms.len() {
        0 => true,
        _ => equation_holds(&terms, &weights(items, parsed)),
    };
    items
        .iter()
        .zip(parsed)
        .map(|((key, signature, digest), term)| match term {
            None => false,
            Some(_) if batch_holds => true,
            Some(_) => verify_raw_single(cache, key, signature, digest),
        })
        .collect()
}

/// 128-bit weights from a blake3 XOF over every item, one per parsed term, in order.
fn weights(items: &[([u8; 32], [u8; 64], [u8; 32])], parsed: &[Option<Term>]) -> Vec<Scalar> {
    let mut hasher = blake3::Hasher::new_derive_key(SIGNATURE_WEIGHT_DOMAIN);
    hasher.update(&(items.len() as u64).to_le_bytes());
    for (key, signature, digest) in items {
        hasher.update(key);
        hasher.update(signature);
        hasher.update(digest);
    }
    let mut xof = hasher.finalize_xof();
    parsed
        .iter()
        .flatten()
        .map(|_| {
            let mut bytes = [0u8; 16];
            xof.fill(&mut bytes);
            let weight = u128::from_le_bytes(bytes);
            Scalar::from(if weight == 0 { 1 } else { weight })
        })
        .collect()
}

fn equation_holds(terms: &[&Term], weights: &[Scalar]) -> bool {
    let mut b_coeff = Scalar::ZERO;
    let mut r_coeffs = Vec::with_capacity(terms.len());
    let mut r_points = Vec::with_capacity(terms.len());
    // One coefficient per distinct key: a repeat signer adds one point, not one per signature.
    let mut by_key: BTreeMap<[u8; 32], (EdwardsPoint, Scalar)> = BTreeMap::new();
    for (term, z) in terms.iter().zip(weights) {
        b_coeff -= z * term.s;
        r_coeffs.push(*z);
        r_points.push(term.r);
        let entry = by_key.entry(term.key).or_insert((term.a, Scalar::ZERO));
        entry.1 += z * term.k;
    }
    let (a_points, a_coeffs): (Vec<EdwardsPoint>, Vec<Scalar>) = by_key.into_values().unzip();
    let check = EdwardsPoint::vartime_multiscalar_mul(
        std::iter::once(&b_coeff).chain(&a_coeffs).chain(&r_coeffs),
        std::iter::once(&ED25519_BASEPOINT_POINT).chain(&a_points).chain(&r_points),
    );
    check.mul_by_cofactor().is_identity()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AgentKey;

    fn signed(seed: u8, message: u8) -> SignedDigest {
        let key = AgentKey::from_seed([seed; 32]);
        let digest = [message; 32];
        SignedDigest { signer: key.id(), signature: key.sign_digest(&digest), digest }
    }

    #[test]
    fn a_batch_of_valid_signatures_is_all_true() {
        let items: Vec<SignedDigest> = (0..40).map(|i| signed(i % 7, i)).collect();
        assert!(verify_batch(&items).iter().all(|ok| *ok));
    }

    #[test]
    fn a_bad_signature_in_a_batch_is_found_and_the_rest_still_pass() {
        let mut items: Vec<SignedDigest> = (0..20).map(|i| signed(i, i)).collect();
        items[7].digest[0] ^= 1;
        let mut forged = items[13].signature.to_bytes();
        forged[40] ^= 4;
        items[13].signature = Signature::from_bytes(forged);
        let verdicts = verify_batch(&items);
        for (i, ok) in verdicts.iter().enumerate() {
            assert_eq!(*ok, i != 7 && i != 13, "signature {i}");
            assert_eq!(*ok, items[i].signature.verify_digest(&items[i].signer, &items[i].digest).is_ok());
        }
    }

    #[test]
    fn an_empty_batch_has_no_verdicts() {
        assert!(verify_batch(&[]).is_empty());
    }
}
