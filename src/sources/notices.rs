//! Delivering art. 19 notices over the source protocol (`POST {base}/dsar/v1/notify`). The
//! collection worker calls [`deliver_due`] on each round: a due notice is claimed by moving its
//! next attempt past the call's timeout in one conditional update (so two instances never send
//! it at once, and a notice whose instance died is tried again), then sent; the recipient's
//! receipt makes it `delivered`, a failure is retried with backoff up to the source's
//! `max_attempts` and then left `failed` for a caseworker. Manual notices are never touched here.
use std::time::Duration;

use chrono::Utc;
use entity::{recipient_notice, request};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};

use super::{
    SourceSystem,
    client::CallError,
    collection::{call_subject, person_subject},
    protocol::{NoticeCall, NoticeChange, Operation, RecordOutcome},
    tokens::token_for,
};
use crate::{
    core::Core,
    decisions::recipients::{NoticePayload, NoticeStatus},
    error::{ServiceError, ServiceResult},
    letters::OperationOutcome,
    requests::intake::record_event,
};

/// Most notices one round sends.
const BATCH: u64 = 16;
/// Longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Claims the due protocol notices and sends each on its own task; returns how many it claimed.
pub async fn deliver_due(app: &Core) -> ServiceResult<usize> {
    let now = Utc::now();
    let due = recipient_notice::Entity::find()
        .filter(recipient_notice::Column::Status.eq(NoticeStatus::Pending.as_str()))
        .filter(recipient_notice::Column::NextAttemptAt.lte(now))
        .order_by_asc(recipient_notice::Column::NextAttemptAt)
        .limit(BATCH)
        .all(&app.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let sources = app.registry.get(&app.db).await?.sources.clone();
    let mut claimed = 0;
    for notice in due {
        let source = notice
            .source_id
            .as_deref()
            .and_then(|id| sources.iter().find(|s| s.id == id))
            .cloned();
        let lease = source
            .as_ref()
            .map(|s| s.timeout() + Duration::from_secs(5))
            .unwrap_or(Duration::from_secs(5));
        let until = now + chrono::Duration::from_std(lease).unwrap_or_default();
        let (id, attempts, at) = (notice.id, notice.attempts, notice.next_attempt_at);
        // Only the instance whose update matches the row as it read it sends the notice.
        let won = app
            .writer
            .run(move |tx| {
                Box::pin(async move {
                    let r = recipient_notice::Entity::update_many()
                        .col_expr(
                            recipient_notice::Column::Attempts,
                            Expr::value(attempts + 1),
                        )
                        .col_expr(recipient_notice::Column::NextAttemptAt, Expr::value(until))
                        .filter(recipient_notice::Column::Id.eq(id))
                        .filter(recipient_notice::Column::Status.eq(NoticeStatus::Pending.as_str()))
                        .filter(recipient_notice::Column::Attempts.eq(attempts))
                        .filter(recipient_notice::Column::NextAttemptAt.eq(at))
                        .exec(&tx.db)
                        .await?;
                    Ok(r.rows_affected == 1)
                })
            })
            .await?;
        if !won {
            continue;
        }
        claimed += 1;
        let app = app.clone();
        let mut notice = notice;
        notice.attempts = attempts + 1;
        tokio::spawn(async move {
            let result = match &source {
                Some(s) => send(&app, s, &notice).await,
                None => Err(CallError::Token(
                    "the recipient's source system is no longer registered".into(),
                )),
            };
            if let Err(e) = finish(&app, source.as_ref(), &notice, result).await {
                tracing::warn!(error = %e, "could not record a notice delivery; it is tried again");
            }
        });
    }
    Ok(claimed)
}

fn record_outcome(o: OperationOutcome) -> RecordOutcome {
    match o {
        OperationOutcome::Corrected => RecordOutcome::Corrected,
        OperationOutcome::Erased => RecordOutcome::Erased,
        OperationOutcome::Restricted => RecordOutcome::Restricted,
        OperationOutcome::Stopped => RecordOutcome::Stopped,
        OperationOutcome::Kept => RecordOutcome::Kept,
    }
}

async fn send(
    app: &Core,
    source: &SourceSystem,
    notice: &recipient_notice::Model,
) -> Result<(), CallError> {
    let internal = |e: ServiceError| CallError::Token(e.to_string());
    let req = request::Entity::find_by_id(notice.request_id)
        .one(&app.db)
        .await
        .map_err(|e| internal(e.into()))?
        .ok_or_else(|| CallError::Token("the request is gone".into()))?;
    let controller = entity::controller::Entity::find_by_id(req.controller_id)
        .one(&app.db)
        .await
        .map_err(|e| internal(e.into()))?
        .map(|c| c.name)
        .unwrap_or_default();
    let payload: NoticePayload = app
        .vault
        .open(&notice.payload)
        .ok()
        .and_then(|p| serde_json::from_str(&p).ok())
        .ok_or_else(|| CallError::Token("the notice could not be read".into()))?;
    let person = person_subject(&app.db, &app.vault, req.person_id)
        .await
        .map_err(internal)?;
    let subject =
        call_subject(source, &person).map_err(|reason| CallError::Token(reason.into()))?;
    let operation = Operation::for_right(req.kind);
    let token = token_for(app, source, Operation::Notify, &subject).await?;
    let body = NoticeCall {
        request_id: req.id,
        notice_id: notice.id,
        subject,
        controller,
        reference: req.reference.clone(),
        operation,
        changes: payload
            .operations
            .into_iter()
            .map(|o| NoticeChange {
                source: o.source_id,
                record_id: o.record_id,
                label: o.label,
                outcome: record_outcome(o.outcome),
                new_value: o.new_value,
                until: o.restricted_until,
            })
            .collect(),
    };
    app.sources.notify(source, &body, &token).await
}

async fn finish(
    app: &Core,
    source: Option<&SourceSystem>,
    notice: &recipient_notice::Model,
    result: Result<(), CallError>,
) -> ServiceResult<()> {
    let max_attempts = source.map(|s| s.max_attempts as i32).unwrap_or(1);
    let backoff = source.map(|s| s.backoff_ms as u64).unwrap_or(1_000);
    let (id, request_id, attempts) = (notice.id, notice.request_id, notice.attempts);
    let recipient = notice.recipient.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let mut q = recipient_notice::Entity::update_many()
                    .filter(recipient_notice::Column::Id.eq(id))
                    .filter(recipient_notice::Column::Status.eq(NoticeStatus::Pending.as_str()))
                    .filter(recipient_notice::Column::Attempts.eq(attempts))
                    .col_expr(recipient_notice::Column::UpdatedAt, Expr::value(tx.now));
                let event = match &result {
                    Ok(()) => {
                        q = q
                            .col_expr(
                                recipient_notice::Column::Status,
                                Expr::value(NoticeStatus::Delivered.as_str()),
                            )
                            .col_expr(recipient_notice::Column::DeliveredAt, Expr::value(tx.now))
                            .col_expr(
                                recipient_notice::Column::Error,
                                Expr::value(Option::<String>::None),
                            );
                        Some("recipient_notice_delivered")
                    }
                    Err(e) => {
                        let give_up = attempts >= max_attempts || !e.retryable();
                        let wait = Duration::from_millis(
                            backoff.saturating_mul(1 << (attempts.clamp(1, 16) - 1)),
                        )
                        .min(MAX_BACKOFF);
                        q = q
                            .col_expr(
                                recipient_notice::Column::Error,
                                Expr::value(Some(e.to_string())),
                            )
                            .col_expr(
                                recipient_notice::Column::NextAttemptAt,
                                Expr::value(
                                    tx.now + chrono::Duration::from_std(wait).unwrap_or_default(),
                                ),
                            );
                        if give_up {
                            q = q.col_expr(
                                recipient_notice::Column::Status,
                                Expr::value(NoticeStatus::Failed.as_str()),
                            );
                            Some("recipient_notice_failed")
                        } else {
                            None
                        }
                    }
                };
                let r = q.exec(&tx.db).await?;
                if r.rows_affected == 1
                    && let Some(action) = event
                {
                    let details = serde_json::json!({
                        "notice_id": id,
                        "recipient": recipient,
                        "error": result.as_ref().err().map(|e| e.to_string()),
                    });
                    record_event(
                        tx,
                        request_id,
                        entity::values::ActorKind::System,
                        "dsar",
                        action,
                        None,
                        None,
                        details,
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
}
