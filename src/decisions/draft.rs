//! A decision drafted: checked against the legal-basis catalogue, saved (to approval under four
//! eyes), previewed as the letter it would give, and read back.
use chrono::Utc;
use entity::{decision, request, values::DocumentKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{self, Action, Outcome, Policy, RightKind, Status},
    requests::{intake::record_action, queries::load_visible},
};

use super::DecisionStatus;
use super::{
    DecisionView, DraftInput, MAX_TEXT, catalogue, collected, current, four_eyes, generate,
    staff_of, view,
};

/// Validates a draft against the catalogue: ids exist, apply to the right, and a refusal or
/// partial answer names at least one and gives reasons.
pub fn check_draft(
    catalogue: &crate::legal_bases::Catalogue,
    kind: RightKind,
    input: &DraftInput,
) -> ServiceResult<(Vec<String>, String)> {
    let text = input.text.trim().to_string();
    if text.chars().count() > MAX_TEXT {
        return Err(ServiceError::invalid(
            "text",
            format!("the text is longer than {MAX_TEXT} characters"),
        ));
    }
    let mut ids: Vec<String> = input
        .legal_bases
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    ids.dedup();
    catalogue
        .resolve(kind, &ids)
        .map_err(|e| ServiceError::invalid("legal_bases", e.to_string()))?;
    // "The data is correct" is a reason not to correct; it cannot stand beside a full grant.
    if input.outcome == Outcome::Granted
        && ids.iter().any(|i| i == crate::legal_bases::DATA_CORRECT)
    {
        return Err(ServiceError::invalid(
            "legal_bases",
            "a granted retting cannot rest on the data being correct",
        ));
    }
    if input.outcome != Outcome::Granted {
        if ids.is_empty() {
            return Err(ServiceError::invalid(
                "legal_bases",
                "a refusal or partial answer must name at least one legal basis",
            ));
        }
        if text.is_empty() {
            return Err(ServiceError::invalid(
                "text",
                "say in plain words why the request is not granted in full",
            ));
        }
    }
    Ok((ids, text))
}

