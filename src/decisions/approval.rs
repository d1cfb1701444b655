//! A draft approved or sent back: under four eyes by a privacy officer other than the drafter;
//! approval generates and stores the answer, queues its delivery and completes the request.
use entity::{decision, request};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{self, Action, Policy, Status},
    requests::{intake::record_action, queries::load_visible},
};

use super::DecisionStatus;
use super::DocumentView;
use super::document_view;
use super::{
    DecisionView, ReturnInput, current, delivery, four_eyes, generate, insert_documents,
    recipients, staff_of, store_documents, view,
};

/// Sends a draft back to its drafter with a comment (privacy officer, four eyes).
pub async fn send_back(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: ReturnInput,
) -> ServiceResult<DecisionView> {
    let staff = staff_of(principal)?.clone();
    let comment = input.comment.trim().to_string();
    if comment.is_empty() || comment.chars().count() > 4000 {
        return Err(ServiceError::invalid(
            "comment",
            "say what to change (1–4000 characters)",
        ));
    }
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                let status = req.status;
                let four = four_eyes(&tx.db, req.controller_id).await?;
                let next = lifecycle::transition(
                    status,
                    Action::SendBack,
                    principal.role(),
                    Policy { four_eyes: four },
                )?;
                let d = current(&tx.db, request_id)
                    .await?
                    .filter(|d| d.status == DecisionStatus::Draft)
                    .ok_or(ServiceError::NotFound("draft decision"))?;
                let mut row: decision::ActiveModel = d.into();
                row.status = Set(DecisionStatus::Returned);
                row.reviewed_by = Set(Some(staff.id));
                row.reviewed_at = Set(Some(tx.now));
                row.review_comment = Set(Some(comment.clone()));
                let d = row.update(&tx.db).await?;
                let mut r: request::ActiveModel = req.clone().into();
                r.status = Set(next);
                r.updated_at = Set(tx.now);
                r.version = Set(req.version + 1);
                r.update(&tx.db).await?;
                let details = serde_json::json!({ "decision_id": d.id, "comment": comment });
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    "decision_returned",
                    Some(status),
                    Some(next),
                    details,
                )
                .await?;
                Ok(view(&d, four))
            })
        })
        .await
}

