//! A generated document (letter HTML/PDF, data package, art. 19 notice), stored immutably; the
//! SHA-256 is also in the audit trail.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub decision_id: Option<Uuid>,
    pub kind: crate::values::DocumentKind,
    pub name: String,
    pub media_type: String,
    pub language: crate::values::Language,
    pub sha256: String,
    pub size: i64,
    /// Where the document store keeps it.
    pub storage_key: String,
    /// Whether the person the request is about may download it.
    pub citizen_visible: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
