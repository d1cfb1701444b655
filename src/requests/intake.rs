//! Intake: a citizen submits a request, or staff register one received by letter, e-mail or in
//! person (with its receipt date). Routed, given a reference and a due date, and written with its
//! timeline and audit events in one transaction; an `Idempotency-Key` makes retries safe.
use chrono::{Datelike, NaiveDate};
use entity::{
    idempotency_key, person, person_identifier, reference_counter, request, request_event,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::view::{self, Channel, Language, RequestView};
use crate::{
    app::AppState,
    audit::AuditRecord,
    auth::Principal,
    clock, deadlines,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidKind, PidPolicy, Reference},
    lifecycle::{RightKind, Role, Status},
    routing_rules::Geography,
    writer::Tx,
};

pub const MAX_DESCRIPTION: usize = 10_000;

/// A new rights request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Which right: innsyn (access, art. 15), retting (rectification, art. 16), sletting
    /// (erasure, art. 17), begrensning (restriction, art. 18), protest (objection, art. 21).
    pub kind: RightKind,
    /// What the person asks for, in their own words.
    #[schema(min_length = 1, max_length = 10000)]
    pub description: String,
    /// Service area code (see the registry), e.g. `settlement`; routes to the right controller.
    pub service_area: Option<String>,
    /// Language for letters: nb (default), nn, en, uk.
    pub language: Option<Language>,
    /// The person's address as a municipality (4 digits) or Oslo district (6 digits), when the
    /// person chooses to give it; the registered address wins when known.
    #[schema(pattern = "^([0-9]{4}|[0-9]{6})$")]
    pub geography: Option<String>,
    /// Staff only: the national identity number of the person the request is from.
    #[schema(pattern = "^[0-9]{11}$")]
    pub subject_pid: Option<String>,
    /// Staff only: how the request came in (default `letter`).
    pub channel: Option<Channel>,
    /// Staff only: the day the request was received (default today).
    pub received_on: Option<NaiveDate>,
}

/// A validated intake, ready to write.
struct Intake {
    kind: RightKind,
    description: String,
    service_area: Option<String>,
    language: Language,
    geography: Option<Geography>,
    pid: Pid,
    channel: Channel,
    received_on: NaiveDate,
}

fn validate(app: &AppState, principal: &Principal, input: NewRequest) -> ServiceResult<Intake> {
    let description = input.description.trim().to_string();
    if description.is_empty() {
        return Err(ServiceError::invalid(
            "description",
            "the description must not be empty",
        ));
    }
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(ServiceError::invalid(
            "description",
            format!("the description is longer than {MAX_DESCRIPTION} characters"),
        ));
    }
    let geography = input
        .geography
        .as_deref()
        .map(|g| Geography::parse(g).map_err(|e| ServiceError::invalid("geography", e.to_string())))
        .transpose()?;
    let today = clock::today_oslo();
    let (pid, channel, received_on) = match principal {
        Principal::Citizen { pid, .. } => {
            for (field, given) in [
                ("subject_pid", input.subject_pid.is_some()),
                ("channel", input.channel.is_some()),
                ("received_on", input.received_on.is_some()),
            ] {
                if given {
                    return Err(ServiceError::invalid(
                        field,
                        format!("`{field}` can only be set by staff"),
                    ));
                }
            }
            (pid.clone(), Channel::Api, today)
        }
        Principal::Staff(staff) => {
            if !matches!(staff.role, Role::Caseworker | Role::PrivacyOfficer) {
                return Err(ServiceError::Forbidden(
                    "only caseworkers and privacy officers register requests".into(),
                ));
            }
            let raw = input.subject_pid.as_deref().ok_or_else(|| {
                ServiceError::invalid(
                    "subject_pid",
                    "staff must give the person's national identity number",
                )
            })?;
            let policy = PidPolicy {
                allow_synthetic: app.settings.allow_synthetic_pids,
            };
            let pid = Pid::parse(raw, policy)
                .map_err(|e| ServiceError::invalid("subject_pid", e.to_string()))?;
            let received_on = input.received_on.unwrap_or(today);
            if received_on > today {
                return Err(ServiceError::invalid(
                    "received_on",
                    "the receipt date cannot be in the future",
                ));
            }
            if received_on < today - chrono::Days::new(366) {
                return Err(ServiceError::invalid(
                    "received_on",
                    "the receipt date is more than a year ago",
                ));
            }
            (pid, input.channel.unwrap_or(Channel::Letter), received_on)
        }
    };
    Ok(Intake {
        kind: input.kind,
        description,
        service_area: input
            .service_area
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty()),
        language: input.language.unwrap_or_default(),
        geography,
        pid,
        channel,
        received_on,
    })
}

