//! (service area, geography, kind) -> (controller, unit). Empty fields are wildcards.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "routing_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub service_area: Option<String>,
    /// Municipality number (4 digits) or Oslo district number (6 digits).
    pub geography: Option<String>,
    pub kind: Option<String>,
    pub controller_id: Uuid,
    pub unit_id: Uuid,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
