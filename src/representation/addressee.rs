//! To whom a request's letters are written and sent: the person, or the representative acting
//! for them, by the name the registers give.
use chrono::NaiveDate;
use entity::{representation, request_representation, values::RepresentationBasis};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::claim;
use super::rules;
use super::stored_name;
use crate::{
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::Pid,
    sources::relations::{self, RelationRole},
};

/// To whom a request's letters are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressee {
    /// The request is the person's own: to them.
    Person,
    /// The representation the request was made through holds: to the representative, about
    /// the person. `address` is the representative's as registered; none means the printed
    /// letter waits for staff to record where it was posted (never the person's address).
    Representative {
        basis: RepresentationBasis,
        name: String,
        address: Option<Vec<String>>,
    },
    /// The representation has ended since (a child turned 18, a power of attorney ran out):
    /// to the person themself, and not to the e-mail address the representative gave.
    Ended,
    /// Someone wrote for the person without proof that they may act for them: the only letter
    /// is the decision refusing the representation, to the writer by post, never the person's
    /// data or an e-mail pointing to a Min side the writer cannot see.
    Claimant {
        basis: RepresentationBasis,
        name: String,
        address: Option<Vec<String>>,
    },
}

/// To whom a letter made today in the request goes (pure, given the representation).
pub fn addressed_to(
    basis: RepresentationBasis,
    represented_birth: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    rules::may_act(basis, represented_birth, ends_on, today).is_ok()
}

/// The addressee of the letters of `request_id` made today, with the representative's name
/// (from Folkeregisteret where staff did not register one).
pub async fn addressee(app: &Core, request_id: Uuid) -> ServiceResult<Addressee> {
    addressee_with(app, request_id, true).await
}

/// The addressee without looking a name up: enough to route the letter.
pub async fn route_of(app: &Core, request_id: Uuid) -> ServiceResult<Addressee> {
    addressee_with(app, request_id, false).await
}

pub(super) async fn addressee_with(
    app: &Core,
    request_id: Uuid,
    named: bool,
) -> ServiceResult<Addressee> {
    let Some(link) = request_representation::Entity::find_by_id(request_id)
        .one(&app.db)
        .await?
    else {
        return Ok(match claim::of_request(&app.db, request_id).await? {
            Some(c) if c.status != entity::values::ClaimStatus::Proven => Addressee::Claimant {
                basis: c.basis,
                name: claim::name(app, &c).unwrap_or_default(),
                address: claim::address(app, &c),
            },
            _ => Addressee::Person,
        });
    };
    let Some(row) = representation::Entity::find_by_id(link.representation_id)
        .one(&app.db)
        .await?
    else {
        return Ok(Addressee::Person);
    };
    let represented = app
        .vault
        .decrypt(&row.represented_ciphertext)
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    if !addressed_to(
        row.basis,
        represented.birth_date(),
        row.ends_on,
        clock::today_oslo(),
    ) {
        return Ok(Addressee::Ended);
    }
    let name = match stored_name(app, &row) {
        Some(n) => n,
        None if named => folkeregisteret_name(app, &row, &represented).await,
        None => String::new(),
    };
    let address = row
        .representative_address
        .as_deref()
        .and_then(|a| app.vault.open(a).ok())
        .and_then(|a| serde_json::from_str::<Vec<String>>(&a).ok())
        .filter(|a| !a.is_empty());
    Ok(Addressee::Representative {
        basis: row.basis,
        name,
        address,
    })
}

/// A parent's name where it was not stored when they filed.
pub(super) async fn folkeregisteret_name(
    app: &Core,
    row: &representation::Model,
    represented: &Pid,
) -> String {
    if row.basis != RepresentationBasis::ParentalResponsibility {
        return String::new();
    }
    let Ok(representative) = app.vault.decrypt(&row.representative_ciphertext) else {
        return String::new();
    };
    parent_name(app, &representative, represented).await
}

/// A parent's name as Folkeregisteret's family relations of the child give it; empty (a
/// letter then greets without a name) where the register does not answer.
pub(super) async fn parent_name(app: &Core, representative: &Pid, represented: &Pid) -> String {
    match relations::of(app, represented).await {
        Ok(relations) => relations
            .into_iter()
            .find(|r| r.role == RelationRole::Parent && r.pid == representative.as_str())
            .map(|r| r.name)
            .unwrap_or_default(),
        Err(_) => {
            tracing::warn!("the representative's name could not be looked up; greeting without it");
            String::new()
        }
    }
}
