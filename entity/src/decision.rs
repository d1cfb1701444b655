//! A decision on a request: outcome, legal bases and free text, drafted by one person and
//! approved or returned by another (four eyes, per controller).
use sea_orm::entity::prelude::*;

use crate::values::{DecisionStatus, Outcome};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub outcome: Outcome,
    /// JSON array of legal-basis ids from the catalogue.
    pub legal_bases: String,
    pub text: String,
    pub status: DecisionStatus,
    pub drafted_by: Uuid,
    pub drafted_at: DateTimeUtc,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
