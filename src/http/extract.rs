//! Extractors that turn every malformed input into a problem answer: JSON bodies, query strings,
//! path ids, and the bearer token or login session (→ `Principal`).
use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::{StatusCode, header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use crate::{
    app::AppState,
    auth::{Principal, resolve, sessions},
    error::ServiceError,
};

/// A JSON body; wrong content type → 415, syntax → 400, shape → 422, too large → 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let req = refuse_declared_oversize(req, state.settings.max_body_bytes)
            .await
            .map_err(|_| too_large())?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

pub fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            format!("the body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            e.body_text(),
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            too_large()
        }
        other => ApiError::new(StatusCode::BAD_REQUEST, "bad-request", other.body_text()),
    }
}

/// Query parameters; anything malformed → 400 with the reason.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid-query", e.body_text()))
    }
}

/// Path parameters; a malformed id is simply not found.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| ApiError::not_found("no such resource"))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Pages log in with a session cookie; API clients send a bearer token. A request that
        // sends a token is judged by the token alone.
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            let store = &app.login.sessions;
            let session = match sessions::cookie_value(&parts.headers, store.names.session) {
                Some(token) => store.load(&token).await.map_err(ServiceError::from)?,
                None => None,
            }
            .filter(|s| s.kind != sessions::SessionKind::Pending);
            let Some(session) = session else {
                return Err(ApiError::unauthorized(
                    "this endpoint needs a bearer token or a login session",
                ));
            };
            // The browser sends the cookie on a foreign page's behalf too: changes need proof
            // that the request comes from our own pages (super::csrf).
            let own_origin = super::csrf::origin_of(&app.settings.base_url());
            if !super::csrf::cookie_request_allowed(
                &parts.method,
                &parts.headers,
                own_origin.as_deref(),
                &session.data.csrf,
            ) {
                tracing::warn!("an API change with the login cookie was refused: no CSRF proof");
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "a change made with the login cookie needs the page's X-CSRF-Token header \
                     or a same-origin Origin; API clients send a bearer token",
                ));
            }
            return Ok(app.login.principal(app, &session).await?);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <token>`")
            })?;
        let now = jsonwebtoken::get_current_timestamp();
        let verified = match app.verified.get(token, now) {
            Some(v) => v,
            None => {
                let v = app.verifier.verify(token).await?;
                app.verified.put(token, v.clone());
                v
            }
        };
        Ok(resolve::resolve(app, verified).await?)
    }
}

/// Parses a JSON body already read as bytes (for handlers that also need the raw bytes, such as
/// idempotent creates), with the same answers as `ApiJson`.
pub fn parse_json_body<T: DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false);
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the body as JSON with `Content-Type: application/json`",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed-json",
                format!("the body is not valid JSON: {inner}"),
            )
        } else {
            let err = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                format!("{path}: {inner}"),
            );
            if path == "." {
                err
            } else {
                err.with_field(path)
            }
        }
    })?;
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// The raw body (for idempotency fingerprints); too large → 413 problem.
pub struct ApiBytes(pub axum::body::Bytes);

impl FromRequest<AppState> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let req = refuse_declared_oversize(req, state.settings.max_body_bytes)
            .await
            .map_err(|_| too_large())?;
        axum::body::Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad-request",
                        "the body could not be read",
                    )
                }
            })
    }
}

/// The one answer to a body over the limit, however it was found out.
fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "the body is larger than this service accepts",
    )
}

/// At most this much of a refused body is read (and dropped) before answering.
const DRAIN_LIMIT: usize = 4 * 1024 * 1024;

/// A body whose declared length is over the limit (every extractor that reads a body refuses it).
#[derive(Debug)]
pub struct DeclaredTooLarge;

/// Refuses a body whose declared length is over `limit` before any of it is used, so each
/// extractor can answer in its own form (a problem, a page). The rest of the body is read and
/// dropped first (up to [`DRAIN_LIMIT`], for at most 2 s): closing a connection with unread data
/// resets it, and the client may then never see the answer.
pub async fn refuse_declared_oversize(
    req: Request,
    limit: usize,
) -> Result<Request, DeclaredTooLarge> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_none_or(|n| n <= limit as u64) {
        return Ok(req);
    }
    use futures::StreamExt;
    let mut body = req.into_body().into_data_stream();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        let mut read = 0;
        while let Some(Ok(chunk)) = body.next().await {
            read += chunk.len();
            if read > DRAIN_LIMIT {
                break;
            }
        }
    })
    .await;
    Err(DeclaredTooLarge)
}
