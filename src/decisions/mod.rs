//! Decisions: a caseworker drafts outcome + legal bases + text; where the
//! controller requires four eyes a privacy officer other than the drafter approves or returns it;
//! on approval the answer is generated in the person's language (HTML + PDF, and for innsyn the
//! data package), stored immutably, and the request completes, all in one transaction.
pub mod catalogue;
pub mod collected;
pub mod delivery;
pub mod extension;
pub mod generate;
pub mod recipients;
pub mod restriction;

use chrono::{DateTime, Utc};
use entity::{controller, decision, document, request, values::DocumentKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    documents::DocumentId,
    error::{ServiceError, ServiceResult},
    lifecycle::{self, Action, Outcome, Policy, RightKind, Role, Status},
    requests::{intake::record_action, queries::load_visible},
};

pub const MAX_TEXT: usize = 10_000;

/// `POST /requests/{id}/decision`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    pub outcome: Outcome,
    /// Catalogue ids (`GET /api/v1/legal-bases`); a refusal or partial answer needs at least one.
    #[serde(default)]
    pub legal_bases: Vec<String>,
    /// The reasons in plain words, shown to the person in the letter.
    #[schema(max_length = 10000)]
    #[serde(default)]
    pub text: String,
}

/// `POST /requests/{id}/decision/return`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    /// What to change, for the drafter.
    #[schema(min_length = 1, max_length = 4000)]
    pub comment: String,
}

pub use entity::values::DecisionStatus;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionView {
    pub id: Uuid,
    pub request_id: Uuid,
    pub outcome: Outcome,
    pub legal_bases: Vec<String>,
    pub text: String,
    pub status: DecisionStatus,
    pub drafted_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    /// Whether the controller requires a second person's approval.
    pub four_eyes: bool,
}

/// A generated document as the API lists it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub media_type: String,
    pub language: String,
    pub sha256: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
    /// Where to download it.
    pub href: String,
}

fn view(d: &decision::Model, four_eyes: bool) -> DecisionView {
    DecisionView {
        id: d.id,
        request_id: d.request_id,
        outcome: d.outcome,
        legal_bases: serde_json::from_str(&d.legal_bases).unwrap_or_default(),
        text: d.text.clone(),
        status: d.status,
        drafted_at: d.drafted_at,
        reviewed_at: d.reviewed_at,
        review_comment: d.review_comment.clone(),
        four_eyes,
    }
}

pub fn document_view(d: &document::Model) -> DocumentView {
    DocumentView {
        id: d.id,
        name: d.name.clone(),
        kind: d.kind.to_string(),
        media_type: d.media_type.clone(),
        language: d.language.to_string(),
        sha256: d.sha256.clone(),
        size: d.size,
        created_at: d.created_at,
        href: format!("/api/v1/requests/{}/documents/{}", d.request_id, d.id),
    }
}

fn staff_of(principal: &Principal) -> ServiceResult<&crate::auth::Staff> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => Ok(s),
        _ => Err(ServiceError::Forbidden(
            "only caseworkers and privacy officers work on decisions".into(),
        )),
    }
}

async fn four_eyes(db: &impl sea_orm::ConnectionTrait, controller_id: Uuid) -> ServiceResult<bool> {
    Ok(controller::Entity::find_by_id(controller_id)
        .one(db)
        .await?
        .is_some_and(|c| c.four_eyes))
}

async fn current(
    db: &impl sea_orm::ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<Option<decision::Model>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::RequestId.eq(request_id))
        .order_by_desc(decision::Column::DraftedAt)
        .one(db)
        .await?)
}

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

/// The current draft's answer exactly as approving it would store it (letter as HTML and PDF,
/// and for innsyn the data package), generated without storing anything, so the approver sees
/// what they approve.
pub struct DraftDocuments {
    /// The draft they were made from: approving names it ([`approve_seen`]).
    pub decision_id: Uuid,
    pub documents: Vec<generate::GeneratedDocument>,
}

pub async fn draft_documents(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<DraftDocuments> {
    staff_of(principal)?;
    let req = load_visible(&app.db, principal, request_id).await?;
    let d = current(&app.db, request_id)
        .await?
        .filter(|d| d.status == DecisionStatus::Draft)
        .ok_or(ServiceError::NotFound("draft decision"))?;
    let generated = generate::answer_documents(app, &req, &d).await?;
    Ok(DraftDocuments {
        decision_id: d.id,
        documents: generated.documents,
    })
}

/// One document of the current draft's answer (`answer_html`, `answer_pdf`, `data_package`),
/// generated as approving would; staff reading it is audited like a stored document.
pub async fn draft_document(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    kind: &str,
) -> ServiceResult<generate::GeneratedDocument> {
    let draft = draft_documents(app, principal, request_id).await?;
    let doc = draft
        .documents
        .into_iter()
        .find(|d| d.kind == kind)
        .ok_or(ServiceError::NotFound("document"))?;
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: "request.draft_document_read".into(),
            request_id: Some(request_id),
            details: serde_json::json!({ "decision_id": draft.decision_id, "kind": doc.kind }),
        })
        .await?;
    Ok(doc)
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

