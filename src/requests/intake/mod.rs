//! Intake: a citizen submits a request, or staff register one received by letter, e-mail or in
//! person (with its receipt date). Routed, given a reference and a due date, and written with its
//! timeline and audit events in one transaction; an `Idempotency-Key` makes retries safe.
//!
//! This file holds the input and the ways in; the checks, the batched write and the timeline and
//! audit rows are in the files beside it.
mod events;
mod prepared;
mod validate;
mod write;

pub(crate) use events::{record_action, record_event};
pub use prepared::{Idempotency, IntakeBatcher, IntakeOutcome, Prepared};
pub(crate) use write::reserve_references;
pub use write::write_batch;

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::view::{Channel, Language};
use crate::{
    auth::Principal,
    core::Core,
    error::ServiceError,
    identity::{Pid, SubjectId},
    lifecycle::RightKind,
};

use validate::validate;
use write::replay;

pub const MAX_DESCRIPTION: usize = 10_000;

/// A new rights request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Which right: innsyn (access, art. 15), retting (rectification, art. 16), sletting
    /// (erasure, art. 17), begrensning (restriction, art. 18), protest (objection, art. 21).
    pub kind: RightKind,
    /// What the person asks for, in their own words.
    #[schema(min_length = 1, max_length = 10000)]
    pub description: String,
    /// Service area code (see the registry), e.g. `settlement`; routes to the right controller.
    pub service_area: Option<String>,
    /// Language for letters: nb (default), nn, en, uk.
    pub language: Option<Language>,
    /// The person's address as a municipality (4 digits) or Oslo district (6 digits), when the
    /// person chooses to give it; the registered address wins when known.
    #[schema(pattern = "^([0-9]{4}|[0-9]{6})$")]
    pub geography: Option<String>,
    /// Staff only: the national identity number of the person the request is from.
    #[schema(pattern = "^[0-9]{11}$")]
    pub subject_pid: Option<String>,
    /// Staff only, instead of `subject_pid`: the person's DUF number (UDI), 12 digits written
    /// `2012 586975 61` or without spaces.
    #[schema(pattern = "^[0-9]{4} ?[0-9]{6} ?[0-9]{2}$")]
    pub subject_duf: Option<String>,
    /// Staff only, for a paper request from a person without a number (channel `letter`): the
    /// person's name, given with `subject_birth_date` instead of a number.
    #[schema(max_length = 200)]
    pub subject_name: Option<String>,
    /// Staff only: the date of birth that goes with `subject_name`.
    pub subject_birth_date: Option<NaiveDate>,
    /// Staff only: how the request came in (default `letter`).
    pub channel: Option<Channel>,
    /// Staff only: the day the request was received (default today).
    pub received_on: Option<NaiveDate>,
    /// Where to tell the person that an answer is ready (the e-mail never carries the answer).
    #[schema(max_length = 254, format = "email")]
    pub contact_email: Option<String>,
    /// The person wants the answers on paper: every letter is then also printed and posted
    /// (GDPR art. 12(1), 12(3) "unless otherwise requested by the data subject").
    #[serde(default)]
    pub wants_paper: bool,
}

/// A plausible e-mail address: one `@`, something on each side, a dot in the domain, no spaces.
/// (Deliverability is for the mail server to judge; this only stops typing mistakes.)
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Creates a request. Returns the view and whether it is a replay of an earlier identical POST.
pub async fn create(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
) -> IntakeOutcome {
    create_with(app, principal, input, idempotency, None).await
}

/// A request made by a representative for the person `subject` (checked by the caller through
/// [`crate::representation::authority`]): the request is the person's, linked to the
/// representation in the same transaction.
pub async fn create_on_behalf(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    subject: Pid,
    on_behalf: crate::representation::OnBehalf,
) -> IntakeOutcome {
    create_with(
        app,
        principal,
        input,
        idempotency,
        Some((subject, Acting::Proven(on_behalf))),
    )
    .await
}

