//! `GET /api/v1/registry`: controllers with their units, and the service areas. Public: it is
//! the public bodies' own organisation, and citizens choose a service area from it.
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    app::AppState,
    http::problem::{ApiResult, Problem},
};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistryUnit {
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
    /// Receives what no routing rule matches.
    pub is_fallback: bool,
    /// Receives requests of persons with a strictly confidential address.
    pub is_protected: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistryController {
    pub id: Uuid,
    pub name: String,
    pub org_number: String,
    pub four_eyes: bool,
    pub units: Vec<RegistryUnit>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistryServiceArea {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistryAnswer {
    pub controllers: Vec<RegistryController>,
    pub service_areas: Vec<RegistryServiceArea>,
}

#[utoipa::path(
    get, path = "/api/v1/registry", tag = "registry",
    responses(
        (status = 200, description = "Controllers, units and service areas", body = RegistryAnswer),
        (status = 500, description = "Storage failure", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_registry(State(app): State<AppState>) -> ApiResult<Json<RegistryAnswer>> {
    let registry = app
        .registry
        .get(&app.db)
        .await
        .map_err(crate::error::ServiceError::from)?;
    let mut controllers: Vec<RegistryController> = registry
        .controllers
        .values()
        .map(|c| {
            let mut units: Vec<RegistryUnit> = registry
                .units
                .values()
                .filter(|u| u.controller_id == c.id)
                .map(|u| RegistryUnit {
                    id: u.id,
                    name: u.name.clone(),
                    code: u.code.clone(),
                    is_fallback: u.is_fallback,
                    is_protected: u.is_protected,
                })
                .collect();
            units.sort_by(|a, b| a.name.cmp(&b.name));
            RegistryController {
                id: c.id,
                name: c.name.clone(),
                org_number: c.org_number.clone(),
                four_eyes: c.four_eyes,
                units,
            }
        })
        .collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    let mut service_areas: Vec<RegistryServiceArea> = registry
        .service_areas
        .values()
        .map(|s| RegistryServiceArea {
            code: s.code.clone(),
            name: s.name.clone(),
        })
        .collect();
    service_areas.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Json(RegistryAnswer {
        controllers,
        service_areas,
    }))
}
