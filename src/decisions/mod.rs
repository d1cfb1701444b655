//! Decisions: a caseworker drafts outcome + legal bases + text; where the
//! controller requires four eyes a privacy officer other than the drafter approves or returns it;
//! on approval the answer is generated in the person's language (HTML + PDF, and for innsyn the
//! data package), stored immutably, and the request completes, all in one transaction.
//!
//! This file holds the inputs and views and what the steps share; drafting, approval and the
//! answer's documents are in the files beside it.
mod approval;
pub mod catalogue;
pub mod collected;
pub mod delivery;
mod documents;
mod draft;
pub mod extension;
pub mod generate;
pub mod recipients;
pub mod restriction;

pub use approval::{approve, approve_seen, send_back};
pub use documents::{
    DraftDocuments, StoredDocument, documents, download, draft_document, draft_documents,
    insert_documents, store_documents,
};
pub use draft::{check_claim_refusal, check_draft, draft, get, preview};

use chrono::{DateTime, Utc};
use entity::{controller, decision, document};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{ServiceError, ServiceResult},
    lifecycle::{Outcome, Role},
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
