//! Collection for one request: which sources to ask, per-source status, retry, manual tasks,
//! storing answers exactly once, and reading the collected records (audited). The collection
//! worker (`jobs/collection.rs`) runs the calls; everything here is the domain and runs in writer transactions.
//!
//! This file holds the shapes the case page and the API see; the planning, the task steps, the
//! records, the person's identifiers for a call and the registered address are in the files beside it.
mod address;
mod plan;
mod records;
mod subject;
mod tasks;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use super::task::TaskStatus;
pub use address::{RegisteredAddress, registered_address};
pub(crate) use address::{apply_registered_address, move_to_protected_unit};
pub use plan::{PLAN_BATCH, Reach, plan_queued, plan_tasks, reach_of};
pub use records::{FOLKEREGISTERET, NAME_RECORD, decrypt_records, folkeregisteret_names, records};
pub use subject::{
    NEEDS_NUMBER, NEEDS_PID, call_subject, person_pid, person_subject, preferred_pid,
    preferred_subject,
};
pub use tasks::{complete_manual, list, retry, start};
pub(crate) use tasks::{finish_by_hand, store_answer};

use super::{
    SourceSystem,
    protocol::{Correction, Operation, Record, RecordResult},
};
use crate::{
    auth::Principal,
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
};
use chrono::{DateTime, Utc};
use entity::source_task;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
