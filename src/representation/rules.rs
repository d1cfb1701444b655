//! Pure rules for acting on someone else's behalf: who may act for whom, until when, and how
//! much a child's own view counts. Each rule names its source; `docs/legal-rules.md` lists them
//! with the test that pins each.
use chrono::{Datelike, NaiveDate};
use entity::values::RepresentationBasis;

/// A person under 18 is a minor (vergemålsloven § 2).
pub const AGE_OF_MAJORITY: u32 = 18;
/// From 7 a child shall be told and given the chance to say what it thinks before decisions on
/// its personal matters; younger children too once they can form their own views
/// (barnelova § 31 second paragraph).
pub const CHILD_MUST_BE_HEARD_FROM: u32 = 7;
/// From 12 great weight shall be given to what the child thinks (barnelova § 31 second
/// paragraph).
pub const CHILD_GREAT_WEIGHT_FROM: u32 = 12;

/// Full years on `on` for a person born on `birth` (a 29 February birthday is reached on
/// 1 March in other years).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The day a person born on `birth` turns `years` (29 February → 1 March).
pub fn birthday(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = birth.year() + years as i32;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// Why someone may not act for another person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAllowed {
    /// Parental responsibility and the representative of an unaccompanied minor end when the
    /// child turns 18 (vergemålsloven § 2, § 16 and § 98).
    NoLongerAMinor,
    /// The person's birth date is not known, so that they are a minor is not shown.
    AgeUnknown,
    /// The power of attorney or appointment has ended.
    Ended,
}

/// The first day the representation no longer holds, or `None` when it holds until revoked.
/// Parental responsibility and the asylum representative end on the 18th birthday; a verge
/// for a minor too (an adult's verge holds until the Statsforvalteren ends it); a power of
/// attorney ends on the day its document gives.
pub fn ends_on(
    basis: RepresentationBasis,
    represented_birth: Option<NaiveDate>,
    document_ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    use RepresentationBasis as B;
    let majority = represented_birth.and_then(|b| birthday(b, AGE_OF_MAJORITY));
    let for_minor = majority.filter(|m| *m > today);
    let by_age = match basis {
        B::ParentalResponsibility | B::AsylumRepresentative => majority,
        B::Verge => for_minor,
        B::Fullmakt => None,
    };
    match (by_age, document_ends_on) {
        (Some(a), Some(d)) => Some(a.min(d)),
        (a, d) => a.or(d),
    }
}

/// Whether a representation on `basis` may be used on `today` for a person born on
/// `represented_birth`, ending on `ends_on`.
pub fn may_act(
    basis: RepresentationBasis,
    represented_birth: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), NotAllowed> {
    use RepresentationBasis as B;
    if matches!(basis, B::ParentalResponsibility | B::AsylumRepresentative) {
        let birth = represented_birth.ok_or(NotAllowed::AgeUnknown)?;
        if age_on(birth, today) >= AGE_OF_MAJORITY {
            return Err(NotAllowed::NoLongerAMinor);
        }
    }
    if ends_on.is_some_and(|e| today >= e) {
        return Err(NotAllowed::Ended);
    }
    Ok(())
}

/// How much a child's own view counts (barnelova § 31).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChildSay {
    /// Under 7: heard once able to form its own views, weighed by age and maturity.
    HeardWhenAble,
    /// 7 to 11: shall be told and given the chance to say what it thinks.
    MustBeHeard,
    /// 12 to 17: great weight shall be given to its view.
    GreatWeight,
    /// 18 or older: decides alone; no one acts for them without their power of attorney.
    Adult,
}

pub fn child_say(age: u32) -> ChildSay {
    if age >= AGE_OF_MAJORITY {
        ChildSay::Adult
    } else if age >= CHILD_GREAT_WEIGHT_FROM {
        ChildSay::GreatWeight
    } else if age >= CHILD_MUST_BE_HEARD_FROM {
        ChildSay::MustBeHeard
    } else {
        ChildSay::HeardWhenAble
    }
}

