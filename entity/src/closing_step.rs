//! A staff member's step that closes a case without an answer (withdrawal, forward out of the
//! controller) where the controller requires four eyes: proposed by one person, approved (and
//! then carried out) or returned by a privacy officer who is not that person.
use sea_orm::entity::prelude::*;

use crate::values::{ClosingAction, ClosingStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closing_step")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub action: ClosingAction,
    /// JSON of what the step carries: the note, the withdrawal record, the unit forwarded to.
    pub input: String,
    pub status: ClosingStatus,
    pub proposed_by: Uuid,
    pub proposed_at: DateTimeUtc,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
