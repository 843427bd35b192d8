//! The exact integer terms of a loan: interest, value in reference points, the borrow limit and
//! the compensation a lender receives on default. No floats; every rounding is stated.

use crate::config::bps_of;
use crate::ids::Amount;
use crate::limits::BPS_DENOMINATOR;
use crate::reputation::POINTS_PER_REFERENCE;

/// Value (in reference points) one pledged reputation point backs, in basis points of the
/// pledge: 10,000 = one point of value per pledged point, so a loan of one reference amount
/// (1,000 points) needs 1,000 pledged points — the reputation one such payment earns at full
/// standing.
pub const PLEDGE_COVER_BPS: u16 = 10_000;
/// Share of the borrower's bond (valued in reference points) that its active loans may add up
/// to, in basis points.
pub const BOND_BORROW_BPS: u16 = 5_000;
/// Share of the borrower's current bond seized for the lender on default, in basis points,
/// before the bound by what is owed.
pub const DEFAULT_BOND_SHARE_BPS: u16 = 5_000;

/// Interest owed on `principal` at `bps` basis points: `principal × bps / 10,000` **rounded
/// up** (so the lender never receives less than the stated rate); exact for any u128.
pub fn interest_on(principal: Amount, bps: u16) -> Amount {
    let floor = bps_of(principal, bps);
    let d = Amount::from(BPS_DENOMINATOR);
    // principal × bps ≡ (principal mod d) × bps (mod d): the division is exact iff this is 0.
    if ((principal % d) * Amount::from(bps)).is_multiple_of(d) { floor } else { floor.saturating_add(1) }
}

/// The value of `amount` in reference points, `amount × 1,000 / reference` **rounded up**
/// (a borrower can never shave a loan under its limit); `None` when the asset has no reference
/// amount. Saturates at `u64::MAX`.
pub fn value_points(amount: Amount, reference: Option<Amount>) -> Option<u64> {
    let reference = reference.filter(|r| *r > 0)?;
    let per = Amount::from(POINTS_PER_REFERENCE);
    let whole = (amount / reference).saturating_mul(per);
    let rest = amount % reference;
    // rest < reference, so the rounded-up part is at most `per`; on overflow use that bound.
    let part = match rest.checked_mul(per) {
        Some(scaled) => scaled.div_ceil(reference),
        None => per,
    };
    Some(u64::try_from(whole.saturating_add(part)).unwrap_or(u64::MAX))
}

/// The value of a bond (or any holding) in reference points, rounded **down** (a borrower's
/// cover is never overstated); 0 without a reference amount. Saturates at `u64::MAX`.
pub fn held_points(amount: Amount, reference: Option<Amount>) -> u64 {
    let Some(reference) = reference.filter(|r| *r > 0) else { return 0 };
    let per = Amount::from(POINTS_PER_REFERENCE);
    let whole = (amount / reference).saturating_mul(per);
    let rest = amount % reference;
    let part = match rest.checked_mul(per) {
        Some(scaled) => scaled / reference,
        None => 0,
    };
    u64::try_from(whole.saturating_add(part)).unwrap_or(u64::MAX)
}

/// The amount worth `points` reference points, `points × reference / 1,000` **rounded down**;
/// 0 when the asset has no reference amount. Saturates at `u128::MAX`.
pub fn points_to_amount(points: u64, reference: Option<Amount>) -> Amount {
    let Some(reference) = reference else { return 0 };
    let per = POINTS_PER_REFERENCE;
    let whole = Amount::from(points / per).saturating_mul(reference);
    let rest = Amount::from(points % per);
    let part = match rest.checked_mul(reference) {
        Some(scaled) => scaled / Amount::from(per),
        None => (reference / Amount::from(per)).saturating_mul(rest),
    };
    whole.saturating_add(part)
}

/// The borrow limit of one acceptance, in reference points:
/// `min(pledge × PLEDGE_COVER_BPS / 10,000, bond_points × BOND_BORROW_BPS / 10,000 − outstanding)`
/// (each product rounded down, the difference floored at 0). `pledge` must itself be at most
/// the borrower's available reputation (decayed score minus points already pledged), which the
/// handler checks first.
pub fn borrow_limit_points(pledge: u64, bond_points: u64, outstanding_points: u64) -> u64 {
    let by_pledge = bps_of(Amount::from(pledge), PLEDGE_COVER_BPS);
    let by_bond = bps_of(Amount::from(bond_points), BOND_BORROW_BPS).saturating_sub(Amount::from(outstanding_points));
    u64::try_from(by_pledge.min(by_bond)).unwrap_or(u64::MAX)
}

/// What a defaulting borrower's bond pays the lender: `min(bond × DEFAULT_BOND_SHARE_BPS /
/// 10,000 (rounded down), owed)`, with `owed` already expressed in the bond asset.
pub fn default_compensation(bond: Amount, owed_in_bond_asset: Amount) -> Amount {
    bps_of(bond, DEFAULT_BOND_SHARE_BPS).min(owed_in_bond_asset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interest_is_rounded_up_and_exact_over_u128() {
        assert_eq!(interest_on(10_000, 500), 500);
        assert_eq!(interest_on(10_001, 500), 501, "500.05 rounds up");
        assert_eq!(interest_on(1, 1), 1, "any positive fraction rounds up");
        assert_eq!(interest_on(0, 10_000), 0);
        assert_eq!(interest_on(12_345, 0), 0);
        assert_eq!(interest_on(u128::MAX, 10_000), u128::MAX);
        for p in [1u128, 7, 9_999, 10_000, 123_456_789] {
            for b in [1u16, 33, 500, 10_000] {
                assert_eq!(interest_on(p, b), (p * u128::from(b)).div_ceil(10_000));
            }
        }
    }

    #[test]
    fn value_points_round_up_and_need_a_reference() {
        assert_eq!(value_points(1_000_000, Some(1_000_000)), Some(1_000));
        assert_eq!(value_points(1_000_001, Some(1_000_000)), Some(1_001));
        assert_eq!(value_points(1, Some(1_000_000)), Some(1));
        assert_eq!(value_points(0, Some(1_000_000)), Some(0));
        assert_eq!(value_points(5, None), None);
        assert_eq!(value_points(5, Some(0)), None);
        assert_eq!(value_points(u128::MAX, Some(1)), Some(u64::MAX));
    }

    #[test]
    fn held_points_round_down() {
        assert_eq!(held_points(100_000_000, Some(1_000_000)), 100_000);
        assert_eq!(held_points(1_999, Some(1_000_000)), 1);
        assert_eq!(held_points(5, None), 0);
    }

    #[test]
    fn points_convert_back_rounded_down() {
        assert_eq!(points_to_amount(1_000, Some(1_000_000)), 1_000_000);
        assert_eq!(points_to_amount(1_500, Some(3)), 4);
        assert_eq!(points_to_amount(7, None), 0);
    }

    #[test]
    fn borrow_limit_is_the_smaller_of_pledge_and_remaining_bond_cover() {
        assert_eq!(borrow_limit_points(20_000, 100_000, 0), 20_000);
        assert_eq!(borrow_limit_points(80_000, 100_000, 0), 50_000);
        assert_eq!(borrow_limit_points(80_000, 100_000, 45_000), 5_000);
        assert_eq!(borrow_limit_points(80_000, 100_000, 60_000), 0);
    }

    #[test]
    fn default_compensation_is_bounded_by_what_is_owed() {
        assert_eq!(default_compensation(100_000_000, 10_500_000), 10_500_000);
        assert_eq!(default_compensation(100_000_000, 90_000_000), 50_000_000);
        assert_eq!(default_compensation(3, 10), 1);
    }
}
