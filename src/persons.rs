//! A person's identity numbers over time (a DUF number or a d-nummer, later a fødselsnummer; a
//! person registered by name and date of birth, later their number). Staff record that two
//! numbers are the same person; from then on requests and lookups match on both. When each
//! number already had its own person record, the two are merged.
use chrono::Datelike;
use entity::{
    person, person_identifier, person_link, request,
    values::{IdentifierKind, LinkStatus},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::Act,
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{DufNumber, Pid, PidPolicy, SubjectId},
    requests::{
        intake::record_event,
        queries::{load_visible, visibility},
    },
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

/// Records that a d-nummer and a fødselsnummer, or a DUF number and either, or the person of a
/// request (also one known only by name and date of birth) and a number, are one person. Only
/// for a person on a case the caller can see, only a number whose birth date fits
/// ([`check_pair`]). When both already are persons, the merge waits for a privacy officer's
/// approval.
pub async fn link(
    app: &Core,
    principal: &Principal,
    input: LinkNumbers,
) -> ServiceResult<LinkedPerson> {
    let staff = crate::access::require_staff(principal, Act::LinkNumbers)?.clone();
    let policy = PidPolicy {
        allow_synthetic: app.settings.allow_synthetic_pids,
    };
    let second = Pid::parse(&input.other_pid, policy)
        .map_err(|e| ServiceError::invalid("other_pid", e.to_string()))?;
    let stored = |s: &SubjectId| {
        (
            app.vault.subject_hash(s),
            app.vault.encrypt_subject(s),
            s.kind(),
        )
    };
    let first = match linked_first(&input, policy, &second)? {
        First::Given(subject) => Side::Stored(stored(&subject)),
        First::PersonOf(id) => Side::PersonOf(id),
    };
    let other = stored(&SubjectId::Pid(second.clone()));
    let vault = app.vault.clone();
    let principal = principal.clone();
    let registry = app.registry.get(&app.db).await?;
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let first = match first {
                    Side::PersonOf(request_id) => {
                        let req = load_visible(&tx.db, &principal, request_id).await?;
                        let (subject, row) = identifier_of(&tx.db, &vault, req.person_id).await?;
                        check_pair(&subject, &second).map_err(LinkRefusal::error)?;
                        row
                    }
                    Side::Stored(row) => row,
                };
                let numbers: [Stored; 2] = [first, other];
                let persons = owners(&tx.db, &numbers).await?;
                require_visible_person(&tx.db, &principal, &persons).await?;
                if let [Some(a), Some(b)] = persons
                    && a != b
                {
                    if pending_merge_touches(&tx.db, &[a, b]).await? {
                        return Err(ServiceError::Conflict(
                            "a merge of this person is already waiting for a privacy officer"
                                .into(),
                        ));
                    }
                    let id = Uuid::now_v7();
                    let [(h1, c1, k1), (h2, c2, k2)] = numbers;
                    person_link::ActiveModel {
                        id: Set(id),
                        first_hash: Set(h1),
                        first_ciphertext: Set(c1),
                        first_kind: Set(k1),
                        second_hash: Set(h2),
                        second_ciphertext: Set(c2),
                        second_kind: Set(k2),
                        requested_by: Set(staff.id),
                        requested_at: Set(tx.now),
                        status: Set(LinkStatus::Pending),
                        decided_by: Set(None),
                        decided_at: Set(None),
                    }
                    .insert(&tx.db)
                    .await?;
                    record_on_requests(
                        tx,
                        &[a, b],
                        &principal,
                        "merge_requested",
                        serde_json::json!({ "link_id": id }),
                    )
                    .await?;
                    return Ok(LinkedPerson {
                        status: LinkState::AwaitingApproval,
                        numbers: None,
                        merged: false,
                        link_id: Some(id),
                    });
                }
                apply_link(tx, &registry, &numbers, persons, &principal).await
            })
        })
        .await
}

/// The person's side of a link as the input names it: an identifier, or a request's person.
enum First {
    Given(SubjectId),
    PersonOf(Uuid),
}

/// The same as the transaction takes it: the identifier sealed, or the request whose person's
/// identifier is read there.
enum Side {
    Stored(Stored),
    PersonOf(Uuid),
}

