//! Case operations on one request: lifecycle transitions (`lifecycle.rs`), assignment, deadline
//! extension (GDPR art. 12(3)) and forwarding to another unit or controller. Each runs in one
//! transaction that re-reads the request, checks who may do it, and writes the change, a timeline
//! event and an audit event.
use chrono::NaiveDate;
use entity::{controller, request, request_event, staff_unit, staff_user, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    closing::{self, Approval, ClosingAction, ClosingInput, ClosingStepView},
    intake::record_event,
    queries::{load_visible, username_of},
    view::{self, RequestView},
};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    clock,
    core::Core,
    deadlines,
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

pub async fn transition(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: TransitionInput,
) -> ServiceResult<Stepped> {
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
    if input.for_identity && (action != Action::AskRequester || principal.staff().is_none()) {
        return Err(ServiceError::invalid(
            "for_identity",
            "only staff asking the requester (ask_requester) ask for proof of identity",
        ));
    }
    let withdrawal = input.withdrawal;
    // Four eyes: staff closing a case without an answer propose it; checked as if it were
    // carried out now, so a proposal that could not be carried out is refused at once.
    if matches!(action, Action::Withdraw | Action::ForwardOut) {
        let before = load_visible(&app.db, principal, id).await?;
        if closing::required(&app.db, principal, &before).await? {
            let from = require_open(&before)?;
            lifecycle::step(from, action, principal.role(), Policy { four_eyes: true })?;
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
            let step = if action == Action::Withdraw {
                ClosingAction::Withdraw
            } else {
                ClosingAction::ForwardOut
            };
            let input = ClosingInput {
                note,
                withdrawal,
                unit_id: None,
            };
            return closing::propose(app, principal, id, step, input)
                .await
                .map(Stepped::Pending);
        }
    }
    carry_out_asking(
        app,
        principal,
        id,
        action,
        note,
        withdrawal,
        None,
        input.for_identity,
    )
    .await
    .map(Stepped::Done)
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

/// [`carry_out`], where `for_identity` marks an `ask_requester` as a request for proof of
/// identity (the deadline waits for the answer).
#[allow(clippy::too_many_arguments)]
async fn carry_out_asking(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    action: Action,
    note: Option<String>,
    withdrawal: Option<WithdrawalRecord>,
    approval: Option<Approval>,
    for_identity: bool,
) -> ServiceResult<RequestView> {
    // A question is not e-mailed to a representative whose representation has ended (the
    // address on the request is theirs); the person reads it on Min side.
    let representative_gone = action == Action::AskRequester
        && crate::representation::route_of(app, id).await?
            == crate::representation::Addressee::Ended;
    // Sent out of this system: the person gets a letter that says where and why (fvl § 7),
    // generated before anything is written.
    let letter = match (&note, action) {
        (Some(reason), Action::ForwardOut) => {
            let before = load_visible(&app.db, principal, id).await?;
            forwardable(require_open(&before)?, principal)?;
            let generated = crate::decisions::generate::forwarded_documents(
                app,
                &before,
                crate::letters::ForwardedTo::Outside,
                reason,
            )
            .await?;
            let route = crate::decisions::delivery::route(app, &before).await?;
            Some((
                crate::decisions::store_documents(app, generated).await?,
                route,
            ))
        }
        _ => None,
    };
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
                && !representative_gone
                && let Some(email) = notifications::for_requester(
                    Template::Clarification,
                    &before,
                    &base_url,
                    &before.version.to_string(),
                )
            {
                notifications::enqueue(tx, &vault, email).await?;
            }
            let mut details = match withdrawal {
                Some(w) => serde_json::json!({ "note": note, "withdrawal": w }),
                None => serde_json::json!({ "note": note }),
            };
            if let Some(approval) = &approval {
                closing::settle_approval(tx, principal, before.id, approval).await?;
                details["closing_step_id"] = approval.id.to_string().into();
            }
            if let Some((stored, route)) = letter {
                let rows =
                    crate::decisions::insert_documents(tx, before.id, None, &before.language, stored)
                        .await?;
                // By post too where the delivery rule says so.
                let printed = crate::decisions::delivery::queue(
                    tx,
                    &vault,
                    &before,
                    &rows,
                    crate::decisions::delivery::LetterKind::Forwarded,
                    before.due_on,
                    &route,
                )
                .await?;
                let documents: Vec<_> = rows
                    .iter()
                    .map(|d| serde_json::json!({ "document_id": d.id, "name": d.name, "sha256": d.sha256 }))
                    .collect();
                details["documents"] = documents.into();
                details["print_job_id"] = printed.map(|p| p.id.to_string()).into();
                if let Some(email) = notifications::for_requester(
                    Template::Forwarded,
                    &route.request(&before),
                    &base_url,
                    "forwarded",
                ) {
                    notifications::enqueue(tx, &vault, email).await?;
                }
            }
            if for_identity {
                details["for_identity"] = true.into();
            }
            // The answer to a request for proof of identity moves the deadline by the days waited.
            let resumed_due = if action == Action::RequesterAnswered {
                identity_pause_end(tx, &before).await?
            } else {
                None
            };
            if let Some((due_on, waited)) = resumed_due {
                details["due_on"] = serde_json::json!(due_on);
                details["identity_pause_days"] = waited.into();
            }
            let mut row: request::ActiveModel = before.into();
            if let Some((due_on, _)) = resumed_due {
                row.due_on = Set(due_on);
            }
            row.status = Set(to);
            if to.is_terminal() {
                row.closed_at = Set(Some(tx.now));
            }
            Ok(Change {
                row,
                action: action.as_str(),
                details,
            })
        })
    })
    .await?;
    if matches!(action, Action::AskRequester | Action::ForwardOut) {
        app.notifier.wake();
    }
    Ok(view)
}

