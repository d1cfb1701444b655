//! Representatives: a request made for someone else, the representation behind a request, the
//! represented child's view, and staff registering a guardian or a power of attorney.
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    http::{
        extract::{ApiBytes, ApiJson, ApiPath, parse_json_body},
        problem::{ApiResult, Problem},
    },
    representation::{self, NewRepresentation, RepresentationView, claim::ClaimView},
    requests::{
        RequestView,
        intake::Idempotency,
        represented::{self, ChildViewInput, OnBehalfRequest},
    },
};

#[utoipa::path(
    post, path = "/api/v1/requests/on-behalf", tag = "requests",
    description = "A request made for someone else. A citizen acts as themselves: as the holder of parental responsibility (checked against Folkeregisteret's family relations) or through a guardianship or power of attorney staff registered, and is refused (403, with the reason) where it is not proven. Staff registering a representative's letter name the representative; where the representation is not proven the letter is registered with the claim (201; see `GET /api/v1/requests/{id}/claimed-representation`) so that it is answered. The request is the represented person's; the representative sees it while the representation holds.",
    request_body = OnBehalfRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried POST return the first result instead of a duplicate")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created and routed", body = RequestView),
        (status = 400, description = "Malformed JSON or header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A citizen's representation is not proven (the reason is given)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Folkeregisteret could not be asked, or the idempotency key was reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this person; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_on_behalf(
    State(app): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let input: OnBehalfRequest = parse_json_body(&headers, &body)?;
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v.to_str().map_err(|_| {
                crate::error::ServiceError::invalid(
                    "Idempotency-Key",
                    "must be visible ASCII characters",
                )
            })?;
            Some(Idempotency::new(key, &body)?)
        }
    };
    let (view, _) = represented::file(&app, &principal, input, idempotency).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/representation", tag = "requests",
    description = "The representation the request was made through: on what basis, what proves it, who verified it, until when it holds, and how much the child's own view counts.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The representation", body = RepresentationView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or it was not made by a representative", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_representation(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RepresentationView>> {
    represented::of_request(&app, &principal, id)
        .await?
        .map(Json)
        .ok_or_else(|| crate::error::ServiceError::NotFound("representation").into())
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/claimed-representation", tag = "requests",
    description = "Staff: the representation the writer of a registered letter claims but has not proven, with the reason it was not proven and where it stands (`open`, `proven` once checked again, `refused` by the decision refusing it). While it is open nothing is collected, the person's Min side does not show the request, and the only letter is that decision.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The claim", body = ClaimView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or it was registered without a claim", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_claim(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ClaimView>> {
    represented::claim_of(&app, &principal, id)
        .await?
        .map(Json)
        .ok_or_else(|| crate::error::ServiceError::NotFound("claimed representation").into())
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/claimed-representation/check", tag = "requests",
    description = "Staff: check a claimed representation again, after the document that proves it was registered (`POST /api/v1/representations`) or Folkeregisteret now shows parental responsibility. Proven: the request is linked to the representation, the representative sees it, and collection starts. Still not proven: 409 with the reason, nothing changed.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Proven: the representation the request is now made through", body = RepresentationView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still not proven (the reason is given), no open claim, or the request is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn prove_claim(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RepresentationView>> {
    Ok(Json(represented::prove_claim(&app, &principal, id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/child-view", tag = "requests",
    description = "Record the represented child's own view (barnelova § 31: heard when able to form views, from 7 always, from 12 with great weight). Caseworkers and privacy officers.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = ChildViewInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; the representation with the weight the view has", body = RepresentationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a request made for a child", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_child_view(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ChildViewInput>,
) -> ApiResult<(StatusCode, Json<RepresentationView>)> {
    let view = represented::record_child_view(&app, &principal, id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    post, path = "/api/v1/representations", tag = "requests",
    description = "Register a guardian (verge) or an unaccompanied minor's representative appointed by the Statsforvalteren, or a written power of attorney, from the document the staff member checked. Caseworkers and privacy officers; the staff member is recorded as the one who verified it.",
    request_body = NewRepresentation,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = RepresentationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (a number, an adult with an asylum representative, a document that has ended)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register_representation(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<NewRepresentation>,
) -> ApiResult<(StatusCode, Json<RepresentationView>)> {
    let view = representation::register(&app, &principal, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}
