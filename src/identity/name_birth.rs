//! [`NameAndBirthDate`]: a paper request from a person without a number.
use chrono::NaiveDate;
use std::fmt;

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
    pub(super) name: String,
    pub(super) birth_date: NaiveDate,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
