//! One national identity number of a person: encrypted, with a keyed hash for lookup.
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
    /// `fodselsnummer` or `d_nummer`.
    pub kind: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
