//! The signatures of a block, checked in batches spread over the cores.
//!
//! Each core takes a contiguous share of the signatures and checks it with one batch equation
//! ([`agora_identity::verify_batch`]); a share whose equation fails is settled signature by
//! signature. The answers are those of single verification whatever the split, so the split
//! (which depends on the core count) cannot change a block's outcome.

use agora_identity::{SignedDigest, verify_batch};
use rayon::prelude::*;

/// Fewest signatures worth a share of their own: below this the batch saves less than
/// handing the work to another core costs.
pub const MIN_SIGNATURE_SHARE: usize = 64;

/// One verdict per signature, in order: `true` where it is valid.
pub fn verify_signatures(items: &[SignedDigest]) -> Vec<bool> {
    if items.is_empty() {
        return Vec::new();
    }
    let share = items.len().div_ceil(rayon::current_num_threads().max(1)).max(MIN_SIGNATURE_SHARE);
    items.par_chunks(share).flat_map_iter(verify_batch).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_identity::AgentKey;

    #[test]
    fn shares_give_the_single_answers_in_order() {
        let mut items: Vec<SignedDigest> = (0..300u32)
            .map(|i| {
                let key = AgentKey::from_seed([(i % 11) as u8; 32]);
                let digest = blake3::hash(&i.to_le_bytes()).into();
                SignedDigest { signer: key.id(), signature: key.sign_digest(&digest), digest }
            })
            .collect();
        for bad in [0, 64, 199, 299] {
            items[bad].digest[5] ^= 0x10;
        }
        let verdicts = verify_signatures(&items);
        assert_eq!(verdicts.len(), items.len());
        for (item, ok) in items.iter().zip(&verdicts) {
            assert_eq!(*ok, item.signature.verify_digest(&item.signer, &item.digest).is_ok());
        }
        assert_eq!(verdicts.iter().filter(|ok| !**ok).count(), 4);
    }
}
