//! Demo-only endpoints (mounted only in demo mode): mint tokens for demo personas and list them.
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use entity::{staff_unit, staff_user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    extract::ApiJson,
    problem::{ApiError, ApiResult},
};
use crate::{
    app::AppState,
    demo,
    identity::{Pid, PidPolicy},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dev/token", post(mint_token))
        .route("/dev/personas", get(personas))
        .route("/dev/jwks.json", get(jwks))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    pid: Option<String>,
    staff: Option<String>,
}

#[derive(Serialize)]
struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
}

/// An hour: within the demo issuer's longest accepted lifetime.
const TTL: u64 = 3600;

async fn mint_token(
    State(app): State<AppState>,
    client: crate::web::ClientIp,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<Json<TokenAnswer>> {
    if !app.login.limiter.allow(client.0, "token") {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many token requests from this address; wait a minute",
        ));
    }
    let issuer = app
        .demo_issuer
        .as_ref()
        .ok_or_else(|| ApiError::not_found("demo mode is off"))?;
    let token = match (req.pid, req.staff) {
        (Some(pid), None) => {
            let pid = Pid::parse(
                &pid,
                PidPolicy {
                    allow_synthetic: app.settings.allow_synthetic_pids,
                },
            )
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-input",
                    e.to_string(),
                )
                .with_field("pid")
            })?;
            // The demo issuer's `sub` is pairwise-looking, like ID-porten's: never the pid.
            let sub = app.vault.pseudonym(&pid);
            issuer.mint(&sub, Some(pid.as_str()), TTL)
        }
        (None, Some(username)) => {
            staff_user::Entity::find()
                .filter(staff_user::Column::Username.eq(username.as_str()))
                .one(&app.db)
                .await
                .map_err(|e| ApiError::from(crate::error::ServiceError::from(e)))?
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid-input",
                        "unknown demo staff user",
                    )
                    .with_field("staff")
                })?;
            issuer.mint(&username, None, TTL)
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                "give exactly one of `pid` and `staff`",
            ));
        }
    }
    .map_err(|e| ApiError::from(crate::error::ServiceError::Storage(e.into())))?;
    Ok(Json(TokenAnswer {
        access_token: token,
        token_type: "Bearer",
        expires_in: TTL,
    }))
}

#[derive(Serialize)]
struct StaffPersona {
    username: String,
    display_name: String,
    role: String,
    controller_id: Option<Uuid>,
    unit_ids: Vec<Uuid>,
}

#[derive(Serialize)]
struct Personas {
    staff: Vec<StaffPersona>,
    citizens: Vec<demo::DemoCitizen>,
}

async fn personas(State(app): State<AppState>) -> ApiResult<Json<Personas>> {
    let to_api = |e: sea_orm::DbErr| ApiError::from(crate::error::ServiceError::from(e));
    let users = staff_user::Entity::find()
        .order_by_asc(staff_user::Column::Username)
        .all(&app.db)
        .await
        .map_err(to_api)?;
    let links = staff_unit::Entity::find()
        .all(&app.db)
        .await
        .map_err(to_api)?;
    let staff = users
        .into_iter()
        .map(|u| StaffPersona {
            unit_ids: links
                .iter()
                .filter(|l| l.staff_id == u.id)
                .map(|l| l.unit_id)
                .collect(),
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            controller_id: u.controller_id,
        })
        .collect();
    Ok(Json(Personas {
        staff,
        citizens: demo::demo_citizens(),
    }))
}

async fn jwks(State(app): State<AppState>) -> ApiResult<Json<jsonwebtoken::jwk::JwkSet>> {
    let issuer = app
        .demo_issuer
        .as_ref()
        .ok_or_else(|| ApiError::not_found("demo mode is off"))?;
    Ok(Json(issuer.jwks().clone()))
}
