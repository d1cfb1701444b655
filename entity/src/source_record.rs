//! What a source answered about one record: the record itself (access) or what was done to it
//! (rectify, erase, restrict, object). The content is encrypted; the flags stay readable so the
//! letters can leave out third parties' data and mark special categories without decrypting.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    pub request_id: Uuid,
    pub source_id: String,
    pub operation: String,
    /// The source's own id of the record.
    pub record_key: String,
    pub category: String,
    pub special_category: bool,
    pub third_party: bool,
    /// For operations: corrected, erased, restricted, stopped, kept, not_found.
    pub outcome: Option<String>,
    /// Encrypted JSON of the whole record or result.
    pub payload: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
