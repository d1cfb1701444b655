//! Decisions, generated documents and the legal-basis catalogue over HTTP.
use axum::{
    Json,
    body::Body,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    decisions::{
        self, DecisionView, DocumentView, DraftInput, ReturnInput,
        catalogue::{self, NewLegalBasis},
        recipients::{self, NoticeAction, NoticeView},
        restriction::{self, LiftNoticeInput, LiftView},
    },
    http::{
        extract::{ApiJson, ApiPath, ApiQuery},
        problem::{ApiResult, Problem},
    },
    i18n::Language,
    lifecycle::RightKind,
};

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/decision", tag = "decisions",
    description = "Draft (or redraft) the decision. Where the controller requires four eyes the request goes to approval.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = DraftInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted", body = DecisionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is not in progress", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn draft_decision(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<DraftInput>,
) -> ApiResult<(StatusCode, Json<DecisionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(decisions::draft(&app, &principal, id, input).await?),
    ))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/decision", tag = "decisions",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current decision", body = DecisionView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No request or no decision yet", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_decision(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DecisionView>> {
    Ok(Json(decisions::get(&app, &principal, id).await?))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Approved {
    pub decision: DecisionView,
    pub documents: Vec<DocumentView>,
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/decision/approve", tag = "decisions",
    description = "Approve the draft: the answer is generated in the person's language and the request completes. Under four eyes only a privacy officer other than the drafter may approve.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved; the generated documents", body = Approved),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed (role, or approving one's own draft)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No request or no draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible in the request's state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The draft cannot be turned into an answer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_decision(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Approved>> {
    let (decision, documents) = decisions::approve(&app, &principal, id).await?;
    Ok(Json(Approved {
        decision,
        documents,
    }))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/decision/return", tag = "decisions",
    description = "Send the draft back to the drafter with a comment (privacy officer).",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = ReturnInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Returned", body = DecisionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No request or no draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting approval", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn return_decision(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> ApiResult<Json<DecisionView>> {
    Ok(Json(
        decisions::send_back(&app, &principal, id, input).await?,
    ))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/documents", tag = "decisions",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The generated documents (a citizen sees those meant for them)", body = Vec<DocumentView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_documents(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<DocumentView>>> {
    Ok(Json(decisions::documents(&app, &principal, id).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/documents/{document}", tag = "decisions",
    params(("id" = Uuid, Path, description = "Request id"), ("document" = Uuid, Path, description = "Document id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The document, checked against its SHA-256", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/zip"),
            (String = "text/html"),
        )),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn download_document(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, document)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (doc, bytes) = decisions::download(&app, &principal, id, document).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        doc.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, doc.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-content-sha256"),
                doc.sha256.clone(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/notices", tag = "decisions",
    description = "The art. 19 notices of an approved retting, sletting or begrensning: one per recipient of changed data, with its channel (the recipient's source protocol, or a printed letter) and delivery status.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The notices, by recipient", body = Vec<NoticeView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_notices(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<NoticeView>>> {
    Ok(Json(recipients::list(&app, &principal, id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/notices/{notice}/sent", tag = "decisions",
    description = "Record that the printed notice was sent to the recipient (a manual notice, or a failed protocol delivery sent by post).",
    params(("id" = Uuid, Path, description = "Request id"), ("notice" = Uuid, Path, description = "Notice id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded as delivered", body = NoticeView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already delivered or still being delivered", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn notice_sent(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, notice)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<NoticeView>> {
    Ok(Json(
        recipients::act(&app, &principal, id, notice, NoticeAction::Sent).await?,
    ))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/notices/{notice}/retry", tag = "decisions",
    description = "Try a failed protocol delivery again.",
    params(("id" = Uuid, Path, description = "Request id"), ("notice" = Uuid, Path, description = "Notice id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Queued for delivery", body = NoticeView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a failed protocol delivery", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn notice_retry(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, notice)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<NoticeView>> {
    Ok(Json(
        recipients::act(&app, &principal, id, notice, NoticeAction::Retry).await?,
    ))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/restriction/lift-notice", tag = "decisions",
    description = "Art. 18(3), step 1: tell the person that a granted restriction will be lifted, from which date and why (letter on Min side, e-mail without content). The lift itself is possible only after this, from that date.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = LiftNoticeInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The person is told", body = LiftView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a granted restriction in force, or already told", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restriction_lift_notice(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<LiftNoticeInput>,
) -> ApiResult<(StatusCode, Json<LiftView>)> {
    Ok((
        StatusCode::CREATED,
        Json(restriction::notify(&app, &principal, id, input).await?),
    ))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/restriction/lift", tag = "decisions",
    description = "Art. 18(3), step 2: lift the restriction at the sources that restricted records. Refused until the person has been told and the date in that letter has come.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sources are asked to lift", body = LiftView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person has not been told, the date has not come, or it is already lifted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restriction_lift(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<LiftView>> {
    Ok(Json(restriction::lift(&app, &principal, id).await?))
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/restriction/lift/{source}/done", tag = "decisions",
    description = "Art. 18(3) at a source that cannot lift over the source protocol (no `lift` operation, or no API): the lift made it a manual task; a caseworker lifts the restriction there by hand and records it here. The source's restricted records are recorded as lifted.",
    params(("id" = Uuid, Path, description = "Request id"), ("source" = String, Path, description = "Source id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded as lifted", body = crate::sources::collection::SourceTaskView),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caseworkers and privacy officers only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or no lift task at that source", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The lift task is not a manual one waiting to be done", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restriction_lifted_by_hand(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, source)): ApiPath<(Uuid, String)>,
) -> ApiResult<Json<crate::sources::collection::SourceTaskView>> {
    Ok(Json(
        restriction::lifted_by_hand(&app, &principal, id, source).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// Only entries a decision on this right may cite.
    pub kind: Option<RightKind>,
    /// Language of the texts (default nb).
    pub lang: Option<Language>,
}

#[utoipa::path(
    get, path = "/api/v1/legal-bases", tag = "decisions",
    params(CatalogueQuery),
    responses(
        (status = 200, description = "The legal-basis catalogue", body = Vec<serde_json::Value>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_legal_bases(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> ApiResult<Json<Vec<serde_json::Value>>> {
    let catalogue = catalogue::load(&app.db).await?;
    let lang = q.lang.unwrap_or_default();
    Ok(Json(
        catalogue
            .all()
            .filter(|b| q.kind.is_none_or(|k| b.applies_to(k)))
            .map(|b| serde_json::to_value(b.view(lang)).unwrap_or_default())
            .collect(),
    ))
}

#[utoipa::path(
    post, path = "/api/v1/legal-bases", tag = "decisions",
    description = "Add a legal basis to the catalogue (admin).",
    request_body = NewLegalBasis,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admin only", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id exists", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_legal_basis(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<NewLegalBasis>,
) -> ApiResult<StatusCode> {
    catalogue::add(&app, &principal, input).await?;
    Ok(StatusCode::CREATED)
}
