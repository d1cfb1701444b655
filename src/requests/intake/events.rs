//! A request's timeline entries and audit events, written together.

use entity::{request_event, values::ActorKind};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use crate::{
    audit::AuditRecord, auth::Principal, error::ServiceResult, lifecycle::Status, writer::Tx,
};

/// A timeline entry row.
#[allow(clippy::too_many_arguments)]
pub(super) fn event_row(
    tx: &Tx,
    request_id: Uuid,
    actor_kind: ActorKind,
    actor: &str,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: &serde_json::Value,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request_id),
        at: Set(tx.now),
        actor_kind: Set(actor_kind),
        actor: Set(actor.into()),
        action: Set(action.into()),
        from_status: Set(from),
        to_status: Set(to),
        details: Set(details.to_string()),
    }
}

/// One action on a request, recorded twice: in the request's timeline and in
/// the audit trail (`request.{action}`). `by: None` is dsar itself (workers, re-routing).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_action(
    tx: &mut Tx,
    request_id: Uuid,
    by: Option<&Principal>,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let (actor_kind, actor) = by
        .map(|p| p.timeline_actor())
        .unwrap_or((ActorKind::System, "dsar".to_string()));
    record_event(
        tx,
        request_id,
        actor_kind,
        &actor,
        action,
        from,
        to,
        details.clone(),
    )
    .await?;
    tx.audit(AuditRecord {
        actor: by
            .map(|p| p.audit_actor())
            .unwrap_or_else(|| "system".into()),
        action: format!("request.{action}"),
        request_id: Some(request_id),
        details,
    })
    .await
}

/// Writes one timeline entry.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_event(
    tx: &Tx,
    request_id: Uuid,
    actor_kind: ActorKind,
    actor: &str,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    event_row(
        tx, request_id, actor_kind, actor, action, from, to, &details,
    )
    .insert(&tx.db)
    .await?;
    Ok(())
}
