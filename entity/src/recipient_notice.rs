//! An art. 19 notice to one recipient of changed data: what it says (encrypted), how it goes
//! (the recipient's source protocol or a printed letter) and where its delivery stands.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recipient_notice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub decision_id: Uuid,
    /// The organisation as the source named it among the record's recipients.
    pub recipient: String,
    /// The recipient's source system when the notice goes through the protocol.
    pub source_id: Option<String>,
    pub channel: crate::values::NoticeChannel,
    pub status: crate::values::NoticeStatus,
    /// Encrypted JSON of the operations the recipient is told about.
    pub payload: String,
    /// The printable letter (PDF) with the same content.
    pub document_id: Option<Uuid>,
    pub attempts: i32,
    pub error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
    /// The staff member who confirmed a printed letter was sent.
    pub delivered_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
