//! Files the person attached are deleted with what was collected for the request: the
//! controller's retention time (`retention.source_records_months`, per controller
//! overridable) after the request was closed. The bytes go first (a missing file counts as
//! gone), then the rows, with one audit event per request (counts only), so a rerun after a
//! crash finishes the work.
use std::collections::BTreeMap;

use chrono::{DateTime, Months, Utc};
use entity::{attachment, controller, request};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    core::Core,
    documents::DocumentId,
    error::{ServiceError, ServiceResult},
};

/// Deletes (or with `dry_run` counts) the attachments of requests closed longer ago than their
/// controller keeps them. Returns the number of files.
pub async fn expire(app: &Core, now: DateTime<Utc>, dry_run: bool) -> ServiceResult<u64> {
    let controllers: Vec<(Uuid, String)> = controller::Entity::find()
        .select_only()
        .column(controller::Column::Id)
        .column(controller::Column::OrgNumber)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut due: BTreeMap<Uuid, (Vec<Uuid>, u32)> = BTreeMap::new();
    for (controller_id, org) in controllers {
        // The months `retention::months_for` gives (not imported: retention.rs calls this).
        let r = &app.settings.retention;
        let months = r
            .controllers
            .get(&org)
            .copied()
            .unwrap_or(r.source_records_months);
        let cutoff = now.checked_sub_months(Months::new(months)).unwrap_or(now);
        let closed = request::Entity::find()
            .select_only()
            .column(request::Column::Id)
            .filter(request::Column::ControllerId.eq(controller_id))
            .filter(request::Column::ClosedAt.lt(cutoff))
            .into_query();
        let rows: Vec<(Uuid, Uuid)> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::Id)
            .column(attachment::Column::RequestId)
            .filter(attachment::Column::RequestId.in_subquery(closed))
            .into_tuple()
            .all(&app.db)
            .await?;
        for (id, request_id) in rows {
            due.entry(request_id)
                .or_insert_with(|| (Vec::new(), months))
                .0
                .push(id);
        }
    }
    let files = due.values().map(|(ids, _)| ids.len() as u64).sum();
    if dry_run || due.is_empty() {
        return Ok(files);
    }
    for (ids, _) in due.values() {
        for id in ids {
            app.documents
                .delete(DocumentId(*id))
                .await
                .map_err(|e| ServiceError::storage("deleting an attachment", e))?;
        }
    }
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let mut records = Vec::new();
                for (request_id, (ids, months)) in due {
                    attachment::Entity::delete_many()
                        .filter(attachment::Column::Id.is_in(ids.clone()))
                        .exec(&tx.db)
                        .await?;
                    records.push(AuditRecord {
                        actor: "system:retention".into(),
                        action: "retention.attachments_deleted".into(),
                        request_id: Some(request_id),
                        details: serde_json::json!({
                            "files": ids.len(),
                            "retention_months": months,
                        }),
                    });
                }
                tx.audit_many(records).await
            })
        })
        .await?;
    Ok(files)
}
