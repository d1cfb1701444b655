//! Response deadlines for data-subject requests.
//!
//! * GDPR art. 12(3): the controller shall answer "without undue delay and in
//!   any event within one month of receipt of the request"; that period "may
//!   be extended by two further months where necessary", provided the data
//!   subject is informed "within one month of receipt".
//! * Regulation (EEC, Euratom) No 1182/71 art. 3: a period expressed in months
//!   ends on the same date of the last month, or on the last day of that month
//!   if it has no such date (art. 3(2)(c)); a period ending on a Saturday,
//!   Sunday or public holiday ends on the next working day (art. 3(4)).
//! * Norwegian public holidays (helligdager, lov om helligdager og
//!   helligdagsfred; 1 and 17 May by lov om 1. og 17. mai som høgtidsdagar).
//!
//! All functions are pure and never panic: results that would fall outside
//! chrono's date range saturate at `NaiveDate::MIN` / `NaiveDate::MAX`.
//!
//! Over 500 lines on purpose: the deadline arithmetic with its table-driven tests (most of the file).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday (Gregorian) by the anonymous computus (Meeus/Jones/Butcher).
/// Years outside chrono's range saturate to `NaiveDate::MIN`/`MAX`.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day 1..=31, so the casts are lossless.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(saturated(year))
}

/// True for Norwegian public holidays (fixed dates and Easter-based days).
pub fn is_public_holiday(date: NaiveDate) -> bool {
    match (date.month(), date.day()) {
        (1, 1) | (5, 1) | (5, 17) | (12, 25) | (12, 26) => return true,
        (3..=6, _) => {}
        _ => return false,
    }
    let offset = (date - easter_sunday(date.year())).num_days();
    EASTER_OFFSETS.contains(&offset)
}

/// True for Monday to Friday that is not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(date)
}

/// `date` itself if it is a working day, otherwise the next working day
/// (1182/71 art. 3(4)). Saturates at `NaiveDate::MAX`.
pub fn next_working_day_on_or_after(date: NaiveDate) -> NaiveDate {
    let mut d = date;
    while !is_working_day(d) {
        match d.succ_opt() {
            Some(next) => d = next,
            None => return d,
        }
    }
    d
}

/// Adds calendar months per 1182/71 art. 3(2)(c): same day-of-month, or the
/// last day of the target month if it has no such day. No working-day rolling.
/// Saturates at `NaiveDate::MAX`.
pub fn add_months(start: NaiveDate, months: u32) -> NaiveDate {
    let total = i64::from(start.year()) * 12 + i64::from(start.month0()) + i64::from(months);
    let year = total.div_euclid(12);
    let month = (total.rem_euclid(12) + 1) as u32;
    if year > i64::from(NaiveDate::MAX.year()) {
        return NaiveDate::MAX;
    }
    let year = year as i32; // lossless: start.year() <= year <= MAX.year()
    let day = start.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MAX)
}

/// First deadline: received date + 1 month, rolled to a working day.
pub fn due_date(received_on: NaiveDate) -> NaiveDate {
    next_working_day_on_or_after(add_months(received_on, 1))
}

/// Latest possible extended deadline (GDPR art. 12(3): "extended by two further months"): the
/// earlier of the receipt date plus three months and the first deadline plus two months, each
/// counted by Regulation 1182/71 art. 3(2)(c) and rolled to a working day (art. 3(4)). The two
/// differ when month ends or a rolled first deadline shift the count; the earlier one is the
/// reading that protects the person.
pub fn extended_due_date(received_on: NaiveDate) -> NaiveDate {
    let from_receipt = next_working_day_on_or_after(add_months(received_on, 3));
    let from_first = next_working_day_on_or_after(add_months(due_date(received_on), 2));
    from_receipt.min(from_first)
}

/// The deadline after a pause for proof of identity: the days from the day the controller asked
/// (`asked_on`) to the day the answer came (`answered_on`) are added to `due_on`, and the result
/// rolled to a working day. The time limit stands still while the controller waits for what it
/// needs to confirm the requester's identity (GDPR art. 12(6); EDPB Guidelines 01/2022 on the
/// right of access, section 5.3). An answer on the day of asking moves nothing.
pub fn due_after_identity_pause(
    due_on: NaiveDate,
    asked_on: NaiveDate,
    answered_on: NaiveDate,
) -> NaiveDate {
    let waited = (answered_on - asked_on).num_days().max(0) as u64;
    if waited == 0 {
        return due_on;
    }
    next_working_day_on_or_after(due_on + chrono::Days::new(waited))
}