/// When the request's latest question to the requester asked for proof of identity: the new
/// deadline (moved by the days waited until today) and the days waited.
async fn identity_pause_end(
    tx: &Tx,
    before: &request::Model,
) -> ServiceResult<Option<(NaiveDate, i64)>> {
    let asked = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(before.id))
        .filter(request_event::Column::Action.eq(Action::AskRequester.as_str()))
        .order_by_desc(request_event::Column::At)
        .order_by_desc(request_event::Column::Id)
        .one(&tx.db)
        .await?;
    let Some(asked) = asked else { return Ok(None) };
    let for_identity = serde_json::from_str::<serde_json::Value>(&asked.details)
        .ok()
        .and_then(|d| d.get("for_identity").and_then(serde_json::Value::as_bool))
        .unwrap_or(false);
    if !for_identity {
        return Ok(None);
    }
    let asked_on = asked
        .at
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let answered_on = tx.now.with_timezone(&chrono_tz::Europe::Oslo).date_naive();
    let due = deadlines::due_after_identity_pause(before.due_on, asked_on, answered_on);
    Ok(Some((due, (answered_on - asked_on).num_days().max(0))))
}

pub async fn assign(
    app: &Core,
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
    app: &Core,
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

/// Forwards a request. Inside its controller it moves to the other unit and the receipt date,
/// deadline and any extension stand. To another controller (fvl § 7): the case here closes as
/// forwarded with a letter that tells the person where, why and under which case number it
/// continues; the receiving controller gets a new request whose deadline runs from today, its own
/// receipt, and which names the original.
pub async fn forward(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: ForwardInput,
) -> ServiceResult<Stepped> {
    require_staff(principal)?;
    let note = note_of(input.note)?;
    let registry = app.registry.get(&app.db).await?;
    let target = registry
        .units
        .get(&input.unit_id)
        .cloned()
        .ok_or_else(|| ServiceError::invalid("unit_id", "unknown unit"))?;
    let before = load_visible(&app.db, principal, id).await?;
    if target.controller_id != before.controller_id {
        let reason = note.ok_or_else(|| {
            ServiceError::invalid(
                "note",
                "say why the request goes to the other controller: the person is told in a letter",
            )
        })?;
        // Four eyes: the forward out of the controller waits for a privacy officer.
        if closing::required(&app.db, principal, &before).await? {
            forwardable(require_open(&before)?, principal)?;
            let input = ClosingInput {
                note: Some(reason),
                withdrawal: None,
                unit_id: Some(target.id),
            };
            return closing::propose(app, principal, id, ClosingAction::Forward, input)
                .await
                .map(Stepped::Pending);
        }
        return forward_to_controller(app, principal, registry, before, target, reason, None)
            .await
            .map(Stepped::Done);
    }
    with_request(app, principal, id, move |_tx, before, principal| {
        Box::pin(async move {
            let from = require_open(&before)?;
            forwardable(from, principal)?;
            if target.id == before.unit_id {
                return Err(ServiceError::Conflict(
                    "the request is already with that unit".into(),
                ));
            }
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
            Ok(Change {
                row,
                action: "forwarded",
                details,
            })
        })
    })
    .await
    .map(Stepped::Done)
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

/// A request awaiting approval of a drafted answer is not forwarded past the approver: the draft
/// is sent back first. Forwarding is a step out of the states `forward_out` leaves.
fn forwardable(from: Status, principal: &Principal) -> ServiceResult<()> {
    lifecycle::step(
        from,
        Action::ForwardOut,
        principal.role(),
        Policy { four_eyes: false },
    )?;
    Ok(())
}

async fn forward_to_controller(
    app: &Core,
    principal: &Principal,
    registry: std::sync::Arc<crate::registry::Registry>,
    before: request::Model,
    target: unit::Model,
    reason: String,
    approval: Option<Approval>,
) -> ServiceResult<RequestView> {
    let from = require_open(&before)?;
    forwardable(from, principal)?;
    let to_name = registry
        .controllers
        .get(&target.controller_id)
        .map(|c| c.name.clone())
        .ok_or_else(|| ServiceError::invalid("unit_id", "unknown controller"))?;
    // The onward case's reference goes into the letter, so it is reserved first; a failure after
    // this leaves a gap in the numbering and nothing else.
    let today = clock::today_oslo();
    let onward_due = deadlines::due_date(today);
    let year = chrono::Datelike::year(&today);
    let seq = app
        .writer
        .run(move |tx| {
            Box::pin(async move { super::intake::reserve_references(tx, year, 1).await })
        })
        .await?;
    let onward_reference = crate::identity::Reference::new(year, seq as u64);
    let letter = crate::decisions::generate::forwarded_documents(
        app,
        &before,
        crate::letters::ForwardedTo::Controller {
            name: to_name,
            onward: crate::letters::Onward {
                reference: onward_reference.as_str().to_string(),
                due_on: onward_due,
            },
        },
        &reason,
    )
    .await?;
    let stored = crate::decisions::store_documents(app, letter).await?;
    let route = crate::decisions::delivery::route(app, &before).await?;
    let (vault, base_url) = (app.vault.clone(), app.settings.base_url());
    let principal = principal.clone();
    let (id, version) = (before.id, before.version);
    let auto_collect = target.auto_collect;
    let view = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let before = load_visible(&tx.db, &principal, id).await?;
                if before.version != version {
                    return Err(ServiceError::Conflict(
                        "the request changed meanwhile; look at it again".into(),
                    ));
                }
                let from = require_open(&before)?;
                if let Some(approval) = &approval {
                    closing::settle_approval(tx, &principal, id, approval).await?;
                }
                // The receiving controller's own request: its receipt is today.
                let onward_id = Uuid::now_v7();
                let onward = request::Model {
                    id: onward_id,
                    reference: onward_reference.as_str().to_string(),
                    status: Status::Received,
                    outcome: None,
                    outcome_note: None,
                    controller_id: target.controller_id,
                    unit_id: target.id,
                    assignee_id: None,
                    received_on: today,
                    first_due_on: onward_due,
                    due_on: onward_due,
                    extension_reason: None,
                    routing: serde_json::json!({
                        "reason": "forwarded",
                        "from_request_id": before.id,
                    })
                    .to_string(),
                    created_at: tx.now,
                    updated_at: tx.now,
                    closed_at: None,
                    version: 1,
                    expected_answer_on: None,
                    ..before.clone()
                };
                request::ActiveModel::from(onward.clone())
                    .insert(&tx.db)
                    .await?;
                // Made through a representation, the onward request is too: its letters go to
                // the same representative while the representation holds.
                if let Some(link) = entity::request_representation::Entity::find_by_id(id)
                    .one(&tx.db)
                    .await?
                {
                    entity::request_representation::ActiveModel {
                        request_id: Set(onward_id),
                        representation_id: Set(link.representation_id),
                    }
                    .insert(&tx.db)
                    .await?;
                }
                if auto_collect && before.kind == lifecycle::RightKind::Innsyn {
                    crate::sources::queue::queue_in(tx, &[onward_id]).await?;
                }
                let created = serde_json::json!({
                    "channel": onward.channel,
                    "received_on": today,
                    "due_on": onward_due,
                    "unit_id": target.id,
                    "forwarded_from": { "request_id": before.id, "reference": before.reference, "received_on": before.received_on },
                });
                super::intake::record_action(
                    tx,
                    onward_id,
                    Some(&principal),
                    "created",
                    None,
                    Some(Status::Received),
                    created.clone(),
                )
                .await?;
                tx.audit(AuditRecord {
                    actor: principal.audit_actor(),
                    action: "request.created".into(),
                    request_id: Some(onward_id),
                    details: created,
                })
                .await?;
                if let Some(email) =
                    notifications::for_requester(Template::Receipt, &route.request(&onward), &base_url, "first")
                {
                    notifications::enqueue(tx, &vault, email).await?;
                }
                // The case here closes as forwarded, with the letter on Min side.
                let rows = crate::decisions::insert_documents(
                    tx,
                    id,
                    None,
                    &before.language,
                    stored,
                )
                .await?;
                // By post too where the delivery rule says so.
                let printed = crate::decisions::delivery::queue(
                    tx,
                    &vault,
                    &before,
                    &rows,
                    crate::decisions::delivery::LetterKind::Forwarded,
                    before.due_on,
                    &route,
                )
                .await?;
                let documents: Vec<_> = rows
                    .iter()
                    .map(|d| serde_json::json!({ "document_id": d.id, "name": d.name, "sha256": d.sha256 }))
                    .collect();
                if let Some(email) =
                    notifications::for_requester(Template::Forwarded, &route.request(&before), &base_url, "forwarded")
                {
                    notifications::enqueue(tx, &vault, email).await?;
                }
                let mut row: request::ActiveModel = before.clone().into();
                row.status = Set(Status::Forwarded);
                row.closed_at = Set(Some(tx.now));
                row.updated_at = Set(tx.now);
                row.version = Set(before.version + 1);
                let row = row.update(&tx.db).await?;
                let details = serde_json::json!({
                    "from_unit_id": before.unit_id,
                    "to_unit_id": target.id,
                    "to_controller_id": target.controller_id,
                    "onward_request_id": onward_id,
                    "onward_reference": onward_reference.as_str(),
                    "note": reason,
                    "documents": documents,
                    "print_job_id": printed.map(|p| p.id),
                    "closing_step_id": approval.as_ref().map(|a| a.id),
                });
                super::intake::record_action(
                    tx,
                    id,
                    Some(&principal),
                    "forwarded",
                    Some(from),
                    Some(Status::Forwarded),
                    details.clone(),
                )
                .await?;
                tx.audit(AuditRecord {
                    actor: principal.audit_actor(),
                    action: "request.forwarded".into(),
                    request_id: Some(id),
                    details,
                })
                .await?;
                let assignee = username_of(&tx.db, row.assignee_id).await?;
                Ok(view::build(&row, &registry, assignee, &principal))
            })
        })
        .await?;
    app.notifier.wake();
    app.collector.wake();
    Ok(view)
}