/// What identifies the person (as [`crate::sources::collection::preferred_subject`] picks it)
/// with its stored row: a name with a date of birth is stored under a hash of its own
/// registration, so only the stored row finds the person again.
async fn identifier_of(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<(SubjectId, Stored)> {
    let rows = person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(person_id))
        .order_by_desc(person_identifier::Column::CreatedAt)
        .all(db)
        .await?;
    let subjects = rows
        .iter()
        .map(|i| vault.decrypt_subject(&i.pid_ciphertext))
        .collect::<Result<Vec<SubjectId>, _>>()
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    let chosen = crate::sources::collection::preferred_subject(subjects.clone())
        .ok_or(ServiceError::NotFound("identity number"))?;
    let row = subjects
        .iter()
        .position(|s| s == &chosen)
        .and_then(|i| rows.get(i))
        .ok_or(ServiceError::NotFound("identity number"))?;
    Ok((
        chosen,
        (row.pid_hash.clone(), row.pid_ciphertext.clone(), row.kind),
    ))
}

/// The person linked to `other`: a number or a DUF number given in the input, or the person of
/// a request. Exactly one of `pid`, `duf` and `request_id`.
fn linked_first(input: &LinkNumbers, policy: PidPolicy, other: &Pid) -> ServiceResult<First> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).is_some_and(|v| !v.is_empty());
    match (given(&input.pid), given(&input.duf), input.request_id) {
        (true, false, None) => {
            let first = Pid::parse(input.pid.as_deref().unwrap_or_default(), policy)
                .map_err(|e| ServiceError::invalid("pid", e.to_string()))?;
            let first = SubjectId::Pid(first);
            check_pair(&first, other).map_err(LinkRefusal::error)?;
            Ok(First::Given(first))
        }
        (false, true, None) => DufNumber::parse(
            input.duf.as_deref().unwrap_or_default(),
            crate::clock::today_oslo().year(),
        )
        .map(|d| First::Given(SubjectId::Duf(d)))
        .map_err(|e| ServiceError::invalid("duf", e.to_string())),
        (false, false, Some(id)) => Ok(First::PersonOf(id)),
        (false, false, None) => Err(ServiceError::invalid(
            "pid",
            "give the number (`pid`), the DUF number (`duf`) or a request (`request_id`) of the person",
        )),
        (true, true, None) => Err(ServiceError::invalid(
            "duf",
            "give either `pid` or `duf`, not both",
        )),
        (_, _, Some(_)) => Err(ServiceError::invalid(
            "request_id",
            "give `request_id` alone, without `pid` or `duf`",
        )),
    }
}

/// Why a number is not recorded as another number of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    SameNumber,
    /// Two fødselsnumre, or two d-numre: a person gets one of each.
    SameKind,
    /// A d-nummer and a fødselsnummer of different birth dates.
    BirthDatesDiffer,
    /// The number's birth date is not the one registered with the person's name.
    NotTheRegisteredBirthDate,
}

impl LinkRefusal {
    pub const ALL: [LinkRefusal; 4] = [
        Self::SameNumber,
        Self::SameKind,
        Self::BirthDatesDiffer,
        Self::NotTheRegisteredBirthDate,
    ];

    /// The API's words.
    pub fn message(self) -> &'static str {
        match self {
            Self::SameNumber => "the two numbers are the same",
            Self::SameKind => "only a d-nummer and a fødselsnummer are linked",
            Self::BirthDatesDiffer => "the two numbers do not have the same birth date",
            Self::NotTheRegisteredBirthDate => {
                "the number's birth date is not the date of birth registered for the person"
            }
        }
    }

    /// The key of the page's text (`office.link.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Self::SameNumber => "same_number",
            Self::SameKind => "same_kind",
            Self::BirthDatesDiffer => "birth_dates_differ",
            Self::NotTheRegisteredBirthDate => "not_registered_birth_date",
        }
    }

    /// Refused on `other_pid`.
    pub fn error(self) -> ServiceError {
        ServiceError::invalid("other_pid", self.message())
    }

    /// The refusal behind a domain error, so a page can say it in its own language.
    pub fn of(e: &ServiceError) -> Option<Self> {
        match e {
            ServiceError::Invalid {
                field: "other_pid",
                message,
            } => Self::ALL.into_iter().find(|r| r.message() == message),
            _ => None,
        }
    }
}

