//! Lifting a restriction (GDPR art. 18(3)): the person is told before it is lifted. A granted
//! begrensning is lifted in two steps that cannot be swapped: first the notice (the letter with
//! the date and the reasons, stored on Min side, and an e-mail that only says a letter is there),
//! then, from that date, the lift itself, which asks each source that restricted records to lift
//! them (`lift` in the source protocol). A source that cannot lift over the protocol (no `lift`
//! operation, or no API at all) gets a manual task instead: a caseworker lifts the restriction in
//! that system by hand and records it. There is no other way to lift: the collection endpoint
//! only carries out a request's own operation.
use chrono::NaiveDate;
use entity::{request, request_event, source_record, source_task};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{DocumentView, delivery, document_view, generate, insert_documents, store_documents};
use crate::{
    auth::Principal,
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{Outcome, RightKind, Status},
    notifications::{self, Template},
    requests::{intake::record_action, queries::load_visible},
    sources::{
        SourceSystem,
        collection::{SourceTaskView, TaskStatus, finish_by_hand},
        protocol::{Answer, RecordResult},
    },
    sources::{
        collection::{OperationParams, Reach, plan_tasks, reach_of},
        protocol::{Operation, RecordOutcome},
    },
};

const NOTIFIED: &str = "restriction_lift_notified";
const LIFTED: &str = "restriction_lifted";

/// `POST /requests/{id}/restriction/lift-notice`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftNoticeInput {
    /// Why the restriction ends, told to the person.
    #[schema(min_length = 1, max_length = 4000)]
    pub reason: String,
    /// From when it may be lifted; today at the earliest. Default: two weeks from today, so the
    /// person has time to react (the regulation sets no minimum; this protects the person).
    pub lift_on: Option<NaiveDate>,
}

/// Where a restriction's lifting stands.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiftView {
    /// The date the person was told it may be lifted from.
    pub lift_on: NaiveDate,
    pub lifted: bool,
    /// The notice to the person (letter on Min side).
    pub documents: Vec<DocumentView>,
    /// The sources asked to lift.
    pub sources: Vec<String>,
}

/// Default time between the notice and the lift.
const DEFAULT_NOTICE_DAYS: u64 = 14;

/// The restricted records per source (what the lift undoes).
async fn restricted(
    db: &impl sea_orm::ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<Vec<(String, Vec<String>)>> {
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(request_id))
        .filter(source_record::Column::Operation.eq(Operation::Restrict.as_str()))
        .filter(source_record::Column::Outcome.eq(RecordOutcome::Restricted.as_str()))
        .all(db)
        .await?;
    let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rows {
        by.entry(r.source_id).or_default().push(r.record_key);
    }
    Ok(by.into_iter().collect())
}

async fn event(
    db: &impl sea_orm::ConnectionTrait,
    request_id: Uuid,
    action: &str,
) -> ServiceResult<Option<request_event::Model>> {
    Ok(request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request_id))
        .filter(request_event::Column::Action.eq(action))
        .one(db)
        .await?)
}