/// Working days strictly after `from` up to and including `to` (0 if to <= from). For reports.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let mut count = weekday_index(to) - weekday_index(from);
    for year in from.year()..=to.year() {
        for h in holidays_in_year(year) {
            if h > from && h <= to && !matches!(h.weekday(), Weekday::Sat | Weekday::Sun) {
                count -= 1;
            }
        }
    }
    count
}

/// The date `n` working days before `date` (for reminders: 7 and 2 working days before due).
/// `n == 0` gives `date`; otherwise the n-th working day strictly before `date`.
/// Saturates at `NaiveDate::MIN`.
pub fn working_days_before(date: NaiveDate, n: u32) -> NaiveDate {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        match d.pred_opt() {
            Some(prev) => d = prev,
            None => return d,
        }
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Why an extension under GDPR art. 12(3) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionError {
    /// today is after the first deadline
    FirstDeadlinePassed { first_due_on: NaiveDate },
    /// requested date beyond received + 3 months (rolled)
    BeyondMaximum { max_due_on: NaiveDate },
    /// requested date not after the current due date
    NotLater { current_due_on: NaiveDate },
}

impl std::fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionError::FirstDeadlinePassed { first_due_on } => write!(
                f,
                "The deadline can no longer be extended: the first deadline expired on {}.",
                first_due_on.format("%Y-%m-%d")
            ),
            ExtensionError::BeyondMaximum { max_due_on } => write!(
                f,
                "The requested due date is later than the latest permitted due date, {}.",
                max_due_on.format("%Y-%m-%d")
            ),
            ExtensionError::NotLater { current_due_on } => write!(
                f,
                "The requested due date must be later than the current due date, {}.",
                current_due_on.format("%Y-%m-%d")
            ),
        }
    }
}

impl std::error::Error for ExtensionError {}

/// Checks an extension. `requested` None means "the maximum" (extended_due_date). Returns the new due date.
pub fn extend(
    received_on: NaiveDate,
    current_due_on: NaiveDate,
    today: NaiveDate,
    requested: Option<NaiveDate>,
) -> Result<NaiveDate, ExtensionError> {
    let first_due_on = due_date(received_on);
    if today > first_due_on {
        return Err(ExtensionError::FirstDeadlinePassed { first_due_on });
    }
    let max_due_on = extended_due_date(received_on);
    let new_due = requested.unwrap_or(max_due_on);
    if new_due > max_due_on {
        return Err(ExtensionError::BeyondMaximum { max_due_on });
    }
    if new_due <= current_due_on {
        return Err(ExtensionError::NotLater { current_due_on });
    }
    Ok(new_due)
}

// ---- private helpers ----

/// Day offsets from Easter Sunday: Maundy Thursday, Good Friday, Easter Sunday,
/// Easter Monday, Ascension Day, Whit Sunday, Whit Monday.
const EASTER_OFFSETS: [i64; 7] = [-3, -2, 0, 1, 39, 49, 50];

fn saturated(year: i32) -> NaiveDate {
    if year > 0 {
        NaiveDate::MAX
    } else {
        NaiveDate::MIN
    }
}

fn is_leap_year(year: i32) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Cumulative count of Monday-Friday days up to and including `date`,
/// relative to an arbitrary fixed origin (only differences are meaningful).
fn weekday_index(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce());
    let wd = i64::from(date.weekday().num_days_from_monday());
    let weeks = (days - wd).div_euclid(7);
    weeks * 5 + (wd + 1).min(5)
}

