//! One operation (access, rectify…) of one request at one source: its status and attempts. The
//! row is also the background job: a worker claims it with a lease (`lease_owner`, `lease_until`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_task")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub source_id: String,
    pub operation: String,
    /// pending, running, done, failed, manual.
    pub status: crate::values::TaskStatus,
    /// Every attempt ever made.
    pub attempts: i32,
    /// Attempts since the last start or retry (bounded by the source's `max_attempts`).
    pub round_attempts: i32,
    pub error: Option<String>,
    pub record_count: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    /// Operation fields sent to the source (encrypted JSON), e.g. what to correct.
    pub params: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub last_duration_ms: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
