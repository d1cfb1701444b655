//! Complaints about how a request was handled, registered by staff so that the controller can
//! follow them up and report them: an appeal of the decision, made to the controller that
//! decided (forvaltningsloven § 28; the controller may change the decision itself, § 33, or
//! sends the appeal on to the appeal body), or a complaint to Datatilsynet (GDPR art. 77) that
//! Datatilsynet brings to the controller. Each complaint ends with an outcome. Every step is on
//! the case's internal timeline and in the audit trail.
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    complaint::{self, ComplaintKind, ComplaintOutcome, ComplaintStatus},
    request,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::{Act, require_staff},
    auth::Principal,
    clock::today_oslo,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::Status,
    requests::{
        intake::record_action,
        queries::{load_visible, username_of},
    },
};

/// `POST /requests/{id}/complaints`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    pub kind: ComplaintKind,
    /// The day the complaint reached the controller (not in the future, not before the request).
    pub received_on: NaiveDate,
    /// What the complaint is about, for staff.
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// `POST /requests/{id}/complaints/{complaint_id}/appeal-body`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SentToAppealBodyInput {
    /// The day the appeal was sent on.
    pub sent_on: NaiveDate,
}

/// `POST /requests/{id}/complaints/{complaint_id}/outcome`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintOutcomeInput {
    pub outcome: ComplaintOutcome,
    /// The day of the decision on the complaint (or of its withdrawal).
    pub decided_on: NaiveDate,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// A complaint as the API and the case page show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintView {
    pub id: Uuid,
    pub request_id: Uuid,
    pub kind: ComplaintKind,
    pub received_on: NaiveDate,
    pub status: ComplaintStatus,
    pub sent_to_appeal_body_on: Option<NaiveDate>,
    pub outcome: Option<ComplaintOutcome>,
    pub decided_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// Username of the staff member who registered it.
    pub registered_by: Option<String>,
    pub registered_at: DateTime<Utc>,
    /// An appeal: calendar days from the answer (the day the case was closed) to the appeal.
    /// The appeal time limit is three weeks from the day the answer *reached* the person
    /// (forvaltningsloven § 29), which staff judge; this is the fact they judge from.
    pub days_after_answer: Option<i64>,
}

const NOTE_MAX: usize = 4000;

fn note_of(note: Option<String>) -> ServiceResult<Option<String>> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        return Err(ServiceError::invalid(
            "note",
            format!("at most {NOTE_MAX} characters"),
        ));
    }
    Ok(note)
}

/// A date a staff member gives: not in the future, not before `earliest`.
fn day_of(
    field: &'static str,
    day: NaiveDate,
    earliest: NaiveDate,
    today: NaiveDate,
) -> ServiceResult<NaiveDate> {
    if day > today {
        return Err(ServiceError::invalid(field, "cannot be in the future"));
    }
    if day < earliest {
        return Err(ServiceError::invalid(
            field,
            format!("cannot be before {earliest}"),
        ));
    }
    Ok(day)
}

/// Which complaints a request can get in its state: an appeal needs a decision (the request was
/// answered); a complaint to Datatilsynet can be about any handling, also a late or missing one.
pub fn may_receive(kind: ComplaintKind, status: Status) -> bool {
    match kind {
        ComplaintKind::Appeal => status == Status::Completed,
        ComplaintKind::SupervisoryAuthority => true,
    }
}

/// Whether a complaint can be sent on to the appeal body, or why not.
pub fn may_send_on(kind: ComplaintKind, status: ComplaintStatus) -> Result<(), &'static str> {
    match (kind, status) {
        (ComplaintKind::SupervisoryAuthority, _) => {
            Err("only an appeal is sent on to the appeal body")
        }
        (ComplaintKind::Appeal, ComplaintStatus::Open) => Ok(()),
        (ComplaintKind::Appeal, ComplaintStatus::WithAppealBody) => {
            Err("the appeal is already with the appeal body")
        }
        (ComplaintKind::Appeal, ComplaintStatus::Closed) => Err("the complaint is closed"),
    }
}

async fn view(
    db: &impl sea_orm::ConnectionTrait,
    row: complaint::Model,
    answered_on: Option<NaiveDate>,
) -> ServiceResult<ComplaintView> {
    Ok(ComplaintView {
        id: row.id,
        request_id: row.request_id,
        kind: row.kind,
        received_on: row.received_on,
        status: row.status,
        sent_to_appeal_body_on: row.sent_to_appeal_body_on,
        outcome: row.outcome,
        decided_on: row.decided_on,
        note: row.note,
        registered_by: username_of(db, Some(row.registered_by)).await?,
        registered_at: row.registered_at,
        days_after_answer: match (row.kind, answered_on) {
            (ComplaintKind::Appeal, Some(answered)) => {
                Some((row.received_on - answered).num_days())
            }
            _ => None,
        },
    })
}

fn answered_on(req: &request::Model) -> Option<NaiveDate> {
    (req.status == Status::Completed)
        .then_some(req.closed_at)
        .flatten()
        .map(|at| at.with_timezone(&chrono_tz::Europe::Oslo).date_naive())
}

