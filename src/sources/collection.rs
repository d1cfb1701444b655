//! Collection for one request: which sources to ask, per-source status, retry, manual tasks,
//! storing answers exactly once, and reading the collected records (audited). The collection
//! worker (`jobs/collection.rs`) runs the calls; everything here is the domain and runs in writer transactions.
use chrono::{DateTime, Utc};
use entity::{collection_queue, person, person_identifier, request, source_record, source_task};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{LockBehavior, LockType},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::task::TaskStatus;
use super::{
    SourceSystem,
    protocol::{Answer, Correction, Operation, Record, RecordResult, Subject},
    simulator::data::{DISTRICT_RECORD, MUNICIPALITY_RECORD, PROTECTION_RECORD},
};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{Pid, SubjectId},
    lifecycle::{Role, Status},
    requests::{
        intake::{record_action, record_event},
        queries::load_visible,
    },
    routing_rules::Geography,
    writer::{Tx, find_where_in, insert_rows},
};

/// One source's status on a request, as the case page and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SourceTaskView {
    pub source: String,
    pub name: String,
    pub owner: String,
    pub operation: Operation,
    pub status: TaskStatus,
    /// Every attempt made so far.
    pub attempts: i32,
    /// Why the last attempt failed (kept after a later success is not: cleared then).
    pub error: Option<String>,
    pub record_count: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i32>,
}

/// `POST /requests/{id}/collect`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectInput {
    /// `access` (default) to see what the sources hold; the request's own operation
    /// (rectify for retting, erase for sletting, restrict for begrensning, object for protest)
    /// to carry out a decision.
    pub operation: Option<Operation>,
    /// Narrow the operation to these records (their source ids); empty means all.
    #[serde(default)]
    pub record_ids: Vec<String>,
    /// rectify: the value each record is to have (what the person asked for and the caseworker
    /// accepted). Sent to the source and shown in the person's letter beside the old value.
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// What a caseworker enters for a manual source.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualInput {
    /// For access: what the source holds.
    #[serde(default)]
    pub records: Vec<Record>,
    /// For the other operations: what was done per record.
    #[serde(default)]
    pub results: Vec<RecordResult>,
}

/// A collected record or operation result, for staff with the right role.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CollectedRecord {
    pub source: String,
    pub operation: Operation,
    pub category: String,
    pub special_category: bool,
    pub third_party: bool,
    pub record: Option<Record>,
    pub result: Option<RecordResult>,
    pub collected_at: DateTime<Utc>,
}

/// The operation fields we keep (encrypted) on the task and send to the source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OperationParams {
    pub description: Option<String>,
    #[serde(default)]
    pub record_ids: Vec<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

fn require_case_staff(principal: &Principal) -> ServiceResult<()> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only caseworkers and privacy officers collect from source systems".into(),
        )),
    }
}

pub fn view(task: &source_task::Model, sources: &[SourceSystem]) -> SourceTaskView {
    let source = sources.iter().find(|s| s.id == task.source_id);
    let status = task.status;
    SourceTaskView {
        source: task.source_id.clone(),
        name: source
            .map(|s| s.name.clone())
            .unwrap_or_else(|| task.source_id.clone()),
        owner: source.map(|s| s.owner.clone()).unwrap_or_default(),
        operation: Operation::parse(&task.operation).unwrap_or(Operation::Access),
        status,
        attempts: task.attempts,
        error: task.error.clone(),
        record_count: task.record_count,
        next_attempt_at: (status == TaskStatus::Pending).then_some(task.next_attempt_at),
        started_at: task.started_at,
        finished_at: task.finished_at,
        duration_ms: task.last_duration_ms,
    }
}

/// What a source can be asked by for a person: their kinds of identifier, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A fødselsnummer or d-nummer: every source can be asked.
    Pid,
    /// Only a DUF number: the sources that find persons by it.
    Duf,
    /// Only a name with a date of birth: no source can be asked.
    Nothing,
}

impl Reach {
    /// From the kinds of a person's identifiers.
    pub fn of(kinds: impl IntoIterator<Item = entity::values::IdentifierKind>) -> Self {
        use entity::values::IdentifierKind as K;
        let mut reach = Reach::Nothing;
        for kind in kinds {
            match kind {
                K::Fodselsnummer | K::DNummer => return Reach::Pid,
                K::Duf => reach = Reach::Duf,
                K::NameBirthDate => {}
            }
        }
        reach
    }

