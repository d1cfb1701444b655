//! The collection worker: claims due source tasks from the database with a lease (row locks
//! with SKIP LOCKED on PostgreSQL, so several instances never run the same task; SQLite has one
//! writer and one worker), calls the sources concurrently, and writes each answer or failure back
//! exactly once. A task whose instance died is claimed again when its lease runs out.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::{request, source_task};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, LockBehavior, LockType},
};
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use super::Pass;
use crate::{
    audit::AuditRecord,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::intake::record_event,
    sources::{
        SourceSystem,
        client::CallError,
        collection::{
            self, OperationParams, TaskStatus, apply_registered_address, call_subject,
            person_subject, registered_address, store_answer,
        },
        protocol::{Answer, Operation, OperationCall},
        tokens::token_for,
    },
};

/// Longest wait between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Starts the worker loop over `core`. It ends when the collector is stopped.
pub fn spawn(core: &Core) -> tokio::task::JoinHandle<()> {
    let app = core.clone();
    let notify = app.collector.waker();
    let cancel = app.collector.stop_token();
    let concurrency = app.settings.sources.concurrency.max(1);
    let poll = Duration::from_millis(app.settings.sources.poll_interval_ms.max(10));
    let permits = Arc::new(Semaphore::new(concurrency));
    tokio::spawn(super::drive(
        notify.clone(),
        cancel.clone(),
        poll,
        move || pass(app.clone(), permits.clone(), notify.clone(), cancel.clone()),
    ))
}

/// Plans queued requests, delivers due notices, and starts as many due tasks as there are
/// free permits.
async fn pass(
    app: Core,
    permits: Arc<Semaphore>,
    notify: Arc<Notify>,
    cancel: CancellationToken,
) -> Pass {
    // Requests the intake queued get their tasks first, so they can be claimed below.
    let planned_all = match collection::plan_queued(&app).await {
        Ok(n) => n == collection::PLAN_BATCH,
        Err(e) => {
            tracing::warn!(error = %e, "could not plan queued collections");
            false
        }
    };
    // Art. 19 notices due for delivery over the protocol go out on their own tasks.
    if let Err(e) = crate::sources::notices::deliver_due(&app).await {
        tracing::warn!(error = %e, "could not deliver recipient notices");
    }
    let free = permits.available_permits();
    let mut claimed_all = false;
    if free > 0 {
        match claim(&app, free).await {
            Ok(tasks) => {
                claimed_all = tasks.len() == free;
                for task in tasks {
                    let Ok(permit) = permits.clone().try_acquire_owned() else {
                        break;
                    };
                    let app = app.clone();
                    let cancel = cancel.clone();
                    let notify = notify.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = cancel.cancelled() => {}
                            _ = run_task(app, task) => {}
                        }
                        drop(permit);
                        notify.notify_one();
                    });
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not claim source tasks"),
        }
    }
    if claimed_all || planned_all {
        Pass::Full
    } else {
        Pass::Idle
    }
}

