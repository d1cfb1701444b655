//! Case operations on one request: lifecycle transitions (`lifecycle.rs`), assignment, deadline
//! extension (GDPR art. 12(3)) and forwarding to another unit or controller. Each runs in one
//! transaction that re-reads the request, checks who may do it, and writes the change, a timeline
//! event and an audit event.
//!
//! This file holds the inputs, the shared transaction frame and the entry points an approved
//! closing step comes back through; the steps themselves are in the files beside it.
pub mod closing;
mod forward;
mod handling;
mod transition;

pub use forward::forward;
pub use handling::{
    EXPECTED_ANSWER, ExpectedAnswerInput, INTERNAL_NOTE, NoteInput, assign, expected_answer, note,
};
pub use transition::transition;

use chrono::NaiveDate;
use entity::request;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use self::closing::{Approval, ClosingStepView};
use super::{
    intake::record_event,
    queries::{load_visible, username_of},
    view::{self, RequestView},
};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{Action, Outcome, Role, Status},
    writer::Tx,
};

use forward::forward_to_controller;
use transition::carry_out_asking;

/// A lifecycle step taken on its own. Answering (complete, approve) and the approval round
/// (submit_for_approval, send_back) go through the decision endpoints and are refused here.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    pub action: Action,
    /// Never accepted: an outcome is recorded only by a decision
    /// (`POST /api/v1/requests/{id}/decision`). Kept in the schema so that a client that sends
    /// one learns where to go instead of being told the field is unknown.
    pub outcome: Option<Outcome>,
    /// The question for `ask_requester`; where the request was sent for `forward_out`; a comment
    /// otherwise.
    #[schema(max_length = 4000)]
    pub note: Option<String>,
    /// Required when staff register a withdrawal: how and when the person withdrew the request.
    /// A citizen withdrawing their own request gives none (their own action is the record).
    pub withdrawal: Option<WithdrawalRecord>,
    /// With `ask_requester` (staff): the question asks for proof of identity. The deadline then
    /// stands still until `requester_answered`, which moves it by the days waited (GDPR art.
    /// 12(6); EDPB Guidelines 01/2022 section 5.3).
    #[serde(default)]
    pub for_identity: bool,
}

/// How the person's withdrawal reached the body, kept on the case's record.
#[derive(Debug, Clone, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRecord {
    pub channel: WithdrawalChannel,
    /// The day the withdrawal was received; not before the request and not in the future.
    pub received_on: NaiveDate,
    /// The journal or document reference of the letter or note, if there is one.
    #[schema(max_length = 200)]
    pub reference: Option<String>,
}

/// The channel a withdrawal came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalChannel {
    Letter,
    Email,
    Phone,
    InPerson,
}

impl WithdrawalChannel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Letter => "letter",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::InPerson => "in_person",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "letter" => Some(Self::Letter),
            "email" => Some(Self::Email),
            "phone" => Some(Self::Phone),
            "in_person" => Some(Self::InPerson),
            _ => None,
        }
    }
}

