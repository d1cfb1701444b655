//! A file the person (or their representative) sent with their request: its bytes are in the
//! document store under `id`, checked against `sha256` when read.
use sea_orm::entity::prelude::*;

use crate::values::ScanStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    /// Also the document store's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    /// Who uploaded: `citizen:<pseudonym>` (the person or the representative acting for them).
    pub uploaded_by: String,
    /// Whether the uploader was a representative rather than the person.
    pub by_representative: bool,
    /// The sanitised file name shown to people (never used as a path).
    pub display_name: String,
    /// Decided from the content: application/pdf, image/jpeg or image/png.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub scan_status: ScanStatus,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
