//! A printed letter to the person: one row per letter that goes by post, created in the same
//! transaction as the letter's document, with the postal address it goes to (encrypted) and
//! where its posting stands.
use sea_orm::entity::prelude::*;

/// Where a printed letter stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum PrintStatus {
    /// Waiting to be printed and posted.
    #[sea_orm(string_value = "queued")]
    Queued,
    /// Printed, not yet handed to the post.
    #[sea_orm(string_value = "printed")]
    Printed,
    /// Handed to the post on `posted_on`.
    #[sea_orm(string_value = "posted")]
    Posted,
    /// Not sent by post (the letter reached the person another way); the reason is on the case.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl PrintStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Printed => "printed",
            Self::Posted => "posted",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "print_job")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    /// The printable PDF (with the address block where the address is known).
    pub document_id: Uuid,
    pub letter_kind: crate::values::LetterKind,
    pub status: PrintStatus,
    /// The postal address lines (encrypted JSON), from Folkeregisteret or entered by the
    /// protected unit when posting; none while an address is needed.
    pub address: Option<String>,
    /// The deadline the letter serves: it is posted by then to be in time.
    pub serves_due_on: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub printed_at: Option<DateTimeUtc>,
    pub printed_by: Option<Uuid>,
    /// The day it was handed to the post.
    pub posted_on: Option<Date>,
    pub posted_by: Option<Uuid>,
    pub cancel_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
