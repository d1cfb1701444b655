//! Printed letters to the person over HTTP: the letters to post, and recording that one was
//! printed, posted or will not go by post.
use axum::{Json, extract::State};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    decisions::delivery::{self, LetterDelivery, PrintInput, PrintJobView},
    http::{
        extract::{ApiJson, ApiPath},
        problem::{ApiResult, Problem},
    },
};

#[utoipa::path(
    get, path = "/api/v1/print-jobs", tag = "decisions",
    description = "The printed letters to the person still to be posted (queued or printed), of the requests the caller works; earliest deadline first, late ones marked. Never the address itself.",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The letters to post", body = Vec<PrintJobView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_print_jobs(
    State(app): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<PrintJobView>>> {
    Ok(Json(delivery::list(&app, &principal).await?))
}

#[utoipa::path(
    post, path = "/api/v1/print-jobs/{job}", tag = "decisions",
    description = "Record that a printed letter was printed, posted (with the posting day; a job without an address needs the address it was posted to), or will not go by post (with a reason). Audited.",
    params(("job" = Uuid, Path, description = "Print job id")),
    request_body = PrintInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = PrintJobView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already posted or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (address needed, a posting day in the future, no reason)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn act_print_job(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(job): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PrintInput>,
) -> ApiResult<Json<PrintJobView>> {
    Ok(Json(delivery::act(&app, &principal, job, input).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/letters", tag = "decisions",
    description = "The letters to the person of one request and how each went out: on Min side, the e-mail notice (pending, sent, failed) and the printed letter (queued, printed, posted with the day, or cancelled).",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request's letters, oldest first", body = Vec<LetterDelivery>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn request_letters(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<LetterDelivery>>> {
    Ok(Json(delivery::for_request(&app, &principal, id).await?))
}
