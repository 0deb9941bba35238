//! Times as replies show them: "17:02 UTC", and ages such as "12 min ago".

use std::time::{Duration, SystemTime};

/// `17:02 UTC` for a time today (by `now`), `2026-12-01 17:02 UTC` for an earlier day.
pub fn utc(at: SystemTime, now: SystemTime) -> String {
    let seconds = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let today = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        / 86_400;
    let (day, time) = (seconds / 86_400, seconds % 86_400);
    let clock = format!("{:02}:{:02} UTC", time / 3600, time % 3600 / 60);
    if day == today {
        return clock;
    }

    let (year, month, date) = civil_date(day as i64);
    format!("{year}-{month:02}-{date:02} {clock}")
}

/// `2026-11-20` for a Unix timestamp.
pub fn date(seconds: u64) -> String {
    let (year, month, day) = civil_date((seconds / 86_400) as i64);
    format!("{year}-{month:02}-{day:02}")
}

/// A short, rounded age: `just now`, `40 s ago`, `12 min ago`, `3 h ago`, `2 days ago`.
pub fn age(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    match seconds {
        0..5 => "just now".to_owned(),
        5..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => match seconds / 86_400 {
            1 => "1 day ago".to_owned(),
            days => format!("{days} days ago"),
        },
    }
}

/// The Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let date = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn shows_the_time_alone_for_today() {
        // 2026-12-03 17:02:09 UTC
        let read = at(1_796_317_329);
        assert_eq!(utc(read, read + Duration::from_secs(60)), "17:02 UTC");
    }

    #[test]
    fn adds_the_date_for_an_earlier_day() {
        let read = at(1_796_317_329);
        assert_eq!(
            utc(read, read + Duration::from_secs(86_400)),
            "2026-12-03 17:02 UTC"
        );
        assert_eq!(
            utc(at(951_782_400), at(2_000_000_000)),
            "2000-02-29 00:00 UTC"
        );
        assert_eq!(utc(at(0), at(86_400)), "1970-01-01 00:00 UTC");
    }

    #[test]
    fn formats_dates() {
        assert_eq!(date(1_795_266_000), "2026-11-21");
        assert_eq!(date(0), "1970-01-01");
    }

    #[test]
    fn rounds_ages_down_to_a_readable_unit() {
        assert_eq!(age(Duration::from_secs(2)), "just now");
        assert_eq!(age(Duration::from_secs(42)), "42 s ago");
        assert_eq!(age(Duration::from_secs(12 * 60 + 5)), "12 min ago");
        assert_eq!(age(Duration::from_secs(3 * 3600)), "3 h ago");
        assert_eq!(age(Duration::from_secs(86_400 + 5)), "1 day ago");
        assert_eq!(age(Duration::from_secs(3 * 86_400)), "3 days ago");
    }
}
