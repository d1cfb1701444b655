//! The steps of a request's source tasks: start, list, retry, a manual task completed by hand,
//! and an answer stored exactly once.
use super::CollectInput;
use super::ManualInput;
use super::OperationParams;
use super::SourceTaskView;
use super::TaskStatus;
use super::plan::Reach;
use super::plan::plan_tasks;
use super::plan::reach_of;
use super::plan::tasks_of;
use super::require_case_staff;
use super::view;
use crate::sources::protocol::{Answer, Operation};
use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::{intake::record_action, queries::load_visible},
    writer::{Tx, insert_rows},
};
use entity::{source_record, source_task};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Starts (or restarts) collection: asks every source serving the request's service area.
/// Sources already done or under way are left alone; failed ones are tried again.
pub async fn start(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: CollectInput,
) -> ServiceResult<Vec<SourceTaskView>> {
    require_case_staff(principal)?;
    if input.record_ids.len() > 1000
        || input
            .record_ids
            .iter()
            .any(|r| r.is_empty() || r.len() > 200)
    {
        return Err(ServiceError::invalid(
            "record_ids",
            "give at most 1000 record ids of 1–200 characters",
        ));
    }
    if input.corrections.len() > 1000
        || input.corrections.iter().any(|c| {
            c.record_id.is_empty()
                || c.record_id.len() > 200
                || c.value.trim().is_empty()
                || c.value.chars().count() > 2000
        })
    {
        return Err(ServiceError::invalid(
            "corrections",
            "give at most 1000 corrections, each a record id of 1–200 characters and a value of 1–2000 characters",
        ));
    }
    if !input.corrections.is_empty() && input.operation != Some(Operation::Rectify) {
        return Err(ServiceError::invalid(
            "corrections",
            "corrected values go only with `rectify`",
        ));
    }
    // Nothing of the person's is gathered for a writer who has not shown they may act for them.
    if entity::representation_claim::Entity::find_by_id(request_id)
        .one(&app.db)
        .await?
        .is_some_and(|c| c.status == entity::values::ClaimStatus::Open)
    {
        return Err(ServiceError::Conflict(
            "the writer has not shown that they may act for the person: nothing is collected until the representation is proven".into(),
        ));
    }
    let sources = app.registry.get(&app.db).await?.sources.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let all_sources = sources.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                let status = req.status;
                if status.is_terminal() {
                    return Err(ServiceError::Conflict(format!(
                        "the request is {status}; nothing more is collected"
                    )));
                }
                let kind = req.kind;
                let operation = input.operation.unwrap_or(Operation::Access);
                if operation != Operation::Access && operation != Operation::for_right(kind) {
                    return Err(ServiceError::invalid(
                        "operation",
                        format!("a {kind} request carries out `{}`, not `{operation}`", Operation::for_right(kind)),
                    ));
                }
                let params = (operation != Operation::Access).then(|| {
                    vault.seal(
                        &serde_json::to_string(&OperationParams {
                            description: Some(req.description.clone()),
                            record_ids: input.record_ids.clone(),
                            corrections: input.corrections.clone(),
                        })
                        .unwrap_or_default(),
                    )
                });
                let existing = tasks_of(&tx.db, request_id).await?;
                let reach = reach_of(&tx.db, &[req.person_id]).await?.get(&req.person_id).copied().unwrap_or(Reach::Pid);
                let new = plan_tasks(&sources, request_id, req.service_area.as_deref(), operation, params, &existing, reach, tx.now);
                let mut restarted = Vec::new();
                for t in existing.iter().filter(|t| t.operation == operation.as_str() && t.status == TaskStatus::Failed) {
                    restarted.push(t.source_id.clone());
                    requeue(tx, t.clone()).await?;
                }
                let serving = sources.iter().filter(|s| s.serves(req.service_area.as_deref(), operation)).count();
                if serving == 0 {
                    return Err(ServiceError::Conflict(format!(
                        "no active source system can {operation} for this request's service area"
                    )));
                }
                let added: Vec<String> = new.iter().map(|t| t.source_id.as_ref().clone()).collect();
                insert_rows(&tx.db, new).await?;
                let details = serde_json::json!({ "operation": operation, "sources": added, "restarted": restarted });
                record_action(tx, request_id, Some(&principal), "collection_started", None, None, details).await?;
                Ok(())
            })
        })
        .await?;
    app.collector.wake();
    Ok(tasks_of(&app.db, request_id)
        .await?
        .iter()
        .map(|t| view(t, &all_sources))
        .collect())
}

