//! A batch of intakes written in one transaction with multi-row statements: idempotency keys
//! replayed, persons found or created, references reserved, requests and their events inserted.
use std::collections::HashMap;

use chrono::Datelike;
use entity::{idempotency_key, person, person_identifier, reference_counter, request};
use futures::future::BoxFuture;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::requests::view::{self, RequestView};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    deadlines,
    error::{ServiceError, ServiceResult},
    identity::Reference,
    lifecycle::{RightKind, Status},
    routing_rules::Geography,
    writer::{Tx, find_where_in, insert_rows},
};

use super::events::event_row;
use super::{Idempotency, IntakeOutcome, Prepared};

/// Writes a batch of intakes in the caller's transaction with a few multi-row statements:
/// persons found or created, references reserved, then requests, timeline events, audit events
/// and idempotency records inserted together. Per-item outcomes (an idempotency replay or
/// conflict) do not fail the batch; a storage error fails it whole. Boxed, as the batcher
/// (`jobs/batcher.rs`) takes it.
pub fn write_batch(
    tx: &mut Tx,
    items: Vec<Prepared>,
) -> BoxFuture<'_, ServiceResult<Vec<IntakeOutcome>>> {
    Box::pin(write_intakes(tx, items))
}

async fn write_intakes(tx: &mut Tx, items: Vec<Prepared>) -> ServiceResult<Vec<IntakeOutcome>> {
    let mut outcomes: Vec<Option<IntakeOutcome>> = (0..items.len()).map(|_| None).collect();
    // Idempotency: earlier answers replay; a key repeated inside this batch follows its first use.
    let mut repeat_of: HashMap<usize, usize> = HashMap::new();
    let keys: Vec<String> = items
        .iter()
        .filter_map(|p| p.idempotency.as_ref().map(|i| i.key.clone()))
        .collect();
    if !keys.is_empty() {
        let stored = find_where_in::<idempotency_key::Entity, _>(
            &tx.db,
            idempotency_key::Column::Key,
            &keys,
        )
        .await?;
        let mut first_use: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let Some(idem) = &item.idempotency else {
                continue;
            };
            if let Some(row) = stored
                .iter()
                .find(|r| r.principal == item.scope && r.key == idem.key)
            {
                outcomes[i] = Some(replay_row(row, idem).map(|v| (v, true)));
            } else if let Some(&first) = first_use.get(&(item.scope.as_str(), idem.key.as_str())) {
                repeat_of.insert(i, first);
            } else {
                first_use.insert((item.scope.as_str(), idem.key.as_str()), i);
            }
        }
    }
    let fresh: Vec<usize> = (0..items.len())
        .filter(|i| outcomes[*i].is_none() && !repeat_of.contains_key(i))
        .collect();
    if !fresh.is_empty() {
        let persons = find_or_create_persons(tx, fresh.iter().map(|&i| &items[i])).await?;
        let year = tx.now.with_timezone(&chrono_tz::Europe::Oslo).year();
        let first_seq = reserve_references(tx, year, fresh.len() as i64).await?;
        let mut requests = Vec::with_capacity(fresh.len());
        let mut events = Vec::with_capacity(fresh.len());
        let mut audits = Vec::with_capacity(fresh.len());
        let mut stored_answers = Vec::new();
        let mut queued = Vec::new();
        let mut receipts = Vec::new();
        let mut links = Vec::new();
        let mut claims = Vec::new();
        let mut verified = Vec::new();
        for (n, &i) in fresh.iter().enumerate() {
            let p = &items[i];
            let person = persons
                .get(&p.pid_hash)
                .ok_or(ServiceError::Storage("person missing".into()))?;
            // A strictly confidential address is never used to route, even where one is stored:
            // only what the person or the registrant told us picks the controller.
            let geography = person
                .geography
                .as_deref()
                .filter(|_| !person.strictly_confidential)
                .and_then(|g| Geography::parse(g).ok())
                .or(p.intake.geography.clone());
            let routed = p
                .registry
                .route(
                    p.intake.kind,
                    p.intake.service_area.as_deref(),
                    geography.as_ref(),
                    person.strictly_confidential,
                )
                .map_err(|e| ServiceError::Storage(e.into()))?;
            let reference = Reference::new(year, (first_seq + n as i64) as u64);
            let due_on = deadlines::due_date(p.intake.received_on);
            let id = Uuid::now_v7();
            // Units that collect at once queue the request for the collection worker, which
            // plans one task per source system in batches (nine rows each, off this path).
            if p.intake.kind == RightKind::Innsyn
                && p.claim.is_none()
                && p.registry
                    .units
                    .get(&routed.destination.unit_id)
                    .is_some_and(|u| u.auto_collect)
            {
                queued.push(id);
            }
            let row = request::Model {
                id,
                reference: reference.as_str().to_string(),
                kind: p.intake.kind,
                status: Status::Received,
                outcome: None,
                outcome_note: None,
                description: p.intake.description.clone(),
                service_area: p.intake.service_area.clone(),
                language: p.intake.language,
                channel: p.intake.channel,
                person_id: person.id,
                controller_id: routed.destination.controller_id,
                unit_id: routed.destination.unit_id,
                assignee_id: None,
                received_on: p.intake.received_on,
                first_due_on: due_on,
                due_on,
                extension_reason: None,
                routing: serde_json::to_string(&routed.reason).unwrap_or_default(),
                created_at: tx.now,
                updated_at: tx.now,
                closed_at: None,
                version: 1,
                contact_email: p.contact_ciphertext.clone(),
                expected_answer_on: None,
                wants_paper: p.intake.wants_paper,
            };
            let mut details = serde_json::json!({
                "channel": p.intake.channel.as_str(),
                "received_on": p.intake.received_on,
                "due_on": due_on,
                "unit_id": routed.destination.unit_id,
                "routing": routed.reason,
            });
            // Who acted for whom: the actor is the representative, the request the person's.
            if let Some(on_behalf) = &p.on_behalf {
                details["on_behalf"] = serde_json::json!({
                    "basis": on_behalf.basis,
                    "representation_id": on_behalf.representation_id,
                });
                links.push((id, on_behalf.clone()));
            }
            if let Some(claim) = &p.claim {
                details["claimed_representation"] = serde_json::json!({
                    "basis": claim.basis,
                    "reason": claim.reason,
                });
                claims.push(entity::representation_claim::Model {
                    request_id: id,
                    created_at: tx.now,
                    ..claim.clone()
                });
            }
            let (actor_kind, actor) = p.principal.timeline_actor();
            events.push(event_row(
                tx,
                id,
                actor_kind,
                &actor,
                "created",
                None,
                Some(Status::Received),
                &details,
            ));
            audits.push(AuditRecord {
                actor: p.principal.audit_actor(),
                action: "request.created".into(),
                request_id: Some(id),
                details,
            });
            let view = view::build(&row, &p.registry, None, &p.principal);
            // Staff registering for a unit they cannot see are told the reference only.
            let view = match p.principal.staff() {
                Some(s) if !crate::access::staff_sees(s, row.unit_id, row.controller_id) => {
                    view::registered_elsewhere(view)
                }
                _ => view,
            };
            if let Some(idem) = &p.idempotency {
                stored_answers.push(idempotency_key::ActiveModel {
                    principal: Set(p.scope.clone()),
                    key: Set(idem.key.clone()),
                    fingerprint: Set(idem.fingerprint.clone()),
                    status_code: Set(201),
                    response_body: Set(serde_json::to_string(&view).unwrap_or_default()),
                    created_at: Set(tx.now),
                });
            }
            // The receipt e-mail commits with the request (the contact address is already sealed).
            // A writer whose representation is not proven cannot read Min side: no receipt
            // pointing there.
            if p.send_receipt
                && p.claim.is_none()
                && let Some(receipt) = crate::notifications::for_requester(
                    crate::notifications::Template::Receipt,
                    &row,
                    &p.base_url,
                    "first",
                )
            {
                receipts.push(receipt);
            }
            // A citizen's own request comes through an ID-porten login: identity verified.
            if matches!(p.principal, Principal::Citizen { .. }) {
                verified.push(entity::identity_verification::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(id),
                    method: Set(entity::values::VerificationMethod::IdPorten),
                    // The lowest level a citizen login is accepted at.
                    level: Set(Some(crate::auth::tokens::DEFAULT_CITIZEN_MIN_ACR.into())),
                    document_type: Set(None),
                    document_number: Set(None),
                    note: Set(None),
                    verified_by: Set(None),
                    actor: Set("id_porten".into()),
                    verified_at: Set(tx.now),
                });
            }
            requests.push(request::ActiveModel::from(row));
            outcomes[i] = Some(Ok((view, false)));
        }
        insert_rows(&tx.db, requests).await?;
        for (request_id, on_behalf) in &links {
            crate::representation::link(&tx.db, *request_id, on_behalf).await?;
        }
        insert_rows(
            &tx.db,
            claims
                .into_iter()
                .map(entity::representation_claim::ActiveModel::from)
                .collect(),
        )
        .await?;
        insert_rows(&tx.db, verified).await?;
        crate::sources::queue::queue_in(tx, &queued).await?;
        crate::notifications::queue_in(tx, receipts).await?;
        insert_rows(&tx.db, events).await?;
        tx.audit_many(audits).await?;
        insert_rows(&tx.db, stored_answers).await?;
    }
    for (i, first) in repeat_of {
        let same_body = items[i].idempotency.as_ref().map(|x| &x.fingerprint)
            == items[first].idempotency.as_ref().map(|x| &x.fingerprint);
        outcomes[i] = Some(match &outcomes[first] {
            Some(Ok((view, _))) if same_body => Ok((view.clone(), true)),
            Some(Ok(_)) => Err(reused_key()),
            _ => Err(ServiceError::Conflict(
                "a request with this Idempotency-Key failed; send it again".into(),
            )),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(ServiceError::Storage("intake not processed".into()))))
        .collect())
}