/// Claims up to `limit` due tasks: pending ones whose time has come, and running ones whose
/// lease ran out (their instance died).
async fn claim(app: &Core, limit: usize) -> ServiceResult<Vec<source_task::Model>> {
    let registry = app.registry.get(&app.db).await?;
    let slowest = registry
        .sources
        .iter()
        .map(|s| s.timeout())
        .max()
        .unwrap_or(Duration::from_secs(5));
    let margin = Duration::from_millis(app.settings.sources.lease_margin_ms);
    let lease =
        chrono::Duration::from_std(slowest + margin).unwrap_or(chrono::Duration::seconds(60));
    let owner = app.collector.owner().to_string();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let now = tx.now;
                let due = source_task::Entity::find()
                    .select_only()
                    .column(source_task::Column::Id)
                    .filter(
                        sea_orm::Condition::any()
                            .add(
                                sea_orm::Condition::all()
                                    .add(
                                        source_task::Column::Status
                                            .eq(TaskStatus::Pending.as_str()),
                                    )
                                    .add(source_task::Column::NextAttemptAt.lte(now)),
                            )
                            .add(
                                sea_orm::Condition::all()
                                    .add(
                                        source_task::Column::Status
                                            .eq(TaskStatus::Running.as_str()),
                                    )
                                    .add(source_task::Column::LeaseUntil.lt(now)),
                            ),
                    )
                    .order_by_asc(source_task::Column::NextAttemptAt)
                    .limit(limit as u64)
                    .into_query()
                    .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                    .to_owned();
                let claimed = source_task::Entity::update_many()
                    .col_expr(
                        source_task::Column::Status,
                        Expr::value(TaskStatus::Running.as_str()),
                    )
                    .col_expr(source_task::Column::LeaseOwner, Expr::value(owner))
                    .col_expr(source_task::Column::LeaseUntil, Expr::value(now + lease))
                    .col_expr(
                        source_task::Column::Attempts,
                        sea_orm::sea_query::ExprTrait::add(
                            Expr::col(source_task::Column::Attempts),
                            1,
                        ),
                    )
                    .col_expr(
                        source_task::Column::RoundAttempts,
                        sea_orm::sea_query::ExprTrait::add(
                            Expr::col(source_task::Column::RoundAttempts),
                            1,
                        ),
                    )
                    .col_expr(source_task::Column::StartedAt, Expr::value(now))
                    .col_expr(source_task::Column::UpdatedAt, Expr::value(now))
                    .filter(source_task::Column::Id.in_subquery(due))
                    .exec_with_returning(&tx.db)
                    .await?;
                Ok(claimed)
            })
        })
        .await
}

/// The delay before attempt `round_attempts + 1`: see [`super::backoff`], capped at ten minutes.
pub fn backoff(base_ms: u32, round_attempts: u32) -> Duration {
    super::backoff(
        u64::from(base_ms),
        MAX_BACKOFF.as_millis() as u64,
        round_attempts,
    )
}

enum Outcome {
    Answered(Answer),
    Failed(String),
}

async fn run_task(app: Core, task: source_task::Model) {
    let started = Instant::now();
    let source = match app.registry.get(&app.db).await {
        Ok(r) => r.sources.iter().find(|s| s.id == task.source_id).cloned(),
        Err(e) => {
            tracing::warn!(error = %e, "registry unavailable; the task will be claimed again");
            return;
        }
    };
    let outcome = match &source {
        None => Outcome::Failed("the source system is no longer registered".into()),
        Some(s) if task.round_attempts > s.max_attempts as i32 => Outcome::Failed(format!(
            "gave up after {} attempts (the last one never finished)",
            s.max_attempts
        )),
        Some(s) => match call(&app, s, &task).await {
            Ok(answer) => Outcome::Answered(answer),
            Err(e) => Outcome::Failed(e.to_string()),
        },
    };
    let elapsed = started.elapsed();
    app.metrics.source_call(
        &task.source_id,
        matches!(outcome, Outcome::Answered(_)),
        elapsed.as_secs_f64(),
    );
    if let Err(e) = finish(&app, source, task, outcome, elapsed).await {
        tracing::warn!(error = %e, "could not record a source answer; the task will be claimed again");
    }
}

async fn call(
    app: &Core,
    source: &SourceSystem,
    task: &source_task::Model,
) -> Result<Answer, CallError> {
    let internal = |e: ServiceError| CallError::Token(e.to_string());
    let operation = Operation::parse(&task.operation).unwrap_or(Operation::Access);
    let req = request::Entity::find_by_id(task.request_id)
        .one(&app.db)
        .await
        .map_err(|e| internal(e.into()))?
        .ok_or_else(|| CallError::Token("the request is gone".into()))?;
    let person = person_subject(&app.db, &app.vault, req.person_id)
        .await
        .map_err(internal)?;
    // A task planned before the person's number changed may no longer fit the source.
    let subject =
        call_subject(source, &person).map_err(|reason| CallError::Token(reason.into()))?;
    let params: OperationParams = match &task.params {
        Some(sealed) => app
            .vault
            .open(sealed)
            .ok()
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default(),
        None => OperationParams::default(),
    };
    let token = token_for(app, source, operation, &subject).await?;
    let body = OperationCall {
        request_id: task.request_id,
        subject,
        description: params.description,
        record_ids: params.record_ids,
        corrections: params.corrections,
    };
    app.sources.call(source, operation, &body, &token).await
}