/// A request staff register from a letter whose writer says they act for the person `subject`
/// but has not proven it: the request is the person's, registered with the claim so it can be
/// answered (by refusing the representation, or by proving it later).
pub async fn create_claimed(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    subject: Pid,
    claim: crate::representation::claim::Claim,
) -> IntakeOutcome {
    create_with(
        app,
        principal,
        input,
        idempotency,
        Some((subject, Acting::Claimed(claim))),
    )
    .await
}

/// How someone acts for the person a request is about.
enum Acting {
    Proven(crate::representation::OnBehalf),
    Claimed(crate::representation::claim::Claim),
}

async fn create_with(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    for_other: Option<(Pid, Acting)>,
) -> IntakeOutcome {
    let scope = principal.idempotency_scope();
    if let Some(idem) = &idempotency
        && let Some(view) = replay(&app.db, &scope, idem).await?
    {
        return Ok((view, true));
    }
    let mut intake = validate(app, principal, input)?;
    let (on_behalf, claim) = match for_other {
        Some((subject, acting)) => {
            intake.subject = SubjectId::Pid(subject);
            match acting {
                Acting::Proven(on_behalf) => (Some(on_behalf), None),
                // The request id is set when it is written.
                Acting::Claimed(claim) => (None, Some(claim.row(app, Uuid::nil()))),
            }
        }
        None => (None, None),
    };
    let registry = app.registry.get(&app.db).await?;
    if let Some(area) = &intake.service_area
        && !registry.service_areas.contains_key(area)
    {
        return Err(ServiceError::invalid(
            "service_area",
            format!("unknown service area `{area}`"),
        ));
    }
    // Rate-limit hook (docs/security.md): per person, and receipt e-mails per address. A
    // receipt over its limit is not sent; the request is still registered and on Min side.
    let pid_hash = if intake.subject.singles_out_a_person() {
        app.vault.subject_hash(&intake.subject)
    } else {
        app.vault.registration_hash(&intake.subject)
    };
    app.intake_limits
        .person(&app.db, &pid_hash)
        .await?
        .map_err(|wait| {
            tracing::warn!("intake refused: too many requests for one person");
            ServiceError::RateLimited {
                retry_after_seconds: wait.0,
                message: "too many requests for this person in a short time; try again later"
                    .into(),
            }
        })?;
    let send_receipt = match intake.contact_email.as_deref() {
        Some(address) => {
            let allowed = app
                .intake_limits
                .receipt(&app.db, &app.vault, address)
                .await?;
            if !allowed {
                tracing::warn!("receipt e-mail withheld: too many receipts to one address");
            }
            allowed
        }
        None => false,
    };
    let prepared = Prepared {
        send_receipt,
        pid_hash,
        pid_ciphertext: app.vault.encrypt_subject(&intake.subject),
        contact_ciphertext: intake.contact_email.as_deref().map(|e| app.vault.seal(e)),
        intake,
        principal: principal.clone(),
        scope,
        idempotency,
        registry,
        base_url: app.settings.base_url(),
        on_behalf,
        claim,
    };
    let kind = prepared.intake.kind;
    let notify = prepared.send_receipt;
    let outcome = app.intake.submit(prepared).await;
    if kind == RightKind::Innsyn {
        app.collector.wake();
    }
    if notify {
        app.notifier.wake();
    }
    outcome
}

#[cfg(test)]
mod email_tests {
    #[test]
    fn plausible_addresses() {
        for (e, ok) in [
            ("ola@example.no", true),
            ("o.n+tag@sub.example.no", true),
            ("ola@example", false),
            ("@example.no", false),
            ("ola@", false),
            ("ola example@x.no", false),
            ("ola@@x.no", false),
            ("ola@.x.no", false),
            ("ola@x.no.", false),
        ] {
            assert_eq!(super::valid_email(e), ok, "{e}");
        }
    }
}