/// Checks a withdrawal record against who acts and the request's receipt date.
fn check_withdrawal(
    role: Role,
    record: Option<WithdrawalRecord>,
    received_on: NaiveDate,
    today: NaiveDate,
) -> ServiceResult<Option<WithdrawalRecord>> {
    match (role, record) {
        (Role::Citizen, None) => Ok(None),
        (Role::Citizen, Some(_)) => Err(ServiceError::invalid(
            "withdrawal",
            "a withdrawal record is given by staff registering the person's withdrawal",
        )),
        (_, None) => Err(ServiceError::invalid(
            "withdrawal",
            "staff withdraw a request only on the person's own withdrawal: say how and when it came",
        )),
        (_, Some(mut r)) => {
            if r.received_on > today {
                return Err(ServiceError::invalid(
                    "withdrawal",
                    "the withdrawal cannot be received in the future",
                ));
            }
            if r.received_on < received_on {
                return Err(ServiceError::invalid(
                    "withdrawal",
                    "the withdrawal cannot be received before the request",
                ));
            }
            r.reference = r
                .reference
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            if r.reference
                .as_ref()
                .is_some_and(|s| s.chars().count() > 200)
            {
                return Err(ServiceError::invalid(
                    "withdrawal",
                    "the reference is longer than 200 characters",
                ));
            }
            Ok(Some(r))
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// Username of the caseworker to assign; null to unassign.
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    /// The unit to send the request to (possibly of another controller).
    pub unit_id: Uuid,
    /// Why; required when the unit belongs to another controller, and then told to the person.
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

fn note_of(note: Option<String>) -> ServiceResult<Option<String>> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(ServiceError::invalid(
            "note",
            "the note is longer than 4000 characters",
        ));
    }
    Ok(note)
}

/// Runs `change` on the request inside one transaction and returns the updated view.
pub(super) async fn with_request<F>(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    change: F,
) -> ServiceResult<RequestView>
where
    F: for<'a> FnOnce(
            &'a mut Tx,
            request::Model,
            &'a Principal,
        ) -> futures::future::BoxFuture<'a, ServiceResult<Change>>
        + Send
        + 'static,
{
    let registry = app.registry.get(&app.db).await?;
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let before = load_visible(&tx.db, &principal, id).await?;
                let from = before.status;
                let Change {
                    mut row,
                    action,
                    details,
                } = change(tx, before, &principal).await?;
                let to = *row.status.as_ref();
                row.updated_at = Set(tx.now);
                row.version = Set(row.version.as_ref() + 1);
                let row = row.update(&tx.db).await?;
                let (actor_kind, actor) = principal.timeline_actor();
                let changed = (from != to).then_some(to);
                record_event(
                    tx,
                    id,
                    actor_kind,
                    &actor,
                    action,
                    changed.map(|_| from),
                    changed,
                    details.clone(),
                )
                .await?;
                tx.audit(AuditRecord {
                    actor: principal.audit_actor(),
                    action: format!("request.{action}"),
                    request_id: Some(id),
                    details,
                })
                .await?;
                let assignee = username_of(&tx.db, row.assignee_id).await?;
                Ok(view::build(&row, &registry, assignee, &principal))
            })
        })
        .await
}

pub(super) struct Change {
    pub(super) row: request::ActiveModel,
    pub(super) action: &'static str,
    pub(super) details: serde_json::Value,
}

fn require_staff(principal: &Principal) -> ServiceResult<&crate::auth::Staff> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => Ok(s),
        _ => Err(ServiceError::Forbidden(
            "only caseworkers and privacy officers may do this".into(),
        )),
    }
}

/// The request's state, refused with a conflict when it is closed.
pub(crate) fn require_open(row: &request::Model) -> ServiceResult<Status> {
    let status = row.status;
    if status.is_terminal() {
        return Err(ServiceError::Conflict(format!(
            "the request is {status} and can no longer be changed"
        )));
    }
    Ok(status)
}

/// What a staff step came to: carried out, or (four eyes) waiting for a privacy officer.
#[derive(Debug, Clone)]
pub enum Stepped {
    Done(RequestView),
    Pending(ClosingStepView),
}

impl Stepped {
    /// The request as it is now, when the step was carried out.
    pub fn done(self) -> Option<RequestView> {
        match self {
            Self::Done(v) => Some(v),
            Self::Pending(_) => None,
        }
    }
}

/// Takes a step (checked by [`transition`]); with `approval`, the approved closing step is
/// settled in the same transaction.
pub(crate) async fn carry_out(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    action: Action,
    note: Option<String>,
    withdrawal: Option<WithdrawalRecord>,
    approval: Option<Approval>,
) -> ServiceResult<RequestView> {
    carry_out_asking(
        app, principal, id, action, note, withdrawal, approval, false,
    )
    .await
}

/// Carries out an approved forward to another controller.
pub(crate) async fn forward_approved(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    unit_id: Uuid,
    reason: String,
    approval: Approval,
) -> ServiceResult<RequestView> {
    let registry = app.registry.get(&app.db).await?;
    let target = registry.units.get(&unit_id).cloned().ok_or_else(|| {
        ServiceError::Conflict("the unit the request was to go to no longer exists".into())
    })?;
    let before = load_visible(&app.db, principal, id).await?;
    forward_to_controller(
        app,
        principal,
        registry,
        before,
        target,
        reason,
        Some(approval),
    )
    .await
}