/// A generated document written to the document store, waiting for its row.
pub struct StoredDocument {
    id: DocumentId,
    sha256: String,
    doc: generate::GeneratedDocument,
}

/// Writes generated documents to the document store (outside any transaction: the bytes are
/// large); their rows are inserted by [`insert_documents`] in the transaction that uses them.
pub async fn store_documents(
    app: &Core,
    generated: Vec<generate::GeneratedDocument>,
) -> ServiceResult<Vec<StoredDocument>> {
    let mut stored = Vec::with_capacity(generated.len());
    for doc in generated {
        let id = DocumentId::new();
        let meta = app
            .documents
            .put(id, &doc.bytes)
            .await
            .map_err(|e| ServiceError::Storage(e.into()))?;
        stored.push(StoredDocument {
            id,
            sha256: meta.sha256,
            doc,
        });
    }
    Ok(stored)
}

/// Inserts the rows of stored documents for a request (and the decision they answer, if any).
pub async fn insert_documents(
    tx: &crate::writer::Tx,
    request_id: Uuid,
    decision_id: Option<Uuid>,
    language: &crate::i18n::Language,
    stored: Vec<StoredDocument>,
) -> ServiceResult<Vec<document::Model>> {
    let mut rows = Vec::with_capacity(stored.len());
    for StoredDocument { id, sha256, doc } in stored {
        let kind = DocumentKind::parse(doc.kind).ok_or_else(|| {
            ServiceError::Storage(format!("unknown document kind {}", doc.kind).into())
        })?;
        let row = document::ActiveModel {
            id: Set(id.0),
            request_id: Set(request_id),
            decision_id: Set(decision_id),
            kind: Set(kind),
            name: Set(doc.name.clone()),
            media_type: Set(doc.media_type.into()),
            language: Set(*language),
            sha256: Set(sha256),
            size: Set(doc.bytes.len() as i64),
            storage_key: Set(id.0.to_string()),
            citizen_visible: Set(doc.citizen_visible),
            created_at: Set(tx.now),
        }
        .insert(&tx.db)
        .await?;
        rows.push(row);
    }
    Ok(rows)
}

/// The documents of a request: the citizen sees those meant for them, staff all.
pub async fn documents(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<DocumentView>> {
    if principal.role() == Role::Admin {
        return Err(ServiceError::Forbidden(
            "this role does not read cases".into(),
        ));
    }
    load_visible(&app.db, principal, request_id).await?;
    let mut q = document::Entity::find().filter(document::Column::RequestId.eq(request_id));
    if principal.staff().is_none() {
        q = q.filter(document::Column::CitizenVisible.eq(true));
    }
    Ok(q.order_by_asc(document::Column::CreatedAt)
        .order_by_asc(document::Column::Name)
        .all(&app.db)
        .await?
        .iter()
        .map(document_view)
        .collect())
}

/// One document's bytes, checked against its recorded checksum. Staff downloads are audited.
pub async fn download(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    document_id: Uuid,
) -> ServiceResult<(document::Model, Vec<u8>)> {
    if principal.role() == Role::Admin {
        return Err(ServiceError::Forbidden(
            "this role does not read cases".into(),
        ));
    }
    load_visible(&app.db, principal, request_id).await?;
    let doc = document::Entity::find_by_id(document_id)
        .filter(document::Column::RequestId.eq(request_id))
        .one(&app.db)
        .await?
        .filter(|d| d.citizen_visible || principal.staff().is_some())
        .ok_or(ServiceError::NotFound("document"))?;
    let bytes =
        crate::documents::get_verified(app.documents.as_ref(), DocumentId(doc.id), &doc.sha256)
            .await
            .map_err(|e| ServiceError::Storage(e.into()))?;
    if principal.staff().is_some() {
        app.writer
            .audit(AuditRecord {
                actor: principal.audit_actor(),
                action: "request.document_read".into(),
                request_id: Some(request_id),
                details: serde_json::json!({ "document_id": doc.id, "sha256": doc.sha256 }),
            })
            .await?;
    }
    Ok((doc, bytes))
}