/// Writes the outcome, if this instance still holds the task's lease.
async fn finish(
    app: &Core,
    source: Option<SourceSystem>,
    task: source_task::Model,
    outcome: Outcome,
    elapsed: Duration,
) -> ServiceResult<()> {
    let registry = app.registry.get(&app.db).await?;
    let vault = app.vault.clone();
    let owner = app.collector.owner().to_string();
    let name = source
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| task.source_id.clone());
    let max_attempts = source.as_ref().map(|s| s.max_attempts as i32).unwrap_or(1);
    let base_ms = source.as_ref().map(|s| s.backoff_ms).unwrap_or(1000);
    // Only the population register may set a person's protection or address.
    let population_register = source.as_ref().is_some_and(|s| s.population_register);
    let duration_ms = elapsed.as_millis().min(i32::MAX as u128) as i32;
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let now = tx.now;
                // Still ours? Only then does this answer count.
                let mut update = source_task::Entity::update_many()
                    .col_expr(source_task::Column::LeaseOwner, Expr::value(None::<String>))
                    .col_expr(source_task::Column::LeaseUntil, Expr::value(None::<chrono::DateTime<Utc>>))
                    .col_expr(source_task::Column::UpdatedAt, Expr::value(now))
                    .col_expr(source_task::Column::LastDurationMs, Expr::value(duration_ms))
                    .filter(source_task::Column::Id.eq(task.id))
                    .filter(source_task::Column::LeaseOwner.eq(owner))
                    .filter(source_task::Column::Attempts.eq(task.attempts))
                    .filter(source_task::Column::Status.eq(TaskStatus::Running.as_str()));
                let (action, details) = match &outcome {
                    Outcome::Answered(answer) => {
                        update = update
                            .col_expr(source_task::Column::Status, Expr::value(TaskStatus::Done.as_str()))
                            .col_expr(source_task::Column::Error, Expr::value(None::<String>))
                            .col_expr(source_task::Column::RecordCount, Expr::value(answer.len() as i32))
                            .col_expr(source_task::Column::FinishedAt, Expr::value(now));
                        (
                            "source_answered",
                            serde_json::json!({ "source": task.source_id, "name": name, "operation": task.operation, "record_count": answer.len() }),
                        )
                    }
                    Outcome::Failed(reason) => {
                        let give_up = task.round_attempts >= max_attempts;
                        update = update.col_expr(source_task::Column::Error, Expr::value(reason.clone()));
                        if give_up {
                            update = update
                                .col_expr(source_task::Column::Status, Expr::value(TaskStatus::Failed.as_str()))
                                .col_expr(source_task::Column::FinishedAt, Expr::value(now));
                        } else {
                            let delay = backoff(base_ms, task.round_attempts.max(1) as u32);
                            let next = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(1));
                            update = update
                                .col_expr(source_task::Column::Status, Expr::value(TaskStatus::Pending.as_str()))
                                .col_expr(source_task::Column::NextAttemptAt, Expr::value(next));
                        }
                        (
                            if give_up { "source_failed" } else { "" },
                            serde_json::json!({ "source": task.source_id, "name": name, "operation": task.operation, "attempts": task.attempts, "error": reason }),
                        )
                    }
                };
                if update.exec(&tx.db).await?.rows_affected != 1 {
                    // Another instance took the task over: its answer is the one that counts.
                    return Ok(());
                }
                if let Outcome::Answered(answer) = &outcome {
                    store_answer(tx, &vault, &task, answer).await?;
                    if population_register
                        && let Answer::Records(records) = answer
                        && let Some(address) = registered_address(records)
                    {
                        apply_registered_address(tx, &registry, task.request_id, address).await?;
                    }
                }
                if !action.is_empty() {
                    record_event(tx, task.request_id, entity::values::ActorKind::System, "dsar", action, None, None, details.clone()).await?;
                    tx.audit(AuditRecord {
                        actor: "system".into(),
                        action: format!("request.{action}"),
                        request_id: Some(task.request_id),
                        details,
                    })
                    .await?;
                }
                Ok(())
            })
        })
        .await
}
