//! [`DufNumber`]: UDI's registration number.
use std::fmt;

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
