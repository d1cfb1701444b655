//! The append-only, hash-chained audit trail. `hash` = SHA-256 over the previous hash and this
//! event's canonical fields.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    /// `staff:<username>`, `citizen:<pseudonym>` or `system`.
    pub actor: String,
    pub action: String,
    pub request_id: Option<Uuid>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
