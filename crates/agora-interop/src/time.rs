//! Block times as XML Schema `dateTime` values in UTC (`YYYY-MM-DDThh:mm:ssZ`), the form VC 2.0
//! `validFrom` and Data Integrity `created` take. Integer civil-calendar arithmetic (no clock,
//! no floats): the days-from-civil algorithm of H. Hinnant.

use crate::error::DataIntegrityError;

/// Seconds in a day.
const SECS_PER_DAY: u64 = 86_400;
/// Latest block time written as a date: 9999-12-31T23:59:59Z (four-digit years only).
pub const MAX_DATETIME_SECS: u64 = 253_402_300_799;

/// The UTC date and time of `secs` seconds after 1970-01-01T00:00:00Z, clamped to
/// [`MAX_DATETIME_SECS`].
pub fn datetime_utc(secs: u64) -> String {
    let secs = secs.min(MAX_DATETIME_SECS);
    let days = secs / SECS_PER_DAY;
    let rem = secs % SECS_PER_DAY;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// (year, month, day) of a day count since 1970-01-01 (non-negative days only).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Checks the shape of an XML Schema `dateTime` as VC 2.0 uses it:
/// `YYYY-MM-DDThh:mm:ss`, optional fractional seconds, then `Z` or `±hh:mm`.
pub fn check_datetime(field: &'static str, text: &str) -> Result<(), DataIntegrityError> {
    let bad = || DataIntegrityError::BadDateTime { field, value: text.chars().take(60).collect() };
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return Err(bad());
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &fraction[n..];
    }
    let zone_ok = rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().chain(rest[4..6].bytes()).all(|c| c.is_ascii_digit()));
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(99);
    let ranges_ok = (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) <= 23
        && num(14..16) <= 59
        && num(17..19) <= 60;
    if zone_ok && ranges_ok { Ok(()) } else { Err(bad()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_format_exactly() {
        assert_eq!(datetime_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(datetime_utc(1_677_281_798), "2023-02-24T23:36:38Z");
        assert_eq!(datetime_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(datetime_utc(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(datetime_utc(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn datetimes_are_checked() {
        for good in ["2023-01-01T00:00:00Z", "2023-02-24T23:36:38.123Z", "2023-02-24T23:36:38+01:00"] {
            assert!(check_datetime("t", good).is_ok(), "{good}");
        }
        for bad in ["", "2023-01-01", "2023-13-01T00:00:00Z", "2023-01-01T00:00:00", "2023-01-01 00:00:00Z"] {
            assert!(check_datetime("t", bad).is_err(), "{bad}");
        }
    }
}
