//! Requests made by a representative: filing for someone else, the representation a request
//! was made through (for whoever may see the request), and the represented child's own view.
use entity::{
    representation as representation_row, representation_claim, request_representation,
    values::{ClaimStatus, RepresentationBasis},
};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    intake::{self, Idempotency, IntakeOutcome, NewRequest},
    queries,
};
use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidPolicy, SubjectId},
    lifecycle::Role,
    representation::{self, RepresentationView, view},
};

pub async fn of_request(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Option<RepresentationView>> {
    queries::load_visible(&app.db, principal, request_id).await?;
    let Some(link) = request_representation::Entity::find_by_id(request_id)
        .one(&app.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(row) = representation_row::Entity::find_by_id(link.representation_id)
        .one(&app.db)
        .await?
    else {
        return Ok(None);
    };
    // Citizens are not told staff usernames.
    let verified_by = match principal.staff() {
        Some(_) => queries::username_of(&app.db, row.verified_by).await?,
        None => None,
    };
    Ok(Some(view(app, &row, verified_by)))
}

/// A request made through a representation, as a citizen who may see it reads it on Min side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitizenSide {
    /// The reader made it for the represented person: their name as Folkeregisteret gave it for
    /// the request, else their birth date (from the number), else neither.
    ForSomeone {
        basis: RepresentationBasis,
        name: Option<String>,
        born: Option<chrono::NaiveDate>,
    },
    /// The reader is the represented person: the representative made it for them, named as the
    /// representation records it (what `of_request` shows them too).
    ForYou {
        basis: RepresentationBasis,
        representative_name: Option<String>,
    },
}

/// How each of `requests` (ones the citizen may see: from `queries::list` or `get`) was made
/// through a representation, for the citizen's pages; a request of their own made by
/// themselves is left out. One query for the representations of all of them, one more for the
/// names only when the citizen made some of them for someone else.
pub async fn citizen_sides(
    app: &Core,
    principal: &Principal,
    requests: &[super::RequestView],
) -> ServiceResult<std::collections::HashMap<Uuid, CitizenSide>> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let Principal::Citizen { lookup_hash, .. } = principal else {
        return Ok(Default::default());
    };
    if requests.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let through: sea_orm::RelationDef =
        request_representation::Entity::belongs_to(representation_row::Entity)
            .from(request_representation::Column::RepresentationId)
            .to(representation_row::Column::Id)
            .into();
    let rows = request_representation::Entity::find()
        .filter(request_representation::Column::RequestId.is_in(ids))
        .select_also(representation_row::Entity)
        .join(sea_orm::JoinType::InnerJoin, through)
        .all(&app.db)
        .await?;
    // Visible and made through a representation the reader does not hold: their own.
    let made_by_reader: Vec<Uuid> = rows
        .iter()
        .filter(|(_, rep)| {
            rep.as_ref()
                .is_some_and(|r| r.representative_hash == *lookup_hash)
        })
        .map(|(link, _)| link.request_id)
        .collect();
    let names =
        crate::sources::collection::folkeregisteret_names(&app.db, &app.vault, &made_by_reader)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(link, rep)| {
            let rep = rep?;
            let side = if rep.representative_hash == *lookup_hash {
                CitizenSide::ForSomeone {
                    basis: rep.basis,
                    name: names.get(&link.request_id).cloned(),
                    born: app
                        .vault
                        .decrypt(&rep.represented_ciphertext)
                        .ok()
                        .and_then(|p| p.birth_date()),
                }
            } else {
                CitizenSide::ForYou {
                    basis: rep.basis,
                    representative_name: representation::stored_name(app, &rep),
                }
            };
            Some((link.request_id, side))
        })
        .collect())
}

/// A request made for someone else: the request, and on what basis and for whom.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnBehalfRequest {
    /// The request, as for `POST /api/v1/requests` (staff give the represented person's number
    /// as `subject_pid` or leave it out).
    pub request: NewRequest,
    /// `parental_responsibility` (checked against Folkeregisteret's family relations), `verge`,
    /// `asylum_representative` or `fullmakt` (each registered by staff from the document).
    pub basis: RepresentationBasis,
    /// The national identity number of the person the request is for.
    #[schema(pattern = "^[0-9]{11}$")]
    pub represented_pid: String,
    /// Staff: the national identity number of the representative who wrote (a citizen acts as
    /// themselves).
    #[schema(pattern = "^[0-9]{11}$")]
    pub representative_pid: Option<String>,
    /// Staff: the representative's name as their letter gives it. Used where the
    /// representation is not proven: the decision refusing it is addressed to them.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub representative_name: Option<String>,
    /// Staff: the representative's postal address as their letter gives it, one line each
    /// (street or postbox, then postcode and place): where the refusal is posted.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub representative_address: Vec<String>,
}

