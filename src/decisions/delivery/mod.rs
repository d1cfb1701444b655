//! How a letter reaches the person, and the queue of printed letters.
//!
//! Every letter to the person is a document on Min side. An e-mail tells that it is there (never
//! what it says) where the person gave an address. A printed letter goes by post where the
//! request came on paper (or in person), where the person asked for paper, or where there is no
//! e-mail address: GDPR art. 12(1) ("in writing, or by other means, including, where
//! appropriate, by electronic means") and 12(3) (a request made electronically is answered
//! electronically where possible unless the person asks otherwise) — see [`delivery`].
//!
//! Each printed letter is a [`print_job`] row created in the transaction that stores the letter.
//! Its PDF carries the postal address block from Folkeregisteret. A person with a strictly
//! confidential address has no address there (Folkeregisteret never gives it out) and their
//! cases are handled by the controller's protected unit only; their job says "address needed"
//! and is posted only once that unit records the address it used. No address is ever shown in
//! a list or the API.
//!
//! This file holds the delivery rule, the letter's route and address, and the queueing of a
//! printed letter; the print queue staff work and each letter's delivery are in the files beside it.
mod letters;
mod print_jobs;
#[cfg(test)]
mod tests;

pub use letters::{LetterDelivery, for_request, letters_of};
pub use print_jobs::{
    PrintAction, PrintInput, PrintJobView, PrintRefusal, act, late, list, next, of_case,
};

use chrono::NaiveDate;
use entity::{
    document,
    print_job::{self, PrintStatus},
    request, source_record,
    values::Channel,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    core::Core,
    crypto::PidVault,
    error::{ServiceError, ServiceResult},
    representation::Addressee,
    sources::{
        collection::decrypt_records,
        protocol::Record,
        simulator::data::{POSTAL_ADDRESS_RECORD, PROTECTION_RECORD},
    },
    writer::Tx,
};

/// The channels one letter goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// Stored as a document the person reads on Min side: always.
    pub min_side: bool,
    /// An e-mail saying a letter is ready (never its content): where there is an address.
    pub email_notice: bool,
    /// A printed letter by post.
    pub printed: bool,
}

/// The delivery rule (pure). A request that came electronically (portal, API, e-mail) is
/// answered electronically where possible; one that came on paper or in person, or from a
/// person who asked for paper or gave no e-mail address, also gets the letter by post, so the
/// person is always told (GDPR art. 12(1), 12(3)).
pub fn delivery(channel: Channel, has_email: bool, wants_paper: bool) -> Delivery {
    let came_electronically = matches!(channel, Channel::Portal | Channel::Api | Channel::Email);
    Delivery {
        min_side: true,
        email_notice: has_email,
        printed: wants_paper || !came_electronically || !has_email,
    }
}

/// The delivery of a request's letters.
pub fn of_request(req: &request::Model) -> Delivery {
    delivery(req.channel, req.contact_email.is_some(), req.wants_paper)
}

/// Where the letters of a request made today go: to the representative while the
/// representation the request was made through holds, else to the person.
#[derive(Debug, Clone)]
pub struct Route {
    pub addressee: Addressee,
    /// The postal address of whoever the letter goes to: the representative's as registered
    /// (none: staff record it when posting), else the person's from Folkeregisteret.
    pub address: Option<Vec<String>>,
}

impl Route {
    /// The request as the delivery rule and the e-mail notice see it: once the representation
    /// has ended, the e-mail address the representative gave is not used, so the letter is
    /// posted to the person instead.
    pub fn request(&self, req: &request::Model) -> request::Model {
        let mut req = req.clone();
        // Once a representation has ended the address the representative gave is not used; a
        // writer whose representation is not proven cannot read Min side, so no e-mail points
        // there: both get the letter by post.
        if matches!(
            self.addressee,
            Addressee::Ended | Addressee::Claimant { .. }
        ) {
            req.contact_email = None;
        }
        req
    }

    pub fn delivery(&self, req: &request::Model) -> Delivery {
        of_request(&self.request(req))
    }
}

/// The route of a request's letters made today (no name lookup).
pub async fn route(app: &Core, req: &request::Model) -> ServiceResult<Route> {
    let addressee = crate::representation::route_of(app, req.id).await?;
    route_to(app, req, addressee).await
}

