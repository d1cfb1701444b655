//! Intake: a citizen submits a request, or staff register one received by letter, e-mail or in
//! person (with its receipt date). Routed, given a reference and a due date, and written with its
//! timeline and audit events in one transaction; an `Idempotency-Key` makes retries safe.
use std::{collections::HashMap, sync::Arc};

use chrono::{Datelike, NaiveDate};
use entity::{
    idempotency_key, person, person_identifier, reference_counter, request, request_event,
    values::ActorKind,
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
    audit::AuditRecord,
    auth::Principal,
    clock,
    core::Core,
    deadlines,
    error::{ServiceError, ServiceResult},
    identity::{DufNumber, NameAndBirthDate, Pid, PidPolicy, Reference, SubjectId},
    lifecycle::{RightKind, Role, Status},
    registry::Registry,
    routing_rules::Geography,
    writer::{Tx, find_where_in, insert_rows},
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
    /// Staff only, instead of `subject_pid`: the person's DUF number (UDI), 12 digits written
    /// `2012 586975 61` or without spaces.
    #[schema(pattern = "^[0-9]{4} ?[0-9]{6} ?[0-9]{2}$")]
    pub subject_duf: Option<String>,
    /// Staff only, for a paper request from a person without a number (channel `letter`): the
    /// person's name, given with `subject_birth_date` instead of a number.
    #[schema(max_length = 200)]
    pub subject_name: Option<String>,
    /// Staff only: the date of birth that goes with `subject_name`.
    pub subject_birth_date: Option<NaiveDate>,
    /// Staff only: how the request came in (default `letter`).
    pub channel: Option<Channel>,
    /// Staff only: the day the request was received (default today).
    pub received_on: Option<NaiveDate>,
    /// Where to tell the person that an answer is ready (the e-mail never carries the answer).
    #[schema(max_length = 254, format = "email")]
    pub contact_email: Option<String>,
    /// The person wants the answers on paper: every letter is then also printed and posted
    /// (GDPR art. 12(1), 12(3) "unless otherwise requested by the data subject").
    #[serde(default)]
    pub wants_paper: bool,
}

/// A plausible e-mail address: one `@`, something on each side, a dot in the domain, no spaces.
/// (Deliverability is for the mail server to judge; this only stops typing mistakes.)
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A validated intake, ready to write.
#[derive(Clone)]
struct Intake {
    kind: RightKind,
    description: String,
    service_area: Option<String>,
    language: Language,
    geography: Option<Geography>,
    subject: SubjectId,
    channel: Channel,
    received_on: NaiveDate,
    contact_email: Option<String>,
    wants_paper: bool,
}

fn validate(app: &Core, principal: &Principal, input: NewRequest) -> ServiceResult<Intake> {
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
    let (subject, channel, received_on) = match principal {
        Principal::Citizen { pid, .. } => {
            for (field, given) in [
                ("subject_pid", input.subject_pid.is_some()),
                ("subject_duf", input.subject_duf.is_some()),
                ("subject_name", input.subject_name.is_some()),
                ("subject_birth_date", input.subject_birth_date.is_some()),
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
            (SubjectId::Pid(pid.clone()), Channel::Api, today)
        }
        Principal::Staff(staff) => {
            if !matches!(staff.role, Role::Caseworker | Role::PrivacyOfficer) {
                return Err(ServiceError::Forbidden(
                    "only caseworkers and privacy officers register requests".into(),
                ));
            }
            let policy = PidPolicy {
                allow_synthetic: app.settings.allow_synthetic_pids,
            };
            let channel = input.channel.unwrap_or(Channel::Letter);
            let subject = staff_subject(&input, policy, channel, today)?;
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
            (subject, channel, received_on)
        }
    };
    let contact_email = input
        .contact_email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if contact_email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(ServiceError::invalid(
            "contact_email",
            "this does not look like an e-mail address (name@example.no)",
        ));
    }
    Ok(Intake {
        contact_email,
        wants_paper: input.wants_paper,
        kind: input.kind,
        description,
        service_area: input
            .service_area
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty()),
        language: input.language.unwrap_or_default(),
        geography,
        subject,
        channel,
        received_on,
    })
}

