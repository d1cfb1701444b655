//! Requests made by a representative: filing for someone else, the representation a request
//! was made through (for whoever may see the request), and the represented child's own view.
use entity::{
    representation as representation_row, request_representation, values::RepresentationBasis,
};
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
    identity::{Pid, PidPolicy},
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
/// a citizen acts as themselves; staff registering a representative's letter name the
/// representative. A representation that is not proven is refused (403) with the reason.
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
    let on_behalf =
        representation::authority(app, &representative, &represented, input.basis).await?;
    intake::create_on_behalf(app, principal, request, idempotency, represented, on_behalf).await
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