    /// Whether `source` can be asked over its API, or else why not.
    pub fn asks(self, source: &SourceSystem) -> Result<(), &'static str> {
        match self {
            Reach::Pid => Ok(()),
            Reach::Duf if source.finds_by_duf => Ok(()),
            Reach::Duf => Err(NEEDS_PID),
            Reach::Nothing => Err(NEEDS_NUMBER),
        }
    }
}

/// How each of these persons can be found at a source.
pub async fn reach_of(
    db: &impl ConnectionTrait,
    person_ids: &[Uuid],
) -> ServiceResult<std::collections::HashMap<Uuid, Reach>> {
    let idents = find_where_in::<person_identifier::Entity, _>(
        db,
        person_identifier::Column::PersonId,
        person_ids,
    )
    .await?;
    Ok(person_ids
        .iter()
        .map(|p| {
            let kinds = idents.iter().filter(|i| i.person_id == *p).map(|i| i.kind);
            (*p, Reach::of(kinds))
        })
        .collect())
}

/// New task rows for `sources` that serve the request; `existing` are skipped. A source that
/// cannot find the person by what identifies them becomes a manual task with the reason.
#[allow(clippy::too_many_arguments)]
pub fn plan_tasks(
    sources: &[SourceSystem],
    request_id: Uuid,
    service_area: Option<&str>,
    operation: Operation,
    params: Option<String>,
    existing: &[source_task::Model],
    reach: Reach,
    now: DateTime<Utc>,
) -> Vec<source_task::ActiveModel> {
    sources
        .iter()
        .filter(|s| s.serves(service_area, operation))
        .filter(|s| {
            !existing
                .iter()
                .any(|t| t.source_id == s.id && t.operation == operation.as_str())
        })
        .map(|s| {
            let (status, error) = if s.is_manual() {
                (TaskStatus::Manual, None)
            } else {
                match reach.asks(s) {
                    Ok(()) => (TaskStatus::Pending, None),
                    Err(reason) => (TaskStatus::Manual, Some(reason.to_string())),
                }
            };
            source_task::ActiveModel {
                id: Set(Uuid::now_v7()),
                request_id: Set(request_id),
                source_id: Set(s.id.clone()),
                operation: Set(operation.as_str().into()),
                status: Set(status),
                attempts: Set(0),
                round_attempts: Set(0),
                error: Set(error),
                record_count: Set(0),
                next_attempt_at: Set(now),
                lease_owner: Set(None),
                lease_until: Set(None),
                params: Set(params.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                started_at: Set(None),
                finished_at: Set(None),
                last_duration_ms: Set(None),
            }
        })
        .collect()
}

/// How many queued requests one planning step takes.
pub const PLAN_BATCH: usize = 256;

/// Plans the source tasks of the requests the intake queued (innsyn in units that collect at
/// once): one task per serving source system, for up to [`PLAN_BATCH`] requests in one writer
/// job, oldest first. Requests closed meanwhile only leave the queue. On PostgreSQL the queue
/// rows are taken with `SKIP LOCKED`, so several instances plan different requests.
/// Returns how many requests left the queue.
pub async fn plan_queued(app: &Core) -> ServiceResult<usize> {
    // A read first: an empty queue costs no write transaction on every poll.
    if collection_queue::Entity::find()
        .one(&app.db)
        .await?
        .is_none()
    {
        return Ok(0);
    }
    let sources = app.registry.get(&app.db).await?.sources.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let ids: Vec<Uuid> = collection_queue::Entity::find()
                    .order_by_asc(collection_queue::Column::RequestId)
                    .limit(PLAN_BATCH as u64)
                    .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                    .all(&tx.db)
                    .await?
                    .into_iter()
                    .map(|q| q.request_id)
                    .collect();
                if ids.is_empty() {
                    return Ok(0);
                }
                let requests =
                    find_where_in::<request::Entity, _>(&tx.db, request::Column::Id, &ids).await?;
                let existing = find_where_in::<source_task::Entity, _>(
                    &tx.db,
                    source_task::Column::RequestId,
                    &ids,
                )
                .await?;
                let person_ids: Vec<Uuid> = requests.iter().map(|r| r.person_id).collect();
                let reach = reach_of(&tx.db, &person_ids).await?;
                let mut tasks = Vec::new();
                for req in &requests {
                    let open = req.status.is_open();
                    if !open {
                        continue;
                    }
                    let own: Vec<source_task::Model> = existing
                        .iter()
                        .filter(|t| t.request_id == req.id)
                        .cloned()
                        .collect();
                    tasks.extend(plan_tasks(
                        &sources,
                        req.id,
                        req.service_area.as_deref(),
                        Operation::Access,
                        None,
                        &own,
                        reach.get(&req.person_id).copied().unwrap_or(Reach::Pid),
                        tx.now,
                    ));
                }
                insert_rows(&tx.db, tasks).await?;
                collection_queue::Entity::delete_many()
                    .filter(collection_queue::Column::RequestId.is_in(ids.clone()))
                    .exec(&tx.db)
                    .await?;
                Ok(ids.len())
            })
        })
        .await
}

