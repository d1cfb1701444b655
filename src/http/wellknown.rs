//! `/.well-known/jwks.json`: the public keys of dsar's service tokens, for source systems to
//! verify our calls (and, in demo mode, the simulator mounted at `/sim`).
use axum::{Json, Router, extract::State, routing::get};
use jsonwebtoken::jwk::JwkSet;

use crate::{app::AppState, http::problem::ApiResult};

pub fn router() -> Router<AppState> {
    Router::new().route("/.well-known/jwks.json", get(jwks))
}

async fn jwks(State(app): State<AppState>) -> ApiResult<Json<JwkSet>> {
    Ok(Json(app.service_keys.jwks(&app.db, &app.vault).await?))
}
