//! One case's audit extract for an inspection: its timeline, every audit event that names it,
//! and the result of verifying the whole hash chain (an extract is only worth something if the
//! trail it comes from is intact).
use chrono::{DateTime, Utc};
use entity::{audit_event, request, request_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Principal,
    core::Core,
    error::ServiceResult,
    requests::{TimelineEvent, queries},
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditExtract {
    pub request_id: Uuid,
    pub reference: String,
    pub timeline: Vec<TimelineEvent>,
    pub audit_events: Vec<AuditEventView>,
    /// `{events, intact, first_break}` for the whole chain.
    #[schema(value_type = Object)]
    pub verification: serde_json::Value,
}

/// For privacy officers and auditors who may see the request; the read itself is audited first,
/// so the extract shows it and the verification covers it.
pub async fn extract(app: &Core, principal: &Principal, id: Uuid) -> ServiceResult<AuditExtract> {
    let registry = app.registry.get(&app.db).await?;
    super::own_controller(principal, &registry, None)?;
    queries::load_visible(&app.db, principal, id).await?;
    unchecked(app, principal.audit_actor(), id).await
}

/// The extract without an access check (the command line, run by an operator); audited as
/// `actor`.
pub async fn unchecked(app: &Core, actor: String, id: Uuid) -> ServiceResult<AuditExtract> {
    let row = request::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or(crate::error::ServiceError::NotFound("request"))?;
    super::audit_download(
        app,
        actor,
        "report.audit_extract",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    let timeline = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(id))
        .order_by_asc(request_event::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .map(TimelineEvent::from)
        .collect();
    let audit_events = audit_event::Entity::find()
        .filter(audit_event::Column::RequestId.eq(id))
        .order_by_asc(audit_event::Column::Seq)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|e| AuditEventView {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    let verification = crate::audit::verify(&app.db, &app.audit_key).await?;
    Ok(AuditExtract {
        request_id: id,
        reference: row.reference,
        timeline,
        audit_events,
        verification: serde_json::to_value(verification).unwrap_or_default(),
    })
}