async fn tasks_of(
    db: &impl ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<Vec<source_task::Model>> {
    Ok(source_task::Entity::find()
        .filter(source_task::Column::RequestId.eq(request_id))
        .order_by_asc(source_task::Column::Operation)
        .order_by_asc(source_task::Column::SourceId)
        .all(db)
        .await?)
}

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

async fn requeue(tx: &Tx, task: source_task::Model) -> ServiceResult<()> {
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
        serde_json::json!({ "protocol": super::protocol::PROTOCOL_VERSION, "request_id": request_id, "records": input.records })
    } else {
        if !input.records.is_empty() {
            return Err(ServiceError::invalid(
                "records",
                "this operation takes `results`, not `records`",
            ));
        }
        serde_json::json!({ "protocol": super::protocol::PROTOCOL_VERSION, "request_id": request_id, "results": input.results })
    };
    let answer = super::protocol::parse_answer(operation, request_id, body.to_string().as_bytes())
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

/// The records collected for a request, decrypted, for a caseworker or privacy officer. Audited.
pub async fn records(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<CollectedRecord>> {
    require_case_staff(principal)?;
    load_visible(&app.db, principal, request_id).await?;
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(request_id))
        .order_by_asc(source_record::Column::SourceId)
        .order_by_asc(source_record::Column::Operation)
        .order_by_asc(source_record::Column::RecordKey)
        .all(&app.db)
        .await?;
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: "request.records_read".into(),
            request_id: Some(request_id),
            details: serde_json::json!({ "record_count": rows.len() }),
        })
        .await?;
    decrypt_records(&app.vault, rows)
}

/// The person's name as Folkeregisteret gave it for each of `request_ids`, in one query; a
/// request whose person's name was not collected (yet) is left out.
pub async fn folkeregisteret_names(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    request_ids: &[Uuid],
) -> ServiceResult<std::collections::HashMap<Uuid, String>> {
    if request_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.is_in(request_ids.to_vec()))
        .filter(source_record::Column::SourceId.eq(FOLKEREGISTERET))
        .filter(source_record::Column::RecordKey.eq(NAME_RECORD))
        .all(db)
        .await?;
    let request_of: Vec<Uuid> = rows.iter().map(|r| r.request_id).collect();
    Ok(request_of
        .into_iter()
        .zip(decrypt_records(vault, rows)?)
        .filter_map(|(id, c)| Some((id, c.record?.value)))
        .filter(|(_, name)| !name.trim().is_empty())
        .collect())
}

/// The source and the record that give a person's name.
pub const FOLKEREGISTERET: &str = "folkeregisteret";
pub const NAME_RECORD: &str = "navn";

/// Decrypts stored rows (also used by the letters to build the answer).
pub fn decrypt_records(
    vault: &crate::crypto::PidVault,
    rows: Vec<source_record::Model>,
) -> ServiceResult<Vec<CollectedRecord>> {
    rows.into_iter()
        .map(|row| {
            let plain = vault.open(&row.payload).map_err(|_| {
                ServiceError::Storage("a collected record could not be decrypted".into())
            })?;
            let operation = Operation::parse(&row.operation).unwrap_or(Operation::Access);
            let (record, result) = if operation == Operation::Access {
                (serde_json::from_str(&plain).ok(), None)
            } else {
                (None, serde_json::from_str(&plain).ok())
            };
            Ok(CollectedRecord {
                source: row.source_id,
                operation,
                category: row.category,
                special_category: row.special_category,
                third_party: row.third_party,
                record,
                result,
                collected_at: row.created_at,
            })
        })
        .collect()
}