/// An idempotency key with the fingerprint of the body it came with.
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    pub fn new(key: &str, body: &[u8]) -> ServiceResult<Self> {
        let key = key.trim();
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(ServiceError::invalid(
                "Idempotency-Key",
                "must be 1-255 visible ASCII characters",
            ));
        }
        Ok(Self {
            key: key.to_string(),
            fingerprint: hex::encode(Sha256::digest(body)),
        })
    }
}

/// Creates a request. Returns the view and whether it is a replay of an earlier identical POST.
pub async fn create(
    app: &AppState,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
) -> ServiceResult<(RequestView, bool)> {
    let scope = principal.idempotency_scope();
    if let Some(idem) = &idempotency
        && let Some(view) = replay(&app.db, &scope, idem).await?
    {
        return Ok((view, true));
    }
    let intake = validate(app, principal, input)?;
    let registry = app.registry.get(&app.db).await?;
    if let Some(area) = &intake.service_area
        && !registry.service_areas.contains_key(area)
    {
        return Err(ServiceError::invalid(
            "service_area",
            format!("unknown service area `{area}`"),
        ));
    }
    let pid_hash = app.vault.lookup_hash(&intake.pid);
    let pid_ciphertext = app.vault.encrypt(&intake.pid);
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                if let Some(idem) = &idempotency
                    && let Some(view) = replay(&tx.db, &scope, idem).await?
                {
                    return Ok((view, true));
                }
                let person =
                    find_or_create_person(tx, &pid_hash, &pid_ciphertext, intake.pid.kind())
                        .await?;
                let geography = person
                    .geography
                    .as_deref()
                    .and_then(|g| Geography::parse(g).ok())
                    .or(intake.geography);
                let routed = registry
                    .route(
                        intake.kind,
                        intake.service_area.as_deref(),
                        geography.as_ref(),
                        person.strictly_confidential,
                    )
                    .map_err(|e| ServiceError::Storage(e.to_string()))?;
                let reference =
                    next_reference(tx, tx.now.with_timezone(&chrono_tz::Europe::Oslo).year())
                        .await?;
                let due_on = deadlines::due_date(intake.received_on);
                let id = Uuid::now_v7();
                let row = request::ActiveModel {
                    id: Set(id),
                    reference: Set(reference.as_str().to_string()),
                    kind: Set(intake.kind.as_str().into()),
                    status: Set(Status::Received.as_str().into()),
                    outcome: Set(None),
                    outcome_note: Set(None),
                    description: Set(intake.description),
                    service_area: Set(intake.service_area),
                    language: Set(intake.language.as_str().into()),
                    channel: Set(intake.channel.as_str().into()),
                    person_id: Set(person.id),
                    controller_id: Set(routed.destination.controller_id),
                    unit_id: Set(routed.destination.unit_id),
                    assignee_id: Set(None),
                    received_on: Set(intake.received_on),
                    first_due_on: Set(due_on),
                    due_on: Set(due_on),
                    extension_reason: Set(None),
                    routing: Set(serde_json::to_string(&routed.reason).unwrap_or_default()),
                    created_at: Set(tx.now),
                    updated_at: Set(tx.now),
                    closed_at: Set(None),
                    version: Set(1),
                }
                .insert(&tx.db)
                .await?;
                let (actor_kind, actor) = principal.timeline_actor();
                let details = serde_json::json!({
                    "channel": intake.channel.as_str(),
                    "received_on": intake.received_on,
                    "due_on": due_on,
                    "unit_id": routed.destination.unit_id,
                    "routing": routed.reason,
                });
                record_event(
                    tx,
                    id,
                    actor_kind,
                    &actor,
                    "created",
                    None,
                    Some(Status::Received),
                    details.clone(),
                )
                .await?;
                tx.audit(AuditRecord {
                    actor: principal.audit_actor(),
                    action: "request.created".into(),
                    request_id: Some(id),
                    details,
                })
                .await?;
                let view = view::build(&row, &registry, None, &principal);
                if let Some(idem) = idempotency {
                    idempotency_key::ActiveModel {
                        principal: Set(scope),
                        key: Set(idem.key),
                        fingerprint: Set(idem.fingerprint),
                        status_code: Set(201),
                        response_body: Set(serde_json::to_string(&view).unwrap_or_default()),
                        created_at: Set(tx.now),
                    }
                    .insert(&tx.db)
                    .await?;
                }
                Ok((view, false))
            })
        })
        .await
}

