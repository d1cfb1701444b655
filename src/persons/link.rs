//! Linking a person's numbers: staff record that two numbers are one person, checked against
//! the birth date they carry; a link that would merge two persons waits for approval.
use chrono::Datelike;
use entity::{person_identifier, person_link, values::LinkStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::LinkNumbers;
use super::LinkState;
use super::LinkedPerson;
use super::Stored;
use super::merge::apply_link;
use super::merge::pending_merge_touches;
use super::owners;
use super::record_on_requests;
use super::require_visible_person;
use crate::{
    access::Act,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{DufNumber, Pid, PidPolicy, SubjectId},
    requests::queries::load_visible,
};

/// Records that a d-nummer and a fødselsnummer, or a DUF number and either, or the person of a
/// request (also one known only by name and date of birth) and a number, are one person. Only
/// for a person on a case the caller can see, only a number whose birth date fits
/// ([`check_pair`]). When both already are persons, the merge waits for a privacy officer's
/// approval.
pub async fn link(
    app: &Core,
    principal: &Principal,
    input: LinkNumbers,
) -> ServiceResult<LinkedPerson> {
    let staff = crate::access::require_staff(principal, Act::LinkNumbers)?.clone();
    let policy = PidPolicy {
        allow_synthetic: app.settings.allow_synthetic_pids,
    };
    let second = Pid::parse(&input.other_pid, policy)
        .map_err(|e| ServiceError::invalid("other_pid", e.to_string()))?;
    let stored = |s: &SubjectId| {
        (
            app.vault.subject_hash(s),
            app.vault.encrypt_subject(s),
            s.kind(),
        )
    };
    let first = match linked_first(&input, policy, &second)? {
        First::Given(subject) => Side::Stored(stored(&subject)),
        First::PersonOf(id) => Side::PersonOf(id),
    };
    let other = stored(&SubjectId::Pid(second.clone()));
    let vault = app.vault.clone();
    let principal = principal.clone();
    let registry = app.registry.get(&app.db).await?;
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let first = match first {
                    Side::PersonOf(request_id) => {
                        let req = load_visible(&tx.db, &principal, request_id).await?;
                        let (subject, row) = identifier_of(&tx.db, &vault, req.person_id).await?;
                        check_pair(&subject, &second).map_err(LinkRefusal::error)?;
                        row
                    }
                    Side::Stored(row) => row,
                };
                let numbers: [Stored; 2] = [first, other];
                let persons = owners(&tx.db, &numbers).await?;
                require_visible_person(&tx.db, &principal, &persons).await?;
                if let [Some(a), Some(b)] = persons
                    && a != b
                {
                    if pending_merge_touches(&tx.db, &[a, b]).await? {
                        return Err(ServiceError::Conflict(
                            "a merge of this person is already waiting for a privacy officer"
                                .into(),
                        ));
                    }
                    let id = Uuid::now_v7();
                    let [(h1, c1, k1), (h2, c2, k2)] = numbers;
                    person_link::ActiveModel {
                        id: Set(id),
                        first_hash: Set(h1),
                        first_ciphertext: Set(c1),
                        first_kind: Set(k1),
                        second_hash: Set(h2),
                        second_ciphertext: Set(c2),
                        second_kind: Set(k2),
                        requested_by: Set(staff.id),
                        requested_at: Set(tx.now),
                        status: Set(LinkStatus::Pending),
                        decided_by: Set(None),
                        decided_at: Set(None),
                    }
                    .insert(&tx.db)
                    .await?;
                    record_on_requests(
                        tx,
                        &[a, b],
                        &principal,
                        "merge_requested",
                        serde_json::json!({ "link_id": id }),
                    )
                    .await?;
                    return Ok(LinkedPerson {
                        status: LinkState::AwaitingApproval,
                        numbers: None,
                        merged: false,
                        link_id: Some(id),
                    });
                }
                apply_link(tx, &registry, &numbers, persons, &principal).await
            })
        })
        .await
}

/// The person's side of a link as the input names it: an identifier, or a request's person.
pub(super) enum First {
    Given(SubjectId),
    PersonOf(Uuid),
}

