//! [`Pid`]: fødselsnummer and d-nummer with both check-digit rules, synthetic test numbers.
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// Weights for k1 over the first 9 digits (classic rule). The 2032 rule appends
/// weight 1 for k1 itself.
const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
/// Weights for k2 over the first 10 digits (k2 itself has weight 1).
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Which numbers [`Pid::parse`] accepts beyond ordinary fødselsnummer/d-nummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PidPolicy {
    /// Accept synthetic test numbers (month +40 or +80). Must be `false` in production.
    pub allow_synthetic: bool,
}

/// Why an input is not a valid [`Pid`]. Messages never contain the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PidError {
    #[error("an identity number must be exactly 11 digits")]
    WrongLength,
    #[error("an identity number may contain only digits")]
    NotDigits,
    #[error("the identity number does not contain a valid date of birth")]
    InvalidDate,
    #[error("the identity number has invalid check digits")]
    Checksum,
    #[error("synthetic test identity numbers are not accepted here")]
    SyntheticNotAllowed,
}

/// Kind of national identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PidKind {
    Fodselsnummer,
    DNummer,
}

impl PidKind {
    /// The identifier kind a person's number of this kind is stored as.
    pub fn identifier_kind(self) -> entity::values::IdentifierKind {
        match self {
            PidKind::Fodselsnummer => entity::values::IdentifierKind::Fodselsnummer,
            PidKind::DNummer => entity::values::IdentifierKind::DNummer,
        }
    }
}

/// A valid Norwegian national identity number (fødselsnummer or d-nummer).
///
/// Invariant: exactly 11 ASCII digits, a real day/month (after removing the
/// d-nummer and synthetic offsets), valid check digits under the classic or the
/// 2032 rule, and synthetic only if the policy at parse time allowed it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(String);

impl Pid {
    /// Parses an identity number. Surrounding whitespace is trimmed; any other
    /// non-digit character (including an inner space) is rejected.
    ///
    /// Order of checks: characters, length, date, check digits, policy — so
    /// `SyntheticNotAllowed` is only returned for an otherwise well-formed number.
    pub fn parse(input: &str, policy: PidPolicy) -> Result<Pid, PidError> {
        let s = input.trim();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(PidError::NotDigits);
        }
        // All ASCII from here on, so byte length == char count.
        if s.len() != 11 {
            return Err(PidError::WrongLength);
        }
        let mut d = [0u32; 11];
        for (slot, b) in d.iter_mut().zip(s.bytes()) {
            *slot = u32::from(b - b'0');
        }

        let parts = date_parts(&d).ok_or(PidError::InvalidDate)?;
        if !checksum_ok(&d) {
            return Err(PidError::Checksum);
        }
        if parts.synthetic && !policy.allow_synthetic {
            return Err(PidError::SyntheticNotAllowed);
        }
        Ok(Pid(s.to_owned()))
    }

    /// The raw 11 digits. Use only for encryption or keyed hashing — never log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Fødselsnummer or d-nummer (first digit 4–7 means d-nummer).
    pub fn kind(&self) -> PidKind {
        if self.digit(0) >= 4 {
            PidKind::DNummer
        } else {
            PidKind::Fodselsnummer
        }
    }

    /// The birth date the number encodes, for a fødselsnummer and a d-nummer alike (day
    /// offset, synthetic month offset and the century from the individual number resolved).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let day = (self.digit(0) % 4) * 10 + self.digit(1);
        let month = (self.digit(2) % 4) * 10 + self.digit(3);
        let year2 = (self.digit(4) * 10 + self.digit(5)) as i32;
        let individual = self.digit(6) * 100 + self.digit(7) * 10 + self.digit(8);
        let century = match (individual, year2) {
            (0..=499, _) => 1900,
            (500..=749, 54..=99) => 1800,
            (900..=999, 40..=99) => 1900,
            (500..=999, 0..=39) => 2000,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(century + year2, month, day)
    }

    /// True for synthetic test numbers (month +40 or +80).
    pub fn is_synthetic(&self) -> bool {
        self.digit(2) >= 4
    }

    /// The six date digits as stored (d-nummer/synthetic offsets kept) followed by
    /// five `*`, e.g. `010190*****`.
    pub fn masked(&self) -> String {
        let mut out = String::with_capacity(11);
        out.push_str(self.0.get(..6).unwrap_or_default());
        out.push_str("*****");
        out
    }

    fn digit(&self, i: usize) -> u32 {
        self.0
            .as_bytes()
            .get(i)
            .map_or(0, |b| u32::from(b.wrapping_sub(b'0')))
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pid(***********)")
    }
}

