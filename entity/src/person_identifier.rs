//! One identifier of a person (a national identity number, a DUF number, or a name with a date
//! of birth): encrypted, with a keyed hash for lookup.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_identifier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    /// HMAC-SHA256 of the number under the lookup key, hex.
    #[sea_orm(unique)]
    pub pid_hash: String,
    /// Nonce || ChaCha20-Poly1305 ciphertext, base64.
    pub pid_ciphertext: String,
    /// What the identifier holds (stored text unchanged: `fodselsnummer`, `d_nummer`, ...).
    pub kind: crate::values::IdentifierKind,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
