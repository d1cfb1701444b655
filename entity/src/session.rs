//! A browser session or a pending login, keyed by the SHA-256 of the cookie value. `data` is
//! sealed (encrypted) because it holds the person's identity number and the ID token.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: crate::values::SessionKind,
    /// The configured provider.
    pub provider: crate::values::ProviderKind,
    /// The provider's `iss` and session id, for front-channel logout.
    pub issuer: Option<String>,
    pub sid: Option<String>,
    pub data: String,
    pub created_at: DateTimeUtc,
    pub idle_expires_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