async fn replay(
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
    if found.fingerprint != idem.fingerprint {
        return Err(ServiceError::Conflict(
            "this Idempotency-Key was already used with a different request body".into(),
        ));
    }
    serde_json::from_str(&found.response_body)
        .map(Some)
        .map_err(|e| ServiceError::Storage(format!("stored idempotent response unreadable: {e}")))
}

/// The person holding this number, created at first contact.
async fn find_or_create_person(
    tx: &Tx,
    pid_hash: &str,
    ciphertext: &str,
    kind: PidKind,
) -> ServiceResult<person::Model> {
    if let Some(ident) = person_identifier::Entity::find()
        .filter(person_identifier::Column::PidHash.eq(pid_hash))
        .one(&tx.db)
        .await?
    {
        return person::Entity::find_by_id(ident.person_id)
            .one(&tx.db)
            .await?
            .ok_or(ServiceError::Storage("identifier without person".into()));
    }
    let person = person::ActiveModel {
        id: Set(Uuid::now_v7()),
        geography: Set(None),
        strictly_confidential: Set(false),
        created_at: Set(tx.now),
    }
    .insert(&tx.db)
    .await?;
    person_identifier::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.id),
        pid_hash: Set(pid_hash.to_string()),
        pid_ciphertext: Set(ciphertext.to_string()),
        kind: Set(match kind {
            PidKind::Fodselsnummer => "fodselsnummer".into(),
            PidKind::DNummer => "d_nummer".into(),
        }),
        created_at: Set(tx.now),
    }
    .insert(&tx.db)
    .await?;
    Ok(person)
}

/// Next reference of the year; runs inside the writer's transaction, so numbers never repeat.
/// One `UPDATE … RETURNING` on the hot path; the year's first request inserts the row.
async fn next_reference(tx: &Tx, year: i32) -> ServiceResult<Reference> {
    let bumped = reference_counter::Entity::update_many()
        .col_expr(
            reference_counter::Column::NextValue,
            Expr::col(reference_counter::Column::NextValue).add(1),
        )
        .filter(reference_counter::Column::Year.eq(year))
        .exec_with_returning(&tx.db)
        .await?;
    let value = match bumped.first() {
        Some(row) => row.next_value - 1,
        None => {
            reference_counter::ActiveModel {
                year: Set(year),
                next_value: Set(2),
            }
            .insert(&tx.db)
            .await?;
            1
        }
    };
    Ok(Reference::new(year, Ord::max(value, 1) as u64))
}

/// Writes one timeline entry.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_event(
    tx: &Tx,
    request_id: Uuid,
    actor_kind: &str,
    actor: &str,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    request_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request_id),
        at: Set(tx.now),
        actor_kind: Set(actor_kind.into()),
        actor: Set(actor.into()),
        action: Set(action.into()),
        from_status: Set(from.map(|s| s.as_str().to_string())),
        to_status: Set(to.map(|s| s.as_str().to_string())),
        details: Set(details.to_string()),
    }
    .insert(&tx.db)
    .await?;
    Ok(())
}
