//! `/api/v1/requests/{id}/identity-verification`: how the requester's identity was verified
//! (GDPR art. 12(6)); a decision waits for it.
use axum::{Json, extract::State};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    error::ServiceError,
    http::{
        extract::{ApiJson, ApiPath},
        problem::{ApiResult, Problem},
    },
    requests::verification::{self, VerificationView, VerifyIdentity},
};

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/identity-verification", tag = "requests",
    description = "How the requester's identity was verified (the latest record): an ID-porten login (recorded at intake from the portal), an ID document seen in person (its number masked), a letter with a copy of an ID document, or known from the case; who and when.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The latest verification", body = VerificationView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or identity not verified yet", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_identity_verification(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<VerificationView>> {
    verification::of_request(&app, &principal, id)
        .await?
        .map(Json)
        .ok_or_else(|| ServiceError::NotFound("identity verification").into())
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/identity-verification", tag = "requests",
    description = "Record how staff verified the requester's identity. A decision cannot be drafted before this (409), unless the request came through an ID-porten login.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = VerifyIdentity,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = VerificationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_identity(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<VerifyIdentity>,
) -> ApiResult<Json<VerificationView>> {
    Ok(Json(
        verification::record(&app, &principal, id, input).await?,
    ))
}