/// Registers a complaint about the request.
pub async fn register(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: ComplaintInput,
) -> ServiceResult<ComplaintView> {
    let staff = require_staff(principal, Act::WorkCase)?.clone();
    let note = note_of(input.note)?;
    let principal = principal.clone();
    let today = today_oslo();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                if !may_receive(input.kind, req.status) {
                    return Err(ServiceError::Conflict(
                        "an appeal is of a decision: this request has not been answered".into(),
                    ));
                }
                let received_on = day_of("received_on", input.received_on, req.received_on, today)?;
                let row = complaint::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(request_id),
                    kind: Set(input.kind),
                    received_on: Set(received_on),
                    status: Set(ComplaintStatus::Open),
                    sent_to_appeal_body_on: Set(None),
                    outcome: Set(None),
                    decided_on: Set(None),
                    note: Set(note.clone()),
                    registered_by: Set(staff.id),
                    registered_at: Set(tx.now),
                    updated_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    "complaint_registered",
                    None,
                    None,
                    serde_json::json!({
                        "complaint_id": row.id,
                        "kind": input.kind,
                        "received_on": received_on,
                        "note": note,
                    }),
                )
                .await?;
                view(&tx.db, row, answered_on(&req)).await
            })
        })
        .await
}

/// The request's complaints, the latest first.
pub async fn list(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<ComplaintView>> {
    require_staff(principal, Act::ReadInternal)?;
    let req = load_visible(&app.db, principal, request_id).await?;
    let rows = complaint::Entity::find()
        .filter(complaint::Column::RequestId.eq(request_id))
        .order_by_desc(complaint::Column::ReceivedOn)
        .order_by_desc(complaint::Column::RegisteredAt)
        .all(&app.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view(&app.db, row, answered_on(&req)).await?);
    }
    Ok(out)
}

/// What a change to one complaint does, inside its transaction.
enum Change {
    SentOn(NaiveDate),
    Outcome {
        outcome: ComplaintOutcome,
        decided_on: NaiveDate,
        note: Option<String>,
    },
}

async fn change(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    complaint_id: Uuid,
    change: Change,
) -> ServiceResult<ComplaintView> {
    require_staff(principal, Act::WorkCase)?;
    let principal = principal.clone();
    let today = today_oslo();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                let row = complaint::Entity::find_by_id(complaint_id)
                    .filter(complaint::Column::RequestId.eq(request_id))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("complaint"))?;
                let mut active: complaint::ActiveModel = row.clone().into();
                let (action, details) = match change {
                    Change::SentOn(day) => {
                        may_send_on(row.kind, row.status)
                            .map_err(|e| ServiceError::Conflict(e.into()))?;
                        let day = day_of("sent_on", day, row.received_on, today)?;
                        active.status = Set(ComplaintStatus::WithAppealBody);
                        active.sent_to_appeal_body_on = Set(Some(day));
                        (
                            "complaint_sent_to_appeal_body",
                            serde_json::json!({ "complaint_id": row.id, "sent_on": day }),
                        )
                    }
                    Change::Outcome {
                        outcome,
                        decided_on,
                        note,
                    } => {
                        if row.status == ComplaintStatus::Closed {
                            return Err(ServiceError::Conflict("the complaint is closed".into()));
                        }
                        let earliest = row.sent_to_appeal_body_on.unwrap_or(row.received_on);
                        let day = day_of("decided_on", decided_on, earliest, today)?;
                        active.status = Set(ComplaintStatus::Closed);
                        active.outcome = Set(Some(outcome));
                        active.decided_on = Set(Some(day));
                        if let Some(note) = &note {
                            let joined = match &row.note {
                                Some(old) => format!("{old}\n\n{note}"),
                                None => note.clone(),
                            };
                            active.note = Set(Some(joined));
                        }
                        (
                            "complaint_decided",
                            serde_json::json!({
                                "complaint_id": row.id,
                                "outcome": outcome,
                                "decided_on": day,
                                "note": note,
                            }),
                        )
                    }
                };
                active.updated_at = Set(tx.now);
                let row = active.update(&tx.db).await?;
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    action,
                    None,
                    None,
                    details,
                )
                .await?;
                view(&tx.db, row, answered_on(&req)).await
            })
        })
        .await
}

/// Records that an appeal the controller did not grant itself was sent on to the appeal body.
pub async fn send_to_appeal_body(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    complaint_id: Uuid,
    input: SentToAppealBodyInput,
) -> ServiceResult<ComplaintView> {
    change(
        app,
        principal,
        request_id,
        complaint_id,
        Change::SentOn(input.sent_on),
    )
    .await
}

/// Records how a complaint ended; it is then closed.
pub async fn record_outcome(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    complaint_id: Uuid,
    input: ComplaintOutcomeInput,
) -> ServiceResult<ComplaintView> {
    let note = note_of(input.note)?;
    change(
        app,
        principal,
        request_id,
        complaint_id,
        Change::Outcome {
            outcome: input.outcome,
            decided_on: input.decided_on,
            note,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appeal_needs_an_answer_a_complaint_to_datatilsynet_does_not() {
        for status in Status::ALL {
            assert_eq!(
                may_receive(ComplaintKind::Appeal, status),
                status == Status::Completed,
                "{status:?}"
            );
            assert!(may_receive(ComplaintKind::SupervisoryAuthority, status));
        }
    }

    #[test]
    fn only_an_open_appeal_is_sent_on() {
        use ComplaintKind::*;
        use ComplaintStatus::*;
        for (kind, status, ok) in [
            (Appeal, Open, true),
            (Appeal, WithAppealBody, false),
            (Appeal, Closed, false),
            (SupervisoryAuthority, Open, false),
            (SupervisoryAuthority, Closed, false),
        ] {
            assert_eq!(may_send_on(kind, status).is_ok(), ok, "{kind:?} {status:?}");
        }
    }

    #[test]
    fn dates_are_neither_in_the_future_nor_too_early() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let (earliest, today) = (d("2026-03-02"), d("2026-12-07"));
        for (day, ok) in [
            ("2026-03-01", false),
            ("2026-03-02", true),
            ("2026-12-07", true),
            ("2026-12-08", false),
        ] {
            assert_eq!(
                day_of("received_on", d(day), earliest, today).is_ok(),
                ok,
                "{day}"
            );
        }
    }
}
