//! Norwegian identity types, parsed once at the edge ("parse, don't validate").
//!
//! * [`Pid`] — fødselsnummer or d-nummer (11 digits `DDMMYYIIIK1K2`), with both the
//!   classic mod-11 check digits and the rule for numbers issued from 2032-01-01
//!   (Skatteetaten: k1 may leave remainder 0, 1, 2 or 3). Synthetic test numbers
//!   (month +40 NAV Dolly, month +80 Skatteetaten Tenor / ID-porten TestID) are
//!   accepted only when [`PidPolicy::allow_synthetic`] is set. H-numbers and
//!   FH-numbers are not supported.
//! * [`OrgNumber`] — 9-digit organisation number (Enhetsregisteret), mod 11.
//! * [`Reference`] — human case reference `PV-YYYY-NNNNNN`.
//!
//! A value of any of these types can only hold a valid number. A `Pid` is personal
//! data: it has no `Display`, its `Debug` is redacted, it has no serde impls, and
//! no error message ever contains the input.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

// ---------------------------------------------------------------------------
// Pid
// ---------------------------------------------------------------------------

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

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// Classic check digit: 11 - (sum mod 11), 11 -> 0, 10 -> None.
fn mod11_check(sum: u32) -> Option<u32> {
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

// ---------------------------------------------------------------------------
// DufNumber
// ---------------------------------------------------------------------------

/// The first year a DUF number can carry: UDI's DUF register holds applications from the
/// 1980s on; an earlier year is a typing mistake.
pub const DUF_FIRST_YEAR: i32 = 1980;

/// Why an input is not a plausible [`DufNumber`]. Messages never contain the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DufError {
    #[error("a DUF number is 12 digits, written 2012 586975 61 or 201258697561")]
    Format,
    #[error(
        "a DUF number begins with the year of the first application (1980 or later, not in the future)"
    )]
    Year,
}

/// A DUF number: UDI's registration number for a person who applies for protection or
/// residence, 12 digits beginning with the year of the first application (on UDI's papers
/// grouped `YYYY NNNNNN NN`).
///
/// No check digit is verified: no public specification of one could be confirmed (see
/// docs/legal-rules.md), so any 12 digits with a plausible year are accepted. Like a [`Pid`]
/// it is personal data: no `Display`, a redacted `Debug`, no serde.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DufNumber(String);

impl DufNumber {
    /// Parses `YYYYNNNNNNNN` or `YYYY NNNNNN NN` (single spaces exactly there); surrounding
    /// whitespace is trimmed. The year must lie from [`DUF_FIRST_YEAR`] to `this_year`.
    pub fn parse(input: &str, this_year: i32) -> Result<DufNumber, DufError> {
        let s = input.trim();
        let digits: String = match s.len() {
            12 => s.to_owned(),
            14 if s.as_bytes().get(4) == Some(&b' ') && s.as_bytes().get(11) == Some(&b' ') => {
                s.replace(' ', "")
            }
            _ => return Err(DufError::Format),
        };
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DufError::Format);
        }
        let year: i32 = digits
            .get(..4)
            .and_then(|y| y.parse().ok())
            .ok_or(DufError::Format)?;
        if !(DUF_FIRST_YEAR..=this_year).contains(&year) {
            return Err(DufError::Year);
        }
        Ok(DufNumber(digits))
    }

    /// The 12 digits. Use only for encryption, keyed hashing or a source request — never log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year of the first application.
    pub fn year(&self) -> i32 {
        self.0.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }

    /// As UDI writes it: `2012 586975 61`.
    pub fn grouped(&self) -> String {
        format!(
            "{} {} {}",
            self.0.get(..4).unwrap_or_default(),
            self.0.get(4..10).unwrap_or_default(),
            self.0.get(10..).unwrap_or_default()
        )
    }

    /// The year followed by the rest hidden: `2012 ****** **`.
    pub fn masked(&self) -> String {
        format!("{} ****** **", self.0.get(..4).unwrap_or_default())
    }
}

impl fmt::Debug for DufNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DufNumber(************)")
    }
}

// ---------------------------------------------------------------------------
// NameAndBirthDate
// ---------------------------------------------------------------------------

/// The oldest age a living requester is taken to have.
const OLDEST_AGE_YEARS: u32 = 125;
/// The longest name accepted.
pub const MAX_NAME_CHARS: usize = 200;

/// Why a name with a date of birth does not identify anyone. Messages never contain the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameBirthError {
    #[error("the name must not be empty")]
    EmptyName,
    #[error("the name may hold letters, spaces, hyphens, apostrophes and full stops, at most 200")]
    ImplausibleName,
    #[error("the date of birth cannot be in the future")]
    FutureBirth,
    #[error("the date of birth is more than 125 years ago")]
    TooOld,
}

/// A person without a number, for a paper request registered by staff: the name as written
/// (whitespace collapsed) and the date of birth. Personal data: no `Display`, redacted `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NameAndBirthDate {
    name: String,
    birth_date: NaiveDate,
}

