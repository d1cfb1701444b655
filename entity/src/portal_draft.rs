//! An unfinished request in the citizen portal's wizard. `owner_hash` is the keyed lookup hash
//! of the person's identity number; `data` the wizard's answers as JSON, sealed with the vault
//! key and bound to the owner. Deleted three months after `updated_at` (retention).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_draft")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_hash: String,
    pub data: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
