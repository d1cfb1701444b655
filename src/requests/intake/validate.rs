//! An intake checked and completed before it is written: who may file what, the person it is
//! about, routing, reference year and due date.

use chrono::{Datelike, NaiveDate};

use crate::requests::view::Channel;
use crate::{
    auth::Principal,
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{DufNumber, NameAndBirthDate, Pid, PidPolicy, SubjectId},
    lifecycle::Role,
    routing_rules::Geography,
};

use super::prepared::Intake;
use super::{MAX_DESCRIPTION, NewRequest, valid_email};

pub(super) fn validate(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
) -> ServiceResult<Intake> {
    let description = input.description.trim().to_string();
    if description.is_empty() {
        return Err(ServiceError::invalid(
            "description",
            "the description must not be empty",
        ));
    }
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(ServiceError::invalid(
            "description",
            format!("the description is longer than {MAX_DESCRIPTION} characters"),
        ));
    }
    let geography = input
        .geography
        .as_deref()
        .map(|g| Geography::parse(g).map_err(|e| ServiceError::invalid("geography", e.to_string())))
        .transpose()?;
    let today = clock::today_oslo();
    let (subject, channel, received_on) = match principal {
        Principal::Citizen { pid, .. } => {
            for (field, given) in [
                ("subject_pid", input.subject_pid.is_some()),
                ("subject_duf", input.subject_duf.is_some()),
                ("subject_name", input.subject_name.is_some()),
                ("subject_birth_date", input.subject_birth_date.is_some()),
                ("channel", input.channel.is_some()),
                ("received_on", input.received_on.is_some()),
            ] {
                if given {
                    return Err(ServiceError::invalid(
                        field,
                        format!("`{field}` can only be set by staff"),
                    ));
                }
            }
            (SubjectId::Pid(pid.clone()), Channel::Api, today)
        }
        Principal::Staff(staff) => {
            if !matches!(staff.role, Role::Caseworker | Role::PrivacyOfficer) {
                return Err(ServiceError::Forbidden(
                    "only caseworkers and privacy officers register requests".into(),
                ));
            }
            let policy = PidPolicy {
                allow_synthetic: app.settings.allow_synthetic_pids,
            };
            let channel = input.channel.unwrap_or(Channel::Letter);
            let subject = staff_subject(&input, policy, channel, today)?;
            let received_on = input.received_on.unwrap_or(today);
            if received_on > today {
                return Err(ServiceError::invalid(
                    "received_on",
                    "the receipt date cannot be in the future",
                ));
            }
            if received_on < today - chrono::Days::new(366) {
                return Err(ServiceError::invalid(
                    "received_on",
                    "the receipt date is more than a year ago",
                ));
            }
            (subject, channel, received_on)
        }
    };
    let contact_email = input
        .contact_email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if contact_email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(ServiceError::invalid(
            "contact_email",
            "this does not look like an e-mail address (name@example.no)",
        ));
    }
    Ok(Intake {
        contact_email,
        wants_paper: input.wants_paper,
        kind: input.kind,
        description,
        service_area: input
            .service_area
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty()),
        language: input.language.unwrap_or_default(),
        geography,
        subject,
        channel,
        received_on,
    })
}