/// A request written by someone whose representation of the person is not proven is decided
/// only by refusing the representation, with reasons (the letter names the rules itself).
pub fn check_claim_refusal(input: &DraftInput) -> ServiceResult<(Vec<String>, String)> {
    if input.outcome != Outcome::Refused {
        return Err(ServiceError::invalid(
            "outcome",
            "the writer has not shown that they may act for the person: the request can only be refused until the representation is proven",
        ));
    }
    if !input.legal_bases.iter().all(|b| b.trim().is_empty()) {
        return Err(ServiceError::invalid(
            "legal_bases",
            "a refused representation rests on forvaltningsloven § 12 and GDPR art. 12, which the letter names; leave the legal bases empty",
        ));
    }
    let text = input.text.trim().to_string();
    if text.is_empty() {
        return Err(ServiceError::invalid(
            "text",
            "say in plain words why the representation is not proven",
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(ServiceError::invalid(
            "text",
            format!("the text is longer than {MAX_TEXT} characters"),
        ));
    }
    Ok((Vec::new(), text))
}

/// Drafts (or redrafts) the decision. With four eyes the request goes to approval.
pub async fn draft(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: DraftInput,
) -> ServiceResult<DecisionView> {
    let staff = staff_of(principal)?.clone();
    let catalogue = catalogue::load(&app.db).await?;
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                let status = req.status;
                // Awaiting approval with no draft to approve (e.g. after four eyes was switched
                // on or off meanwhile) is stuck unless a draft can be made there.
                let stuck = status == Status::AwaitingApproval
                    && current(&tx.db, request_id)
                        .await?
                        .is_none_or(|d| d.status != DecisionStatus::Draft);
                if status != Status::InProgress && !stuck {
                    return Err(ServiceError::Conflict(format!(
                        "a decision is drafted while the request is in progress; it is {status}"
                    )));
                }
                // Refusing an unproven representation gives the writer nothing of the person's:
                // it needs neither the person's identity checked nor their data collected.
                let ready = collected::readiness(&tx.db, request_id).await?;
                let claimed = ready == collected::Readiness::NotCollected;
                if !claimed {
                    // Art. 12(6): no answer to someone whose identity is not established.
                    crate::requests::verification::require_verified(&tx.db, request_id).await?;
                }
                // Decided only on what the sources hold, unless the caseworker waived collection.
                if !ready.allows_deciding() {
                    return Err(ready.refusal());
                }
                let kind = req.kind;
                let (ids, text) = match claimed {
                    true => check_claim_refusal(&input)?,
                    false => check_draft(&catalogue, kind, &input)?,
                };
                let four = four_eyes(&tx.db, req.controller_id).await?;
                // An earlier draft is replaced; returned ones stay as history.
                decision::Entity::update_many()
                    .col_expr(decision::Column::Status, sea_orm::sea_query::Expr::value(DecisionStatus::Superseded))
                    .filter(decision::Column::RequestId.eq(request_id))
                    .filter(decision::Column::Status.eq(DecisionStatus::Draft))
                    .exec(&tx.db)
                    .await?;
                let row = decision::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(request_id),
                    outcome: Set(input.outcome),
                    legal_bases: Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
                    text: Set(text),
                    status: Set(DecisionStatus::Draft),
                    drafted_by: Set(staff.id),
                    drafted_at: Set(tx.now),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    review_comment: Set(None),
                }
                .insert(&tx.db)
                .await?;
                let mut to = None;
                if stuck && !four {
                    // No approval needed any more: back to the drafter, who sends the answer.
                    let mut r: request::ActiveModel = req.clone().into();
                    r.status = Set(Status::InProgress);
                    r.updated_at = Set(tx.now);
                    r.version = Set(req.version + 1);
                    r.update(&tx.db).await?;
                    to = Some(Status::InProgress);
                } else if four && !stuck {
                    let next = lifecycle::transition(status, Action::SubmitForApproval, principal.role(), Policy { four_eyes: four })?;
                    let mut r: request::ActiveModel = req.clone().into();
                    r.status = Set(next);
                    r.updated_at = Set(tx.now);
                    r.version = Set(req.version + 1);
                    r.update(&tx.db).await?;
                    to = Some(next);
                }
                let details = serde_json::json!({ "decision_id": row.id, "outcome": input.outcome, "legal_bases": ids });
                record_action(tx, request_id, Some(&principal), "decision_drafted", to.map(|_| status), to, details).await?;
                Ok(view(&row, four))
            })
        })
        .await
}

/// The answer letter (HTML) a draft would give, without storing anything: the decision form's
/// preview. Checked like a draft, so the preview fails where saving would.
pub async fn preview(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: DraftInput,
) -> ServiceResult<String> {
    let staff = staff_of(principal)?.clone();
    let req = load_visible(&app.db, principal, request_id).await?;
    // No letter saying what "we found" before the sources have answered (or collection waived).
    let ready = collected::readiness(&app.db, request_id).await?;
    if !ready.allows_deciding() {
        return Err(ready.refusal());
    }
    let claimed = ready == collected::Readiness::NotCollected;
    let kind = req.kind;
    let catalogue = catalogue::load(&app.db).await?;
    let (ids, text) = match claimed {
        true => check_claim_refusal(&input)?,
        false => check_draft(&catalogue, kind, &input)?,
    };
    let draft = decision::Model {
        id: Uuid::nil(),
        request_id,
        outcome: input.outcome,
        legal_bases: serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()),
        text,
        status: DecisionStatus::Draft,
        drafted_by: staff.id,
        drafted_at: Utc::now(),
        reviewed_by: None,
        reviewed_at: None,
        review_comment: None,
    };
    let docs = generate::answer_documents(app, &req, &draft).await?;
    docs.documents
        .into_iter()
        .find(|d| d.kind == DocumentKind::AnswerHtml.as_str())
        .and_then(|d| String::from_utf8(d.bytes).ok())
        .ok_or_else(|| ServiceError::Storage("the letter preview has no HTML".into()))
}

/// The current decision (latest draft, approval or return).
pub async fn get(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<DecisionView> {
    staff_of(principal)?;
    let req = load_visible(&app.db, principal, request_id).await?;
    let d = current(&app.db, request_id)
        .await?
        .ok_or(ServiceError::NotFound("decision"))?;
    Ok(view(&d, four_eyes(&app.db, req.controller_id).await?))
}