/// A field given with something other than whitespace.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The person a staff registration is about: exactly one of a national identity number, a DUF
/// number, or a name with a date of birth (the last only for a request that came on paper).
fn staff_subject(
    input: &NewRequest,
    policy: PidPolicy,
    channel: Channel,
    today: NaiveDate,
) -> ServiceResult<SubjectId> {
    let pid = given(&input.subject_pid);
    let duf = given(&input.subject_duf);
    let name = given(&input.subject_name);
    let birth = input.subject_birth_date;
    let named = name.is_some() || birth.is_some();
    match (pid, duf, named) {
        (Some(raw), None, false) => Pid::parse(raw, policy)
            .map(SubjectId::Pid)
            .map_err(|e| ServiceError::invalid("subject_pid", e.to_string())),
        (None, Some(raw), false) => DufNumber::parse(raw, today.year())
            .map(SubjectId::Duf)
            .map_err(|e| ServiceError::invalid("subject_duf", e.to_string())),
        (None, None, true) => {
            if channel != Channel::Letter {
                return Err(ServiceError::invalid(
                    "subject_name",
                    "a person without a number is registered by name and date of birth only from a letter",
                ));
            }
            let birth = birth.ok_or_else(|| {
                ServiceError::invalid("subject_birth_date", "give the date of birth with the name")
            })?;
            NameAndBirthDate::parse(name.unwrap_or_default(), birth, today)
                .map(SubjectId::NameBirth)
                .map_err(|e| {
                    let field = match e {
                        crate::identity::NameBirthError::EmptyName
                        | crate::identity::NameBirthError::ImplausibleName => "subject_name",
                        _ => "subject_birth_date",
                    };
                    ServiceError::invalid(field, e.to_string())
                })
        }
        (None, None, false) => Err(ServiceError::invalid(
            "subject_pid",
            "staff must give the person's national identity number, DUF number, or name and date of birth",
        )),
        _ => Err(ServiceError::invalid(
            "subject",
            "give only one of: national identity number, DUF number, name with date of birth",
        )),
    }
}

/// An idempotency key with the fingerprint of the body it came with.
#[derive(Clone)]
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

/// A validated intake with everything the write needs, computed outside the transaction.
#[derive(Clone)]
pub struct Prepared {
    intake: Intake,
    pid_hash: String,
    pid_ciphertext: String,
    contact_ciphertext: Option<String>,
    /// Whether the receipt e-mail goes out (within the per-address limit).
    send_receipt: bool,
    principal: Principal,
    scope: String,
    idempotency: Option<Idempotency>,
    registry: Arc<Registry>,
    /// For the receipt e-mail's portal link.
    base_url: String,
    /// The representation the request is made through, when made for someone else.
    on_behalf: Option<crate::representation::OnBehalf>,
    /// A representation the writer claims but has not proven: written with the request, whose
    /// id it takes; nothing is collected for such a request until the claim is proven.
    claim: Option<entity::representation_claim::Model>,
}

/// One intake's result: the view, and whether it replays an earlier identical POST.
pub type IntakeOutcome = ServiceResult<(RequestView, bool)>;

/// Creates a request. Returns the view and whether it is a replay of an earlier identical POST.
pub async fn create(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
) -> IntakeOutcome {
    create_with(app, principal, input, idempotency, None).await
}

/// A request made by a representative for the person `subject` (checked by the caller through
/// [`crate::representation::authority`]): the request is the person's, linked to the
/// representation in the same transaction.
pub async fn create_on_behalf(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    subject: Pid,
    on_behalf: crate::representation::OnBehalf,
) -> IntakeOutcome {
    create_with(
        app,
        principal,
        input,
        idempotency,
        Some((subject, Acting::Proven(on_behalf))),
    )
    .await
}

/// A request staff register from a letter whose writer says they act for the person `subject`
/// but has not proven it: the request is the person's, registered with the claim so it can be
/// answered (by refusing the representation, or by proving it later).
pub async fn create_claimed(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    subject: Pid,
    claim: crate::representation::claim::Claim,
) -> IntakeOutcome {
    create_with(
        app,
        principal,
        input,
        idempotency,
        Some((subject, Acting::Claimed(claim))),
    )
    .await
}

/// How someone acts for the person a request is about.
enum Acting {
    Proven(crate::representation::OnBehalf),
    Claimed(crate::representation::claim::Claim),
}

