//! A rights request (innsyn, retting, sletting, begrensning, protest) and its current state.
use sea_orm::entity::prelude::*;

use crate::values::{Channel, Language, Outcome, RightKind, Status};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub kind: RightKind,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub outcome_note: Option<String>,
    pub description: String,
    pub service_area: Option<String>,
    pub language: Language,
    pub channel: Channel,
    pub person_id: Uuid,
    pub controller_id: Uuid,
    pub unit_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub received_on: Date,
    /// The first deadline (receipt + one month); extensions are allowed only until it passes.
    pub first_due_on: Date,
    pub due_on: Date,
    pub extension_reason: Option<String>,
    /// Why the request went where it went (rule id, protected address, fallback), JSON.
    pub routing: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// Optimistic concurrency: bumped on each change.
    pub version: i32,
    /// Where to tell the person that something happened (encrypted), when they gave it.
    pub contact_email: Option<String>,
    /// Past the deadline: the date the caseworker expects to answer by, shown to the person.
    pub expected_answer_on: Option<Date>,
    /// The person asked to get the answers on paper (by post).
    pub wants_paper: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