/// The person's current identity number in clear, for the call to the source: the newest
/// fødselsnummer, else the newest number. The kind is read from the number itself (its first
/// digit), not from the stored label, so no spelling of a label can change the choice. A person
/// known only by a DUF number or by name has none (`NotFound`).
pub async fn person_pid(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<Pid> {
    person_subject(db, vault, person_id)
        .await?
        .pid()
        .cloned()
        .ok_or(ServiceError::NotFound("identity number"))
}

/// What the person is best identified by: a number (as [`person_pid`] chooses it), else the
/// newest DUF number, else the newest name with date of birth.
pub async fn person_subject(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<SubjectId> {
    let ids = person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(person_id))
        .order_by_desc(person_identifier::Column::CreatedAt)
        .all(db)
        .await?;
    let all = ids
        .iter()
        .map(|i| vault.decrypt_subject(&i.pid_ciphertext))
        .collect::<Result<Vec<SubjectId>, _>>()
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    preferred_subject(all).ok_or(ServiceError::NotFound("identity number"))
}

/// Of a person's identifiers, newest first: the number [`preferred_pid`] picks, else the first
/// DUF number, else the first name with date of birth.
pub fn preferred_subject(newest_first: Vec<SubjectId>) -> Option<SubjectId> {
    let pids: Vec<Pid> = newest_first
        .iter()
        .filter_map(|s| s.pid().cloned())
        .collect();
    if let Some(pid) = preferred_pid(pids) {
        return Some(SubjectId::Pid(pid));
    }
    let duf = newest_first.iter().position(|s| s.duf().is_some());
    newest_first.into_iter().nth(duf.unwrap_or(0))
}

/// Why a source is not asked about a person known only by a DUF number.
pub const NEEDS_PID: &str =
    "this source finds persons by national identity number only: look the person up by hand";
/// Why a source is not asked about a person known only by name and date of birth.
pub const NEEDS_NUMBER: &str =
    "the person has no number a source can find them by: look the person up by hand";

/// How `source` is asked about the person: by national identity number, or by DUF number
/// where the source finds persons by it. `Err` gives the reason it cannot be asked at all.
pub fn call_subject(source: &SourceSystem, person: &SubjectId) -> Result<Subject, &'static str> {
    match person {
        SubjectId::Pid(pid) => Ok(Subject::pid(pid)),
        SubjectId::Duf(duf) if source.finds_by_duf => Ok(Subject::duf(duf)),
        SubjectId::Duf(_) => Err(NEEDS_PID),
        SubjectId::NameBirth(_) => Err(NEEDS_NUMBER),
    }
}

/// Of a person's numbers, newest first: the first fødselsnummer, else the first number.
pub fn preferred_pid(newest_first: Vec<Pid>) -> Option<Pid> {
    let fnr = newest_first
        .iter()
        .position(|p| p.kind() == crate::identity::PidKind::Fodselsnummer);
    newest_first.into_iter().nth(fnr.unwrap_or(0))
}

/// What Folkeregisteret said about where the person lives and whether the address is protected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisteredAddress {
    pub geography: Option<String>,
    pub strictly_confidential: bool,
}

pub fn registered_address(records: &[Record]) -> Option<RegisteredAddress> {
    let value = |id: &str| {
        records
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.value.trim().to_string())
    };
    let protection = value(PROTECTION_RECORD)?;
    let strictly_confidential = protection.starts_with("strengtFortrolig");
    let geography = value(DISTRICT_RECORD)
        .or_else(|| value(MUNICIPALITY_RECORD))
        .filter(|g| Geography::parse(g).is_ok());
    Some(RegisteredAddress {
        geography,
        strictly_confidential,
    })
}

