//! `/api/v1/persons`: a person's identity numbers over time.
use axum::{Json, extract::State, http::StatusCode};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    http::{
        extract::{ApiJson, ApiPath},
        problem::{ApiResult, Problem},
    },
    persons::{self, LinkNumbers, LinkState, LinkedPerson},
};

#[utoipa::path(
    post, path = "/api/v1/persons/link-numbers", tag = "persons",
    description = "Record that two numbers are the same person, for a person on a case the caller can see; requests and lookups then match on both, and sources are asked by the number. The person is named by a number (`pid`: a d-nummer with the fødselsnummer that replaced it, same birth date), a DUF number (`duf`), or a request (`request_id`: the person it is about, also one registered by name and date of birth, whose date must be the number's birth date). When both already are persons, the merge waits for a privacy officer's approval (202).",
    request_body = LinkNumbers,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Linked", body = LinkedPerson),
        (status = 202, description = "The merge of two persons waits for a privacy officer's approval", body = LinkedPerson),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No person on a case the caller can see, or no such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A merge of the person already waits for a privacy officer", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid number, not a d-nummer and a fødselsnummer, not the same birth date, or not the date of birth registered for the request's person", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn link_numbers(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<LinkNumbers>,
) -> ApiResult<(StatusCode, Json<LinkedPerson>)> {
    let linked = persons::link(&app, &principal, input).await?;
    let status = match linked.status {
        LinkState::Linked => StatusCode::OK,
        LinkState::AwaitingApproval => StatusCode::ACCEPTED,
    };
    Ok((status, Json(linked)))
}

#[utoipa::path(
    post, path = "/api/v1/persons/links/{id}/approve", tag = "persons",
    description = "Approve a waiting merge of two persons: a privacy officer who can see a case of one of them, not the one who asked for the merge.",
    params(("id" = Uuid, Path, description = "The waiting merge (`link_id`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Merged", body = LinkedPerson),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer, or the one who asked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such waiting merge, or no case of the persons the caller can see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_link(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<LinkedPerson>> {
    Ok(Json(persons::approve_link(&app, &principal, id).await?))
}
