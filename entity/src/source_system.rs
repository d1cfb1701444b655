//! A connected source system (Folkeregisteret, UDI, NAV…): what it can do and how to reach it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_system")]
pub struct Model {
    /// Stable slug, also the `aud` of the service tokens sent to it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    /// The organisation that runs it.
    pub owner: String,
    /// JSON array of operations: access, rectify, erase, restrict, object.
    pub capabilities: String,
    /// Base URL of the connector; `None` makes it a manual source (a caseworker task).
    pub endpoint: Option<String>,
    /// `dsar` (our signed token) or `maskinporten`.
    pub auth_mode: String,
    /// The Maskinporten scope to ask for when `auth_mode` is `maskinporten`.
    pub maskinporten_scope: Option<String>,
    /// The Maskinporten `resource` (the access token's audience) to ask for, if the source
    /// demands an audience-restricted token.
    pub maskinporten_resource: Option<String>,
    pub timeout_ms: i32,
    pub max_attempts: i32,
    pub backoff_ms: i32,
    /// JSON array of service area codes; empty means every area.
    pub service_areas: String,
    pub active: bool,
    /// The population register (Folkeregisteret): the only source whose answer may set a
    /// person's protection or address.
    pub is_population_register: bool,
    /// Finds a person by DUF number too, so a person known only by one can be asked about.
    pub finds_by_duf: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
