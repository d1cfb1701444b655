//! Liveness and readiness for load balancers and orchestrators.
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use sea_orm::ConnectionTrait;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database answers.
async fn readyz(State(app): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match app.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "database unavailable" })),
        ),
    }
}