/// Whether the person has been told that a granted restriction ends: the last letter made on
/// such a request.
pub(crate) async fn lift_notice_sent(
    db: &impl sea_orm::ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<bool> {
    Ok(event(db, request_id, NOTIFIED).await?.is_some())
}

/// A granted restriction that is in force: a completed begrensning, granted at least in part,
/// with restricted records.
async fn check_restricted(
    db: &impl sea_orm::ConnectionTrait,
    req: &request::Model,
) -> ServiceResult<Vec<(String, Vec<String>)>> {
    let granted = req.kind == RightKind::Begrensning
        && req.status == Status::Completed
        && req.outcome.is_some_and(|o| o != Outcome::Refused);
    let sources = restricted(db, req.id).await?;
    if !granted || sources.is_empty() {
        return Err(ServiceError::Conflict(
            "only a granted begrensning with restricted records can be lifted".into(),
        ));
    }
    if event(db, req.id, LIFTED).await?.is_some() {
        return Err(ServiceError::Conflict(
            "the restriction is already lifted".into(),
        ));
    }
    Ok(sources)
}

fn lift_on_of(details: &str) -> Option<NaiveDate> {
    serde_json::from_str::<serde_json::Value>(details)
        .ok()?
        .get("lift_on")?
        .as_str()?
        .parse()
        .ok()
}

/// Step 1: tells the person (letter on Min side, e-mail notice without content).
pub async fn notify(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: LiftNoticeInput,
) -> ServiceResult<LiftView> {
    super::staff_of(principal)?;
    let reason = input.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 4000 {
        return Err(ServiceError::invalid(
            "reason",
            "say why the restriction ends (1–4000 characters); it is told to the person",
        ));
    }
    let today = clock::today_oslo();
    let lift_on = input.lift_on.unwrap_or_else(|| {
        today
            .checked_add_days(chrono::Days::new(DEFAULT_NOTICE_DAYS))
            .unwrap_or(today)
    });
    if lift_on < today {
        return Err(ServiceError::invalid(
            "lift_on",
            "the person is told before the lift: the date is today or later",
        ));
    }
    let req = load_visible(&app.db, principal, id).await?;
    let sources = check_restricted(&app.db, &req).await?;
    if event(&app.db, id, NOTIFIED).await?.is_some() {
        return Err(ServiceError::Conflict(
            "the person has already been told; lift it from the date in that letter".into(),
        ));
    }
    let letter = generate::restriction_lift_documents(app, &req, lift_on, &reason).await?;
    let stored = store_documents(app, letter).await?;
    let route = delivery::route(app, &req).await?;
    let (vault, base_url) = (app.vault.clone(), app.settings.base_url());
    let principal = principal.clone();
    let version = req.version;
    let docs = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, id).await?;
                if req.version != version || event(&tx.db, id, NOTIFIED).await?.is_some() {
                    return Err(ServiceError::Conflict(
                        "the request changed meanwhile; look at it again".into(),
                    ));
                }
                let docs = insert_documents(tx, id, None, &req.language, stored).await?;
                // By post where the delivery rule says so, posted before the day of the lift.
                let printed = delivery::queue(
                    tx,
                    &vault,
                    &req,
                    &docs,
                    delivery::LetterKind::RestrictionLift,
                    lift_on.pred_opt().unwrap_or(lift_on),
                    &route,
                )
                .await?;
                // The e-mail says only that a letter is on Min side.
                if let Some(email) = notifications::for_requester(
                    Template::NewLetter,
                    &route.request(&req),
                    &base_url,
                    NOTIFIED,
                ) {
                    notifications::enqueue(tx, &vault, email).await?;
                }
                let documents: Vec<_> = docs
                    .iter()
                    .map(|d| serde_json::json!({ "document_id": d.id, "name": d.name, "sha256": d.sha256 }))
                    .collect();
                let details = serde_json::json!({ "reason": reason, "lift_on": lift_on, "documents": documents, "print_job_id": printed.map(|p| p.id) });
                record_action(tx, id, Some(&principal), NOTIFIED, None, None, details).await?;
                Ok(docs)
            })
        })
        .await?;
    app.notifier.wake();
    Ok(LiftView {
        lift_on,
        lifted: false,
        documents: docs.iter().map(document_view).collect(),
        sources: sources.into_iter().map(|(s, _)| s).collect(),
    })
}

/// The source as the lift plans it: as registered where it lifts over the protocol, otherwise
/// as a manual source, so the lift becomes a caseworker's task and never silently nothing.
fn by_hand_unless_it_lifts(source: &SourceSystem) -> SourceSystem {
    if source.serves(None, Operation::Lift) {
        return source.clone();
    }
    SourceSystem {
        capabilities: vec![Operation::Lift],
        endpoint: None,
        active: true,
        ..source.clone()
    }
}