/// Whether `other` may be recorded as another number of the person `first` identifies: a
/// d-nummer with a fødselsnummer of the same birth date (either way round); any number with a
/// DUF number (which carries no birth date); a number whose birth date is the one registered
/// with a name (a name with a date of birth alone never joins two registrations, a number does).
pub fn check_pair(first: &SubjectId, other: &Pid) -> Result<(), LinkRefusal> {
    match first {
        SubjectId::Pid(first) => {
            if first == other {
                Err(LinkRefusal::SameNumber)
            } else if first.kind() == other.kind() {
                Err(LinkRefusal::SameKind)
            } else if first.birth_date().is_none() || first.birth_date() != other.birth_date() {
                Err(LinkRefusal::BirthDatesDiffer)
            } else {
                Ok(())
            }
        }
        SubjectId::Duf(_) => Ok(()),
        SubjectId::NameBirth(n) if other.birth_date() == Some(n.birth_date()) => Ok(()),
        SubjectId::NameBirth(_) => Err(LinkRefusal::NotTheRegisteredBirthDate),
    }
}

/// Approves a waiting merge: a privacy officer who can see a case of one of the persons and who
/// did not ask for it. On the timeline and in the audit trail of every request of both persons.
pub async fn approve_link(
    app: &Core,
    principal: &Principal,
    link_id: Uuid,
) -> ServiceResult<LinkedPerson> {
    let staff = crate::access::require_staff(principal, Act::ApproveMerge)?.clone();
    let principal = principal.clone();
    let registry = app.registry.get(&app.db).await?;
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let link = person_link::Entity::find_by_id(link_id)
                    .filter(person_link::Column::Status.eq(LinkStatus::Pending))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("person link"))?;
                let numbers: [Stored; 2] = [
                    (
                        link.first_hash.clone(),
                        link.first_ciphertext.clone(),
                        link.first_kind,
                    ),
                    (
                        link.second_hash.clone(),
                        link.second_ciphertext.clone(),
                        link.second_kind,
                    ),
                ];
                let persons = owners(&tx.db, &numbers).await?;
                require_visible_person(&tx.db, &principal, &persons).await?;
                if link.requested_by == staff.id {
                    return Err(ServiceError::Forbidden(
                        "a merge is approved by another person than the one who asked for it"
                            .into(),
                    ));
                }
                let mut row: person_link::ActiveModel = link.into();
                row.status = Set(LinkStatus::Approved);
                row.decided_by = Set(Some(staff.id));
                row.decided_at = Set(Some(tx.now));
                row.update(&tx.db).await?;
                apply_link(tx, &registry, &numbers, persons, &principal).await
            })
        })
        .await
}