fn parse(app: &Core, field: &'static str, raw: &str) -> ServiceResult<Pid> {
    Pid::parse(
        raw.trim(),
        PidPolicy {
            allow_synthetic: app.settings.allow_synthetic_pids,
        },
    )
    .map_err(|e| ServiceError::invalid(field, e.to_string()))
}

/// Files a request for the represented person once the representative's authority is shown:
/// a citizen acts as themselves and is refused (403) with the reason where it is not proven.
/// Staff registering a representative's letter name the representative; where the
/// representation is not proven the letter is still registered, with the claim and the reason,
/// so that it is answered: by the decision refusing the representation, or, once the document
/// is registered, as a represented request ([`prove_claim`]).
pub async fn file(
    app: &Core,
    principal: &Principal,
    input: OnBehalfRequest,
    idempotency: Option<Idempotency>,
) -> IntakeOutcome {
    let represented = parse(app, "represented_pid", &input.represented_pid)?;
    let mut request = input.request;
    let representative = match principal {
        Principal::Citizen { pid, .. } => {
            if input
                .representative_pid
                .as_deref()
                .is_some_and(|r| r.trim() != pid.as_str())
            {
                return Err(ServiceError::Forbidden(
                    "you act as yourself; only staff name another representative".into(),
                ));
            }
            pid.clone()
        }
        Principal::Staff(_) => {
            let raw = input.representative_pid.as_deref().ok_or_else(|| {
                ServiceError::invalid(
                    "representative_pid",
                    "give the national identity number of the representative who wrote",
                )
            })?;
            match request
                .subject_pid
                .as_deref()
                .map(|s| parse(app, "subject_pid", s))
            {
                Some(Ok(s)) if s != represented => {
                    return Err(ServiceError::invalid(
                        "subject_pid",
                        "`subject_pid` and `represented_pid` name different persons",
                    ));
                }
                Some(Err(e)) => return Err(e),
                _ => request.subject_pid = Some(represented.as_str().to_string()),
            }
            parse(app, "representative_pid", raw)?
        }
    };
    // What the letter gives about its writer, checked before anything is written.
    let name = match input.representative_name.as_deref().map(str::trim) {
        Some(n) if n.chars().count() > representation::MAX_NAME => {
            return Err(ServiceError::invalid(
                "representative_name",
                format!("a name has at most {} characters", representation::MAX_NAME),
            ));
        }
        Some(n) if !n.is_empty() => Some(n.to_string()),
        _ => None,
    };
    let address =
        representation::address_lines(&input.representative_address, "representative_address")?;
    match representation::authority(app, &representative, &represented, input.basis).await {
        Ok(on_behalf) => {
            intake::create_on_behalf(app, principal, request, idempotency, represented, on_behalf)
                .await
        }
        Err(ServiceError::Forbidden(reason)) if principal.staff().is_some() => {
            let claim = representation::claim::Claim {
                basis: input.basis,
                representative,
                name,
                address,
                reason,
            };
            intake::create_claimed(app, principal, request, idempotency, represented, claim).await
        }
        Err(e) => Err(e),
    }
}

