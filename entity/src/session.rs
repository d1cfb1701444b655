//! A browser session or a pending login, keyed by the SHA-256 of the cookie value. `data` is
//! sealed (encrypted) because it holds the person's identity number and the ID token.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `login` (pending, between /login and the callback), `citizen` or `staff`.
    pub kind: String,
    /// The configured provider: `citizen` or `staff`.
    pub provider: String,
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
