//! Someone acting for another person: who (keyed hash and sealed number of each), on what
//! basis, what proves it and who verified it, and the day it ends (a child's 18th birthday, the
//! end of a power of attorney).
use sea_orm::entity::prelude::*;

use crate::values::RepresentationBasis;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "representation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub basis: RepresentationBasis,
    pub representative_hash: String,
    pub representative_ciphertext: String,
    pub represented_hash: String,
    pub represented_ciphertext: String,
    /// What proves it: "Folkeregisteret" for parental responsibility, else the document
    /// (e.g. the Statsforvalteren's appointment, the signed power of attorney).
    pub evidence: String,
    /// The staff member who checked the document; none where Folkeregisteret proved it.
    pub verified_by: Option<Uuid>,
    pub verified_at: DateTimeUtc,
    /// The first day it no longer holds (exclusive), when it ends.
    pub ends_on: Option<Date>,
    pub created_at: DateTimeUtc,
    /// The representative's name (sealed): as the registered document gives it, or for a
    /// parent as Folkeregisteret gave it when they filed.
    pub representative_name: Option<String>,
    /// The representative's postal address lines as the document gives them (sealed JSON).
    pub representative_address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
