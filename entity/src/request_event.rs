//! One entry in a request's timeline.
use sea_orm::entity::prelude::*;

use crate::values::{ActorKind, Status};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub at: DateTimeUtc,
    pub actor_kind: ActorKind,
    /// Staff username; empty for the citizen and the system.
    pub actor: String,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// Action details as JSON (reason, new due date, target unit...).
    pub details: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