/// Whether a merge waiting for approval concerns one of these persons: a second merge of the
/// same person waits until the first is decided (the two could otherwise pull one person into
/// two others).
async fn pending_merge_touches(db: &impl ConnectionTrait, persons: &[Uuid]) -> ServiceResult<bool> {
    for link in pending(db).await? {
        let owners = owners(db, &stored_numbers(&link)).await?;
        if owners.iter().flatten().any(|p| persons.contains(p)) {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn pending(db: &impl ConnectionTrait) -> ServiceResult<Vec<person_link::Model>> {
    Ok(person_link::Entity::find()
        .filter(person_link::Column::Status.eq(LinkStatus::Pending))
        .order_by_asc(person_link::Column::RequestedAt)
        .all(db)
        .await?)
}

fn stored_numbers(link: &person_link::Model) -> [Stored; 2] {
    [
        (
            link.first_hash.clone(),
            link.first_ciphertext.clone(),
            link.first_kind,
        ),
        (
            link.second_hash.clone(),
            link.second_ciphertext.clone(),
            link.second_kind,
        ),
    ]
}

/// A merge waiting for approval, as the office shows it: the numbers masked.
#[derive(Debug, Clone)]
pub struct PendingMerge {
    pub id: Uuid,
    pub numbers: [String; 2],
    pub requested_by: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// Asked for by the viewer: they may not decide it.
    pub own: bool,
    /// Requests of the two persons together.
    pub requests: usize,
}

/// The merges waiting for approval that the privacy officer may decide or see: those of
/// persons with a case the officer can see.
pub async fn pending_merges(app: &Core, principal: &Principal) -> ServiceResult<Vec<PendingMerge>> {
    let staff = crate::access::require_staff(principal, Act::ApproveMerge)?;
    let mut out = Vec::new();
    for link in pending(&app.db).await? {
        let numbers = stored_numbers(&link);
        let persons = owners(&app.db, &numbers).await?;
        if require_visible_person(&app.db, principal, &persons)
            .await
            .is_err()
        {
            continue;
        }
        let ids: Vec<Uuid> = persons.iter().flatten().copied().collect();
        let requests = request::Entity::find()
            .filter(request::Column::PersonId.is_in(ids))
            .all(&app.db)
            .await?
            .len();
        let masked = |c: &str| {
            app.vault
                .decrypt_subject(c)
                .map(|p| p.masked())
                .map_err(|_| {
                    ServiceError::Storage("an identity number could not be decrypted".into())
                })
        };
        let requested_by = entity::staff_user::Entity::find_by_id(link.requested_by)
            .one(&app.db)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        out.push(PendingMerge {
            id: link.id,
            numbers: [
                masked(&link.first_ciphertext)?,
                masked(&link.second_ciphertext)?,
            ],
            requested_by,
            requested_at: link.requested_at,
            own: link.requested_by == staff.id,
            requests,
        });
    }
    Ok(out)
}

/// Refuses a waiting merge: the same privacy officers who may approve it (not the one who asked
/// for it). On the timeline and in the audit trail of every request of both persons; the
/// persons stay apart.
pub async fn refuse_link(app: &Core, principal: &Principal, link_id: Uuid) -> ServiceResult<()> {
    let staff = crate::access::require_staff(principal, Act::ApproveMerge)?.clone();
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let link = person_link::Entity::find_by_id(link_id)
                    .filter(person_link::Column::Status.eq(LinkStatus::Pending))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("person link"))?;
                let persons = owners(&tx.db, &stored_numbers(&link)).await?;
                require_visible_person(&tx.db, &principal, &persons).await?;
                if link.requested_by == staff.id {
                    return Err(ServiceError::Forbidden(
                        "a merge is decided by another person than the one who asked for it".into(),
                    ));
                }
                let mut row: person_link::ActiveModel = link.into();
                row.status = Set(LinkStatus::Refused);
                row.decided_by = Set(Some(staff.id));
                row.decided_at = Set(Some(tx.now));
                row.update(&tx.db).await?;
                let ids: Vec<Uuid> = persons.iter().flatten().copied().collect();
                record_on_requests(
                    tx,
                    &ids,
                    &principal,
                    "merge_refused",
                    serde_json::json!({ "link_id": link_id }),
                )
                .await
            })
        })
        .await
}

