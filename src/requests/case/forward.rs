//! Forwarding a request: to another unit inside its controller, or to another controller (with
//! four eyes where the closing step needs them).
use entity::{request, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::Change;
use super::ForwardInput;
use super::Stepped;
use super::note_of;
use super::require_open;
use super::require_staff;
use super::with_request;
use crate::requests::{
    closing::{self, Approval, ClosingAction, ClosingInput},
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
    lifecycle::{self, Action, Policy, Status},
    notifications::{self, Template},
};

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

/// A request awaiting approval of a drafted answer is not forwarded past the approver: the draft
/// is sent back first. Forwarding is a step out of the states `forward_out` leaves.
pub(super) fn forwardable(from: Status, principal: &Principal) -> ServiceResult<()> {
    lifecycle::step(
        from,
        Action::ForwardOut,
        principal.role(),
        Policy { four_eyes: false },
    )?;
    Ok(())
}

pub(super) async fn forward_to_controller(
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
            Box::pin(async move { crate::requests::intake::reserve_references(tx, year, 1).await })
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
                crate::requests::intake::record_action(
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
                crate::requests::intake::record_action(
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
