//! An e-mail to send, written in the same transaction as the event it tells about; a worker
//! sends it with retries. `dedupe_key` makes the same notice impossible to queue twice.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: crate::values::OutboxKind,
    pub request_id: Option<Uuid>,
    /// The address, encrypted.
    pub recipient: String,
    pub language: crate::values::Language,
    /// Which message (answer_ready, receipt, reminder, escalation…).
    pub template: String,
    /// JSON parameters for the template: the reference and links only, never personal data.
    pub params: String,
    pub status: crate::values::OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
