//! A request written by someone who says they act for the person, before (or without) proof:
//! who wrote (keyed hash, sealed number, sealed name and postal address), on what basis, why it
//! is not proven, and where the claim stands.
use sea_orm::entity::prelude::*;

use crate::values::{ClaimStatus, RepresentationBasis};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "representation_claim")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: Uuid,
    pub basis: RepresentationBasis,
    pub representative_hash: String,
    pub representative_ciphertext: String,
    /// Sealed, as the letter gives it.
    pub representative_name: Option<String>,
    /// Sealed JSON address lines, as the letter gives them.
    pub representative_address: Option<String>,
    /// Why the representation was not proven when the request was registered.
    pub reason: String,
    pub status: ClaimStatus,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