/// Checks a claimed representation again once staff have registered the document that proves
/// it (or Folkeregisteret now shows parental responsibility): the request is linked to the
/// representation, the representative sees it on Min side, and collection starts. Still not
/// proven: 409 with the reason, nothing changed.
pub async fn prove_claim(
    app: &Core,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<RepresentationView> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => {}
        _ => {
            return Err(ServiceError::Forbidden(
                "only caseworkers and privacy officers check a representation".into(),
            ));
        }
    }
    let req = queries::load_visible(&app.db, principal, id).await?;
    if req.closed_at.is_some() {
        return Err(ServiceError::Conflict("the request is closed".into()));
    }
    let claim = representation::claim::of_request(&app.db, id)
        .await?
        .filter(|c| c.status == ClaimStatus::Open)
        .ok_or_else(|| {
            ServiceError::Conflict("this request has no unproven representation to check".into())
        })?;
    let representative = app
        .vault
        .decrypt(&claim.representative_ciphertext)
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    let SubjectId::Pid(represented) =
        crate::sources::collection::person_subject(&app.db, &app.vault, req.person_id).await?
    else {
        return Err(ServiceError::Conflict(
            "the person has no national identity number to check the representation against".into(),
        ));
    };
    let on_behalf =
        match representation::authority(app, &representative, &represented, claim.basis).await {
            Ok(o) => o,
            Err(ServiceError::Forbidden(reason)) => {
                return Err(ServiceError::Conflict(format!(
                    "the representation is still not proven: {reason}"
                )));
            }
            Err(e) => return Err(e),
        };
    let collect = req.kind == crate::lifecycle::RightKind::Innsyn
        && app
            .registry
            .get(&app.db)
            .await?
            .units
            .get(&req.unit_id)
            .is_some_and(|u| u.auto_collect);
    let principal_c = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let claim = representation::claim::of_request(&tx.db, id)
                    .await?
                    .filter(|c| c.status == ClaimStatus::Open)
                    .ok_or_else(|| ServiceError::Conflict("the claim changed meanwhile".into()))?;
                representation::link(&tx.db, id, &on_behalf).await?;
                let mut row: representation_claim::ActiveModel = claim.into();
                row.status = Set(ClaimStatus::Proven);
                row.resolved_at = Set(Some(tx.now));
                sea_orm::ActiveModelTrait::update(row, &tx.db).await?;
                if collect {
                    crate::sources::queue::queue_in(tx, &[id]).await?;
                }
                intake::record_action(
                    tx,
                    id,
                    Some(&principal_c),
                    "representation_proven",
                    None,
                    None,
                    serde_json::json!({
                        "basis": on_behalf.basis,
                        "representation_id": on_behalf.representation_id,
                    }),
                )
                .await
            })
        })
        .await?;
    if collect {
        app.collector.wake();
    }
    of_request(app, principal, id)
        .await?
        .ok_or(ServiceError::NotFound("representation"))
}

/// The unproven representation a request was registered with, as staff see it.
pub async fn claim_of(
    app: &Core,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<Option<representation::claim::ClaimView>> {
    if principal.staff().is_none() {
        return Ok(None);
    }
    queries::load_visible(&app.db, principal, id).await?;
    Ok(representation::claim::of_request(&app.db, id)
        .await?
        .map(|c| representation::claim::view(app, &c)))
}

/// The child's own view, recorded by the caseworker (barnelova § 31).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildViewInput {
    /// What the child said, in short.
    #[schema(min_length = 1, max_length = 4000)]
    pub view: String,
}

/// Records what the represented child thinks, with the weight barnelova § 31 gives it at the
/// child's age, in the request's timeline and the audit trail. Only on requests made for a
/// child through a representation.
pub async fn record_child_view(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: ChildViewInput,
) -> ServiceResult<RepresentationView> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => {}
        _ => {
            return Err(ServiceError::Forbidden(
                "only caseworkers and privacy officers record a child's view".into(),
            ));
        }
    }
    let text = input.view.trim().to_string();
    if text.is_empty() {
        return Err(ServiceError::invalid("view", "write what the child said"));
    }
    if text.chars().count() > 4000 {
        return Err(ServiceError::invalid(
            "view",
            "the child's view is longer than 4000 characters",
        ));
    }
    let Some(rep) = of_request(app, principal, id).await? else {
        return Err(ServiceError::Conflict(
            "this request was not made by a representative".into(),
        ));
    };
    let Some(say) = rep.child_say else {
        return Err(ServiceError::Conflict(
            "the person is not a child; they speak for themselves".into(),
        ));
    };
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                intake::record_action(
                    tx,
                    id,
                    Some(&principal),
                    CHILD_VIEW,
                    None,
                    None,
                    serde_json::json!({ "child_say": say, "view": text }),
                )
                .await
            })
        })
        .await?;
    Ok(rep)
}

/// The timeline action of a recorded child's view.
pub const CHILD_VIEW: &str = "child_view_recorded";
