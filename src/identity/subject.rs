//! [`SubjectId`]: what identifies the person a request is about, stored and read back.
use chrono::NaiveDate;
use std::fmt;

use super::{DufNumber, NameAndBirthDate, Pid, PidPolicy};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PROD: PidPolicy = PidPolicy {
        allow_synthetic: false,
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
}
