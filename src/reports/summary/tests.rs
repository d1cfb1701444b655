//! Unit tests of the summary's date arithmetic: timeliness, months of a period, Norwegian days.
use chrono::{DateTime, NaiveDate, Utc};

use super::{
    answers::{Timeliness, oslo_date, timeliness},
    months::{month_starts, oslo_midnight},
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn timeliness_table() {
    let first = d("2026-04-07");
    let cases = [
        ("2026-04-06", first, Timeliness::FirstDeadline),
        ("2026-04-07", first, Timeliness::FirstDeadline),
        ("2026-04-08", first, Timeliness::Late),
        ("2026-04-08", d("2026-06-02"), Timeliness::Extension),
        ("2026-06-02", d("2026-06-02"), Timeliness::Extension),
        ("2026-06-03", d("2026-06-02"), Timeliness::Late),
    ];
    for (answered, due, want) in cases {
        assert_eq!(timeliness(d(answered), first, due), want, "{answered}");
    }
}

#[test]
fn months_of_a_period() {
    let cases: [(&str, &str, &[&str]); 4] = [
        ("2026-01-01", "2026-01-31", &["2026-01-01"]),
        (
            "2026-01-15",
            "2026-03-02",
            &["2026-01-01", "2026-02-01", "2026-03-01"],
        ),
        ("2025-12-31", "2026-01-01", &["2025-12-01", "2026-01-01"]),
        ("2026-05-05", "2026-05-05", &["2026-05-01"]),
    ];
    for (from, to, want) in cases {
        let got = month_starts(d(from), d(to));
        let want: Vec<NaiveDate> = want.iter().map(|s| d(s)).collect();
        assert_eq!(got, want, "{from}..{to}");
    }
}

#[test]
fn norwegian_midnight_in_utc() {
    // Winter time (UTC+1) and summer time (UTC+2).
    assert_eq!(
        oslo_midnight(d("2026-02-01")),
        "2026-01-31T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        oslo_midnight(d("2026-05-01")),
        "2026-04-30T22:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}

#[test]
fn answered_date_is_the_norwegian_date() {
    // 23:30 UTC on 6 April is already 7 April in Oslo (summer time).
    let at: DateTime<Utc> = "2026-04-06T23:30:00Z".parse().unwrap();
    assert_eq!(oslo_date(at), d("2026-04-07"));
}
