//! `/api/v1/requests`: intake, the queue, one request, its timeline, and case operations.
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    http::{
        extract::{ApiBytes, ApiJson, ApiPath, ApiQuery, parse_json_body},
        problem::{ApiResult, Problem},
    },
    requests::{
        RequestView, TimelineEvent,
        case::{self, Stepped},
        closing::{self, ClosingReturnInput, ClosingStepView},
        intake::{self, Idempotency, NewRequest},
        language,
        queries::{self, QueueFilter, QueuePage},
    },
};

#[utoipa::path(
    post, path = "/api/v1/requests", tag = "requests",
    request_body = NewRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried POST return the first result instead of a duplicate")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created and routed", body = RequestView),
        (status = 400, description = "Malformed JSON or header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency key reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address or for this person; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_request(
    State(app): State<AppState>,
    principal: Principal,
    client: crate::web::ClientIp,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    // Citizens per client address (staff are named accounts, often many behind one address).
    if matches!(principal, Principal::Citizen { .. })
        && let Err(wait) = app
            .intake_limits
            .address(&app.db, &app.vault, client.0)
            .await
            .map_err(crate::error::ServiceError::from)?
    {
        tracing::warn!("intake refused: too many requests from one address");
        return Err(crate::error::ServiceError::RateLimited {
            retry_after_seconds: wait.0,
            message: "too many requests from this address in a short time; try again later".into(),
        }
        .into());
    }
    let input: NewRequest = parse_json_body(&headers, &body)?;
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
    let (view, _replayed) = intake::create(&app, &principal, input, idempotency).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    get, path = "/api/v1/requests", tag = "requests",
    params(QueueFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page, most urgent first", body = QueuePage),
        (status = 400, description = "Malformed filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter value", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_requests(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(filter): ApiQuery<QueueFilter>,
) -> ApiResult<Json<QueuePage>> {
    Ok(Json(queries::list(&app, &principal, filter).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = RequestView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_request(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(queries::get(&app, &principal, id).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/events", tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The timeline, oldest first", body = Vec<TimelineEvent>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_events(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<TimelineEvent>>> {
    Ok(Json(queries::events(&app, &principal, id).await?))
}

macro_rules! case_operation {
    ($fn_name:ident, $path:literal, $input:ty, $service:path, $what:literal) => {
        #[utoipa::path(
            post, path = $path, tag = "requests", description = $what,
            params(("id" = Uuid, Path, description = "Request id")),
            request_body = $input,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The updated request", body = RequestView),
                (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Not possible in the request's state", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn $fn_name(
            State(app): State<AppState>,
            principal: Principal,
            ApiPath(id): ApiPath<Uuid>,
            ApiJson(input): ApiJson<$input>,
        ) -> ApiResult<Json<RequestView>> {
            Ok(Json($service(&app, &principal, id, input).await?))
        }
    };
}

/// A step carried out (200 with the request) or, under four eyes, proposed (202 with the step).
fn stepped(s: Stepped) -> Response {
    match s {
        Stepped::Done(view) => (StatusCode::OK, Json(view)).into_response(),
        Stepped::Pending(step) => (StatusCode::ACCEPTED, Json(step)).into_response(),
    }
}

macro_rules! closing_operation {
    ($fn_name:ident, $path:literal, $input:ty, $service:path, $what:literal) => {
        #[utoipa::path(
            post, path = $path, tag = "requests", description = $what,
            params(("id" = Uuid, Path, description = "Request id")),
            request_body = $input,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Carried out: the updated request", body = RequestView),
                (status = 202, description = "The controller requires four eyes: proposed, waiting for a privacy officer (`GET /api/v1/requests/{id}/closing-step`)", body = ClosingStepView),
                (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Not possible in the request's state, or a step already waits for approval", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn $fn_name(
            State(app): State<AppState>,
            principal: Principal,
            ApiPath(id): ApiPath<Uuid>,
            ApiJson(input): ApiJson<$input>,
        ) -> ApiResult<Response> {
            Ok(stepped($service(&app, &principal, id, input).await?))
        }
    };
}

closing_operation!(
    transition_request,
    "/api/v1/requests/{id}/transitions",
    case::TransitionInput,
    case::transition,
    "Take a step of the lifecycle: start, ask_requester, requester_answered, withdraw (staff give the person's withdrawal record), forward_out. Answering goes through the decision endpoints: submit_for_approval, send_back, approve and complete are refused here with 409 decision-required. Where the controller requires four eyes, a staff member's withdraw or forward_out is proposed (202) and carried out when a privacy officer approves it; a citizen's own withdrawal is immediate."
);
case_operation!(
    assign_request,
    "/api/v1/requests/{id}/assign",
    case::AssignInput,
    case::assign,
    "Assign the request to a caseworker of its unit (or unassign)."
);
case_operation!(
    extend_request,
    "/api/v1/requests/{id}/extend",
    crate::decisions::extension::ExtendInput,
    crate::decisions::extension::extend,
    "Extend the deadline by up to two further months, with a reason; only until the first deadline has passed."
);
closing_operation!(
    forward_request,
    "/api/v1/requests/{id}/forward",
    case::ForwardInput,
    case::forward,
    "Send the request to another unit or controller. Inside the controller it moves and its receipt date and deadline stand. To another controller a note (the reason, told to the person) is required: this case closes as forwarded with a letter to the person, and the other controller gets a new request received today; the timeline event `forwarded` names it. Where the controller requires four eyes, a forward to another controller is proposed (202) and carried out when a privacy officer approves it."
);

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/closing-step", tag = "requests",
    description = "The latest withdrawal or forward proposed under four eyes, with where it stands (pending, approved, returned).",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The proposed step", body = ClosingStepView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or nothing proposed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_closing_step(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ClosingStepView>> {
    closing::current(&app, &principal, id)
        .await?
        .map(Json)
        .ok_or_else(|| crate::error::ServiceError::NotFound("closing step").into())
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/closing-step/approve", tag = "requests",
    description = "Four eyes: a privacy officer who did not propose it approves the pending withdrawal or forward, which is then carried out (the case closes as withdrawn or forwarded, with the letter where a forward has one).",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Carried out: the updated request", body = RequestView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer, or the one who proposed it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or nothing pending", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The step is no longer possible in the request's state", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_closing_step(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(closing::approve(&app, &principal, id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/closing-step/return", tag = "requests",
    description = "Four eyes: return the pending withdrawal or forward to its proposer with a comment; the case stays open as it was.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = ClosingReturnInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Returned", body = ClosingStepView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer, or the one who proposed it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller, or nothing pending", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The step changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn return_closing_step(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ClosingReturnInput>,
) -> ApiResult<Json<ClosingStepView>> {
    Ok(Json(closing::send_back(&app, &principal, id, input).await?))
}
case_operation!(
    expected_answer,
    "/api/v1/requests/{id}/expected-answer",
    case::ExpectedAnswerInput,
    case::expected_answer,
    "Set the date the person can expect the answer by (`null` clears it); after a missed deadline the person sees it beside the apology on Min side. Not in the past."
);
case_operation!(
    change_language,
    "/api/v1/requests/{id}/language",
    language::LanguageInput,
    language::change,
    "Change the language the person is written to (GDPR art. 12(1)): every later letter and e-mail of the request is in it. Caseworkers and privacy officers who see the request; on the timeline and in the audit trail with the language before and after. 409 on a closed request that gets no more letters (a granted restriction keeps it until the person is told it ends) and while the answer waits for approval; 422 for an unknown language or the one already set."
);
case_operation!(
    note_request,
    "/api/v1/requests/{id}/notes",
    case::NoteInput,
    case::note,
    "Add an internal note for colleagues to the timeline; the person never sees it."
);
