//! A data subject. Identified only through `person_identifier` rows (a person may have had a
//! d-nummer and later a fødselsnummer).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Registered address as municipality (4) or Oslo district (6 digits), when known.
    pub geography: Option<String>,
    /// Folkeregisteret "strengt fortrolig": never routed by address.
    pub strictly_confidential: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