/// Distinct public holidays of `year` (several can coincide, e.g. 17 May and Whit Monday).
fn holidays_in_year(year: i32) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = [(1, 1), (5, 1), (5, 17), (12, 25), (12, 26)]
        .iter()
        .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d))
        .collect();
    let easter = easter_sunday(year);
    if easter.year() == year {
        v.extend(
            EASTER_OFFSETS
                .iter()
                .filter_map(|&o| easter.checked_add_signed(Duration::days(o))),
        );
    }
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod extension_table {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    /// Receipt → (first deadline, latest extended deadline), worked out by hand from
    /// Regulation 1182/71 and the Norwegian public holidays (Easter 2027: 28 March; 2028:
    /// 16 April).
    #[test]
    fn month_ends_leap_days_and_holidays() {
        let table = [
            // 28/29 February.
            ("2028-02-28", "2028-03-28", "2028-05-29"), // 28 May is a Sunday
            ("2028-02-29", "2028-03-29", "2028-05-29"),
            // Easter Sunday and Monday roll the first deadline to 30 March; receipt + 3 months
            // (28 May) is earlier than first deadline + 2 months (31 May).
            ("2027-02-28", "2027-03-30", "2027-05-28"),
            // 29/30/31 January: no 29-31 February, so the last day of February, rolled.
            ("2027-01-29", "2027-03-01", "2027-04-29"),
            ("2027-01-30", "2027-03-01", "2027-04-30"),
            ("2027-01-31", "2027-03-01", "2027-04-30"),
            ("2028-01-31", "2028-02-29", "2028-05-02"), // 29-30 April weekend, 1 May holiday
            // 30/31 March.
            ("2027-03-30", "2027-04-30", "2027-06-30"),
            ("2027-03-31", "2027-04-30", "2027-06-30"),
            ("2028-03-30", "2028-05-02", "2028-06-30"), // 30 April Sunday, 1 May holiday
            ("2028-03-31", "2028-05-02", "2028-06-30"),
            // The first deadline plus two months is the earlier one: 30 June + 2 = 30 August,
            // before 31 August.
            ("2027-05-31", "2027-06-30", "2027-08-30"),
            ("2026-12-31", "2027-02-01", "2027-03-31"),
        ];
        for (received, first, latest) in table {
            let received = d(received);
            assert_eq!(
                due_date(received),
                d(first),
                "first deadline for {received}"
            );
            assert_eq!(
                extended_due_date(received),
                d(latest),
                "extended deadline for {received}"
            );
            assert!(
                extended_due_date(received)
                    <= next_working_day_on_or_after(add_months(received, 3))
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap; the workspace warns on unwrap_used
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_identity_pause_moves_the_deadline_by_the_days_waited() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // (due, asked, answered, new due)
        for (due, asked, answered, want) in [
            // Same day: nothing moves.
            (d(2026, 3, 2), d(2026, 2, 10), d(2026, 2, 10), d(2026, 3, 2)),
            // Ten days waited: ten days later (Thu 12 March 2026).
            (
                d(2026, 3, 2),
                d(2026, 2, 10),
                d(2026, 2, 20),
                d(2026, 3, 12),
            ),
            // Landing on a Saturday rolls to Monday.
            (d(2026, 3, 2), d(2026, 2, 10), d(2026, 2, 15), d(2026, 3, 9)),
            // Landing on Easter Monday 2026 (6 April) rolls to Tuesday.
            (d(2026, 3, 30), d(2026, 3, 1), d(2026, 3, 8), d(2026, 4, 7)),
            // An answer dated before the question (clock skew) moves nothing.
            (d(2026, 3, 2), d(2026, 2, 10), d(2026, 2, 9), d(2026, 3, 2)),
        ] {
            assert_eq!(
                due_after_identity_pause(due, asked, answered),
                want,
                "{due} {asked} {answered}"
            );
        }
    }

    #[test]
    fn easter_known_years() {
        let cases = [
            (2024, "2024-03-31", "recent"),
            (2025, "2025-04-20", "recent"),
            (2026, "2026-04-05", "recent"),
            (2027, "2027-03-28", "recent"),
            (2028, "2028-04-16", "recent"),
            (2038, "2038-04-25", "latest possible date"),
            (2285, "2285-03-22", "earliest possible date"),
            (1818, "1818-03-22", "earliest possible date"),
        ];
        for (year, expected, note) in cases {
            assert_eq!(easter_sunday(year), d(expected), "{year}: {note}");
        }
    }

    #[test]
    fn add_months_table() {
        let cases = [
            ("2025-09-03", 1, "2025-10-03", "same date next month"),
            ("2025-01-31", 1, "2025-02-28", "no 31 Feb, non-leap"),
            ("2024-01-31", 1, "2024-02-29", "no 31 Feb, leap"),
            ("2025-03-31", 1, "2025-04-30", "no 31 Apr"),
            ("2025-01-29", 1, "2025-02-28", "29 Jan non-leap"),
            ("2025-01-30", 1, "2025-02-28", "30 Jan non-leap"),
            ("2024-01-29", 1, "2024-02-29", "29 Jan leap"),
            ("2024-01-30", 1, "2024-02-29", "30 Jan leap"),
            ("2100-01-29", 1, "2100-02-28", "2100 is not leap"),
            ("2000-01-30", 1, "2000-02-29", "2000 is leap"),
            ("2025-12-15", 1, "2026-01-15", "year wrap"),
            ("2025-11-30", 3, "2026-02-28", "three months, clamped"),
            ("2023-11-30", 3, "2024-02-29", "three months, leap clamp"),
            (
                "2025-02-28",
                1,
                "2025-03-28",
                "end of Feb is not 'end of month'",
            ),
            ("2025-05-31", 0, "2025-05-31", "zero months"),
            ("2025-05-31", 24, "2027-05-31", "multi-year"),
        ];
        for (start, months, expected, note) in cases {
            assert_eq!(
                add_months(d(start), months),
                d(expected),
                "{start} +{months}: {note}"
            );
        }
    }

    #[test]
    fn due_date_table() {
        let cases = [
            (
                "2025-09-03",
                "2025-10-03",
                "plain: Fri 3 Oct is a working day",
            ),
            ("2025-01-31", "2025-02-28", "Fri 28 Feb 2025"),
            ("2024-01-31", "2024-02-29", "Thu 29 Feb 2024"),
            ("2025-03-31", "2025-04-30", "Wed 30 Apr 2025"),
            ("2025-01-29", "2025-02-28", "non-leap, clamped"),
            ("2025-01-30", "2025-02-28", "non-leap, clamped"),
            ("2024-01-29", "2024-02-29", "leap, exact"),
            ("2024-01-30", "2024-02-29", "leap, clamped"),
            (
                "2026-01-29",
                "2026-03-02",
                "28 Feb 2026 is Sat -> Mon 2 Mar",
            ),
            (
                "2026-01-31",
                "2026-03-02",
                "28 Feb 2026 is Sat -> Mon 2 Mar",
            ),
            (
                "2100-01-31",
                "2100-03-01",
                "2100 not leap; Sun 28 Feb -> Mon 1 Mar",
            ),
            (
                "2025-11-25",
                "2025-12-29",
                "Thu 25 + Fri 26 Dec holidays, weekend -> Mon 29",
            ),
            (
                "2025-11-26",
                "2025-12-29",
                "Fri 26 Dec holiday, weekend -> Mon 29",
            ),
            (
                "2024-11-25",
                "2024-12-27",
                "Wed 25 + Thu 26 Dec 2024 -> Fri 27",
            ),
            (
                "2024-04-17",
                "2024-05-21",
                "Fri 17 May, weekend incl. Whit Sun, Whit Mon 20 -> Tue 21",
            ),
            (
                "2027-04-17",
                "2027-05-18",
                "2027: 17 May is also Whit Monday -> Tue 18",
            ),
            (
                "2026-03-02",
                "2026-04-07",
                "Maundy Thu 2 Apr, Good Fri, Easter, Easter Mon -> Tue 7",
            ),
            ("2026-03-03", "2026-04-07", "Good Friday 3 Apr"),
            ("2026-03-06", "2026-04-07", "Easter Monday 6 Apr"),
            ("2026-03-05", "2026-04-07", "Easter Sunday 5 Apr"),
            (
                "2026-03-04",
                "2026-04-07",
                "Easter Saturday 4 Apr is not a holiday but is a Saturday",
            ),
            ("2026-04-14", "2026-05-15", "Ascension Thu 14 May -> Fri 15"),
            (
                "2026-04-25",
                "2026-05-26",
                "Whit Monday 25 May 2026 -> Tue 26",
            ),
            (
                "2026-04-17",
                "2026-05-18",
                "17 May 2026 is a Sunday -> Mon 18",
            ),
            (
                "2025-12-01",
                "2026-01-02",
                "1 Jan 2026 Thu holiday -> Fri 2 Jan",
            ),
            (
                "2026-04-01",
                "2026-05-04",
                "1 May 2026 Fri holiday -> Mon 4 May",
            ),
            ("2025-09-04", "2025-10-06", "Sat 4 Oct -> Mon 6 Oct"),
            ("2025-09-05", "2025-10-06", "Sun 5 Oct -> Mon 6 Oct"),
            ("2025-11-24", "2025-12-24", "24 Dec is not a holiday (Wed)"),
            ("2025-11-30", "2025-12-30", "Tue 30 Dec"),
            (
                "2025-12-31",
                "2026-02-02",
                "31 Jan 2026 is Sat -> Mon 2 Feb",
            ),
        ];
        for (received, expected, note) in cases {
            assert_eq!(
                due_date(d(received)),
                d(expected),
                "received {received}: {note}"
            );
        }
    }

    #[test]
    fn extended_due_date_table() {
        let cases = [
            ("2025-11-30", "2026-03-02", "28 Feb 2026 Sat -> Mon 2 Mar"),
            ("2025-09-03", "2025-12-03", "Wed 3 Dec"),
            ("2025-09-25", "2025-12-29", "25/26 Dec holidays + weekend"),
            ("2023-11-30", "2024-02-29", "leap clamp, Thu"),
            ("2026-02-02", "2026-05-04", "1 May Fri, weekend -> Mon 4"),
            (
                "2024-02-17",
                "2024-05-21",
                "17 May Fri, Whit weekend -> Tue 21",
            ),
        ];
        for (received, expected, note) in cases {
            assert_eq!(
                extended_due_date(d(received)),
                d(expected),
                "received {received}: {note}"
            );
        }
    }

    #[test]
    fn holidays_2026() {
        let holidays = [
            ("2026-01-01", "New Year's Day"),
            ("2026-04-02", "Maundy Thursday"),
            ("2026-04-03", "Good Friday"),
            ("2026-04-05", "Easter Sunday"),
            ("2026-04-06", "Easter Monday"),
            ("2026-05-01", "Labour Day"),
            ("2026-05-14", "Ascension Day"),
            ("2026-05-17", "Constitution Day"),
            ("2026-05-24", "Whit Sunday"),
            ("2026-05-25", "Whit Monday"),
            ("2026-12-25", "Christmas Day"),
            ("2026-12-26", "Boxing Day"),
        ];
        for (date, note) in holidays {
            assert!(is_public_holiday(d(date)), "{date} {note}");
            assert!(!is_working_day(d(date)), "{date} {note}");
        }
        assert_eq!(holidays_in_year(2026).len(), holidays.len());
        let count = (0..365)
            .filter(|&i| is_public_holiday(d("2026-01-01") + Duration::days(i)))
            .count();
        assert_eq!(count, 12, "exactly 12 holidays in 2026");

        let not_holidays = [
            ("2026-12-24", "Christmas Eve", true),
            ("2026-12-31", "New Year's Eve", true),
            ("2026-04-04", "Easter Saturday (a Saturday)", false),
            ("2026-05-23", "Whit Saturday", false),
            ("2026-04-01", "Wednesday before Easter", true),
            ("2026-05-13", "day before Ascension", true),
        ];
        for (date, note, working) in not_holidays {
            assert!(!is_public_holiday(d(date)), "{date} {note}");
            assert_eq!(is_working_day(d(date)), working, "{date} {note}");
        }
    }

    #[test]
    fn coinciding_holidays_are_counted_once() {
        // 2008: Easter 23 Mar -> Ascension 1 May; 2027: Whit Monday 17 May.
        assert_eq!(easter_sunday(2008), d("2008-03-23"));
        assert_eq!(holidays_in_year(2008).len(), 11);
        assert_eq!(holidays_in_year(2027).len(), 11);
    }

    #[test]
    fn working_days_table() {
        let cases = [
            ("2025-10-03", "2025-10-03", 0, "equal"),
            ("2025-10-06", "2025-10-03", 0, "reversed"),
            ("2025-10-03", "2025-10-06", 1, "Fri -> Mon"),
            (
                "2025-12-22",
                "2025-12-29",
                3,
                "Tue 23, Wed 24, Mon 29 (Christmas + weekend skipped)",
            ),
            ("2026-03-30", "2026-04-10", 6, "Easter week 2026"),
            ("2025-12-31", "2026-01-02", 1, "New Year"),
        ];
        for (from, to, expected, note) in cases {
            assert_eq!(
                working_days_between(d(from), d(to)),
                expected,
                "{from}..{to}: {note}"
            );
        }

        let before = [
            ("2025-10-03", 0, "2025-10-03", "zero"),
            ("2025-10-03", 2, "2025-10-01", "plain"),
            ("2025-10-03", 7, "2025-09-24", "crosses a weekend"),
            ("2025-12-29", 2, "2025-12-23", "skips Christmas"),
            ("2026-04-07", 2, "2026-03-31", "skips Easter"),
            ("2026-04-07", 7, "2026-03-24", "7 before Easter Tue"),
        ];
        for (date, n, expected, note) in before {
            assert_eq!(
                working_days_before(d(date), n),
                d(expected),
                "{date} -{n}: {note}"
            );
        }
    }

    #[test]
    fn extension_rules() {
        let r = d("2025-09-03"); // first due Fri 2025-10-03, max Wed 2025-12-03
        let first = d("2025-10-03");
        let max = d("2025-12-03");
        type Row = (
            NaiveDate,
            NaiveDate,
            Option<NaiveDate>,
            Result<NaiveDate, ExtensionError>,
            &'static str,
        );
        let cases: [Row; 8] = [
            (
                first,
                d("2025-10-03"),
                None,
                Ok(max),
                "on the first due date itself; None = max",
            ),
            (
                first,
                d("2025-10-04"),
                None,
                Err(ExtensionError::FirstDeadlinePassed {
                    first_due_on: first,
                }),
                "day after",
            ),
            (
                first,
                d("2025-09-10"),
                Some(d("2025-11-03")),
                Ok(d("2025-11-03")),
                "partial extension",
            ),
            (
                first,
                d("2025-09-10"),
                Some(d("2025-12-04")),
                Err(ExtensionError::BeyondMaximum { max_due_on: max }),
                "beyond max",
            ),
            (
                first,
                d("2025-09-10"),
                Some(first),
                Err(ExtensionError::NotLater {
                    current_due_on: first,
                }),
                "not later",
            ),
            (
                d("2025-11-03"),
                d("2025-10-01"),
                Some(max),
                Ok(max),
                "second extension within limits",
            ),
            (
                max,
                d("2025-10-01"),
                None,
                Err(ExtensionError::NotLater {
                    current_due_on: max,
                }),
                "already at max",
            ),
            (
                d("2025-11-03"),
                d("2025-10-06"),
                Some(max),
                Err(ExtensionError::FirstDeadlinePassed {
                    first_due_on: first,
                }),
                "second extension after first deadline",
            ),
        ];
        for (current, today, requested, expected, note) in cases {
            assert_eq!(extend(r, current, today, requested), expected, "{note}");
        }
        // Maximum is the rolled date: 2025-11-30 -> 2026-03-02 (Mon).
        let r2 = d("2025-11-30");
        assert_eq!(extend(r2, due_date(r2), r2, None), Ok(d("2026-03-02")));
        assert_eq!(
            extend(r2, due_date(r2), r2, Some(d("2026-03-02"))),
            Ok(d("2026-03-02"))
        );
        assert!(extend(r2, due_date(r2), r2, Some(d("2026-03-03"))).is_err());
    }

    #[test]
    fn error_messages_contain_dates() {
        let e = ExtensionError::FirstDeadlinePassed {
            first_due_on: d("2025-10-03"),
        };
        assert!(e.to_string().contains("2025-10-03"));
        let e = ExtensionError::BeyondMaximum {
            max_due_on: d("2026-03-02"),
        };
        assert!(e.to_string().contains("2026-03-02"));
        let e = ExtensionError::NotLater {
            current_due_on: d("2025-01-05"),
        };
        assert!(e.to_string().contains("2025-01-05"));
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn extremes_do_not_panic() {
        let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
        assert_eq!(add_months(max, 1), max);
        assert_eq!(add_months(max, u32::MAX), max);
        assert_eq!(add_months(min, u32::MAX), max);
        assert_eq!(due_date(max), next_working_day_on_or_after(max));
        assert!(extended_due_date(max) <= max);
        assert_eq!(easter_sunday(i32::MAX), max);
        assert_eq!(easter_sunday(i32::MIN), min);
        let _ = is_public_holiday(max);
        let _ = is_public_holiday(min);
        assert_eq!(working_days_before(min, 3), min);
        assert_eq!(working_days_between(min, min), 0);
        let _ = extend(max, max, max, None);
        let _ = extend(min, min, min, Some(max));
        let near = NaiveDate::from_ymd_opt(max.year(), 11, 30).unwrap();
        assert_eq!(
            add_months(near, 1),
            max - Duration::days(1),
            "30 Nov + 1 month = 30 Dec"
        );
        assert_eq!(add_months(near, 2), max, "saturates");
        let _ = due_date(near);
        let _ = extended_due_date(near);
        let start = NaiveDate::from_ymd_opt(max.year() - 50, 1, 1).unwrap();
        assert!(working_days_between(start, max) > 0);
        assert!(working_days_before(max, 10) < max);
    }

    /// Gauss's Easter algorithm with Gregorian corrections (independent of Meeus).
    fn gauss_easter(year: i32) -> NaiveDate {
        let (a, b, c) = (year % 19, year % 4, year % 7);
        let k = year / 100;
        let p = (13 + 8 * k) / 25;
        let q = k / 4;
        let m = (15 - p + k - q) % 30;
        let n = (4 + k - q) % 7;
        let dd = (19 * a + m) % 30;
        let e = (2 * b + 4 * c + 6 * dd + n) % 7;
        if dd == 29 && e == 6 {
            return NaiveDate::from_ymd_opt(year, 4, 19).unwrap();
        }
        if dd == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
            return NaiveDate::from_ymd_opt(year, 4, 18).unwrap();
        }
        NaiveDate::from_ymd_opt(year, 3, 22).unwrap() + Duration::days((dd + e) as i64)
    }

    #[test]
    fn holidays_cross_check_1900_2200() {
        for year in 1900..=2200 {
            let easter = gauss_easter(year);
            assert_eq!(easter_sunday(year), easter, "Easter {year}");
            let mut set = std::collections::BTreeSet::new();
            for (m, dd) in [(1, 1), (5, 1), (5, 17), (12, 25), (12, 26)] {
                set.insert(NaiveDate::from_ymd_opt(year, m, dd).unwrap());
            }
            for off in [-3, -2, 0, 1, 39, 49, 50] {
                set.insert(easter + Duration::days(off));
            }
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while day.year() == year {
                assert_eq!(is_public_holiday(day), set.contains(&day), "{day}");
                let wd = day.format("%a").to_string();
                let weekend = wd == "Sat" || wd == "Sun";
                assert_eq!(
                    is_working_day(day),
                    !weekend && !set.contains(&day),
                    "{day}"
                );
                day = day.succ_opt().unwrap();
            }
            assert_eq!(
                holidays_in_year(year),
                set.into_iter().collect::<Vec<_>>(),
                "{year}"
            );
        }
    }

    #[test]
    fn brute_force_2000_2100() {
        let end = d("2100-12-31");
        let mut r = d("2000-01-01");
        while r <= end {
            let plain = add_months(r, 1);
            assert_eq!(
                Some(plain),
                r.checked_add_months(chrono::Months::new(1)),
                "{r}"
            );
            assert_eq!(
                Some(add_months(r, 3)),
                r.checked_add_months(chrono::Months::new(3)),
                "{r}"
            );
            let due = due_date(r);
            assert!(is_working_day(due), "{r} -> {due}");
            assert!(due >= plain, "{r}");
            assert!((due - plain).num_days() <= 5, "{r}: roll too long");
            let mut x = plain;
            while x < due {
                assert!(!is_working_day(x), "{r}: {x} skipped but working");
                x = x.succ_opt().unwrap();
            }
            let ext = extended_due_date(r);
            assert!(is_working_day(ext) && ext >= due, "{r}");
            // reminder helpers are consistent with the counter
            for n in [2u32, 7] {
                let rem = working_days_before(due, n);
                assert!(is_working_day(rem) && rem < due, "{r}");
                assert_eq!(working_days_between(rem, due), i64::from(n), "{r}");
            }
            // fast counter agrees with a naive count
            let mut naive = 0;
            let mut y = r;
            while y < due {
                y = y.succ_opt().unwrap();
                if is_working_day(y) {
                    naive += 1;
                }
            }
            assert_eq!(working_days_between(r, due), naive, "{r}");
            r = r.succ_opt().unwrap();
        }
    }
}
