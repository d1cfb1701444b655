//! A person's identity numbers over time (a DUF number or a d-nummer, later a fødselsnummer; a
//! person registered by name and date of birth, later their number). Staff record that two
//! numbers are the same person; from then on requests and lookups match on both. When each
//! number already had its own person record, the two are merged.
//!
//! This file holds the person as a case shows it and what linking and merging share; linking and
//! the approval of merges are in the files beside it.
mod link;
mod merge;

pub use link::{LinkRefusal, check_pair, link};
pub use merge::{PendingMerge, approve_link, merge_waiting, pending_merges, refuse_link};

use entity::{person, person_identifier, request, values::IdentifierKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::Act,
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::SubjectId,
    requests::{intake::record_event, queries::visibility},
    writer::Tx,
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkNumbers {
    /// A number the person is known by (give this, `duf` or `request_id`).
    #[schema(pattern = "^[0-9]{11}$")]
    #[serde(default)]
    pub pid: Option<String>,
    /// Instead of `pid`: the DUF number the person is known by, linked to the d-nummer or
    /// fødselsnummer they were given later.
    #[schema(pattern = "^[0-9]{4} ?[0-9]{6} ?[0-9]{2}$")]
    #[serde(default)]
    pub duf: Option<String>,
    /// Instead of `pid` or `duf`: the person of this request, as it identifies them (a number, a
    /// DUF number, or a name with a date of birth for a request that came by letter). The
    /// caller must see the request; the other number's birth date must be the registered one.
    #[serde(default)]
    pub request_id: Option<Uuid>,
    /// Another number of the same person (e.g. the fødselsnummer that replaced a d-nummer).
    #[schema(pattern = "^[0-9]{11}$")]
    pub other_pid: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The numbers are now one person.
    Linked,
    /// Both numbers already were persons: the merge waits for a privacy officer.
    AwaitingApproval,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedPerson {
    pub status: LinkState,
    /// How many numbers the person now has (when linked).
    pub numbers: Option<usize>,
    /// Whether two existing person records were merged.
    pub merged: bool,
    /// The merge waiting for approval (`POST /api/v1/persons/links/{id}/approve`).
    pub link_id: Option<Uuid>,
}

/// The person behind a request, as the case page shows them: the number masked until revealed.
#[derive(Debug, Clone)]
pub struct CasePerson {
    /// A number, a DUF number, or a name with a date of birth.
    pub subject: SubjectId,
    pub strictly_confidential: bool,
    pub geography: Option<String>,
}

/// The person behind a request the principal may see. Reading the number in full is the
/// caller's decision: [`reveal`] audits it.
pub async fn of_request(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<CasePerson> {
    let req = crate::requests::queries::load_visible(&app.db, principal, request_id).await?;
    let row = person::Entity::find_by_id(req.person_id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let subject =
        crate::sources::collection::person_subject(&app.db, &app.vault, req.person_id).await?;
    Ok(CasePerson {
        subject,
        strictly_confidential: row.strictly_confidential,
        geography: row.geography,
    })
}

/// Shows a staff member the person's full number; every reveal is an audit event.
pub async fn reveal(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<SubjectId> {
    let staff = crate::access::require_staff(principal, Act::RevealPid)?;
    let person = of_request(app, principal, request_id).await?;
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: "person.pid_revealed".into(),
            request_id: Some(request_id),
            details: serde_json::json!({ "role": staff.role.as_str() }),
        })
        .await?;
    Ok(person.subject)
}

/// One number as stored: keyed hash, ciphertext, kind.
type Stored = (String, String, IdentifierKind);

/// The persons (if any) that already hold each number.
async fn owners(
    db: &impl ConnectionTrait,
    numbers: &[Stored; 2],
) -> ServiceResult<[Option<Uuid>; 2]> {
    let mut out = [None, None];
    for (slot, (hash, _, _)) in out.iter_mut().zip(numbers) {
        *slot = person_identifier::Entity::find()
            .filter(person_identifier::Column::PidHash.eq(hash.as_str()))
            .one(db)
            .await?
            .map(|i| i.person_id);
    }
    Ok(out)
}

/// Whether the principal can see a request of one of these persons (404 otherwise: whether a
/// number is known is not told to those who cannot see the person's cases).
async fn require_visible_person(
    db: &impl ConnectionTrait,
    principal: &Principal,
    persons: &[Option<Uuid>; 2],
) -> ServiceResult<()> {
    let ids: Vec<Uuid> = persons.iter().flatten().copied().collect();
    let seen = request::Entity::find()
        .filter(visibility(db, principal).await?)
        .filter(request::Column::PersonId.is_in(ids))
        .one(db)
        .await?;
    seen.map(|_| ()).ok_or(ServiceError::NotFound("person"))
}

/// A timeline event and an audit record (`person.{action}`) on every request of these persons:
/// each of them is found under other numbers from now on.
async fn record_on_requests(
    tx: &mut Tx,
    persons: &[Uuid],
    principal: &Principal,
    action: &str,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let rows = request::Entity::find()
        .filter(request::Column::PersonId.is_in(persons.to_vec()))
        .order_by_asc(request::Column::Id)
        .all(&tx.db)
        .await?;
    let (actor_kind, actor) = principal.timeline_actor();
    for r in rows {
        record_event(
            tx,
            r.id,
            actor_kind,
            &actor,
            action,
            None,
            None,
            details.clone(),
        )
        .await?;
        tx.audit(AuditRecord {
            actor: principal.audit_actor(),
            action: format!("person.{action}"),
            request_id: Some(r.id),
            details: details.clone(),
        })
        .await?;
    }
    Ok(())
}
