//! How the requester's identity was established for a request (GDPR art. 12(6)).
use sea_orm::entity::prelude::*;

use crate::values::VerificationMethod;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_verification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub method: VerificationMethod,
    /// ID-porten's assurance level (`idporten-loa-substantial` is the lowest a login accepts).
    pub level: Option<String>,
    /// The ID document seen or copied (`passport`, `national_id_card`, ...).
    pub document_type: Option<String>,
    /// The document's number, sealed by the vault; shown masked.
    pub document_number: Option<String>,
    /// What staff noted (e.g. how the person is known from the case).
    pub note: Option<String>,
    /// The staff member who verified; none for an ID-porten login.
    pub verified_by: Option<Uuid>,
    /// As the audit trail names the actor.
    pub actor: String,
    pub verified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
