//! Counting the pairing work a verifier does, so that tests (and operators) can see what a
//! batch cost in the units that dominate Groth16 verification: Miller-loop pairs and final
//! exponentiations.
//!
//! One single verification (`Groth16::verify_with_processed_vk`) is [`VerifyCost::SINGLE`]:
//! a three-pair Miller loop and one final exponentiation. A batch check over `m` proofs is
//! `m + 3` pairs and one final exponentiation (see [`crate::batch`]).

use std::sync::atomic::{AtomicU64, Ordering};

/// Pairing work: Miller-loop pairs and final exponentiations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct VerifyCost {
    /// Pairs fed to (multi-)Miller loops.
    pub miller_pairs: u64,
    /// Final exponentiations.
    pub final_exponentiations: u64,
}

impl VerifyCost {
    /// The cost of one single Groth16 verification.
    pub const SINGLE: VerifyCost = VerifyCost { miller_pairs: 3, final_exponentiations: 1 };

    /// The cost of `n` single verifications.
    pub const fn singles(n: u64) -> VerifyCost {
        VerifyCost {
            miller_pairs: Self::SINGLE.miller_pairs.saturating_mul(n),
            final_exponentiations: Self::SINGLE.final_exponentiations.saturating_mul(n),
        }
    }

    /// The cost of one batch check over `m` proofs: `m + 3` pairs, one final exponentiation.
    pub const fn batch_check(m: u64) -> VerifyCost {
        VerifyCost { miller_pairs: m.saturating_add(3), final_exponentiations: 1 }
    }

    /// `self + other`, saturating.
    pub const fn plus(self, other: VerifyCost) -> VerifyCost {
        VerifyCost {
            miller_pairs: self.miller_pairs.saturating_add(other.miller_pairs),
            final_exponentiations: self.final_exponentiations.saturating_add(other.final_exponentiations),
        }
    }

    /// True when neither component exceeds `bound`'s.
    pub const fn within(self, bound: VerifyCost) -> bool {
        self.miller_pairs <= bound.miller_pairs && self.final_exponentiations <= bound.final_exponentiations
    }

    /// This cost in single-verification equivalents, ×100 (integer): the larger of the two
    /// components' ratios to [`VerifyCost::SINGLE`].
    pub const fn single_equivalents_x100(self) -> u64 {
        let pairs = self.miller_pairs.saturating_mul(100) / Self::SINGLE.miller_pairs;
        let exps = self.final_exponentiations.saturating_mul(100) / Self::SINGLE.final_exponentiations;
        if pairs > exps { pairs } else { exps }
    }
}

/// A thread-safe running total of [`VerifyCost`] (batch checks run in parallel per key).
#[derive(Debug, Default)]
pub(crate) struct CostCounter {
    pairs: AtomicU64,
    exps: AtomicU64,
}

impl CostCounter {
    /// Adds `cost`.
    pub(crate) fn add(&self, cost: VerifyCost) {
        self.pairs.fetch_add(cost.miller_pairs, Ordering::Relaxed);
        self.exps.fetch_add(cost.final_exponentiations, Ordering::Relaxed);
    }

    /// The total so far.
    pub(crate) fn get(&self) -> VerifyCost {
        VerifyCost {
            miller_pairs: self.pairs.load(Ordering::Relaxed),
            final_exponentiations: self.exps.load(Ordering::Relaxed),
        }
    }

    /// Back to zero.
    pub(crate) fn reset(&self) {
        self.pairs.store(0, Ordering::Relaxed);
        self.exps.store(0, Ordering::Relaxed);
    }
}

impl Clone for CostCounter {
    fn clone(&self) -> Self {
        let total = self.get();
        CostCounter { pairs: AtomicU64::new(total.miller_pairs), exps: AtomicU64::new(total.final_exponentiations) }
    }
}