async fn create_with(
    app: &Core,
    principal: &Principal,
    input: NewRequest,
    idempotency: Option<Idempotency>,
    for_other: Option<(Pid, Acting)>,
) -> IntakeOutcome {
    let scope = principal.idempotency_scope();
    if let Some(idem) = &idempotency
        && let Some(view) = replay(&app.db, &scope, idem).await?
    {
        return Ok((view, true));
    }
    let mut intake = validate(app, principal, input)?;
    let (on_behalf, claim) = match for_other {
        Some((subject, acting)) => {
            intake.subject = SubjectId::Pid(subject);
            match acting {
                Acting::Proven(on_behalf) => (Some(on_behalf), None),
                // The request id is set when it is written.
                Acting::Claimed(claim) => (None, Some(claim.row(app, Uuid::nil()))),
            }
        }
        None => (None, None),
    };
    let registry = app.registry.get(&app.db).await?;
    if let Some(area) = &intake.service_area
        && !registry.service_areas.contains_key(area)
    {
        return Err(ServiceError::invalid(
            "service_area",
            format!("unknown service area `{area}`"),
        ));
    }
    // Rate-limit hook (docs/security.md): per person, and receipt e-mails per address. A
    // receipt over its limit is not sent; the request is still registered and on Min side.
    let pid_hash = if intake.subject.singles_out_a_person() {
        app.vault.subject_hash(&intake.subject)
    } else {
        app.vault.registration_hash(&intake.subject)
    };
    app.intake_limits
        .person(&app.db, &pid_hash)
        .await?
        .map_err(|wait| {
            tracing::warn!("intake refused: too many requests for one person");
            ServiceError::RateLimited {
                retry_after_seconds: wait.0,
                message: "too many requests for this person in a short time; try again later"
                    .into(),
            }
        })?;
    let send_receipt = match intake.contact_email.as_deref() {
        Some(address) => {
            let allowed = app
                .intake_limits
                .receipt(&app.db, &app.vault, address)
                .await?;
            if !allowed {
                tracing::warn!("receipt e-mail withheld: too many receipts to one address");
            }
            allowed
        }
        None => false,
    };
    let prepared = Prepared {
        send_receipt,
        pid_hash,
        pid_ciphertext: app.vault.encrypt_subject(&intake.subject),
        contact_ciphertext: intake.contact_email.as_deref().map(|e| app.vault.seal(e)),
        intake,
        principal: principal.clone(),
        scope,
        idempotency,
        registry,
        base_url: app.settings.base_url(),
        on_behalf,
        claim,
    };
    let kind = prepared.intake.kind;
    let notify = prepared.send_receipt;
    let outcome = app.intake.submit(prepared).await;
    if kind == RightKind::Innsyn {
        app.collector.wake();
    }
    if notify {
        app.notifier.wake();
    }
    outcome
}

/// Writes a batch of intakes in the caller's transaction with a few multi-row statements:
/// persons found or created, references reserved, then requests, timeline events, audit events
/// and idempotency records inserted together. Per-item outcomes (an idempotency replay or
/// conflict) do not fail the batch; a storage error fails it whole.
pub async fn write_batch(tx: &mut Tx, items: Vec<Prepared>) -> ServiceResult<Vec<IntakeOutcome>> {
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

fn reused_key() -> ServiceError {
    ServiceError::Conflict(
        "this Idempotency-Key was already used with a different request body".into(),
    )
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
    replay_row(&found, idem).map(Some)
}

fn replay_row(found: &idempotency_key::Model, idem: &Idempotency) -> ServiceResult<RequestView> {
    if found.fingerprint != idem.fingerprint {
        return Err(reused_key());
    }
    serde_json::from_str(&found.response_body)
        .map_err(|e| ServiceError::storage("stored idempotent response unreadable", e))
}

/// The persons holding these numbers (by lookup hash), created at first contact.
async fn find_or_create_persons<'a>(
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

/// A timeline entry row.
#[allow(clippy::too_many_arguments)]
fn event_row(
    tx: &Tx,
    request_id: Uuid,
    actor_kind: ActorKind,
    actor: &str,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: &serde_json::Value,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request_id),
        at: Set(tx.now),
        actor_kind: Set(actor_kind),
        actor: Set(actor.into()),
        action: Set(action.into()),
        from_status: Set(from),
        to_status: Set(to),
        details: Set(details.to_string()),
    }
}

/// One action on a request, recorded twice: in the request's timeline and in
/// the audit trail (`request.{action}`). `by: None` is dsar itself (workers, re-routing).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_action(
    tx: &mut Tx,
    request_id: Uuid,
    by: Option<&Principal>,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let (actor_kind, actor) = by
        .map(|p| p.timeline_actor())
        .unwrap_or((ActorKind::System, "dsar".to_string()));
    record_event(
        tx,
        request_id,
        actor_kind,
        &actor,
        action,
        from,
        to,
        details.clone(),
    )
    .await?;
    tx.audit(AuditRecord {
        actor: by
            .map(|p| p.audit_actor())
            .unwrap_or_else(|| "system".into()),
        action: format!("request.{action}"),
        request_id: Some(request_id),
        details,
    })
    .await
}

