//! Deciding after collection: a decision is drafted only when every source system asked what it
//! holds about the person has answered (over the protocol, or a manual source entered by hand),
//! or the caseworker has waived collection with a reason, recorded on the timeline and in the
//! audit trail. Otherwise the letter would tell the person what "we found" in systems nobody
//! searched; after a waiver the letter says that not every system was searched.
use entity::{request_event, source_task};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::{intake::record_action, queries::load_visible},
    sources::{collection::TaskStatus, protocol::Operation},
};

/// The timeline action of a waiver.
pub const WAIVED: &str = "collection_waived";

/// Whether collection allows deciding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Readiness {
    /// Every source asked has answered.
    Finished,
    /// The caseworker waived collection before it finished, with this reason.
    Waived { reason: String },
    /// No source has been asked yet.
    NotStarted,
    /// This many sources have not answered yet (waiting, failed, or a manual entry to make).
    Unfinished { waiting: usize },
    /// The writer has not shown that they may act for the person: nothing is collected, and the
    /// only decision refuses the representation.
    NotCollected,
}

impl Readiness {
    pub fn allows_deciding(&self) -> bool {
        matches!(
            self,
            Readiness::Finished | Readiness::Waived { .. } | Readiness::NotCollected
        )
    }

    /// The refusal a draft gets while collection has not finished (409).
    pub fn refusal(&self) -> ServiceError {
        let why = match self {
            Readiness::NotStarted => {
                "collection from the source systems has not been started".to_string()
            }
            Readiness::Unfinished { waiting } => format!(
                "collection from the source systems has not finished: {waiting} source(s) have not answered (see GET /api/v1/requests/{{id}}/sources)"
            ),
            _ => "collection has finished".to_string(),
        };
        ServiceError::Conflict(format!(
            "{why}. Decide when every source has answered, or waive collection with a reason (POST /api/v1/requests/{{id}}/collection/waive)"
        ))
    }
}

/// Where collection stands for deciding on the request. Every source answered wins over a
/// waiver (the letter then speaks of the systems searched, which is true).
pub async fn readiness(db: &impl ConnectionTrait, request_id: Uuid) -> ServiceResult<Readiness> {
    if crate::representation::claim::is_open(db, request_id).await? {
        return Ok(Readiness::NotCollected);
    }
    let tasks = source_task::Entity::find()
        .filter(source_task::Column::RequestId.eq(request_id))
        .filter(source_task::Column::Operation.eq(Operation::Access.as_str()))
        .all(db)
        .await?;
    let waiting = tasks
        .iter()
        .filter(|t| t.status != TaskStatus::Done)
        .count();
    if !tasks.is_empty() && waiting == 0 {
        return Ok(Readiness::Finished);
    }
    let waived = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request_id))
        .filter(request_event::Column::Action.eq(WAIVED))
        .order_by_desc(request_event::Column::At)
        .one(db)
        .await?;
    if let Some(e) = waived {
        let reason = serde_json::from_str::<serde_json::Value>(&e.details)
            .ok()
            .and_then(|d| d.get("reason").and_then(|r| r.as_str()).map(str::to_string))
            .unwrap_or_default();
        return Ok(Readiness::Waived { reason });
    }
    Ok(if tasks.is_empty() {
        Readiness::NotStarted
    } else {
        Readiness::Unfinished { waiting }
    })
}

/// `POST /requests/{id}/collection/waive`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiveInput {
    /// Why the decision may be made without (all of) the collection, e.g. the request is
    /// refused as manifestly unfounded, or a source cannot answer. On the timeline and in the
    /// audit trail.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// The caseworker (or the approver) lets the decision be made before collection has finished.
pub async fn waive(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: WaiveInput,
) -> ServiceResult<Readiness> {
    crate::access::require_staff(principal, crate::access::Act::WorkCase)?;
    let reason = input.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(ServiceError::invalid(
            "reason",
            "say why the decision may be made without collection (1–2000 characters)",
        ));
    }
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                if req.status.is_terminal() {
                    return Err(ServiceError::Conflict(format!(
                        "the request is {} and can no longer be changed",
                        req.status
                    )));
                }
                let details = serde_json::json!({ "reason": reason });
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    WAIVED,
                    None,
                    None,
                    details,
                )
                .await?;
                Ok(Readiness::Waived { reason })
            })
        })
        .await
}

/// The demo's seeded cases are decided without running the simulated sources (they are not
/// served while the demo is seeded): the waiver says so on the timeline, by the system.
pub async fn waive_for_seed(app: &Core, request_id: Uuid, reason: &str) -> ServiceResult<()> {
    let reason = reason.to_string();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let details = serde_json::json!({ "reason": reason });
                record_action(tx, request_id, None, WAIVED, None, None, details).await
            })
        })
        .await
}
