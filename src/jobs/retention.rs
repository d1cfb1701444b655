//! The daily retention run (`retention.rs`) as a scheduled job. Several instances may run the
//! scheduler: one conditional `UPDATE` of the task's `scheduled_task` row claims it with a
//! lease, so exactly one of them runs it; one that died mid-run is replaced when its lease runs
//! out.
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::scheduled_task;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use crate::{core::Core, error::ServiceResult};

/// The name of the task's row in `scheduled_task`.
pub const TASK: &str = "retention";
const LEASE: chrono::Duration = chrono::Duration::hours(1);
/// How often an instance looks whether the run is due.
const CHECK_EVERY: Duration = Duration::from_secs(600);

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
    let expired = crate::retention::run(app, now, false).await?;
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
/// It ends when the scheduler is stopped.
pub fn spawn(core: &Core) -> tokio::task::JoinHandle<()> {
    let app = core.clone();
    let stop = app.scheduler.stop_token();
    tokio::spawn(async move {
        let owner = app.scheduler.owner().to_string();
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                ran = tick(&app, &owner) => {
                    if let Err(e) = ran {
                        tracing::warn!(error = %e, "retention run failed; retried when the lease ends");
                    }
                }
            }
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tokio::time::sleep(CHECK_EVERY) => {}
            }
        }
    })
}