pub(super) async fn requeue(tx: &Tx, task: source_task::Model) -> ServiceResult<()> {
    let mut row: source_task::ActiveModel = task.into();
    row.status = Set(TaskStatus::Pending);
    row.round_attempts = Set(0);
    row.next_attempt_at = Set(tx.now);
    row.lease_owner = Set(None);
    row.lease_until = Set(None);
    row.updated_at = Set(tx.now);
    row.update(&tx.db).await?;
    Ok(())
}

/// Each source's status for the request.
pub async fn list(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<SourceTaskView>> {
    if principal.staff().is_none() {
        return Err(ServiceError::Forbidden(
            "only staff see the collection".into(),
        ));
    }
    load_visible(&app.db, principal, request_id).await?;
    let sources = app.registry.get(&app.db).await?.sources.clone();
    Ok(tasks_of(&app.db, request_id)
        .await?
        .iter()
        .map(|t| view(t, &sources))
        .collect())
}

/// Tries one source again (failed, or done to fetch afresh: the new answer replaces the old).
pub async fn retry(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    source_id: String,
    operation: Option<Operation>,
) -> ServiceResult<SourceTaskView> {
    require_case_staff(principal)?;
    let sources = app.registry.get(&app.db).await?.sources.clone();
    let known = sources.clone();
    let principal = principal.clone();
    let operation = operation.unwrap_or(Operation::Access);
    let task = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                if req.status.is_terminal() {
                    return Err(ServiceError::Conflict("the request is closed".into()));
                }
                let reach = reach_of(&tx.db, &[req.person_id])
                    .await?
                    .get(&req.person_id)
                    .copied()
                    .unwrap_or(Reach::Pid);
                let task = source_task::Entity::find()
                    .filter(source_task::Column::RequestId.eq(request_id))
                    .filter(source_task::Column::SourceId.eq(source_id.clone()))
                    .filter(source_task::Column::Operation.eq(operation.as_str()))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("source task"))?;
                match task.status {
                    TaskStatus::Running => {
                        return Err(ServiceError::Conflict(
                            "the source is being asked right now".into(),
                        ));
                    }
                    // Manual only because the person could not be found there: asked again
                    // once they can (a number linked since).
                    TaskStatus::Manual
                        if task.error.is_some()
                            && known
                                .iter()
                                .find(|s| s.id == source_id)
                                .is_some_and(|s| !s.is_manual() && reach.asks(s).is_ok()) => {}
                    TaskStatus::Manual => {
                        return Err(ServiceError::Conflict(
                            "this is a manual source: enter what it holds instead".into(),
                        ));
                    }
                    TaskStatus::Pending => return Ok(task),
                    _ => {}
                }
                requeue(tx, task.clone()).await?;
                let details = serde_json::json!({ "source": source_id, "operation": operation });
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    "source_retried",
                    None,
                    None,
                    details,
                )
                .await?;
                source_task::Entity::find_by_id(task.id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("source task"))
            })
        })
        .await?;
    app.collector.wake();
    Ok(view(&task, &sources))
}

