//! `/api/v1/persons`: a person's identity numbers over time.
use axum::{Json, extract::State};

use crate::{
    app::AppState,
    auth::Principal,
    http::{
        extract::ApiJson,
        problem::{ApiResult, Problem},
    },
    persons::{self, LinkNumbers, LinkedPerson},
};

#[utoipa::path(
    post, path = "/api/v1/persons/link-numbers", tag = "persons",
    description = "Record that two national identity numbers are the same person (e.g. a d-nummer and the fødselsnummer that replaced it); requests and lookups then match on both.",
    request_body = LinkNumbers,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Linked", body = LinkedPerson),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn link_numbers(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<LinkNumbers>,
) -> ApiResult<Json<LinkedPerson>> {
    Ok(Json(persons::link(&app, &principal, input).await?))
}
