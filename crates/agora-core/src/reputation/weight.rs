//! How much one verified completion is worth.

use super::STANDING_ONE;
use crate::ids::Amount;

/// Points a payment of exactly one reference amount earns at full standing.
pub const POINTS_PER_REFERENCE: u64 = 1_000;
/// Cap on the value weight of one completion (100 reference amounts), so one huge self-paid
/// task cannot buy a reputation.
pub const MAX_VALUE_WEIGHT_POINTS: u64 = 100 * POINTS_PER_REFERENCE;

/// Points for a payment of `paid` when `reference` is worth [`POINTS_PER_REFERENCE`];
/// 0 when the asset has no reference amount.
pub fn value_weight(paid: Amount, reference: Option<Amount>) -> u64 {
    match reference {
        None | Some(0) => 0,
        Some(reference) => {
            let cap = u128::from(MAX_VALUE_WEIGHT_POINTS);
            let whole = (paid / reference).checked_mul(u128::from(POINTS_PER_REFERENCE)).unwrap_or(cap);
            // The remainder is below `reference`; exact unless `reference` is astronomically large.
            let rest = paid % reference;
            let part = rest
                .checked_mul(u128::from(POINTS_PER_REFERENCE))
                .map(|scaled| scaled / reference)
                .unwrap_or_else(|| rest / (reference / u128::from(POINTS_PER_REFERENCE)));
            u64::try_from(whole.saturating_add(part).min(cap)).unwrap_or(MAX_VALUE_WEIGHT_POINTS)
        }
    }
}

/// The share (parts per million) the k-th completion between one employer and one worker
/// keeps: 1/(k+1)².
pub fn pair_factor_ppm(prior_completions: u32) -> u64 {
    let k = u64::from(prior_completions) + 1;
    1_000_000 / k.saturating_mul(k)
}

/// The reputation a completion earns its worker.
pub fn completion_gain(paid: Amount, reference: Option<Amount>, prior_pair_completions: u32, standing: u64) -> u64 {
    let weight = u128::from(value_weight(paid, reference));
    let pair = u128::from(pair_factor_ppm(prior_pair_completions));
    let standing = u128::from(standing.min(STANDING_ONE));
    u64::try_from(weight * pair / 1_000_000 * standing / u128::from(STANDING_ONE)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_weight_scales_with_payment_and_is_capped() {
        assert_eq!(value_weight(1_000_000, Some(1_000_000)), 1_000);
        assert_eq!(value_weight(2_500_000, Some(1_000_000)), 2_500);
        assert_eq!(value_weight(u128::MAX, Some(1)), MAX_VALUE_WEIGHT_POINTS);
        assert_eq!(value_weight(5, None), 0);
    }

    #[test]
    fn repeated_pairs_sum_to_less_than_twice_the_first() {
        let first = completion_gain(1_000_000, Some(1_000_000), 0, STANDING_ONE);
        let total: u64 = (0..1_000).map(|k| completion_gain(1_000_000, Some(1_000_000), k, STANDING_ONE)).sum();
        assert!(total <= 2 * first, "{total} vs {first}");
        assert_eq!(completion_gain(1_000_000, Some(1_000_000), 0, 0), 0, "no standing, no gain");
    }
}
