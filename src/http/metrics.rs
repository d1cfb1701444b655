//! `GET /metrics` (Prometheus text format). On the main address it needs the configured bearer
//! token when one is set; with `metrics.listen` it is served on that address only.
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{app::AppState, http::problem::ApiError};

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// The router for a separate metrics address: no token (the address is the protection).
pub fn separate(app: AppState) -> Router {
    Router::new()
        .route("/metrics", get(open_metrics))
        .with_state(app)
}

async fn render(app: &AppState) -> Response {
    match app.metrics.render(&app.db).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn open_metrics(State(app): State<AppState>) -> Response {
    render(&app).await
}

async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if app.settings.metrics.listen.is_some() {
        return ApiError::not_found("metrics are served on the separate metrics address")
            .into_response();
    }
    let token = app.settings.metrics.token.expose();
    if !token.is_empty() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Constant-time: the token is a secret.
        let same = given.len() == token.len()
            && given
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "metrics need the metrics bearer token",
            )
            .into_response();
        }
    }
    render(&app).await
}
