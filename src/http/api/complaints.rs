//! `/api/v1/requests/{id}/complaints`: appeals and complaints to Datatilsynet about a request's
//! handling, registered and followed up by staff.
use axum::{Json, extract::State, http::StatusCode};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    complaints::{
        self, ComplaintInput, ComplaintOutcomeInput, ComplaintView, SentToAppealBodyInput,
    },
    http::{
        extract::{ApiJson, ApiPath},
        problem::{ApiResult, Problem},
    },
};

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/complaints", tag = "requests",
    description = "The request's complaints (appeals of the decision, complaints to Datatilsynet), the latest first. Staff only.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The complaints", body = Vec<ComplaintView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_complaints(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<ComplaintView>>> {
    Ok(Json(complaints::list(&app, &principal, id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/complaints", tag = "requests",
    description = "Register a complaint: an appeal of the decision (the request must have been answered) or a complaint to Datatilsynet that Datatilsynet brought to the controller (any request).",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = ComplaintInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = ComplaintView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An appeal of a request that has not been answered", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (a date in the future or before the request)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register_complaint(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> ApiResult<(StatusCode, Json<ComplaintView>)> {
    let view = complaints::register(&app, &principal, id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/complaints/{complaint_id}/appeal-body", tag = "requests",
    description = "Record that an appeal the controller did not grant itself was sent on to the appeal body.",
    params(
        ("id" = Uuid, Path, description = "Request id"),
        ("complaint_id" = Uuid, Path, description = "Complaint id"),
    ),
    request_body = SentToAppealBodyInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = ComplaintView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request or complaint visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an open appeal", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complaint_to_appeal_body(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, complaint_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<SentToAppealBodyInput>,
) -> ApiResult<Json<ComplaintView>> {
    Ok(Json(
        complaints::send_to_appeal_body(&app, &principal, id, complaint_id, input).await?,
    ))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/complaints/{complaint_id}/outcome", tag = "requests",
    description = "Record how the complaint ended (upheld, reversed, partly reversed, dismissed, withdrawn); it is then closed.",
    params(
        ("id" = Uuid, Path, description = "Request id"),
        ("complaint_id" = Uuid, Path, description = "Complaint id"),
    ),
    request_body = ComplaintOutcomeInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = ComplaintView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request or complaint visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The complaint is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complaint_outcome(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, complaint_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<ComplaintOutcomeInput>,
) -> ApiResult<Json<ComplaintView>> {
    Ok(Json(
        complaints::record_outcome(&app, &principal, id, complaint_id, input).await?,
    ))
}