impl NameAndBirthDate {
    /// A name (letters of any script, spaces, `-`, `'`, `’`, `.`) and a date of birth neither
    /// in the future nor more than 125 years before `today`.
    pub fn parse(
        name: &str,
        birth_date: NaiveDate,
        today: NaiveDate,
    ) -> Result<NameAndBirthDate, NameBirthError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(NameBirthError::EmptyName);
        }
        let plausible = name.chars().count() <= MAX_NAME_CHARS
            && name.chars().any(char::is_alphabetic)
            && name
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.'));
        if !plausible {
            return Err(NameBirthError::ImplausibleName);
        }
        if birth_date > today {
            return Err(NameBirthError::FutureBirth);
        }
        let oldest = today.checked_sub_months(chrono::Months::new(12 * OLDEST_AGE_YEARS));
        if oldest.is_none_or(|oldest| birth_date < oldest) {
            return Err(NameBirthError::TooOld);
        }
        Ok(NameAndBirthDate { name, birth_date })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The form that is hashed and sealed: the name in lower case, then the date
    /// (`ola nordmann|1990-01-31`), so the same person written twice is one identifier.
    pub fn canonical(&self) -> String {
        format!("{}|{}", self.name.to_lowercase(), self.birth_date)
    }

    /// The initials and the birth year: `O. N., 1990`.
    pub fn masked(&self) -> String {
        let initials: Vec<String> = self
            .name
            .split([' ', '-'])
            .filter_map(|w| w.chars().next())
            .map(|c| format!("{c}."))
            .collect();
        format!(
            "{}, {}",
            initials.join(" "),
            chrono::Datelike::year(&self.birth_date)
        )
    }
}

impl fmt::Debug for NameAndBirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NameAndBirthDate(***)")
    }
}

// ---------------------------------------------------------------------------
// SubjectId
// ---------------------------------------------------------------------------

/// Prefix of a DUF number in its stored (sealed and hashed) form, so it can never be taken
/// for a national identity number and the two never share a lookup hash.
const DUF_PREFIX: &str = "duf:";
/// Prefix of a name with a date of birth in its stored form.
const NAME_PREFIX: &str = "name:";

/// What identifies the person a request is about: a national identity number, a DUF number,
/// or (a paper request from a person without a number) a name with a date of birth.
/// Personal data like its parts: no `Display`, a redacted `Debug`, no serde.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum SubjectId {
    Pid(Pid),
    Duf(DufNumber),
    NameBirth(NameAndBirthDate),
}

impl SubjectId {
    /// The kind a person identifier of this value is stored as.
    pub fn kind(&self) -> entity::values::IdentifierKind {
        match self {
            Self::Pid(p) => p.kind().identifier_kind(),
            Self::Duf(_) => entity::values::IdentifierKind::Duf,
            Self::NameBirth(_) => entity::values::IdentifierKind::NameBirthDate,
        }
    }

    /// The national identity number, when the person is identified by one.
    pub fn pid(&self) -> Option<&Pid> {
        match self {
            Self::Pid(p) => Some(p),
            _ => None,
        }
    }

    /// The DUF number, when the person is identified by one.
    pub fn duf(&self) -> Option<&DufNumber> {
        match self {
            Self::Duf(d) => Some(d),
            _ => None,
        }
    }

    /// Shown where the value is hidden: `010190*****`, `2012 ****** **`, `O. N., 1990`.
    pub fn masked(&self) -> String {
        match self {
            Self::Pid(p) => p.masked(),
            Self::Duf(d) => d.masked(),
            Self::NameBirth(n) => n.masked(),
        }
    }

    /// The whole value as staff read it after an audited reveal.
    pub fn revealed(&self) -> String {
        match self {
            Self::Pid(p) => p.as_str().to_string(),
            Self::Duf(d) => d.grouped(),
            Self::NameBirth(n) => format!("{}, {}", n.name(), n.birth_date()),
        }
    }

    /// Whether two registrations with this value are the same person. A number is; a name
    /// with a birth date is not (two people can share both), so each such registration is
    /// its own person.
    pub fn singles_out_a_person(&self) -> bool {
        !matches!(self, Self::NameBirth(_))
    }

    /// What the lookup hash is taken of. A number's is its digits (as before DUF numbers
    /// existed); the others carry a prefix so no two kinds can share a hash. A name is hashed in
    /// its canonical form (see [`SubjectId::singles_out_a_person`] for why intake still keeps
    /// each registration by name apart).
    pub fn lookup_key(&self) -> String {
        match self {
            Self::Pid(p) => p.as_str().to_string(),
            Self::Duf(d) => format!("{DUF_PREFIX}{}", d.as_str()),
            Self::NameBirth(n) => format!("{NAME_PREFIX}{}", n.canonical()),
        }
    }

    /// What is sealed: like [`SubjectId::lookup_key`], but the name as written.
    pub fn stored(&self) -> String {
        match self {
            Self::NameBirth(n) => format!("{NAME_PREFIX}{}|{}", n.name(), n.birth_date()),
            other => other.lookup_key(),
        }
    }

    /// Reads back what [`SubjectId::stored`] made. The kind comes from the value itself, not
    /// from a label stored beside it. Stored values were checked when written, so no limit
    /// that moves with time (this year, today) can refuse them now.
    pub fn from_stored(text: &str) -> Option<SubjectId> {
        if let Some(digits) = text.strip_prefix(DUF_PREFIX) {
            return DufNumber::parse(digits, i32::MAX).ok().map(Self::Duf);
        }
        if let Some(rest) = text.strip_prefix(NAME_PREFIX) {
            let (name, date) = rest.rsplit_once('|')?;
            let birth_date: NaiveDate = date.parse().ok()?;
            return (!name.is_empty()).then(|| {
                Self::NameBirth(NameAndBirthDate {
                    name: name.to_string(),
                    birth_date,
                })
            });
        }
        Pid::parse(
            text,
            PidPolicy {
                allow_synthetic: true,
            },
        )
        .ok()
        .map(Self::Pid)
    }
}