/// Whether a representative on `basis` must have a document checked by staff (parental
/// responsibility is proven by Folkeregisteret's family relations instead).
pub fn needs_document(basis: RepresentationBasis) -> bool {
    !matches!(basis, RepresentationBasis::ParentalResponsibility)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RepresentationBasis as B;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date in the table")
    }

    #[test]
    fn ages() {
        for (birth, on, age) in [
            ("2010-06-15", "2026-06-14", 15),
            ("2010-06-15", "2026-06-15", 16),
            ("2008-02-29", "2026-02-28", 17),
            ("2008-02-29", "2026-03-01", 18),
            ("2026-01-01", "2025-01-01", 0),
        ] {
            assert_eq!(age_on(d(birth), d(on)), age, "{birth} on {on}");
        }
    }

    /// barnelova § 31: heard when able; from 7 must be heard; from 12 great weight; 18 adult
    /// (vergemålsloven § 2).
    #[test]
    fn child_say_by_age() {
        for (age, say) in [
            (0, ChildSay::HeardWhenAble),
            (6, ChildSay::HeardWhenAble),
            (7, ChildSay::MustBeHeard),
            (11, ChildSay::MustBeHeard),
            (12, ChildSay::GreatWeight),
            (17, ChildSay::GreatWeight),
            (18, ChildSay::Adult),
            (40, ChildSay::Adult),
        ] {
            assert_eq!(child_say(age), say, "{age}");
        }
    }

    /// Parental responsibility and the asylum representative end at 18 (vergemålsloven § 2,
    /// § 16, § 98); a fullmakt when its document says; a minor's verge at 18.
    #[test]
    fn when_representation_ends() {
        let today = d("2026-12-07");
        for (basis, birth, doc, ends) in [
            (
                B::ParentalResponsibility,
                Some("2014-05-02"),
                None,
                Some("2032-05-02"),
            ),
            (
                B::AsylumRepresentative,
                Some("2010-01-20"),
                None,
                Some("2028-01-20"),
            ),
            (B::Verge, Some("2010-01-20"), None, Some("2028-01-20")),
            (B::Verge, Some("1960-01-20"), None, None),
            (
                B::Verge,
                Some("1960-01-20"),
                Some("2027-01-01"),
                Some("2027-01-01"),
            ),
            (
                B::Fullmakt,
                Some("1950-03-03"),
                Some("2027-06-30"),
                Some("2027-06-30"),
            ),
            (B::Fullmakt, Some("1950-03-03"), None, None),
            (
                B::ParentalResponsibility,
                Some("2014-05-02"),
                Some("2020-01-01"),
                Some("2020-01-01"),
            ),
        ] {
            assert_eq!(
                ends_on(basis, birth.map(d), doc.map(d), today),
                ends.map(d),
                "{basis} {birth:?} {doc:?}"
            );
        }
    }

    /// A parent may act for a child until the day before the 18th birthday; from then on the
    /// parent's access to new answers ends.
    #[test]
    fn who_may_act_today() {
        let birth = Some(d("2008-12-07"));
        let ends = ends_on(B::ParentalResponsibility, birth, None, d("2026-01-01"));
        for (basis, birth, ends, today, result) in [
            (B::ParentalResponsibility, birth, ends, "2026-12-06", Ok(())),
            (
                B::ParentalResponsibility,
                birth,
                ends,
                "2026-12-07",
                Err(NotAllowed::NoLongerAMinor),
            ),
            (
                B::ParentalResponsibility,
                None,
                None,
                "2026-12-07",
                Err(NotAllowed::AgeUnknown),
            ),
            (
                B::AsylumRepresentative,
                Some(d("2010-01-01")),
                None,
                "2026-12-07",
                Ok(()),
            ),
            (
                B::Fullmakt,
                None,
                Some(d("2026-12-08")),
                "2026-12-07",
                Ok(()),
            ),
            (
                B::Fullmakt,
                None,
                Some(d("2026-12-07")),
                "2026-12-07",
                Err(NotAllowed::Ended),
            ),
            (B::Verge, Some(d("1950-01-01")), None, "2026-12-07", Ok(())),
        ] {
            assert_eq!(
                may_act(basis, birth, ends, d(today)),
                result,
                "{basis} {today}"
            );
        }
    }

    #[test]
    fn documents_needed() {
        for (basis, needed) in [
            (B::ParentalResponsibility, false),
            (B::Verge, true),
            (B::AsylumRepresentative, true),
            (B::Fullmakt, true),
        ] {
            assert_eq!(needs_document(basis), needed, "{basis}");
        }
    }
}
