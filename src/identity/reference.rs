//! [`Reference`]: the case reference `PV-YYYY-NNNNNN`.
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