impl fmt::Debug for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pid(p) => p.fmt(f),
            Self::Duf(d) => d.fmt(f),
            Self::NameBirth(n) => n.fmt(f),
        }
    }
}

// ---------------------------------------------------------------------------
// OrgNumber
// ---------------------------------------------------------------------------

const ORG_WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// Why an input is not a valid [`OrgNumber`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("an organisation number must be exactly 9 digits")]
    WrongLength,
    #[error("an organisation number may contain only digits and spaces")]
    NotDigits,
    #[error("the organisation number has an invalid check digit")]
    Checksum,
}

/// A valid Norwegian organisation number (9 digits, mod 11). Public data, so it
/// has `Display` and serializes as a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct OrgNumber(String);

impl OrgNumber {
    /// Parses an organisation number; whitespace anywhere (e.g. `976 820 037`) is removed.
    pub fn parse(input: &str) -> Result<OrgNumber, OrgNumberError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(OrgNumberError::NotDigits);
        }
        if s.len() != 9 {
            return Err(OrgNumberError::WrongLength);
        }
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        match mod11_check(weighted(&d[..8], &ORG_WEIGHTS)) {
            Some(k) if k == d[8] => Ok(OrgNumber(s)),
            _ => Err(OrgNumberError::Checksum),
        }
    }

    /// The 9 digits without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for OrgNumber {
    type Err = OrgNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgNumber::parse(s)
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = OrgNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        OrgNumber::parse(&s)
    }
}

impl Serialize for OrgNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Reference
// ---------------------------------------------------------------------------

/// Why an input is not a valid [`Reference`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("a case reference must look like PV-YYYY-NNNNNN")]
    Format,
    #[error("the year in a case reference must be 4 digits")]
    Year,
    #[error("the sequence in a case reference must be at least 6 digits")]
    Sequence,
}

/// Human case reference `PV-YYYY-NNNNNN`, e.g. `PV-2026-000123`. The sequence is
/// zero-padded to at least 6 digits and may grow beyond that. Orders by year,
/// then sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Reference {
    year: i32,
    seq: u64,
    text: String,
}

impl Reference {
    /// Builds the canonical reference. `year` is expected in `0..=9999` (it comes
    /// from the clock); values outside are clamped so the result always parses.
    pub fn new(year: i32, seq: u64) -> Reference {
        let year = year.clamp(0, 9999);
        Reference {
            year,
            seq,
            text: format!("PV-{year:04}-{seq:06}"),
        }
    }

