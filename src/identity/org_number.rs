//! [`OrgNumber`]: the organisation number (Enhetsregisteret), mod 11.
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

use super::pid::{mod11_check, weighted};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