pub(super) fn reused_key() -> ServiceError {
    ServiceError::Conflict(
        "this Idempotency-Key was already used with a different request body".into(),
    )
}

pub(super) async fn replay(
    db: &impl ConnectionTrait,
    scope: &str,
    idem: &Idempotency,
) -> ServiceResult<Option<RequestView>> {
    let Some(found) = idempotency_key::Entity::find_by_id((scope.to_string(), idem.key.clone()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    replay_row(&found, idem).map(Some)
}

pub(super) fn replay_row(
    found: &idempotency_key::Model,
    idem: &Idempotency,
) -> ServiceResult<RequestView> {
    if found.fingerprint != idem.fingerprint {
        return Err(reused_key());
    }
    serde_json::from_str(&found.response_body)
        .map_err(|e| ServiceError::storage("stored idempotent response unreadable", e))
}

/// The persons holding these numbers (by lookup hash), created at first contact.
pub(super) async fn find_or_create_persons<'a>(
    tx: &Tx,
    items: impl Iterator<Item = &'a Prepared>,
) -> ServiceResult<HashMap<String, person::Model>> {
    let mut wanted: HashMap<String, (String, entity::values::IdentifierKind)> = HashMap::new();
    for p in items {
        wanted
            .entry(p.pid_hash.clone())
            .or_insert_with(|| (p.pid_ciphertext.clone(), p.intake.subject.kind()));
    }
    let hashes: Vec<String> = wanted.keys().cloned().collect();
    let idents = find_where_in::<person_identifier::Entity, _>(
        &tx.db,
        person_identifier::Column::PidHash,
        &hashes,
    )
    .await?;
    let person_ids: Vec<Uuid> = idents.iter().map(|i| i.person_id).collect();
    let known: HashMap<Uuid, person::Model> =
        find_where_in::<person::Entity, _>(&tx.db, person::Column::Id, &person_ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut found: HashMap<String, person::Model> = HashMap::new();
    for ident in &idents {
        if let Some(person) = known.get(&ident.person_id) {
            found.insert(ident.pid_hash.clone(), person.clone());
        }
    }
    let mut new_persons = Vec::new();
    let mut new_identifiers = Vec::new();
    for (hash, (cipher, kind)) in wanted {
        if found.contains_key(&hash) {
            continue;
        }
        let person = person::Model {
            id: Uuid::now_v7(),
            geography: None,
            strictly_confidential: false,
            created_at: tx.now,
        };
        new_identifiers.push(person_identifier::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_id: Set(person.id),
            pid_hash: Set(hash.clone()),
            pid_ciphertext: Set(cipher),
            kind: Set(kind),
            created_at: Set(tx.now),
        });
        new_persons.push(person::ActiveModel::from(person.clone()));
        found.insert(hash, person);
    }
    insert_rows(&tx.db, new_persons).await?;
    insert_rows(&tx.db, new_identifiers).await?;
    Ok(found)
}

/// Reserves `count` consecutive reference numbers of the year with one `UPDATE … RETURNING`
/// (the year's first request inserts the row); returns the first.
pub(crate) async fn reserve_references(tx: &Tx, year: i32, count: i64) -> ServiceResult<i64> {
    let bumped = reference_counter::Entity::update_many()
        .col_expr(
            reference_counter::Column::NextValue,
            Expr::col(reference_counter::Column::NextValue).add(count),
        )
        .filter(reference_counter::Column::Year.eq(year))
        .exec_with_returning(&tx.db)
        .await?;
    match bumped.first() {
        Some(row) => Ok(row.next_value - count),
        None => {
            reference_counter::ActiveModel {
                year: Set(year),
                next_value: Set(count + 1),
            }
            .insert(&tx.db)
            .await?;
            Ok(1)
        }
    }
}