/// Updates the person from the population register's answer (only that source may: the
/// caller checks) and, when the request would now route elsewhere, moves it while nobody works
/// it yet. A strictly confidential address is never lifted by an answer (that is a manual
/// decision); once set, the stored address is cleared and every request of the person, open
/// or closed, with its records and documents, moves to the protected unit.
pub(crate) async fn apply_registered_address(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    request_id: Uuid,
    address: RegisteredAddress,
) -> ServiceResult<()> {
    let Some(req) = request::Entity::find_by_id(request_id).one(&tx.db).await? else {
        return Ok(());
    };
    let Some(p) = person::Entity::find_by_id(req.person_id)
        .one(&tx.db)
        .await?
    else {
        return Ok(());
    };
    let protected = p.strictly_confidential || address.strictly_confidential;
    let geography = if protected {
        None
    } else {
        address.geography.clone().or(p.geography.clone())
    };
    if p.geography != geography || p.strictly_confidential != protected {
        let mut row: person::ActiveModel = p.clone().into();
        row.geography = Set(geography);
        row.strictly_confidential = Set(protected);
        row.update(&tx.db).await?;
    }
    if protected {
        return move_to_protected_unit(tx, registry, p.id).await;
    }
    let movable = req.status == Status::Received
        && req.assignee_id.is_none()
        && !sent_by_a_person(&tx.db, &req).await?;
    if !movable {
        return Ok(());
    }
    let geography = address
        .geography
        .as_deref()
        .and_then(|g| Geography::parse(g).ok());
    reroute(tx, registry, req, geography, false).await
}

/// Whether staff forwarded the request here by hand (a forward inside the controller, or the
/// onward request of a forward from another controller): the address never re-routes it, so an
/// automatic move cannot undo a person's decision.
async fn sent_by_a_person(db: &impl ConnectionTrait, req: &request::Model) -> ServiceResult<bool> {
    if serde_json::from_str::<serde_json::Value>(&req.routing)
        .is_ok_and(|r| r["reason"] == "forwarded")
    {
        return Ok(true);
    }
    Ok(entity::request_event::Entity::find()
        .filter(entity::request_event::Column::RequestId.eq(req.id))
        .filter(entity::request_event::Column::Action.eq("forwarded"))
        .one(db)
        .await?
        .is_some())
}

/// Moves every request of a person with a strictly confidential address, open or closed, with
/// its records and documents, to the protected unit.
pub(crate) async fn move_to_protected_unit(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    person_id: Uuid,
) -> ServiceResult<()> {
    let all = request::Entity::find()
        .filter(request::Column::PersonId.eq(person_id))
        .order_by_asc(request::Column::Id)
        .all(&tx.db)
        .await?;
    for r in all {
        reroute(tx, registry, r, None, true).await?;
    }
    Ok(())
}