/// A caseworker completes a manual source's task with what it holds.
pub async fn complete_manual(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    source_id: String,
    operation: Option<Operation>,
    input: ManualInput,
) -> ServiceResult<SourceTaskView> {
    require_case_staff(principal)?;
    let operation = operation.unwrap_or(Operation::Access);
    // The same strict rules as an answer over the wire.
    let body = if operation == Operation::Access {
        if !input.results.is_empty() {
            return Err(ServiceError::invalid(
                "results",
                "access takes `records`, not `results`",
            ));
        }
        serde_json::json!({ "protocol": crate::sources::protocol::PROTOCOL_VERSION, "request_id": request_id, "records": input.records })
    } else {
        if !input.records.is_empty() {
            return Err(ServiceError::invalid(
                "records",
                "this operation takes `results`, not `records`",
            ));
        }
        serde_json::json!({ "protocol": crate::sources::protocol::PROTOCOL_VERSION, "request_id": request_id, "results": input.results })
    };
    let answer =
        crate::sources::protocol::parse_answer(operation, request_id, body.to_string().as_bytes())
            .map_err(|e| {
                ServiceError::invalid(
                    if operation == Operation::Access {
                        "records"
                    } else {
                        "results"
                    },
                    e.to_string(),
                )
            })?;
    let sources = app.registry.get(&app.db).await?.sources.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let task = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                load_visible(&tx.db, &principal, request_id).await?;
                let task = source_task::Entity::find()
                    .filter(source_task::Column::RequestId.eq(request_id))
                    .filter(source_task::Column::SourceId.eq(source_id.clone()))
                    .filter(source_task::Column::Operation.eq(operation.as_str()))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("source task"))?;
                if task.status != TaskStatus::Manual {
                    return Err(ServiceError::Conflict(
                        "only a manual source's task is completed by hand".into(),
                    ));
                }
                let (task, count) = finish_by_hand(tx, &vault, task, &answer).await?;
                let details = serde_json::json!({ "source": source_id, "operation": operation, "record_count": count });
                record_action(tx, request_id, Some(&principal), "source_entered", None, None, details).await?;
                Ok(task)
            })
        })
        .await?;
    Ok(view(&task, &sources))
}

/// A manual task done by a caseworker: its answer stored, the task done. Returns the task and
/// how many records the answer has.
pub(crate) async fn finish_by_hand(
    tx: &Tx,
    vault: &crate::crypto::PidVault,
    task: source_task::Model,
    answer: &Answer,
) -> ServiceResult<(source_task::Model, usize)> {
    let count = store_answer(tx, vault, &task, answer).await?;
    let attempts = task.attempts + 1;
    let mut row: source_task::ActiveModel = task.into();
    row.status = Set(TaskStatus::Done);
    // Why the source could not be asked no longer applies once a caseworker answered for it.
    row.error = Set(None);
    row.record_count = Set(count as i32);
    row.finished_at = Set(Some(tx.now));
    row.updated_at = Set(tx.now);
    row.attempts = Set(attempts);
    Ok((row.update(&tx.db).await?, count))
}

/// Replaces the task's stored records with `answer` (a retry never duplicates). Returns the count.
pub(crate) async fn store_answer(
    tx: &Tx,
    vault: &crate::crypto::PidVault,
    task: &source_task::Model,
    answer: &Answer,
) -> ServiceResult<usize> {
    source_record::Entity::delete_many()
        .filter(source_record::Column::TaskId.eq(task.id))
        .exec(&tx.db)
        .await?;
    let row = |key: &str,
               category: &str,
               special: bool,
               third: bool,
               outcome: Option<String>,
               payload: String| {
        source_record::ActiveModel {
            id: Set(Uuid::now_v7()),
            task_id: Set(task.id),
            request_id: Set(task.request_id),
            source_id: Set(task.source_id.clone()),
            operation: Set(task.operation.clone()),
            record_key: Set(key.to_string()),
            category: Set(category.to_string()),
            special_category: Set(special),
            third_party: Set(third),
            outcome: Set(outcome),
            payload: Set(vault.seal(&payload)),
            created_at: Set(tx.now),
        }
    };
    let rows: Vec<source_record::ActiveModel> = match answer {
        Answer::Records(records) => records
            .iter()
            .map(|r| {
                row(
                    &r.id,
                    &r.category,
                    r.special_category,
                    r.third_party,
                    None,
                    serde_json::to_string(r).unwrap_or_default(),
                )
            })
            .collect(),
        Answer::Results(results) => results
            .iter()
            .map(|r| {
                row(
                    &r.record_id,
                    &r.category,
                    false,
                    r.third_party,
                    Some(r.outcome.as_str().into()),
                    serde_json::to_string(r).unwrap_or_default(),
                )
            })
            .collect(),
    };
    let count = rows.len();
    for chunk in rows.chunks(500) {
        insert_rows(&tx.db, chunk.to_vec()).await?;
    }
    Ok(count)
}
