//! Retention (docs/reports-and-retention.md): what was collected from source systems for a request
//! (`source_record`) is deleted a configured time after the request was closed (default
//! 12 months, per controller configurable); decisions and letters stay, as the controller's
//! archive requires. Unfinished portal drafts go three months after their last change
//! (`drafts::expire`). Every deletion is audited (counts only, no content).
//!
//! The job runs daily (`jobs/retention.rs`). Deleting is idempotent, so a rerun after a crash
//! is safe.
use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};
use entity::{controller, request, source_record};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::{audit::AuditRecord, config::RetentionSettings, core::Core, error::ServiceResult};

/// Requests per delete transaction: keeps each transaction short.
const CHUNK: usize = 500;

/// One request whose collected records are due for deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expired {
    pub request_id: Uuid,
    pub reference: String,
    pub closed_at: DateTime<Utc>,
    pub retention_months: u32,
    pub records: i64,
}

/// Months to keep collected records for a controller (by organisation number).
pub fn months_for(settings: &RetentionSettings, org_number: &str) -> u32 {
    settings
        .controllers
        .get(org_number)
        .copied()
        .unwrap_or(settings.source_records_months)
}

/// What a run at `now` would delete: per controller, closed requests older than its limit that
/// still have collected records.
pub async fn plan(app: &Core, now: DateTime<Utc>) -> ServiceResult<Vec<Expired>> {
    let controllers: Vec<(Uuid, String)> = controller::Entity::find()
        .select_only()
        .column(controller::Column::Id)
        .column(controller::Column::OrgNumber)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut out = Vec::new();
    for (controller_id, org) in controllers {
        let months = months_for(&app.settings.retention, &org);
        let cutoff = now.checked_sub_months(Months::new(months)).unwrap_or(now);
        let expired_requests = request::Entity::find()
            .select_only()
            .column(request::Column::Id)
            .filter(request::Column::ControllerId.eq(controller_id))
            .filter(request::Column::ClosedAt.lt(cutoff))
            .into_query();
        let counts: HashMap<Uuid, i64> = source_record::Entity::find()
            .select_only()
            .column(source_record::Column::RequestId)
            .column_as(source_record::Column::Id.count(), "n")
            .filter(source_record::Column::RequestId.in_subquery(expired_requests))
            .group_by(source_record::Column::RequestId)
            .into_tuple::<(Uuid, i64)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect();
        if counts.is_empty() {
            continue;
        }
        for ids in counts.keys().copied().collect::<Vec<_>>().chunks(CHUNK) {
            let rows: Vec<(Uuid, String, Option<DateTime<Utc>>)> = request::Entity::find()
                .select_only()
                .column(request::Column::Id)
                .column(request::Column::Reference)
                .column(request::Column::ClosedAt)
                .filter(request::Column::Id.is_in(ids.to_vec()))
                .into_tuple()
                .all(&app.db)
                .await?;
            for (request_id, reference, closed_at) in rows {
                if let (Some(closed_at), Some(records)) = (closed_at, counts.get(&request_id)) {
                    out.push(Expired {
                        request_id,
                        reference,
                        closed_at,
                        retention_months: months,
                        records: *records,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| {
        a.closed_at
            .cmp(&b.closed_at)
            .then(a.reference.cmp(&b.reference))
    });
    Ok(out)
}

/// Plans and, unless `dry_run`, deletes, auditing each request's deletion in the same
/// transaction. Returns what was (or would be) deleted.
pub async fn run(app: &Core, now: DateTime<Utc>, dry_run: bool) -> ServiceResult<Vec<Expired>> {
    let expired = plan(app, now).await?;
    if dry_run {
        return Ok(expired);
    }
    for chunk in expired.chunks(CHUNK) {
        let chunk = chunk.to_vec();
        app.writer
            .run(move |tx| {
                Box::pin(async move {
                    let ids: Vec<Uuid> = chunk.iter().map(|e| e.request_id).collect();
                    source_record::Entity::delete_many()
                        .filter(source_record::Column::RequestId.is_in(ids))
                        .exec(&tx.db)
                        .await?;
                    let records = chunk
                        .iter()
                        .map(|e| AuditRecord {
                            actor: "system:retention".into(),
                            action: "retention.source_records_deleted".into(),
                            request_id: Some(e.request_id),
                            details: serde_json::json!({
                                "records": e.records,
                                "closed_at": e.closed_at,
                                "retention_months": e.retention_months,
                            }),
                        })
                        .collect();
                    tx.audit_many(records).await
                })
            })
            .await?;
    }
    // Files the person attached go with what was collected.
    let files = crate::attachments::retention::expire(app, now, dry_run).await?;
    if files > 0 {
        tracing::info!(files, dry_run, "retention: attachments deleted");
    }
    // Portal drafts go three months after their last change.
    let drafts = crate::drafts::expire(app, now, dry_run).await?;
    if drafts > 0 {
        tracing::info!(drafts, dry_run, "retention: portal drafts expired");
    }
    Ok(expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_controller_override() {
        let mut s = RetentionSettings::default();
        s.controllers.insert("999999999".into(), 6);
        assert_eq!(months_for(&s, "999999999"), 6);
        assert_eq!(months_for(&s, "123456785"), 12);
    }
}