/// Approves the draft: generates the answer, stores it, completes the request. Under four eyes
/// only a privacy officer who did not draft it may approve; otherwise the caseworker completes.
pub async fn approve(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<(DecisionView, Vec<DocumentView>)> {
    approve_seen(app, principal, request_id, None).await
}

/// [`approve`], refused when `seen` (the draft whose letter the approver was shown) is not the
/// current draft any more.
pub async fn approve_seen(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    seen: Option<Uuid>,
) -> ServiceResult<(DecisionView, Vec<DocumentView>)> {
    let staff = staff_of(principal)?.clone();
    // Check first (cheap), generate outside the writer (CPU), then commit after checking again.
    let req = load_visible(&app.db, principal, request_id).await?;
    let status = req.status;
    let four = four_eyes(&app.db, req.controller_id).await?;
    // Awaiting approval is approved by the approver even if four eyes was switched off since.
    let action = if four || status == Status::AwaitingApproval {
        Action::Approve
    } else {
        Action::Complete
    };
    let next = lifecycle::transition(status, action, principal.role(), Policy { four_eyes: four })?;
    let d = current(&app.db, request_id)
        .await?
        .filter(|d| d.status == DecisionStatus::Draft)
        .ok_or(ServiceError::NotFound("draft decision"))?;
    if seen.is_some_and(|seen| seen != d.id) {
        return Err(ServiceError::Conflict(
            "the draft changed after the letter was shown: look at the new letter before approving"
                .into(),
        ));
    }
    if four && d.drafted_by == staff.id {
        return Err(ServiceError::Forbidden(
            "four eyes: a decision is approved by someone other than the person who drafted it"
                .into(),
        ));
    }
    let generated = generate::answer_documents(app, &req, &d).await?;
    let stored = store_documents(app, generated.documents).await?;
    let (planned, notice_docs): (Vec<_>, Vec<_>) = generated
        .notices
        .into_iter()
        .map(|n| (n.planned, n.document))
        .unzip();
    let stored_notices = store_documents(app, notice_docs).await?;
    let route = delivery::route(app, &req).await?;
    let sources = app.registry.get(&app.db).await?.sources.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let base_url = app.settings.base_url();
    let version = req.version;
    let decision_id = d.id;
    let language = req.language;
    let (d, docs) = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                if req.version != version {
                    return Err(ServiceError::Conflict("the request changed meanwhile; look at it again".into()));
                }
                let d = decision::Entity::find_by_id(decision_id).one(&tx.db).await?.ok_or(ServiceError::NotFound("decision"))?;
                if d.status != DecisionStatus::Draft {
                    return Err(ServiceError::Conflict("the draft changed meanwhile".into()));
                }
                let outcome = d.outcome;
                let text = d.text.clone();
                let mut row: decision::ActiveModel = d.into();
                row.status = Set(DecisionStatus::Approved);
                row.reviewed_by = Set(Some(staff.id));
                row.reviewed_at = Set(Some(tx.now));
                let d = row.update(&tx.db).await?;
                let mut r: request::ActiveModel = req.clone().into();
                r.status = Set(next);
                r.outcome = Set(Some(outcome));
                r.outcome_note = Set(Some(text).filter(|t| !t.is_empty()));
                r.closed_at = Set(Some(tx.now));
                r.updated_at = Set(tx.now);
                r.version = Set(req.version + 1);
                r.update(&tx.db).await?;
                // The decision refusing an unproven representation settles the claim.
                if let Some(c) = crate::representation::claim::of_request(&tx.db, request_id).await?
                    && c.status == entity::values::ClaimStatus::Open
                {
                    let mut c: entity::representation_claim::ActiveModel = c.into();
                    c.status = Set(entity::values::ClaimStatus::Refused);
                    c.resolved_at = Set(Some(tx.now));
                    c.update(&tx.db).await?;
                }
                let mut docs = insert_documents(tx, request_id, Some(decision_id), &language, stored).await?;
                // The answer by post where the delivery rule says so, by the deadline.
                let printed = delivery::queue(tx, &vault, &req, &docs, delivery::LetterKind::Answer, req.due_on, &route).await?;
                let notice_rows = insert_documents(tx, request_id, Some(decision_id), &crate::i18n::Language::Nb, stored_notices).await?;
                let notices = recipients::insert(
                    tx,
                    &vault,
                    &sources,
                    request_id,
                    decision_id,
                    planned.into_iter().zip(notice_rows.iter().map(|d| d.id)).collect(),
                )
                .await?;
                docs.extend(notice_rows);
                let checksums: Vec<_> = docs
                    .iter()
                    .map(|row| serde_json::json!({ "document_id": row.id, "name": row.name, "sha256": row.sha256 }))
                    .collect();
                let notices: Vec<_> = notices
                    .iter()
                    .map(|n| serde_json::json!({ "notice_id": n.id, "recipient": n.recipient, "channel": n.channel }))
                    .collect();
                let details = serde_json::json!({ "decision_id": decision_id, "outcome": outcome, "documents": checksums, "recipient_notices": notices, "print_job_id": printed.map(|p| p.id) });
                // The person hears that an answer is ready (never what it says), in the same transaction.
                if let Some(email) = crate::notifications::for_requester(
                    crate::notifications::Template::AnswerReady,
                    &route.request(&req),
                    &base_url,
                    &decision_id.to_string(),
                ) {
                    crate::notifications::enqueue(tx, &vault, email).await?;
                }
                record_action(tx, request_id, Some(&principal), "decision_approved", Some(status), Some(next), details).await?;
                Ok((d, docs))
            })
        })
        .await?;
    app.notifier.wake();
    // Notices going over the source protocol are due now.
    app.collector.wake();
    Ok((view(&d, four), docs.iter().map(document_view).collect()))
}
