//! The answer's documents: generated for the approver to see before approving, written to the
//! document store and recorded, listed and downloaded.
use entity::{document, values::DocumentKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    documents::DocumentId,
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
    requests::queries::load_visible,
};

use super::DecisionStatus;
use super::{DocumentView, current, document_view, generate, staff_of};

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