async fn route_to(app: &Core, req: &request::Model, addressee: Addressee) -> ServiceResult<Route> {
    let address = match &addressee {
        Addressee::Representative { address, .. } | Addressee::Claimant { address, .. } => {
            address.clone()
        }
        Addressee::Person | Addressee::Ended => address_of(app, req).await?,
    };
    Ok(Route { addressee, address })
}

/// Addresses a letter: to the representative, greeted by name and told whom it is about,
/// while the representation holds; else to the person. The address block where it is posted.
pub async fn address_letter(
    app: &Core,
    req: &request::Model,
    ctx: &mut crate::letters::LetterContext,
) -> ServiceResult<()> {
    let addressee = crate::representation::addressee(app, req.id).await?;
    let route = route_to(app, req, addressee).await?;
    match &route.addressee {
        Addressee::Representative { basis, name, .. } | Addressee::Claimant { basis, name, .. } => {
            let person = std::mem::replace(&mut ctx.recipient.name, name.clone());
            ctx.on_behalf = Some(crate::letters::OnBehalfOf {
                person_name: person,
                basis: *basis,
                unproven: matches!(route.addressee, Addressee::Claimant { .. }),
            });
        }
        Addressee::Person | Addressee::Ended => {}
    }
    if route.delivery(req).printed {
        ctx.recipient.address = route.address.unwrap_or_default();
    }
    Ok(())
}

pub use entity::values::LetterKind;

const FOLKEREGISTERET: &str = "folkeregisteret";

/// The address lines from Folkeregisteret's records; none for a protected address (the
/// register gives none, and a protection record other than "ugradert"-like open values is
/// honoured even if one were there).
pub fn postal_address(folkeregisteret: &[&Record]) -> Option<Vec<String>> {
    let value = |id: &str| {
        folkeregisteret
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.value.trim().to_string())
    };
    if value(PROTECTION_RECORD).is_some_and(|p| p.starts_with("strengtFortrolig")) {
        return None;
    }
    let lines: Vec<String> = value(POSTAL_ADDRESS_RECORD)?
        .split(',')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// The address a printed letter of this request goes to: Folkeregisteret's, as collected for
/// the request; none while it is not collected, and never for a person with a strictly
/// confidential address.
pub async fn address_of(app: &Core, req: &request::Model) -> ServiceResult<Option<Vec<String>>> {
    let protected = entity::person::Entity::find_by_id(req.person_id)
        .one(&app.db)
        .await?
        .is_none_or(|p| p.strictly_confidential);
    if protected {
        return Ok(None);
    }
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(req.id))
        .filter(source_record::Column::SourceId.eq(FOLKEREGISTERET))
        .all(&app.db)
        .await?;
    let collected = decrypt_records(&app.vault, rows)?;
    Ok(postal_address(&folkeregisteret_records(&collected)))
}

/// Folkeregisteret's records among collected ones.
pub fn folkeregisteret_records(
    collected: &[crate::sources::collection::CollectedRecord],
) -> Vec<&Record> {
    collected
        .iter()
        .filter(|c| c.source == FOLKEREGISTERET)
        .filter_map(|c| c.record.as_ref())
        .collect()
}

/// Queues the printed letter among `documents` (its PDF) when the request's delivery says so,
/// to the address of whoever `route` sends it to.
/// Runs in the transaction that inserts the documents.
pub async fn queue(
    tx: &Tx,
    vault: &PidVault,
    req: &request::Model,
    documents: &[document::Model],
    kind: LetterKind,
    serves_due_on: NaiveDate,
    route: &Route,
) -> ServiceResult<Option<print_job::Model>> {
    if !route.delivery(req).printed {
        return Ok(None);
    }
    let address = route.address.as_deref();
    let Some(pdf) = documents
        .iter()
        .find(|d| d.citizen_visible && d.media_type == "application/pdf")
    else {
        return Err(ServiceError::Storage(
            "a printed letter needs the letter's PDF".into(),
        ));
    };
    let address = address
        .filter(|a| !a.is_empty())
        .map(|a| vault.seal(&serde_json::to_string(a).unwrap_or_default()));
    let row = print_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(req.id),
        document_id: Set(pdf.id),
        letter_kind: Set(kind),
        status: Set(PrintStatus::Queued),
        address: Set(address),
        serves_due_on: Set(serves_due_on),
        created_at: Set(tx.now),
        updated_at: Set(tx.now),
        printed_at: Set(None),
        printed_by: Set(None),
        posted_on: Set(None),
        posted_by: Set(None),
        cancel_reason: Set(None),
    }
    .insert(&tx.db)
    .await?;
    Ok(Some(row))
}
