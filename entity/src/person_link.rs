//! A merge of two existing persons (two identity numbers found to be one person), asked for by
//! a staff member and waiting for, or decided by, a privacy officer.
use sea_orm::entity::prelude::*;

use crate::values::{IdentifierKind, LinkStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Keyed hash, ciphertext and kind of each number, as in `person_identifier`.
    pub first_hash: String,
    pub first_ciphertext: String,
    pub first_kind: IdentifierKind,
    pub second_hash: String,
    pub second_ciphertext: String,
    pub second_kind: IdentifierKind,
    /// The staff member who asked.
    pub requested_by: Uuid,
    pub requested_at: DateTimeUtc,
    pub status: LinkStatus,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
