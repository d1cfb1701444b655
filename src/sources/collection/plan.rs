//! Which sources a request asks: what each source can find the person by, the tasks planned for
//! a request, and the planning of queued requests in batches.
use super::TaskStatus;
use super::subject::NEEDS_NUMBER;
use super::subject::NEEDS_PID;
use crate::sources::{SourceSystem, protocol::Operation};
use crate::{
    core::Core,
    error::ServiceResult,
    writer::{find_where_in, insert_rows},
};
use chrono::{DateTime, Utc};
use entity::{collection_queue, person_identifier, request, source_task};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{LockBehavior, LockType},
};
use uuid::Uuid;

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

pub(super) async fn tasks_of(
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