/// Writes one timeline entry.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_event(
    tx: &Tx,
    request_id: Uuid,
    actor_kind: ActorKind,
    actor: &str,
    action: &str,
    from: Option<Status>,
    to: Option<Status>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    event_row(
        tx, request_id, actor_kind, actor, action, from, to, &details,
    )
    .insert(&tx.db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod email_tests {
    #[test]
    fn plausible_addresses() {
        for (e, ok) in [
            ("ola@example.no", true),
            ("o.n+tag@sub.example.no", true),
            ("ola@example", false),
            ("@example.no", false),
            ("ola@", false),
            ("ola example@x.no", false),
            ("ola@@x.no", false),
            ("ola@.x.no", false),
            ("ola@x.no.", false),
        ] {
            assert_eq!(super::valid_email(e), ok, "{e}");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod subject_tests {
    use super::*;

    fn input(
        pid: Option<&str>,
        duf: Option<&str>,
        name: Option<&str>,
        birth: Option<&str>,
    ) -> NewRequest {
        NewRequest {
            kind: RightKind::Innsyn,
            description: "x".into(),
            service_area: None,
            language: None,
            geography: None,
            subject_pid: pid.map(Into::into),
            subject_duf: duf.map(Into::into),
            subject_name: name.map(Into::into),
            subject_birth_date: birth.map(|b| b.parse().unwrap()),
            channel: None,
            received_on: None,
            contact_email: None,
            wants_paper: false,
        }
    }

    #[test]
    fn staff_identify_a_person_by_exactly_one_identifier() {
        use entity::values::IdentifierKind as K;
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let policy = PidPolicy::default();
        let pid = Some("01019012561");
        let duf = Some("2012 586975 61");
        let name = Some("Ola Nordmann");
        let born = Some("1990-01-31");
        // (pid, duf, name, birth date, channel, kind or the field at fault)
        let rows: &[(_, _, _, _, Channel, Result<K, &str>)] = &[
            (pid, None, None, None, Channel::Letter, Ok(K::Fodselsnummer)),
            (
                Some("41019012555"),
                None,
                None,
                None,
                Channel::Email,
                Ok(K::DNummer),
            ),
            (None, duf, None, None, Channel::InPerson, Ok(K::Duf)),
            (
                None,
                Some("201258697561"),
                None,
                None,
                Channel::Letter,
                Ok(K::Duf),
            ),
            (
                None,
                None,
                name,
                born,
                Channel::Letter,
                Ok(K::NameBirthDate),
            ),
            (None, None, name, born, Channel::Email, Err("subject_name")),
            (
                None,
                None,
                name,
                born,
                Channel::InPerson,
                Err("subject_name"),
            ),
            (
                None,
                None,
                name,
                None,
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (None, None, None, born, Channel::Letter, Err("subject_name")),
            (
                None,
                None,
                Some("Ola 2"),
                born,
                Channel::Letter,
                Err("subject_name"),
            ),
            (
                None,
                None,
                name,
                Some("2026-12-08"),
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (
                None,
                None,
                name,
                Some("1899-01-01"),
                Channel::Letter,
                Err("subject_birth_date"),
            ),
            (
                None,
                Some("2027 586975 61"),
                None,
                None,
                Channel::Letter,
                Err("subject_duf"),
            ),
            (
                None,
                Some("2012-586975-61"),
                None,
                None,
                Channel::Letter,
                Err("subject_duf"),
            ),
            (
                Some("01019012562"),
                None,
                None,
                None,
                Channel::Letter,
                Err("subject_pid"),
            ),
            (pid, duf, None, None, Channel::Letter, Err("subject")),
            (pid, None, name, born, Channel::Letter, Err("subject")),
            (None, duf, None, born, Channel::Letter, Err("subject")),
            (None, None, None, None, Channel::Letter, Err("subject_pid")),
            (
                Some(" "),
                Some(""),
                Some("  "),
                None,
                Channel::Letter,
                Err("subject_pid"),
            ),
        ];
        for (p, d, n, b, channel, want) in rows {
            let got = staff_subject(&input(*p, *d, *n, *b), policy, *channel, today);
            let got = got.map(|s| s.kind()).map_err(|e| match e {
                ServiceError::Invalid { field, .. } => field,
                other => panic!("{other:?}"),
            });
            assert_eq!(&got, want, "{p:?} {d:?} {n:?} {b:?} {channel:?}");
        }
    }
}
