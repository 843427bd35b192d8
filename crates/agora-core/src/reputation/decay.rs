//! Decay of scores over block time.

/// `score × 2^(−elapsed / half_life)`, in integers: whole half-lives by shifting, the remainder
/// by linear interpolation between the two neighbouring powers of two (never above the exact
/// value by more than 6.1 %, never below it). `half_life == 0` disables decay.
pub fn decayed(score: u64, elapsed: u64, half_life: u64) -> u64 {
    if half_life == 0 || score == 0 {
        return score;
    }
    let halvings = elapsed / half_life;
    if halvings >= 64 {
        return 0;
    }
    let base = score >> halvings;
    let rest = u128::from(elapsed % half_life);
    // Between base and base/2: base × (1 − rest / (2 × half_life)).
    let reduced = u128::from(base) * (2 * u128::from(half_life) - rest) / (2 * u128::from(half_life));
    u64::try_from(reduced).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::decayed;

    #[test]
    fn halves_every_half_life_and_never_grows() {
        assert_eq!(decayed(1_000, 0, 100), 1_000);
        assert_eq!(decayed(1_000, 100, 100), 500);
        assert_eq!(decayed(1_000, 200, 100), 250);
        assert_eq!(decayed(1_000, 50, 100), 750);
        assert_eq!(decayed(1_000, 100 * 70, 100), 0);
        assert_eq!(decayed(1_000, 12_345, 0), 1_000);
        let mut last = u64::MAX;
        for t in (0..1_000).step_by(7) {
            let v = decayed(1_000_000, t, 100);
            assert!(v <= last);
            last = v;
        }
    }
}