/// A manual lift task done: the caseworker lifted the restriction in the source by hand. The
/// source's restricted records are recorded as lifted.
pub async fn lifted_by_hand(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    source_id: String,
) -> ServiceResult<SourceTaskView> {
    super::staff_of(principal)?;
    let all_sources = app.registry.get(&app.db).await?.sources.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let task = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                load_visible(&tx.db, &principal, id).await?;
                let task = source_task::Entity::find()
                    .filter(source_task::Column::RequestId.eq(id))
                    .filter(source_task::Column::SourceId.eq(source_id.clone()))
                    .filter(source_task::Column::Operation.eq(Operation::Lift.as_str()))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("lift task"))?;
                if task.status != TaskStatus::Manual {
                    return Err(ServiceError::Conflict(
                        "only a manual lift task is recorded as done by hand".into(),
                    ));
                }
                let records = source_record::Entity::find()
                    .filter(source_record::Column::RequestId.eq(id))
                    .filter(source_record::Column::SourceId.eq(source_id.clone()))
                    .filter(source_record::Column::Operation.eq(Operation::Restrict.as_str()))
                    .filter(source_record::Column::Outcome.eq(RecordOutcome::Restricted.as_str()))
                    .all(&tx.db)
                    .await?;
                let results = records
                    .iter()
                    .map(|r| RecordResult {
                        record_id: r.record_key.clone(),
                        category: r.category.clone(),
                        label: r.record_key.clone(),
                        outcome: RecordOutcome::Lifted,
                        reason: None,
                        legal_basis: None,
                        until: None,
                        third_party: r.third_party,
                        new_value: None,
                    })
                    .collect();
                let (task, count) =
                    finish_by_hand(tx, &vault, task, &Answer::Results(results)).await?;
                let details = serde_json::json!({ "source": source_id, "record_count": count });
                record_action(
                    tx,
                    id,
                    Some(&principal),
                    "restriction_lift_manual_done",
                    None,
                    None,
                    details,
                )
                .await?;
                Ok(task)
            })
        })
        .await?;
    Ok(crate::sources::collection::view(&task, &all_sources))
}

/// Step 2: lifts at the sources, only after the person was told and from the date they were
/// given.
pub async fn lift(app: &Core, principal: &Principal, id: Uuid) -> ServiceResult<LiftView> {
    super::staff_of(principal)?;
    let all_sources = app.registry.get(&app.db).await?.sources.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let view = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, id).await?;
                let sources = check_restricted(&tx.db, &req).await?;
                let notice = event(&tx.db, id, NOTIFIED).await?.ok_or_else(|| {
                    ServiceError::Conflict(
                        "the person is told before a restriction is lifted (GDPR art. 18(3)): send the notice first".into(),
                    )
                })?;
                let lift_on = lift_on_of(&notice.details)
                    .ok_or_else(|| ServiceError::Storage("the notice has no date".into()))?;
                if clock::today_oslo() < lift_on {
                    return Err(ServiceError::Conflict(format!(
                        "the person was told it is lifted from {lift_on}; not before"
                    )));
                }
                let existing = source_task::Entity::find()
                    .filter(source_task::Column::RequestId.eq(id))
                    .all(&tx.db)
                    .await?;
                let reach = reach_of(&tx.db, &[req.person_id])
                    .await?
                    .get(&req.person_id)
                    .copied()
                    .unwrap_or(Reach::Pid);
                let mut asked = Vec::new();
                for (source_id, record_ids) in &sources {
                    let Some(source) = all_sources.iter().find(|s| &s.id == source_id) else {
                        continue;
                    };
                    let source = by_hand_unless_it_lifts(source);
                    let params = vault.seal(
                        &serde_json::to_string(&OperationParams {
                            description: None,
                            record_ids: record_ids.clone(),
                            corrections: vec![],
                        })
                        .unwrap_or_default(),
                    );
                    for task in plan_tasks(
                        std::slice::from_ref(&source),
                        id,
                        None,
                        Operation::Lift,
                        Some(params),
                        &existing,
                        reach,
                        tx.now,
                    ) {
                        task.insert(&tx.db).await?;
                        asked.push(source_id.clone());
                    }
                }
                let details = serde_json::json!({ "lift_on": lift_on, "sources": asked, "notice_event": notice.id });
                record_action(tx, id, Some(&principal), LIFTED, None, None, details).await?;
                Ok(LiftView {
                    lift_on,
                    lifted: true,
                    documents: vec![],
                    sources: asked,
                })
            })
        })
        .await?;
    app.collector.wake();
    Ok(view)
}