/// A field given with something other than whitespace.
pub(super) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The person a staff registration is about: exactly one of a national identity number, a DUF
/// number, or a name with a date of birth (the last only for a request that came on paper).
pub(super) fn staff_subject(
    input: &NewRequest,
    policy: PidPolicy,
    channel: Channel,
    today: NaiveDate,
) -> ServiceResult<SubjectId> {
    let pid = given(&input.subject_pid);
    let duf = given(&input.subject_duf);
    let name = given(&input.subject_name);
    let birth = input.subject_birth_date;
    let named = name.is_some() || birth.is_some();
    match (pid, duf, named) {
        (Some(raw), None, false) => Pid::parse(raw, policy)
            .map(SubjectId::Pid)
            .map_err(|e| ServiceError::invalid("subject_pid", e.to_string())),
        (None, Some(raw), false) => DufNumber::parse(raw, today.year())
            .map(SubjectId::Duf)
            .map_err(|e| ServiceError::invalid("subject_duf", e.to_string())),
        (None, None, true) => {
            if channel != Channel::Letter {
                return Err(ServiceError::invalid(
                    "subject_name",
                    "a person without a number is registered by name and date of birth only from a letter",
                ));
            }
            let birth = birth.ok_or_else(|| {
                ServiceError::invalid("subject_birth_date", "give the date of birth with the name")
            })?;
            NameAndBirthDate::parse(name.unwrap_or_default(), birth, today)
                .map(SubjectId::NameBirth)
                .map_err(|e| {
                    let field = match e {
                        crate::identity::NameBirthError::EmptyName
                        | crate::identity::NameBirthError::ImplausibleName => "subject_name",
                        _ => "subject_birth_date",
                    };
                    ServiceError::invalid(field, e.to_string())
                })
        }
        (None, None, false) => Err(ServiceError::invalid(
            "subject_pid",
            "staff must give the person's national identity number, DUF number, or name and date of birth",
        )),
        _ => Err(ServiceError::invalid(
            "subject",
            "give only one of: national identity number, DUF number, name with date of birth",
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod subject_tests {
    use super::*;
    use crate::lifecycle::RightKind;

    fn input(
        pid: Option<&str>,
        duf: Option<&str>,
        name: Option<&str>,
        birth: Option<&str>,
    ) -> NewRequest {
        NewRequest {
            kind: RightKind::Innsyn,
            description: "x".into(),
            service_area: None,
            language: None,
            geography: None,
            subject_pid: pid.map(Into::into),
            subject_duf: duf.map(Into::into),
            subject_name: name.map(Into::into),
            subject_birth_date: birth.map(|b| b.parse().unwrap()),
            channel: None,
            received_on: None,
            contact_email: None,
            wants_paper: false,
        }
    }

    #[test]
    fn staff_identify_a_person_by_exactly_one_identifier() {
        use entity::values::IdentifierKind as K;
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let policy = PidPolicy::default();
        let pid = Some("01019012561");
        let duf = Some("2012 586975 61");
        let name = Some("Ola Nordmann");
        let born = Some("1990-01-31");
        // (pid, duf, name, birth date, channel, kind or the field at fault)
        let rows: &[(_, _, _, _, Channel, Result<K, &str>)] = &[
            (pid, None, None, None, Channel::Letter, Ok(K::Fodselsnummer)),
            (
                Some("41019012555"),
                None,
                None,
                None,
                Channel::Email,
                Ok(K::DNummer),
            ),
            (None, duf, None, None, Channel::InPerson, Ok(K::Duf)),
            (
                None,
                Some("201258697561"),
                None,
                None,
                Channel::Letter,
                Ok(K::Duf),
            ),
            (
                None,
                None,
                name,
                born,
                Channel::Letter,
                Ok(K::NameBirthDate),
            ),
            (None, None, name, born, Channel::Email, Err("subject_name")),
            (
                None,
                None,
                name,
                born,
                Channel::InPerson,
                Err("subject_name"),
            ),
            (
                None,
                None,
                name,
                None,
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (None, None, None, born, Channel::Letter, Err("subject_name")),
            (
                None,
                None,
                Some("Ola 2"),
                born,
                Channel::Letter,
                Err("subject_name"),
            ),
            (
                None,
                None,
                name,
                Some("2026-12-08"),
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (
                None,
                None,
                name,
                Some("1899-01-01"),
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (
                None,
                Some("2027 586975 61"),
                None,
                None,
                Channel::Letter,
                Err("subject_duf"),
            ),
            (
                None,
                Some("2012-586975-61"),
                None,
                None,
                Channel::Letter,
                Err("subject_duf"),
            ),
            (
                Some("01019012562"),
                None,
                None,
                None,
                Channel::Letter,
                Err("subject_pid"),
            ),
            (pid, duf, None, None, Channel::Letter, Err("subject")),
            (pid, None, name, born, Channel::Letter, Err("subject")),
            (None, duf, None, born, Channel::Letter, Err("subject")),
            (None, None, None, None, Channel::Letter, Err("subject_pid")),
            (
                Some(" "),
                Some(""),
                Some("  "),
                None,
                Channel::Letter,
                Err("subject_pid"),
            ),
        ];
        for (p, d, n, b, channel, want) in rows {
            let got = staff_subject(&input(*p, *d, *n, *b), policy, *channel, today);
            let got = got.map(|s| s.kind()).map_err(|e| match e {
                ServiceError::Invalid { field, .. } => field,
                other => panic!("{other:?}"),
            });
            assert_eq!(&got, want, "{p:?} {d:?} {n:?} {b:?} {channel:?}");
        }
    }
}
