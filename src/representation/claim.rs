//! A request written by someone who says they act for the person, registered by staff before
//! that is proven. The letter came and must be answered (GDPR art. 12(3)–(4)), but nothing of
//! the person's is given to the writer: no collection from the source systems, no access on
//! their Min side, and no letter other than the decision refusing the representation (or, once
//! the document is registered, the case goes on as a represented request).
use entity::{
    representation_claim,
    values::{ClaimStatus, RepresentationBasis},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{core::Core, error::ServiceResult, identity::Pid};

/// A representation someone claims in a letter, with why it is not proven.
#[derive(Debug, Clone)]
pub struct Claim {
    pub basis: RepresentationBasis,
    pub representative: Pid,
    pub name: Option<String>,
    pub address: Vec<String>,
    /// Why it is not proven, as the check said.
    pub reason: String,
}

impl Claim {
    /// The row to write with the request (sealed where it names or locates someone).
    pub fn row(&self, core: &Core, request_id: Uuid) -> representation_claim::Model {
        let now = chrono::Utc::now();
        representation_claim::Model {
            request_id,
            basis: self.basis,
            representative_hash: core.vault.lookup_hash(&self.representative),
            representative_ciphertext: core.vault.encrypt(&self.representative),
            representative_name: self.name.as_deref().map(|n| core.vault.seal(n)),
            representative_address: (!self.address.is_empty()).then(|| {
                core.vault
                    .seal(&serde_json::to_string(&self.address).unwrap_or_default())
            }),
            reason: self.reason.clone(),
            status: ClaimStatus::Open,
            created_at: now,
            resolved_at: None,
        }
    }
}

/// The claim of a request as staff see it (the number masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    pub basis: RepresentationBasis,
    pub status: ClaimStatus,
    /// The writer's number, masked.
    pub representative: String,
    pub representative_name: Option<String>,
    /// Why the representation was not proven when the letter was registered.
    pub reason: String,
}

/// The claim of a request, if it was registered as one.
pub async fn of_request(
    db: &impl ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<Option<representation_claim::Model>> {
    Ok(representation_claim::Entity::find_by_id(request_id)
        .one(db)
        .await?)
}

/// Whether the request waits for its writer to prove a representation.
pub async fn is_open(db: &impl ConnectionTrait, request_id: Uuid) -> ServiceResult<bool> {
    Ok(of_request(db, request_id)
        .await?
        .is_some_and(|c| c.status == ClaimStatus::Open))
}

pub fn view(core: &Core, row: &representation_claim::Model) -> ClaimView {
    ClaimView {
        basis: row.basis,
        status: row.status,
        representative: core
            .vault
            .decrypt(&row.representative_ciphertext)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "***********".into()),
        representative_name: name(core, row),
        reason: row.reason.clone(),
    }
}

pub fn name(core: &Core, row: &representation_claim::Model) -> Option<String> {
    row.representative_name
        .as_deref()
        .and_then(|n| core.vault.open(n).ok())
}

pub fn address(core: &Core, row: &representation_claim::Model) -> Option<Vec<String>> {
    row.representative_address
        .as_deref()
        .and_then(|a| core.vault.open(a).ok())
        .and_then(|a| serde_json::from_str::<Vec<String>>(&a).ok())
        .filter(|a| !a.is_empty())
}

/// The requests whose writer's representation is not proven (open or refused): never shown on
/// the represented person's Min side, whose name and address of the writer their letters carry.
pub fn unproven_ids() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(representation_claim::Column::RequestId)
        .from(representation_claim::Entity)
        .and_where(representation_claim::Column::Status.ne(ClaimStatus::Proven))
        .to_owned()
}
