//! Lifecycle steps on a case: checked, proposed for four eyes where a closing needs them, and
//! carried out with their letters, notifications and events.
use chrono::NaiveDate;
use entity::{controller, request, request_event};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::Change;
use super::Stepped;
use super::TransitionInput;
use super::WithdrawalRecord;
use super::check_withdrawal;
use super::forward::forwardable;
use super::note_of;
use super::require_open;
use super::with_request;
use crate::requests::{
    closing::{self, Approval, ClosingAction, ClosingInput},
    queries::load_visible,
    view::RequestView,
};
use crate::{
    auth::Principal,
    clock,
    core::Core,
    deadlines,
    error::{ServiceError, ServiceResult},
    lifecycle::{self, Action, Policy},
    notifications::{self, Template},
    writer::Tx,
};

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

/// [`carry_out`], where `for_identity` marks an `ask_requester` as a request for proof of
/// identity (the deadline waits for the answer).
#[allow(clippy::too_many_arguments)]
pub(super) async fn carry_out_asking(
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
pub(super) async fn identity_pause_end(
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
