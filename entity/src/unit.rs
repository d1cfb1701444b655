//! A unit inside a controller whose caseworkers share a queue (a NAV office, a district's
//! settlement unit, an agency's privacy team).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub controller_id: Uuid,
    pub name: String,
    /// External unit number, e.g. a NAV office's 4-digit enhetsnummer.
    pub code: Option<String>,
    /// Receives what no rule matches ("ufordelt").
    pub is_fallback: bool,
    /// Receives requests of persons with a strictly confidential address.
    pub is_protected: bool,
    /// Start collecting from the source systems as soon as an innsyn request is routed here.
    pub auto_collect: bool,
    /// The unit's shared mailbox: deadline reminders go here.
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