/// `POST /requests/{id}/expected-answer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAnswerInput {
    /// The day the person can expect the answer by, shown to them once the deadline has passed;
    /// `null` takes a date back. Not in the past.
    pub expected_on: Option<NaiveDate>,
}

/// The timeline action of setting (or clearing) the expected answer date.
pub const EXPECTED_ANSWER: &str = "expected_answer_set";

/// The caseworker says when the person can expect the answer (after a missed deadline the
/// person sees it beside the apology); never invented: without one the person is told that no
/// date is set.
pub async fn expected_answer(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: ExpectedAnswerInput,
) -> ServiceResult<RequestView> {
    crate::access::require_staff(principal, crate::access::Act::WorkCase)?;
    if input
        .expected_on
        .is_some_and(|d| d < crate::clock::today_oslo())
    {
        return Err(ServiceError::invalid(
            "expected_on",
            "the expected answer date cannot be in the past",
        ));
    }
    let on = input.expected_on;
    with_request(app, principal, id, move |_tx, before, _principal| {
        Box::pin(async move {
            require_open(&before)?;
            let mut row: request::ActiveModel = before.into();
            row.expected_answer_on = Set(on);
            Ok(Change {
                row,
                action: EXPECTED_ANSWER,
                details: serde_json::json!({ "expected_on": on }),
            })
        })
    })
    .await
}