/// Moves a request to where it routes now (the protected unit when `protected`), unassigned,
/// with a timeline event and an audit record; nothing when it is already there.
async fn reroute(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    req: request::Model,
    geography: Option<Geography>,
    protected: bool,
) -> ServiceResult<()> {
    let request_id = req.id;
    let routed = if protected {
        registry.protected_destination(req.controller_id)
    } else {
        registry.route(
            req.kind,
            req.service_area.as_deref(),
            geography.as_ref(),
            false,
        )
    }
    .map_err(|e| ServiceError::Storage(e.into()))?;
    if routed.destination.unit_id == req.unit_id {
        return Ok(());
    }
    let details = serde_json::json!({
        "from_unit_id": req.unit_id,
        "to_unit_id": routed.destination.unit_id,
        "to_controller_id": routed.destination.controller_id,
        "routing": routed.reason,
        "cause": "folkeregisteret",
    });
    let mut row: request::ActiveModel = req.clone().into();
    row.unit_id = Set(routed.destination.unit_id);
    row.controller_id = Set(routed.destination.controller_id);
    row.assignee_id = Set(None);
    row.routing = Set(serde_json::to_string(&routed.reason).unwrap_or_default());
    row.updated_at = Set(tx.now);
    row.version = Set(req.version + 1);
    row.update(&tx.db).await?;
    record_event(
        tx,
        request_id,
        entity::values::ActorKind::System,
        "dsar",
        "rerouted",
        None,
        None,
        details.clone(),
    )
    .await?;
    // The details name units and the rule, never the address itself.
    tx.audit(AuditRecord {
        actor: "system".into(),
        action: "request.rerouted".into(),
        request_id: Some(request_id),
        details,
    })
    .await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use entity::values::IdentifierKind as K;

    use super::*;

    fn source(id: &str, finds_by_duf: bool) -> SourceSystem {
        let mut s = crate::sources::simulator::demo_sources("http://sim")
            .into_iter()
            .find(|s| s.id == "nav")
            .unwrap();
        s.id = id.into();
        s.finds_by_duf = finds_by_duf;
        s
    }

    #[test]
    fn a_source_is_asked_only_by_an_identifier_it_finds_persons_by() {
        let udi = source("udi", true);
        let nav = source("nav", false);
        // (the person's identifier kinds, reach, asks UDI, asks NAV)
        let rows: &[(&[K], Reach, bool, bool)] = &[
            (&[K::Fodselsnummer], Reach::Pid, true, true),
            (&[K::Duf, K::DNummer], Reach::Pid, true, true),
            (&[K::NameBirthDate, K::Duf], Reach::Duf, true, false),
            (&[K::Duf], Reach::Duf, true, false),
            (&[K::NameBirthDate], Reach::Nothing, false, false),
            (&[], Reach::Nothing, false, false),
        ];
        for (kinds, reach, udi_asked, nav_asked) in rows {
            let got = Reach::of(kinds.iter().copied());
            assert_eq!(got, *reach, "{kinds:?}");
            assert_eq!(got.asks(&udi).is_ok(), *udi_asked, "{kinds:?}");
            assert_eq!(got.asks(&nav).is_ok(), *nav_asked, "{kinds:?}");
        }
        assert_eq!(Reach::Duf.asks(&nav), Err(NEEDS_PID));
        assert_eq!(Reach::Nothing.asks(&udi), Err(NEEDS_NUMBER));
    }

    #[test]
    fn planned_tasks_are_manual_with_the_reason_where_the_person_cannot_be_found() {
        let sources = vec![source("udi", true), source("nav", false)];
        let now = Utc::now();
        let status = |reach| {
            plan_tasks(
                &sources,
                Uuid::now_v7(),
                Some("settlement"),
                Operation::Access,
                None,
                &[],
                reach,
                now,
            )
            .into_iter()
            .map(|t| (t.status.unwrap(), t.error.unwrap()))
            .collect::<Vec<_>>()
        };
        let pending = (TaskStatus::Pending, None);
        let manual = |why: &str| (TaskStatus::Manual, Some(why.to_string()));
        assert_eq!(status(Reach::Pid), vec![pending.clone(), pending.clone()]);
        assert_eq!(status(Reach::Duf), vec![pending, manual(NEEDS_PID)]);
        assert_eq!(
            status(Reach::Nothing),
            vec![manual(NEEDS_NUMBER), manual(NEEDS_NUMBER)]
        );
    }

    #[test]
    fn a_number_is_preferred_to_a_duf_number_and_that_to_a_name() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let policy = crate::identity::PidPolicy {
            allow_synthetic: true,
        };
        let fnr = SubjectId::Pid(Pid::parse("01019012561", policy).unwrap());
        let dnr = SubjectId::Pid(Pid::parse("41019012555", policy).unwrap());
        let duf = SubjectId::Duf(crate::identity::DufNumber::parse("201258697561", 2026).unwrap());
        let name = SubjectId::NameBirth(
            crate::identity::NameAndBirthDate::parse(
                "Ola Nordmann",
                chrono::NaiveDate::from_ymd_opt(1990, 1, 31).unwrap(),
                today,
            )
            .unwrap(),
        );
        // (newest first, chosen)
        let rows = [
            (vec![duf.clone(), fnr.clone()], Some(&fnr)),
            (vec![dnr.clone(), duf.clone(), fnr.clone()], Some(&fnr)),
            (vec![duf.clone(), dnr.clone()], Some(&dnr)),
            (vec![name.clone(), duf.clone()], Some(&duf)),
            (vec![name.clone()], Some(&name)),
            (vec![], None),
        ];
        for (ids, want) in rows {
            assert_eq!(preferred_subject(ids).as_ref(), want);
        }
        assert_eq!(
            call_subject(&source("udi", true), &duf),
            Ok(Subject::duf(duf.duf().unwrap()))
        );
        assert_eq!(call_subject(&source("nav", false), &duf), Err(NEEDS_PID));
        assert_eq!(call_subject(&source("udi", true), &name), Err(NEEDS_NUMBER));
        assert_eq!(
            call_subject(&source("nav", false), &fnr),
            Ok(Subject::pid(fnr.pid().unwrap()))
        );
    }
}