    /// Parses `PV-YYYY-NNNNNN` (prefix case-insensitive, surrounding whitespace
    /// trimmed). The result is normalised to the canonical form of [`Reference::new`].
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        let s = input.trim();
        let mut parts = s.split('-');
        let (Some(prefix), Some(year), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReferenceError::Format);
        };
        if !prefix.eq_ignore_ascii_case("PV") {
            return Err(ReferenceError::Format);
        }
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::Year);
        }
        if seq.len() < 6 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::Sequence);
        }
        let year: i32 = year.parse().map_err(|_| ReferenceError::Year)?;
        let seq: u64 = seq.parse().map_err(|_| ReferenceError::Sequence)?;
        Ok(Reference::new(year, seq))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn sequence(&self) -> u64 {
        self.seq
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

impl TryFrom<String> for Reference {
    type Error = ReferenceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Reference::parse(&s)
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Datelike;

    const PROD: PidPolicy = PidPolicy {
        allow_synthetic: false,
    };
    const TEST: PidPolicy = PidPolicy {
        allow_synthetic: true,
    };

    #[test]
    fn each_kind_of_subject_is_stored_masked_and_read_back() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let pid = SubjectId::Pid(Pid::parse("01019012561", PROD).unwrap());
        let duf = SubjectId::Duf(DufNumber::parse("2012 586975 61", 2026).unwrap());
        let name = SubjectId::NameBirth(
            NameAndBirthDate::parse(
                "Ola  Nordmann",
                NaiveDate::from_ymd_opt(1990, 1, 31).unwrap(),
                today,
            )
            .unwrap(),
        );
        use entity::values::IdentifierKind as K;
        // (subject, kind, lookup key, stored, masked, revealed)
        let rows = [
            (
                &pid,
                K::Fodselsnummer,
                "01019012561",
                "01019012561",
                "010190*****",
                "01019012561",
            ),
            (
                &duf,
                K::Duf,
                "duf:201258697561",
                "duf:201258697561",
                "2012 ****** **",
                "2012 586975 61",
            ),
            (
                &name,
                K::NameBirthDate,
                "name:ola nordmann|1990-01-31",
                "name:Ola Nordmann|1990-01-31",
                "O. N., 1990",
                "Ola Nordmann, 1990-01-31",
            ),
        ];
        for (subject, kind, key, stored, masked, revealed) in rows {
            assert_eq!(subject.kind(), kind, "{stored}");
            assert_eq!(subject.lookup_key(), key);
            assert_eq!(subject.stored(), stored);
            assert_eq!(subject.masked(), masked);
            assert_eq!(subject.revealed(), revealed);
            assert_eq!(SubjectId::from_stored(stored).as_ref(), Some(subject));
            let dbg = format!("{subject:?}");
            assert!(!dbg.chars().any(|c| c.is_ascii_digit()), "{dbg}");
            assert!(!dbg.contains("Nordmann"), "{dbg}");
        }
        assert_eq!(pid.pid().map(Pid::as_str), Some("01019012561"));
        assert!(duf.pid().is_none() && name.pid().is_none() && name.duf().is_none());
        assert_eq!(duf.duf().map(DufNumber::as_str), Some("201258697561"));
        // A number from a year that has passed, or a very old birth date, still reads back.
        assert!(SubjectId::from_stored("duf:198012345678").is_some());
        for bad in [
            "",
            "duf:2012",
            "duf:abc",
            "name:|1990-01-01",
            "name:Ola",
            "name:Ola|31.01.1990",
            "0101901256",
        ] {
            assert_eq!(SubjectId::from_stored(bad), None, "{bad}");
        }
    }

    #[test]
    fn duf_numbers_need_twelve_digits_and_a_plausible_year() {
        // (input, this year, expected)
        for (input, year, want) in [
            ("201258697561", 2026, Ok("201258697561")),
            ("2012 586975 61", 2026, Ok("201258697561")),
            ("  2012 586975 61 ", 2026, Ok("201258697561")),
            ("198000000001", 2026, Ok("198000000001")),
            ("202612345678", 2026, Ok("202612345678")),
            ("202712345678", 2026, Err(DufError::Year)),
            ("197912345678", 2026, Err(DufError::Year)),
            ("012345678901", 2026, Err(DufError::Year)),
            ("20125869756", 2026, Err(DufError::Format)),
            ("2012586975612", 2026, Err(DufError::Format)),
            ("2012 5869 7561", 2026, Err(DufError::Format)),
            ("2012-586975-61", 2026, Err(DufError::Format)),
            ("2012  586975 61", 2026, Err(DufError::Format)),
            ("20125869756a", 2026, Err(DufError::Format)),
            ("2012 58697a 61", 2026, Err(DufError::Format)),
            ("", 2026, Err(DufError::Format)),
            ("２０１２58697561", 2026, Err(DufError::Format)),
        ] {
            let got = DufNumber::parse(input, year);
            assert_eq!(
                got.as_ref().map(DufNumber::as_str).map_err(|e| *e),
                want,
                "{input:?}"
            );
        }
        let duf = DufNumber::parse("201258697561", 2026).unwrap();
        assert_eq!(duf.year(), 2012);
        assert_eq!(duf.grouped(), "2012 586975 61");
        assert_eq!(duf.masked(), "2012 ****** **");
        assert!(!format!("{duf:?}").contains("5869"), "Debug is redacted");
        // No error message repeats the input.
        for e in [DufError::Format, DufError::Year] {
            assert!(!e.to_string().contains("586975 61x"));
        }
    }

    #[test]
    fn a_name_with_a_date_of_birth_must_be_plausible() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        for (name, born, want) in [
            ("Ola Nordmann", d(1990, 1, 31), Ok("Ola Nordmann")),
            (
                "  Kari   Nordmann-Hansen ",
                d(2026, 12, 7),
                Ok("Kari Nordmann-Hansen"),
            ),
            ("Олена Шевченко", d(1985, 3, 2), Ok("Олена Шевченко")),
            (
                "Anne-Marie O’Neil Jr.",
                d(1901, 12, 7),
                Ok("Anne-Marie O’Neil Jr."),
            ),
            ("", d(1990, 1, 1), Err(NameBirthError::EmptyName)),
            ("   ", d(1990, 1, 1), Err(NameBirthError::EmptyName)),
            ("---", d(1990, 1, 1), Err(NameBirthError::ImplausibleName)),
            ("Ola 2", d(1990, 1, 1), Err(NameBirthError::ImplausibleName)),
            (
                "Ola <b>",
                d(1990, 1, 1),
                Err(NameBirthError::ImplausibleName),
            ),
            ("Ola", d(2026, 12, 8), Err(NameBirthError::FutureBirth)),
            ("Ola", d(1901, 12, 6), Err(NameBirthError::TooOld)),
        ] {
            let got = NameAndBirthDate::parse(name, born, today);
            assert_eq!(
                got.as_ref().map(|n| n.name().to_string()).map_err(|e| *e),
                want.map(str::to_string),
                "{name:?} {born}"
            );
        }
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            NameAndBirthDate::parse(&long, d(1990, 1, 1), today),
            Err(NameBirthError::ImplausibleName)
        );
        let p = NameAndBirthDate::parse("Ola  Nordmann", d(1990, 1, 31), today).unwrap();
        assert_eq!(p.canonical(), "ola nordmann|1990-01-31");
        assert_eq!(p.masked(), "O. N., 1990");
        assert_eq!(
            p.canonical(),
            NameAndBirthDate::parse("OLA NORDMANN", d(1990, 1, 31), today)
                .unwrap()
                .canonical(),
            "the same person written twice is one identifier"
        );
        assert!(!format!("{p:?}").contains("Ola"));
    }

    #[test]
    fn birth_date_is_read_from_both_number_kinds() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        // (day, month, year2, individual, d-nummer, expected)
        for (day, month, year2, ind, d_number, want) in [
            (14, 2, 90, 123, false, date(1990, 2, 14)),
            (14, 2, 90, 123, true, date(1990, 2, 14)),
            (1, 12, 5, 512, false, date(2005, 12, 1)),
            (31, 1, 60, 950, true, date(1960, 1, 31)),
            (29, 2, 0, 600, false, date(2000, 2, 29)),
        ] {
            let pid = (ind..ind + 50)
                .find_map(|i| synthetic_pid(day, month, year2, i, true, d_number))
                .unwrap();
            assert_eq!(
                pid.birth_date(),
                want,
                "{day}.{month}.{year2} ind {ind} d {d_number}"
            );
        }
    }

    /// Classic rule only: k1 remainder must be 0 (used by the property test).
    fn classic_ok(s: &str) -> bool {
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        (weighted(&d[..9], &K1_WEIGHTS) + d[9]).is_multiple_of(11)
            && (weighted(&d[..10], &K2_WEIGHTS) + d[10]).is_multiple_of(11)
    }

    fn k1_remainder(s: &str) -> u32 {
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        (weighted(&d[..9], &K1_WEIGHTS) + d[9]) % 11
    }

    #[test]
    fn pid_table() {
        // (input, policy, expected, comment)
        let rows: &[(&str, PidPolicy, Result<PidKind, PidError>, &str)] = &[
            // --- Skatteetaten nyttfnr2032 examples ---
            (
                "02013299997",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "2032 doc example (k1 remainder 0: classic-valid too)",
            ),
            (
                "30108299920",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "2032 doc example (k1 remainder 0: classic-valid too)",
            ),
            (
                "30108299939",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "2032 doc example, k1 remainder 1: valid only under 2032 rule",
            ),
            // --- 2032 k1 freedom, computed by hand from 301082999 ---
            (
                "30108299947",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "k1 remainder 2: valid only under 2032 rule",
            ),
            (
                "30108299955",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "k1 remainder 3: valid only under 2032 rule",
            ),
            (
                "30108299963",
                PROD,
                Err(PidError::Checksum),
                "k1 remainder 4: invalid under both rules (k2 correct)",
            ),
            (
                "30108299912",
                PROD,
                Err(PidError::Checksum),
                "k1 remainder 10: invalid (k2 correct)",
            ),
            (
                "30108299921",
                PROD,
                Err(PidError::Checksum),
                "wrong k2 (correct is 0)",
            ),
            (
                "02013299998",
                PROD,
                Err(PidError::Checksum),
                "wrong k2 (correct is 7)",
            ),
            // --- ordinary fødselsnummer, check digits verified by hand ---
            (
                "01019012561",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "01.01.90 individ 125: k1=6, k2=1",
            ),
            (
                "  01019012561\n",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "surrounding whitespace trimmed",
            ),
            (
                "29020012542",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "29 Feb accepted (year 2000 leap)",
            ),
            (
                "29020112563",
                PROD,
                Ok(PidKind::Fodselsnummer),
                "29 Feb accepted even for yy=01: century unknown",
            ),
            // --- d-nummer ---
            (
                "41019012555",
                PROD,
                Ok(PidKind::DNummer),
                "d-nummer: day 01+40",
            ),
            (
                "71129912574",
                PROD,
                Ok(PidKind::DNummer),
                "d-nummer: day 31+40",
            ),
            // --- synthetic ---
            (
                "01419012544",
                PROD,
                Err(PidError::SyntheticNotAllowed),
                "Dolly +40 refused in production",
            ),
            (
                "01419012544",
                TEST,
                Ok(PidKind::Fodselsnummer),
                "Dolly +40 accepted in test mode",
            ),
            (
                "01819012527",
                PROD,
                Err(PidError::SyntheticNotAllowed),
                "Tenor +80 refused in production",
            ),
            (
                "01819012527",
                TEST,
                Ok(PidKind::Fodselsnummer),
                "Tenor +80 accepted in test mode",
            ),
            (
                "41819012510",
                TEST,
                Ok(PidKind::DNummer),
                "synthetic Tenor d-nummer",
            ),
            // --- length / characters ---
            ("", PROD, Err(PidError::WrongLength), "empty"),
            ("   ", PROD, Err(PidError::WrongLength), "only whitespace"),
            ("0101901234", PROD, Err(PidError::WrongLength), "10 digits"),
            (
                "010190123400",
                PROD,
                Err(PidError::WrongLength),
                "12 digits",
            ),
            (
                "010190 12340",
                PROD,
                Err(PidError::NotDigits),
                "inner space",
            ),
            (
                "0101901234O",
                PROD,
                Err(PidError::NotDigits),
                "letter O instead of zero",
            ),
            ("01019O-2340", PROD, Err(PidError::NotDigits), "punctuation"),
            (
                "0101901234٠",
                PROD,
                Err(PidError::NotDigits),
                "non-ASCII (Arabic-Indic) digit",
            ),
            // --- dates ---
            ("32019012340", PROD, Err(PidError::InvalidDate), "day 32"),
            ("00019012340", PROD, Err(PidError::InvalidDate), "day 00"),
            ("01139012340", PROD, Err(PidError::InvalidDate), "month 13"),
            ("01009012340", PROD, Err(PidError::InvalidDate), "month 00"),
            ("31049012340", PROD, Err(PidError::InvalidDate), "31 April"),
            ("30029012340", PROD, Err(PidError::InvalidDate), "30 Feb"),
            (
                "72019012340",
                PROD,
                Err(PidError::InvalidDate),
                "d-nummer day 32",
            ),
            (
                "81019012340",
                PROD,
                Err(PidError::InvalidDate),
                "FH-nummer (first digit 8) not supported",
            ),
            (
                "01219012340",
                PROD,
                Err(PidError::InvalidDate),
                "month 21 (no such offset)",
            ),
            (
                "01539012340",
                TEST,
                Err(PidError::InvalidDate),
                "Dolly month 53 = 13",
            ),
            (
                "01939012340",
                TEST,
                Err(PidError::InvalidDate),
                "Tenor month 93 = 13",
            ),
        ];
        for (input, policy, expected, comment) in rows {
            let got = Pid::parse(input, *policy).map(|p| p.kind());
            assert_eq!(&got, expected, "{comment}: {input:?}");
        }
    }

    #[test]
    fn hand_computed_rows_match_generator() {
        // Guards the hard-coded valid rows above against typos.
        let rows: &[(&str, Option<Pid>, &str)] = &[
            ("01019012561", generate_pid(1, 1, 90, 125, false), "fnr"),
            ("29020012542", generate_pid(29, 2, 0, 125, false), "29 Feb"),
            ("41019012555", generate_pid(1, 1, 90, 125, true), "d-nummer"),
            (
                "01419012544",
                synthetic_pid(1, 1, 90, 125, false, false),
                "Dolly",
            ),
            (
                "01819012527",
                synthetic_pid(1, 1, 90, 125, true, false),
                "Tenor",
            ),
            (
                "41819012510",
                synthetic_pid(1, 1, 90, 125, true, true),
                "Tenor d-nummer",
            ),
        ];
        for (expected, generated, comment) in rows {
            assert_eq!(
                generated.as_ref().map(Pid::as_str),
                Some(*expected),
                "{comment}"
            );
        }
    }

    #[test]
    fn skatteetaten_2032_examples() {
        // (input, k1 remainder, valid under classic rule)
        let rows: &[(&str, u32, bool)] = &[
            ("02013299997", 0, true),
            ("30108299920", 0, true),
            ("30108299939", 1, false),
            ("30108299947", 2, false),
            ("30108299955", 3, false),
        ];
        for (input, rem, classic) in rows {
            assert!(Pid::parse(input, PROD).is_ok(), "{input}");
            assert_eq!(k1_remainder(input), *rem, "{input}");
            assert_eq!(classic_ok(input), *classic, "{input}");
        }
    }

    #[test]
    fn pid_accessors() {
        let rows: &[(&str, PidPolicy, PidKind, bool, &str)] = &[
            (
                "01019012561",
                PROD,
                PidKind::Fodselsnummer,
                false,
                "010190*****",
            ),
            ("41019012555", PROD, PidKind::DNummer, false, "410190*****"),
            (
                "01419012544",
                TEST,
                PidKind::Fodselsnummer,
                true,
                "014190*****",
            ),
            ("41819012510", TEST, PidKind::DNummer, true, "418190*****"),
        ];
        for (input, policy, kind, synthetic, masked) in rows {
            let p = Pid::parse(input, *policy).unwrap();
            assert_eq!(p.kind(), *kind, "{input}");
            assert_eq!(p.is_synthetic(), *synthetic, "{input}");
            assert_eq!(p.masked(), *masked, "{input}");
            assert_eq!(p.as_str(), *input);
        }
        // as_str is the trimmed value
        assert_eq!(
            Pid::parse(" 01019012561 ", PROD).unwrap().as_str(),
            "01019012561"
        );
    }

    #[test]
    fn debug_and_errors_do_not_leak_digits() {
        let p = Pid::parse("01019012561", PROD).unwrap();
        let dbg = format!("{p:?}");
        assert_eq!(dbg, "Pid(***********)");
        assert!(!dbg.chars().any(|c| c.is_ascii_digit()), "{dbg}");
        let pretty = format!("{:#?}", Some(p));
        assert!(!pretty.chars().any(|c| c.is_ascii_digit()), "{pretty}");

        for e in [
            PidError::WrongLength,
            PidError::NotDigits,
            PidError::InvalidDate,
            PidError::Checksum,
            PidError::SyntheticNotAllowed,
        ] {
            // "11 digits" is the only number allowed in a message
            let msg = e.to_string().replace("11", "");
            assert!(!msg.chars().any(|c| c.is_ascii_digit()), "{msg}");
        }
    }

    #[test]
    fn pid_kind_serializes_snake_case() {
        assert_eq!(
            serde_json::to_string(&PidKind::DNummer).unwrap(),
            "\"d_nummer\""
        );
        assert_eq!(
            serde_json::to_string(&PidKind::Fodselsnummer).unwrap(),
            "\"fodselsnummer\""
        );
    }

    #[test]
    fn generated_numbers_parse_back_for_every_date() {
        let mut produced = 0u32;
        let mut skipped = 0u32;
        // 2000 is a leap year: covers 29 Feb.
        let mut date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        while date.year() == 2000 {
            let (day, month) = (date.day(), date.month());
            for individual in 0..50 {
                for d_number in [false, true] {
                    let variants = [
                        (
                            generate_pid(day, month, 0, individual, d_number),
                            PROD,
                            false,
                        ),
                        (
                            synthetic_pid(day, month, 0, individual, false, d_number),
                            TEST,
                            true,
                        ),
                        (
                            synthetic_pid(day, month, 0, individual, true, d_number),
                            TEST,
                            true,
                        ),
                    ];
                    for (pid, policy, synthetic) in variants {
                        let Some(pid) = pid else {
                            skipped += 1; // check digit 10: caller tries next individual
                            continue;
                        };
                        produced += 1;
                        let back = Pid::parse(pid.as_str(), policy).unwrap();
                        assert_eq!(back, pid);
                        assert!(classic_ok(pid.as_str()));
                        assert_eq!(back.is_synthetic(), synthetic);
                        let kind = if d_number {
                            PidKind::DNummer
                        } else {
                            PidKind::Fodselsnummer
                        };
                        assert_eq!(back.kind(), kind);
                        if synthetic {
                            assert_eq!(
                                Pid::parse(pid.as_str(), PROD),
                                Err(PidError::SyntheticNotAllowed)
                            );
                        }
                    }
                }
            }
            date = date.succ_opt().unwrap();
        }
        // Roughly 2 of 11 candidates hit a check digit of 10.
        assert!(
            produced > 366 * 50 * 6 * 7 / 10,
            "{produced} produced, {skipped} skipped"
        );
        assert!(skipped > 0);
    }

    #[test]
    fn generator_rejects_bad_parts() {
        let rows: &[(Option<Pid>, &str)] = &[
            (generate_pid(0, 1, 90, 125, false), "day 0"),
            (generate_pid(32, 1, 90, 125, false), "day 32"),
            (generate_pid(31, 4, 90, 125, false), "31 April"),
            (generate_pid(1, 13, 90, 125, false), "month 13"),
            (generate_pid(1, 1, 100, 125, false), "year2 100"),
            (generate_pid(1, 1, 90, 1000, false), "individual 1000"),
            (synthetic_pid(30, 2, 90, 125, true, false), "30 Feb"),
            (
                generate_pid(1, 1, 90, 123, false),
                "individual 123 gives k1 = 10: try the next one",
            ),
        ];
        for (got, comment) in rows {
            assert!(got.is_none(), "{comment}");
        }
    }

    /// Changing any single digit of a valid classic number never yields a valid
    /// number, under either rule. Reason: the k2 check (weights 5,4,3,2,7,6,5,4,3,2,1)
    /// covers all 11 digits with weights that are non-zero mod 11, and 11 is prime,
    /// so a change of one digit by δ ∈ ±1..±9 shifts the k2 sum by w·δ ≢ 0 (mod 11).
    /// The 2032 freedom only relaxes k1, so it cannot rescue a single-digit change;
    /// it only matters if k2 is recomputed (a different issued number, see the
    /// 30108299939 row), which a single-digit typo cannot do.
    #[test]
    fn single_digit_change_is_always_rejected() {
        let mut checked = 0u32;
        let mut checksum_errors = 0u32;
        for (day, month, individual, d_number) in [
            (1, 1, 0, false),
            (15, 6, 123, false),
            (31, 12, 499, true),
            (29, 2, 42, false),
        ] {
            for individual in individual..individual + 20 {
                let Some(pid) = generate_pid(day, month, 85, individual, d_number) else {
                    continue;
                };
                let original = pid.as_str().as_bytes().to_vec();
                for pos in 0..11 {
                    for digit in b'0'..=b'9' {
                        if digit == original[pos] {
                            continue;
                        }
                        let mut m = original.clone();
                        m[pos] = digit;
                        let m = String::from_utf8(m).unwrap();
                        checked += 1;
                        assert!(!classic_ok(&m), "{m} valid under classic rule");
                        let res = Pid::parse(&m, TEST);
                        assert!(res.is_err(), "{m} accepted");
                        if res == Err(PidError::Checksum) {
                            checksum_errors += 1;
                        } else {
                            // Any other error must be a date error (structure broke first).
                            assert_eq!(res, Err(PidError::InvalidDate), "{m}");
                        }
                    }
                }
            }
        }
        assert!(checked > 5000);
        assert!(checksum_errors > checked / 2);
    }

    #[test]
    fn org_number_table() {
        // (input, expected canonical or error, comment)
        let rows: &[(&str, Result<&str, OrgNumberError>, &str)] = &[
            ("976820037", Ok("976820037"), "Utdanningsetaten Oslo"),
            ("974770482", Ok("974770482"), "real org number"),
            ("958935420", Ok("958935420"), "Oslo kommune"),
            ("889640782", Ok("889640782"), "NAV"),
            ("974760673", Ok("974760673"), "Brønnøysundregistrene"),
            ("944117784", Ok("944117784"), "Elverum kommune"),
            ("976 820 037", Ok("976820037"), "grouped with spaces"),
            (" 976820037\t", Ok("976820037"), "surrounding whitespace"),
            ("", Err(OrgNumberError::WrongLength), "empty"),
            ("97682003", Err(OrgNumberError::WrongLength), "8 digits"),
            ("9768200370", Err(OrgNumberError::WrongLength), "10 digits"),
            ("976-820-037", Err(OrgNumberError::NotDigits), "dashes"),
            (
                "NO976820037",
                Err(OrgNumberError::NotDigits),
                "country prefix",
            ),
            (
                "976820038",
                Err(OrgNumberError::Checksum),
                "wrong check digit",
            ),
            (
                "976820030",
                Err(OrgNumberError::Checksum),
                "wrong check digit 0",
            ),
            (
                "000200000",
                Err(OrgNumberError::Checksum),
                "sum gives check digit 10 (invalid)",
            ),
        ];
        for (input, expected, comment) in rows {
            let got = OrgNumber::parse(input);
            assert_eq!(
                got.as_ref().map(OrgNumber::as_str),
                expected.as_ref().map(|s| *s),
                "{comment}: {input:?}"
            );
        }
        // The check-digit-10 row really is a 10 case.
        assert_eq!(
            mod11_check(weighted(&[0, 0, 0, 2, 0, 0, 0, 0], &ORG_WEIGHTS)),
            None
        );
    }

    #[test]
    fn org_number_serde_and_display() {
        let o = OrgNumber::parse("976 820 037").unwrap();
        assert_eq!(o.to_string(), "976820037");
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"976820037\"");
        let back: OrgNumber = serde_json::from_str("\"976 820 037\"").unwrap();
        assert_eq!(back, o);
        assert!(serde_json::from_str::<OrgNumber>("\"976820038\"").is_err());
        assert!(
            serde_json::from_str::<OrgNumber>("976820037").is_err(),
            "number, not string"
        );
        assert_eq!(
            "889640782".parse::<OrgNumber>().unwrap().as_str(),
            "889640782"
        );
    }

    #[test]
    fn reference_table() {
        // (input, expected canonical/year/seq or error, comment)
        type Row = (
            &'static str,
            Result<(&'static str, i32, u64), ReferenceError>,
            &'static str,
        );
        let rows: &[Row] = &[
            (
                "PV-2026-000123",
                Ok(("PV-2026-000123", 2026, 123)),
                "canonical",
            ),
            (
                "pv-2026-000123",
                Ok(("PV-2026-000123", 2026, 123)),
                "lower-case prefix",
            ),
            (
                "Pv-2026-000123 ",
                Ok(("PV-2026-000123", 2026, 123)),
                "mixed case, trailing space",
            ),
            (
                "PV-2026-1234567",
                Ok(("PV-2026-1234567", 2026, 1_234_567)),
                "7-digit sequence",
            ),
            (
                "PV-2026-0001234",
                Ok(("PV-2026-001234", 2026, 1234)),
                "extra zero padding normalised",
            ),
            (
                "PV-2026-000000",
                Ok(("PV-2026-000000", 2026, 0)),
                "sequence zero",
            ),
            (
                "PV-2026-00123",
                Err(ReferenceError::Sequence),
                "5-digit sequence",
            ),
            (
                "PV-2026-00012a",
                Err(ReferenceError::Sequence),
                "letter in sequence",
            ),
            (
                "PV-2026-",
                Err(ReferenceError::Sequence),
                "missing sequence",
            ),
            (
                "PV-2026-99999999999999999999",
                Err(ReferenceError::Sequence),
                "overflows u64",
            ),
            ("PV-26-000123", Err(ReferenceError::Year), "2-digit year"),
            (
                "PV-20x6-000123",
                Err(ReferenceError::Year),
                "letter in year",
            ),
            (
                "PX-2026-000123",
                Err(ReferenceError::Format),
                "wrong prefix",
            ),
            ("PV2026000123", Err(ReferenceError::Format), "no dashes"),
            (
                "PV-2026-000123-1",
                Err(ReferenceError::Format),
                "extra part",
            ),
            ("", Err(ReferenceError::Format), "empty"),
        ];
        for (input, expected, comment) in rows {
            let got =
                Reference::parse(input).map(|r| (r.as_str().to_owned(), r.year(), r.sequence()));
            let expected = expected.map(|(s, y, n)| (s.to_owned(), y, n));
            assert_eq!(got, expected, "{comment}: {input:?}");
        }
    }

    #[test]
    fn reference_new_display_serde_ordering() {
        let r = Reference::new(2026, 123);
        assert_eq!(r.as_str(), "PV-2026-000123");
        assert_eq!(r.to_string(), "PV-2026-000123");
        assert_eq!(Reference::parse(r.as_str()).unwrap(), r);
        assert_eq!(Reference::new(2026, 1_234_567).as_str(), "PV-2026-1234567");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"PV-2026-000123\"");
        let back: Reference = serde_json::from_str("\"pv-2026-000123\"").unwrap();
        assert_eq!(back, r);
        assert!(serde_json::from_str::<Reference>("\"PV-2026-12\"").is_err());
        // Ordering by year then sequence, not by string length.
        assert!(Reference::new(2026, 999_999) < Reference::new(2026, 1_000_000));
        assert!(Reference::new(2025, 5_000_000) < Reference::new(2026, 1));
        // Out-of-range years are clamped so the result still parses.
        let clamped = Reference::new(-5, 1);
        assert_eq!(Reference::parse(clamped.as_str()).unwrap(), clamped);
    }

    #[test]
    fn error_messages_are_plain_english() {
        assert_eq!(
            PidError::SyntheticNotAllowed.to_string(),
            "synthetic test identity numbers are not accepted here"
        );
        assert_eq!(
            OrgNumberError::Checksum.to_string(),
            "the organisation number has an invalid check digit"
        );
        assert_eq!(
            ReferenceError::Format.to_string(),
            "a case reference must look like PV-YYYY-NNNNNN"
        );
    }
}
