//! Retention (docs/reports-and-retention.md): what was collected from source systems for a request
//! (`source_record`) is deleted a configured time after the request was closed (default
//! 12 months, per controller configurable); decisions and letters stay, as the controller's
//! archive requires. Unfinished portal drafts go three months after their last change
//! (`drafts::expire`). Every deletion is audited (counts only, no content).
//!
//! The job runs daily. Several instances may run the scheduler: one conditional `UPDATE` of the
//! task's row claims it with a lease, so exactly one of them runs it; one that died mid-run is
//! replaced when its lease runs out. Deleting is idempotent, so a rerun after a crash is safe.
use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Months, Utc};
use entity::{controller, request, scheduled_task, source_record};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, OnConflict},
};
use serde::Serialize;
use uuid::Uuid;

use crate::{audit::AuditRecord, config::RetentionSettings, core::Core, error::ServiceResult};

pub const TASK: &str = "retention";
const LEASE: chrono::Duration = chrono::Duration::hours(1);
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
    // Portal drafts go three months after their last change.
    let drafts = crate::drafts::expire(app, now, dry_run).await?;
    if drafts > 0 {
        tracing::info!(drafts, dry_run, "retention: portal drafts expired");
    }
    Ok(expired)
}

/// Claims the daily run for `owner` if it is due and nobody holds a live lease. One
/// conditional UPDATE: on PostgreSQL a concurrent claimer waits for the row lock and then finds
/// the condition false; SQLite serialises writers anyway.
pub async fn claim(app: &Core, owner: &str, now: DateTime<Utc>) -> ServiceResult<bool> {
    let owner = owner.to_string();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                scheduled_task::Entity::insert(scheduled_task::ActiveModel {
                    name: Set(TASK.into()),
                    next_run_at: Set(now),
                    lease_owner: Set(None),
                    lease_until: Set(None),
                    last_run_at: Set(None),
                })
                .on_conflict(
                    OnConflict::column(scheduled_task::Column::Name)
                        .do_nothing()
                        .to_owned(),
                )
                .try_insert()
                .exec(&tx.db)
                .await?;
                let claimed = scheduled_task::Entity::update_many()
                    .col_expr(scheduled_task::Column::LeaseOwner, Expr::value(owner))
                    .col_expr(scheduled_task::Column::LeaseUntil, Expr::value(now + LEASE))
                    .filter(scheduled_task::Column::Name.eq(TASK))
                    .filter(scheduled_task::Column::NextRunAt.lte(now))
                    .filter(
                        sea_orm::Condition::any()
                            .add(scheduled_task::Column::LeaseUntil.is_null())
                            .add(scheduled_task::Column::LeaseUntil.lt(now)),
                    )
                    .exec(&tx.db)
                    .await?;
                Ok(claimed.rows_affected == 1)
            })
        })
        .await
}

/// Releases the lease and schedules the next run.
pub async fn finish(app: &Core, owner: &str, now: DateTime<Utc>) -> ServiceResult<()> {
    let owner = owner.to_string();
    let next =
        now + chrono::Duration::hours(i64::from(app.settings.retention.interval_hours.max(1)));
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                scheduled_task::Entity::update_many()
                    .col_expr(scheduled_task::Column::NextRunAt, Expr::value(next))
                    .col_expr(scheduled_task::Column::LastRunAt, Expr::value(now))
                    .col_expr(
                        scheduled_task::Column::LeaseOwner,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(
                        scheduled_task::Column::LeaseUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(scheduled_task::Column::Name.eq(TASK))
                    .filter(scheduled_task::Column::LeaseOwner.eq(owner))
                    .exec(&tx.db)
                    .await?;
                Ok(())
            })
        })
        .await
}

/// One scheduler tick: runs retention if this instance wins the claim. True if it ran.
pub async fn tick(app: &Core, owner: &str) -> ServiceResult<bool> {
    let now = Utc::now();
    if !claim(app, owner, now).await? {
        return Ok(false);
    }
    let expired = run(app, now, false).await?;
    let records: i64 = expired.iter().map(|e| e.records).sum();
    tracing::info!(
        requests = expired.len(),
        records,
        "retention: collected records deleted"
    );
    finish(app, owner, now).await?;
    Ok(true)
}

/// Starts the scheduler: checks every ten minutes whether the daily run is due.
pub fn spawn(app: &Core) {
    let app = app.clone();
    tokio::spawn(async move {
        let owner = app.collector.owner().to_string();
        loop {
            if let Err(e) = tick(&app, &owner).await {
                tracing::warn!(error = %e, "retention run failed; retried when the lease ends");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
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