/// The same as the transaction takes it: the identifier sealed, or the request whose person's
/// identifier is read there.
pub(super) enum Side {
    Stored(Stored),
    PersonOf(Uuid),
}

/// What identifies the person (as [`crate::sources::collection::preferred_subject`] picks it)
/// with its stored row: a name with a date of birth is stored under a hash of its own
/// registration, so only the stored row finds the person again.
pub(super) async fn identifier_of(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<(SubjectId, Stored)> {
    let rows = person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(person_id))
        .order_by_desc(person_identifier::Column::CreatedAt)
        .all(db)
        .await?;
    let subjects = rows
        .iter()
        .map(|i| vault.decrypt_subject(&i.pid_ciphertext))
        .collect::<Result<Vec<SubjectId>, _>>()
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    let chosen = crate::sources::collection::preferred_subject(subjects.clone())
        .ok_or(ServiceError::NotFound("identity number"))?;
    let row = subjects
        .iter()
        .position(|s| s == &chosen)
        .and_then(|i| rows.get(i))
        .ok_or(ServiceError::NotFound("identity number"))?;
    Ok((
        chosen,
        (row.pid_hash.clone(), row.pid_ciphertext.clone(), row.kind),
    ))
}

/// The person linked to `other`: a number or a DUF number given in the input, or the person of
/// a request. Exactly one of `pid`, `duf` and `request_id`.
pub(super) fn linked_first(
    input: &LinkNumbers,
    policy: PidPolicy,
    other: &Pid,
) -> ServiceResult<First> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).is_some_and(|v| !v.is_empty());
    match (given(&input.pid), given(&input.duf), input.request_id) {
        (true, false, None) => {
            let first = Pid::parse(input.pid.as_deref().unwrap_or_default(), policy)
                .map_err(|e| ServiceError::invalid("pid", e.to_string()))?;
            let first = SubjectId::Pid(first);
            check_pair(&first, other).map_err(LinkRefusal::error)?;
            Ok(First::Given(first))
        }
        (false, true, None) => DufNumber::parse(
            input.duf.as_deref().unwrap_or_default(),
            crate::clock::today_oslo().year(),
        )
        .map(|d| First::Given(SubjectId::Duf(d)))
        .map_err(|e| ServiceError::invalid("duf", e.to_string())),
        (false, false, Some(id)) => Ok(First::PersonOf(id)),
        (false, false, None) => Err(ServiceError::invalid(
            "pid",
            "give the number (`pid`), the DUF number (`duf`) or a request (`request_id`) of the person",
        )),
        (true, true, None) => Err(ServiceError::invalid(
            "duf",
            "give either `pid` or `duf`, not both",
        )),
        (_, _, Some(_)) => Err(ServiceError::invalid(
            "request_id",
            "give `request_id` alone, without `pid` or `duf`",
        )),
    }
}

/// Why a number is not recorded as another number of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    SameNumber,
    /// Two fødselsnumre, or two d-numre: a person gets one of each.
    SameKind,
    /// A d-nummer and a fødselsnummer of different birth dates.
    BirthDatesDiffer,
    /// The number's birth date is not the one registered with the person's name.
    NotTheRegisteredBirthDate,
}

impl LinkRefusal {
    pub const ALL: [LinkRefusal; 4] = [
        Self::SameNumber,
        Self::SameKind,
        Self::BirthDatesDiffer,
        Self::NotTheRegisteredBirthDate,
    ];

    /// The API's words.
    pub fn message(self) -> &'static str {
        match self {
            Self::SameNumber => "the two numbers are the same",
            Self::SameKind => "only a d-nummer and a fødselsnummer are linked",
            Self::BirthDatesDiffer => "the two numbers do not have the same birth date",
            Self::NotTheRegisteredBirthDate => {
                "the number's birth date is not the date of birth registered for the person"
            }
        }
    }

    /// The key of the page's text (`office.link.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Self::SameNumber => "same_number",
            Self::SameKind => "same_kind",
            Self::BirthDatesDiffer => "birth_dates_differ",
            Self::NotTheRegisteredBirthDate => "not_registered_birth_date",
        }
    }

    /// Refused on `other_pid`.
    pub fn error(self) -> ServiceError {
        ServiceError::invalid("other_pid", self.message())
    }

    /// The refusal behind a domain error, so a page can say it in its own language.
    pub fn of(e: &ServiceError) -> Option<Self> {
        match e {
            ServiceError::Invalid {
                field: "other_pid",
                message,
            } => Self::ALL.into_iter().find(|r| r.message() == message),
            _ => None,
        }
    }
}

