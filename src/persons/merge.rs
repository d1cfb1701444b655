//! Merges waiting for a privacy officer's approval (four eyes): listed, approved or refused,
//! and carried out on every request of both persons.
use entity::{person, person_identifier, person_link, request, values::LinkStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::LinkState;
use super::LinkedPerson;
use super::Stored;
use super::owners;
use super::record_on_requests;
use super::require_visible_person;
use crate::{
    access::Act,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::queries::load_visible,
    writer::Tx,
};

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
pub(super) async fn pending_merge_touches(
    db: &impl ConnectionTrait,
    persons: &[Uuid],
) -> ServiceResult<bool> {
    for link in pending(db).await? {
        let owners = owners(db, &stored_numbers(&link)).await?;
        if owners.iter().flatten().any(|p| persons.contains(p)) {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) async fn pending(db: &impl ConnectionTrait) -> ServiceResult<Vec<person_link::Model>> {
    Ok(person_link::Entity::find()
        .filter(person_link::Column::Status.eq(LinkStatus::Pending))
        .order_by_asc(person_link::Column::RequestedAt)
        .all(db)
        .await?)
}

pub(super) fn stored_numbers(link: &person_link::Model) -> [Stored; 2] {
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
pub(super) async fn apply_link(
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