struct DateParts {
    synthetic: bool,
}

/// Checks that DDMM (after removing offsets) is a day that exists in some year
/// (Feb 29 allowed: the century/year cannot always be known).
fn date_parts(d: &[u32; 11]) -> Option<DateParts> {
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    match d[0] {
        0..=3 => {}
        4..=7 => day -= 40, // d-nummer
        _ => return None,   // FH-numbers (first digit 8/9) are not supported
    }
    let synthetic = match d[2] {
        0 | 1 => false,
        4 | 5 => {
            month -= 40; // NAV Dolly (collides with H-nummer; treated as synthetic)
            true
        }
        8 | 9 => {
            month -= 80; // Skatteetaten Tenor / ID-porten TestID
            true
        }
        _ => return None,
    };
    // 2000 is a leap year, so Feb 29 is accepted.
    NaiveDate::from_ymd_opt(2000, month, day)?;
    Some(DateParts { synthetic })
}

pub(super) fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// Classic check digit: 11 - (sum mod 11), 11 -> 0, 10 -> None.
pub(super) fn mod11_check(sum: u32) -> Option<u32> {
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// k1 under the classic rule or the 2032 rule (remainder 0..=3 of the weighted
/// sum including k1 with weight 1); k2 always classic (sum incl. k2 ≡ 0 mod 11).
fn checksum_ok(d: &[u32; 11]) -> bool {
    let k1_rem = (weighted(&d[..9], &K1_WEIGHTS) + d[9]) % 11;
    let k2_rem = (weighted(&d[..10], &K2_WEIGHTS) + d[10]) % 11;
    k1_rem <= 3 && k2_rem == 0
}

/// Builds a number from parts with classic check digits. `month_offset` is 0, 40 or 80.
fn build_pid(
    day: u32,
    month: u32,
    year2: u32,
    individual: u32,
    d_number: bool,
    month_offset: u32,
) -> Option<Pid> {
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) || year2 > 99 || individual > 999 {
        return None;
    }
    let day = if d_number { day + 40 } else { day };
    let month = month + month_offset;
    let mut d = [
        day / 10,
        day % 10,
        month / 10,
        month % 10,
        year2 / 10,
        year2 % 10,
        individual / 100,
        individual / 10 % 10,
        individual % 10,
        0,
        0,
    ];
    d[9] = mod11_check(weighted(&d[..9], &K1_WEIGHTS))?;
    d[10] = mod11_check(weighted(&d[..10], &K2_WEIGHTS))?;
    let s: String = d.iter().filter_map(|x| char::from_digit(*x, 10)).collect();
    let policy = PidPolicy {
        allow_synthetic: month_offset != 0,
    };
    // Final guard: also rejects dates that do not exist (e.g. 31 April).
    Pid::parse(&s, policy).ok()
}

/// Builds a valid synthetic test number (month +80 if `tenor`, else +40 for NAV
/// Dolly) with classic check digits. Returns `None` for impossible dates or
/// out-of-range parts, and when `individual` yields a check digit of 10 — the
/// caller should then try the next individual number.
pub fn synthetic_pid(
    day: u32,
    month: u32,
    year2: u32,
    individual: u32,
    tenor: bool,
    d_number: bool,
) -> Option<Pid> {
    build_pid(
        day,
        month,
        year2,
        individual,
        d_number,
        if tenor { 80 } else { 40 },
    )
}

/// Builds a real-format (non-synthetic) number with classic check digits. Same
/// `None` cases as [`synthetic_pid`].
pub fn generate_pid(
    day: u32,
    month: u32,
    year2: u32,
    individual: u32,
    d_number: bool,
) -> Option<Pid> {
    build_pid(day, month, year2, individual, d_number, 0)
}

#[cfg(test)]
mod tests;