/// Whether `other` may be recorded as another number of the person `first` identifies: a
/// d-nummer with a fødselsnummer of the same birth date (either way round); any number with a
/// DUF number (which carries no birth date); a number whose birth date is the one registered
/// with a name (a name with a date of birth alone never joins two registrations, a number does).
pub fn check_pair(first: &SubjectId, other: &Pid) -> Result<(), LinkRefusal> {
    match first {
        SubjectId::Pid(first) => {
            if first == other {
                Err(LinkRefusal::SameNumber)
            } else if first.kind() == other.kind() {
                Err(LinkRefusal::SameKind)
            } else if first.birth_date().is_none() || first.birth_date() != other.birth_date() {
                Err(LinkRefusal::BirthDatesDiffer)
            } else {
                Ok(())
            }
        }
        SubjectId::Duf(_) => Ok(()),
        SubjectId::NameBirth(n) if other.birth_date() == Some(n.birth_date()) => Ok(()),
        SubjectId::NameBirth(_) => Err(LinkRefusal::NotTheRegisteredBirthDate),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::NaiveDate;

    use super::*;
    use crate::identity::{NameAndBirthDate, synthetic_pid};

    fn pid(day: u32, month: u32, year2: u32, d_number: bool) -> Pid {
        (100..999)
            .find_map(|i| synthetic_pid(day, month, year2, i, true, d_number))
            .unwrap()
    }

    fn named(born: NaiveDate) -> SubjectId {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        SubjectId::NameBirth(NameAndBirthDate::parse("Ola Nordmann", born, today).unwrap())
    }

    #[test]
    fn a_number_is_linked_only_where_its_birth_date_fits() {
        let fnr = pid(3, 4, 95, false);
        let d_nummer = pid(3, 4, 95, true);
        let other_day = pid(4, 4, 95, false);
        let born = fnr.birth_date().unwrap();
        let duf = SubjectId::Duf(DufNumber::parse("201258697561", 2026).unwrap());
        // (person known by, other number, outcome)
        let cases = [
            (SubjectId::Pid(d_nummer.clone()), &fnr, Ok(())),
            (SubjectId::Pid(fnr.clone()), &d_nummer, Ok(())),
            (
                SubjectId::Pid(fnr.clone()),
                &fnr,
                Err(LinkRefusal::SameNumber),
            ),
            (
                SubjectId::Pid(fnr.clone()),
                &other_day,
                Err(LinkRefusal::SameKind),
            ),
            (
                SubjectId::Pid(d_nummer.clone()),
                &other_day,
                Err(LinkRefusal::BirthDatesDiffer),
            ),
            // A DUF number carries no birth date: nothing to compare.
            (duf.clone(), &fnr, Ok(())),
            (duf, &d_nummer, Ok(())),
            // A name with a date of birth: the number must be of that date.
            (named(born), &fnr, Ok(())),
            (named(born), &d_nummer, Ok(())),
            (
                named(born.succ_opt().unwrap()),
                &fnr,
                Err(LinkRefusal::NotTheRegisteredBirthDate),
            ),
        ];
        for (n, (first, other, expected)) in cases.into_iter().enumerate() {
            assert_eq!(check_pair(&first, other), expected, "case {n}");
        }
    }

    #[test]
    fn a_refusal_is_read_back_from_its_error() {
        for r in LinkRefusal::ALL {
            assert_eq!(LinkRefusal::of(&r.error()), Some(r));
        }
        assert_eq!(
            LinkRefusal::of(&ServiceError::invalid("other_pid", "wrong length")),
            None
        );
    }
}
