//! Each letter of a request and how it went out: on Min side, by e-mail notice and by post.
use chrono::{DateTime, Utc};
use entity::{document, request};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::{Act, require_staff},
    auth::Principal,
    core::Core,
    error::ServiceResult,
};

use super::LetterKind;
use super::print_jobs::PrintJobView;
use super::print_jobs::of_case;

/// One letter to the person and how it went out: on Min side (always), the e-mail notice
/// (where there is an address) and the printed letter (where one goes by post).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LetterDelivery {
    pub document_id: Uuid,
    pub letter_kind: LetterKind,
    pub created_at: DateTime<Utc>,
    /// Stored for the person on Min side.
    pub min_side: bool,
    /// The e-mail notice's state (pending, sending, sent, failed); none without an address.
    pub email: Option<String>,
    pub email_sent_at: Option<DateTime<Utc>>,
    /// The printed letter, where one goes by post.
    pub printed: Option<PrintJobView>,
}

/// The letters of a request with their delivery, oldest first. The e-mail notice of a letter
/// is the one written in the same transaction (same time) as the letter.
pub async fn letters_of(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> ServiceResult<Vec<LetterDelivery>> {
    let docs = document::Entity::find()
        .filter(document::Column::RequestId.eq(req.id))
        .filter(document::Column::CitizenVisible.eq(true))
        .order_by_asc(document::Column::CreatedAt)
        .all(db)
        .await?;
    let emails = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::RequestId.eq(req.id))
        .filter(entity::outbox::Column::Template.ne("receipt"))
        .all(db)
        .await?;
    let mut jobs = of_case(db, req).await?;
    let mut out = Vec::new();
    for d in docs {
        let Some(kind) = d.kind.letter_pdf() else {
            continue;
        };
        let email = emails.iter().find(|e| e.created_at == d.created_at);
        let printed = jobs
            .iter()
            .position(|j| j.document_id == d.id)
            .map(|i| jobs.remove(i));
        out.push(LetterDelivery {
            document_id: d.id,
            letter_kind: kind,
            created_at: d.created_at,
            min_side: true,
            email: email.map(|e| e.status.as_str().to_string()),
            email_sent_at: email.and_then(|e| e.sent_at),
            printed,
        });
    }
    Ok(out)
}

/// The letters of a request the staff member may read, with their delivery.
pub async fn for_request(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<LetterDelivery>> {
    require_staff(principal, Act::ReadCase)?;
    let req = crate::requests::queries::load_visible(&app.db, principal, request_id).await?;
    letters_of(&app.db, &req).await
}
