//! Source systems over HTTP: the admin registry (`/api/v1/source-systems`), collection per
//! request (`/collect`, `/sources`, retry, manual entry) and the collected records (audited).
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    decisions::collected::{self, Readiness, WaiveInput},
    http::{
        extract::{ApiBytes, ApiJson, ApiPath, ApiQuery, parse_json_body},
        problem::{ApiResult, Problem},
    },
    sources::{
        self, SourceSystem, SourceSystemInput,
        collection::{self, CollectInput, CollectedRecord, ManualInput, SourceTaskView},
        protocol::Operation,
    },
};

#[utoipa::path(
    get, path = "/api/v1/source-systems", tag = "sources",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every registered source system", body = Vec<SourceSystem>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_source_systems(
    State(app): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<SourceSystem>>> {
    Ok(Json(sources::list(&app, &principal).await?))
}

#[utoipa::path(
    put, path = "/api/v1/source-systems/{source}", tag = "sources",
    description = "Register a source system or change its registration (admin).",
    params(("source" = String, Path, description = "The source's id: 2–40 of a–z, 0–9 and -")),
    request_body = SourceSystemInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = SourceSystem),
        (status = 201, description = "Registered", body = SourceSystem),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admin only", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_source_system(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(source): ApiPath<String>,
    ApiJson(input): ApiJson<SourceSystemInput>,
) -> ApiResult<(StatusCode, Json<SourceSystem>)> {
    let (saved, created) = sources::put(&app, &principal, &source, input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(saved)))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/collect", tag = "sources",
    description = "Start (or restart) collection from every source serving the request's service area. The body is optional; without it the sources are asked what they hold (`access`).",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body(content = Option<CollectInput>, description = "Optional: which operation, and which records"),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Started; each source's status", body = Vec<SourceTaskView>),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed request, or no source serves it", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn collect(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> ApiResult<(StatusCode, Json<Vec<SourceTaskView>>)> {
    let input: CollectInput = if body.iter().all(|b| b.is_ascii_whitespace()) {
        CollectInput::default()
    } else {
        parse_json_body(&headers, &body)?
    };
    let tasks = collection::start(&app, &principal, id, input).await?;
    Ok((StatusCode::ACCEPTED, Json(tasks)))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/collection/waive", tag = "sources",
    description = "A privacy officer lets the decision be made before collection from the source systems has finished (a decision is otherwise refused with 409 until every source asked has answered). The reason is on the timeline and in the audit trail.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = WaiveInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Waived", body = Readiness),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn waive_collection(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<WaiveInput>,
) -> ApiResult<Json<Readiness>> {
    Ok(Json(collected::waive(&app, &principal, id, input).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/sources", tag = "sources",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each source's status for the request", body = Vec<SourceTaskView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_sources(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<SourceTaskView>>> {
    Ok(Json(collection::list(&app, &principal, id).await?))
}

/// Which operation's task (default `access`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OperationQuery {
    pub operation: Option<Operation>,
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/sources/{source}/retry", tag = "sources",
    description = "Ask one source again (failed, or done to fetch afresh: the new answer replaces the old).",
    params(("id" = Uuid, Path, description = "Request id"), ("source" = String, Path, description = "Source id"), OperationQuery),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued", body = SourceTaskView),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request or source task", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Running now, manual, or the request is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retry_source(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, source)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<OperationQuery>,
) -> ApiResult<(StatusCode, Json<SourceTaskView>)> {
    let task = collection::retry(&app, &principal, id, source, query.operation).await?;
    Ok((StatusCode::ACCEPTED, Json(task)))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/sources/{source}/manual", tag = "sources",
    description = "Complete a manual source's task with what it holds (access: `records`) or what was done (other operations: `results`).",
    params(("id" = Uuid, Path, description = "Request id"), ("source" = String, Path, description = "Source id"), OperationQuery),
    request_body = ManualInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = SourceTaskView),
        (status = 400, description = "Malformed JSON or query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request or source task", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a manual task", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enter_manual(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, source)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<OperationQuery>,
    ApiJson(input): ApiJson<ManualInput>,
) -> ApiResult<Json<SourceTaskView>> {
    Ok(Json(
        collection::complete_manual(&app, &principal, id, source, query.operation, input).await?,
    ))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/records", tag = "sources",
    description = "The records the sources answered with, decrypted. Every read is written to the audit trail.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Records and operation results, by source", body = Vec<CollectedRecord>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_records(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<CollectedRecord>>> {
    Ok(Json(collection::records(&app, &principal, id).await?))
}