/// A kind as a merge row stores it (an unknown text is taken as a fødselsnummer, as before).
/// Links the numbers in the caller's transaction: adds the missing number to the person, or
/// merges the second person into the first; on the timeline and in the audit trail of every
/// request of the person.
async fn apply_link(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    numbers: &[Stored; 2],
    owners: [Option<Uuid>; 2],
    principal: &Principal,
) -> ServiceResult<LinkedPerson> {
    let keep = match (owners[0], owners[1]) {
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => return Err(ServiceError::NotFound("person")),
    };
    let mut merged = false;
    if let (Some(a), Some(b)) = (owners[0], owners[1])
        && a != b
    {
        // Everything of the second person moves to the first.
        request::Entity::update_many()
            .col_expr(request::Column::PersonId, Expr::value(a))
            .filter(request::Column::PersonId.eq(b))
            .exec(&tx.db)
            .await?;
        person_identifier::Entity::update_many()
            .col_expr(person_identifier::Column::PersonId, Expr::value(a))
            .filter(person_identifier::Column::PersonId.eq(b))
            .exec(&tx.db)
            .await?;
        let mut confidential = false;
        for id in [a, b] {
            if let Some(p) = person::Entity::find_by_id(id).one(&tx.db).await? {
                confidential |= p.strictly_confidential;
            }
        }
        person::Entity::delete_by_id(b).exec(&tx.db).await?;
        if confidential {
            // A protected address stays protected after the merge, and covers every request
            // the person now has.
            person::Entity::update_many()
                .col_expr(person::Column::StrictlyConfidential, Expr::value(true))
                .col_expr(person::Column::Geography, Expr::value(None::<String>))
                .filter(person::Column::Id.eq(a))
                .exec(&tx.db)
                .await?;
            crate::sources::collection::move_to_protected_unit(tx, registry, a).await?;
        }
        merged = true;
    }
    for ((hash, cipher, kind), owner) in numbers.iter().zip(owners) {
        if owner.is_none() {
            person_identifier::ActiveModel {
                id: Set(Uuid::now_v7()),
                person_id: Set(keep),
                pid_hash: Set(hash.clone()),
                pid_ciphertext: Set(cipher.clone()),
                kind: Set(*kind),
                created_at: Set(tx.now),
            }
            .insert(&tx.db)
            .await?;
        }
    }
    let count = person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(keep))
        .all(&tx.db)
        .await?
        .len();
    record_on_requests(
        tx,
        &[keep],
        principal,
        "numbers_linked",
        serde_json::json!({ "person_id": keep, "numbers": count, "merged": merged }),
    )
    .await?;
    Ok(LinkedPerson {
        status: LinkState::Linked,
        numbers: Some(count),
        merged,
        link_id: None,
    })
}

/// Whether a merge of the request's person waits for a privacy officer's approval (the case
/// page says so and points to the merges).
pub async fn merge_waiting(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<bool> {
    let req = load_visible(&app.db, principal, request_id).await?;
    pending_merge_touches(&app.db, &[req.person_id]).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::NaiveDate;

    use super::*;
    use crate::identity::{NameAndBirthDate, synthetic_pid};

    fn pid(day: u32, month: u32, year2: u32, d_number: bool) -> Pid {
        (100..999)
            .find_map(|i| synthetic_pid(day, month, year2, i, true, d_number))
            .unwrap()
    }

    fn named(born: NaiveDate) -> SubjectId {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        SubjectId::NameBirth(NameAndBirthDate::parse("Ola Nordmann", born, today).unwrap())
    }

    #[test]
    fn a_number_is_linked_only_where_its_birth_date_fits() {
        let fnr = pid(3, 4, 95, false);
        let d_nummer = pid(3, 4, 95, true);
        let other_day = pid(4, 4, 95, false);
        let born = fnr.birth_date().unwrap();
        let duf = SubjectId::Duf(DufNumber::parse("201258697561", 2026).unwrap());
        // (person known by, other number, outcome)
        let cases = [
            (SubjectId::Pid(d_nummer.clone()), &fnr, Ok(())),
            (SubjectId::Pid(fnr.clone()), &d_nummer, Ok(())),
            (
                SubjectId::Pid(fnr.clone()),
                &fnr,
                Err(LinkRefusal::SameNumber),
            ),
            (
                SubjectId::Pid(fnr.clone()),
                &other_day,
                Err(LinkRefusal::SameKind),
            ),
            (
                SubjectId::Pid(d_nummer.clone()),
                &other_day,
                Err(LinkRefusal::BirthDatesDiffer),
            ),
            // A DUF number carries no birth date: nothing to compare.
            (duf.clone(), &fnr, Ok(())),
            (duf, &d_nummer, Ok(())),
            // A name with a date of birth: the number must be of that date.
            (named(born), &fnr, Ok(())),
            (named(born), &d_nummer, Ok(())),
            (
                named(born.succ_opt().unwrap()),
                &fnr,
                Err(LinkRefusal::NotTheRegisteredBirthDate),
            ),
        ];
        for (n, (first, other, expected)) in cases.into_iter().enumerate() {
            assert_eq!(check_pair(&first, other), expected, "case {n}");
        }
    }

    #[test]
    fn a_refusal_is_read_back_from_its_error() {
        for r in LinkRefusal::ALL {
            assert_eq!(LinkRefusal::of(&r.error()), Some(r));
        }
        assert_eq!(
            LinkRefusal::of(&ServiceError::invalid("other_pid", "wrong length")),
            None
        );
    }
}
