//! Case operations on one request: lifecycle transitions (`lifecycle.rs`), assignment, deadline
//! extension (GDPR art. 12(3)) and forwarding to another unit or controller. Each runs in one
//! transaction that re-reads the request, checks who may do it, and writes the change, a timeline
//! event and an audit event.
use chrono::NaiveDate;
use entity::{controller, request, staff_unit, staff_user, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    intake::record_event,
    queries::{load_visible, username_of},
    view::{self, RequestView},
};
use crate::{
    app::AppState,
    audit::AuditRecord,
    auth::Principal,
    clock, deadlines,
    error::{ServiceError, ServiceResult},
    lifecycle::{self, Action, Outcome, Policy, Role, Status},
    notifications::{self, Template},
    writer::Tx,
};

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
async fn with_request<F>(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
    change: F,
) -> ServiceResult<RequestView>
where
    F: for<'a> FnOnce(
            &'a Tx,
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

struct Change {
    row: request::ActiveModel,
    action: &'static str,
    details: serde_json::Value,
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

pub async fn transition(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
    input: TransitionInput,
) -> ServiceResult<RequestView> {
    let note = note_of(input.note)?;
    let action = input.action;
    if action.is_decision_step() {
        return Err(lifecycle::TransitionError::DecisionRequired { action }.into());
    }
    if input.outcome.is_some() {
        return Err(ServiceError::invalid(
            "outcome",
            "an outcome is recorded only by a decision: POST /api/v1/requests/{id}/decision",
        ));
    }
    if action == Action::ForwardOut && note.is_none() {
        return Err(ServiceError::invalid(
            "note",
            "say where the request was sent",
        ));
    }
    if action != Action::Withdraw && input.withdrawal.is_some() {
        return Err(ServiceError::invalid(
            "withdrawal",
            format!("a withdrawal record goes with withdraw, not {action}"),
        ));
    }
    let withdrawal = input.withdrawal;
    let (vault, base_url) = (app.vault.clone(), app.settings.base_url());
    let view = with_request(app, principal, id, move |tx, before, principal| {
        Box::pin(async move {
            let from = before.status;
            let four_eyes = controller::Entity::find_by_id(before.controller_id)
                .one(&tx.db)
                .await?
                .is_some_and(|c| c.four_eyes);
            let to = lifecycle::step(from, action, principal.role(), Policy { four_eyes })?;
            let withdrawal = if action == Action::Withdraw {
                check_withdrawal(
                    principal.role(),
                    withdrawal,
                    before.received_on,
                    clock::today_oslo(),
                )?
            } else {
                None
            };
            // Each request for more information is its own notice (the version tells them apart).
            if action == Action::AskRequester
                && let Some(email) = notifications::for_requester(
                    Template::Clarification,
                    &before,
                    &base_url,
                    &before.version.to_string(),
                )
            {
                notifications::enqueue(tx, &vault, email).await?;
            }
            let mut row: request::ActiveModel = before.into();
            row.status = Set(to);
            if to.is_terminal() {
                row.closed_at = Set(Some(tx.now));
            }
            let details = match withdrawal {
                Some(w) => serde_json::json!({ "note": note, "withdrawal": w }),
                None => serde_json::json!({ "note": note }),
            };
            Ok(Change {
                row,
                action: action.as_str(),
                details,
            })
        })
    })
    .await?;
    if action == Action::AskRequester {
        app.notifier.wake();
    }
    Ok(view)
}

pub async fn assign(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
    input: AssignInput,
) -> ServiceResult<RequestView> {
    require_staff(principal)?;
    with_request(app, principal, id, move |tx, before, _principal| {
        Box::pin(async move {
            require_open(&before)?;
            let assignee = match input
                .assignee
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => None,
                Some(username) => {
                    let user = staff_user::Entity::find()
                        .filter(staff_user::Column::Username.eq(username))
                        .filter(staff_user::Column::Active.eq(true))
                        .one(&tx.db)
                        .await?
                        .ok_or_else(|| {
                            ServiceError::invalid(
                                "assignee",
                                format!("unknown staff user `{username}`"),
                            )
                        })?;
                    let works_unit = staff_unit::Entity::find()
                        .filter(staff_unit::Column::StaffId.eq(user.id))
                        .filter(staff_unit::Column::UnitId.eq(before.unit_id))
                        .one(&tx.db)
                        .await?
                        .is_some();
                    let officer_here = user.role == "privacy_officer"
                        && user.controller_id == Some(before.controller_id);
                    let caseworker_here = works_unit && user.role == "caseworker";
                    if !caseworker_here && !officer_here {
                        return Err(ServiceError::invalid(
                            "assignee",
                            format!("`{username}` does not work this request's unit"),
                        ));
                    }
                    Some(user)
                }
            };
            let details =
                serde_json::json!({ "assignee": assignee.as_ref().map(|u| u.username.clone()) });
            let mut row: request::ActiveModel = before.into();
            row.assignee_id = Set(assignee.map(|u| u.id));
            Ok(Change {
                row,
                action: "assigned",
                details,
            })
        })
    })
    .await
}

/// An internal note on the case, for colleagues: never shown to the person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}

/// The timeline action of an internal note; hidden from the citizen's timeline.
pub const INTERNAL_NOTE: &str = "internal_note";

pub async fn note(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
    input: NoteInput,
) -> ServiceResult<RequestView> {
    require_staff(principal)?;
    let Some(text) = note_of(Some(input.text))? else {
        return Err(ServiceError::invalid("text", "the note is empty"));
    };
    with_request(app, principal, id, move |_tx, before, _principal| {
        Box::pin(async move {
            Ok(Change {
                row: before.into(),
                action: INTERNAL_NOTE,
                details: serde_json::json!({ "note": text }),
            })
        })
    })
    .await
}

pub async fn forward(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
    input: ForwardInput,
) -> ServiceResult<RequestView> {
    require_staff(principal)?;
    let note = note_of(input.note)?;
    with_request(app, principal, id, move |tx, before, _principal| {
        Box::pin(async move {
            require_open(&before)?;
            let target = unit::Entity::find_by_id(input.unit_id)
                .one(&tx.db)
                .await?
                .ok_or_else(|| ServiceError::invalid("unit_id", "unknown unit"))?;
            if target.id == before.unit_id {
                return Err(ServiceError::Conflict(
                    "the request is already with that unit".into(),
                ));
            }
            let same_controller = target.controller_id == before.controller_id;
            let details = serde_json::json!({
                "from_unit_id": before.unit_id,
                "to_unit_id": target.id,
                "to_controller_id": target.controller_id,
                "note": note,
            });
            let mut row: request::ActiveModel = before.into();
            row.unit_id = Set(target.id);
            row.assignee_id = Set(None);
            row.status = Set(Status::Received);
            if !same_controller {
                // Another controller receives it today: its own deadline starts (art. 12(3)).
                let today = clock::today_oslo();
                let due = deadlines::due_date(today);
                row.controller_id = Set(target.controller_id);
                row.received_on = Set(today);
                row.first_due_on = Set(due);
                row.due_on = Set(due);
                row.extension_reason = Set(None);
            }
            Ok(Change {
                row,
                action: "forwarded",
                details,
            })
        })
    })
    .await
}
