//! A staff member's units: adding some from the person page, and taking one away after a
//! separate confirmation step.
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::staff_user;
use maud::html;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Office,
    admin::{AdminPage, AdminQuery, ConfirmForm, admin_frame, outcome, require_admin, staff_path},
    admin_staff::{Refused, render_person, unit_ids},
};
use crate::{
    administration,
    app::AppState,
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
    web::{
        CsrfForm, csrf_field,
        form::{Typed, trimmed_list},
    },
};

/// The units to add to a staff member.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UnitsForm {
    #[serde(deserialize_with = "trimmed_list")]
    unit_ids: Vec<String>,
}

pub async fn add_units(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<UnitsForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("staff member"));
    };
    let result = match unit_ids(&form.unit_ids) {
        Ok(units) => administration::add_staff_units(&app, &office.principal, id, units).await,
        Err(e) => Err(e),
    };
    let to = format!("{}?done=units_added", staff_path(id));
    match outcome(&office, result, &to) {
        Ok(r) => r,
        Err(errors) => {
            let refused = Refused {
                form: "units",
                errors,
                typed: Typed::of(&form),
            };
            office
                .page(render_person(
                    &app,
                    &office,
                    id,
                    &AdminQuery::default(),
                    Some(refused),
                ))
                .await
        }
    }
}

fn ids(staff: &str, unit: &str) -> Option<(Uuid, Uuid)> {
    Some((staff.parse().ok()?, unit.parse().ok()?))
}

/// The separate step before a unit is taken from a staff member; `refused` when it cannot be.
async fn render_remove(
    app: &AppState,
    office: &Office,
    staff_id: Uuid,
    unit_id: Uuid,
    refused: Option<&str>,
) -> ServiceResult<Response> {
    let tt = |k: &str| office.t(k);
    let registry = app.registry.get(&app.db).await?;
    let user = staff_user::Entity::find_by_id(staff_id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("staff member"))?;
    let mine = administration::staff_units(app, staff_id).await?;
    let unit = registry
        .units
        .get(&unit_id)
        .filter(|_| mine.contains(&unit_id))
        .ok_or(ServiceError::NotFound("unit of the staff member"))?;
    let last = user.role == Role::Caseworker.as_str() && mine.len() == 1;
    let question = crate::i18n::tf(
        office.lang,
        "office.admin.confirm_remove_unit",
        &[("unit", &unit.name), ("name", &user.display_name)],
    );
    let body = html! {
        @if let Some(message) = refused {
            div.error-summary role="alert" tabindex="-1" autofocus { p { (message) } }
        }
        @if last {
            p { (tt("office.err.last_unit")) }
            p { a href=(staff_path(staff_id)) { "← " (user.display_name) } }
        } @else {
            p { (tt("office.admin.confirm_remove_unit_text")) }
            form method="post" action=(format!("{}/enheter/{unit_id}/fjern", staff_path(staff_id))) {
                (csrf_field(&office.session.session))
                input type="hidden" name="confirm" value="yes";
                div.actions {
                    button.button--danger type="submit" { (tt("office.admin.remove_unit")) }
                    a.button.button--secondary href=(staff_path(staff_id)) { (tt("office.admin.cancel")) }
                }
            }
        }
    };
    Ok(admin_frame(office, AdminPage::Staff, &question, body))
}

pub async fn confirm_remove_unit(
    State(app): State<AppState>,
    office: Office,
    Path((staff, unit)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Some((staff_id, unit_id)) = ids(&staff, &unit) else {
        return office.error(ServiceError::NotFound("unit of the staff member"));
    };
    office
        .page(render_remove(&app, &office, staff_id, unit_id, None))
        .await
}

/// Takes the unit away once confirmed; without the confirmation, to the step that asks.
pub async fn remove_unit(
    State(app): State<AppState>,
    office: Office,
    Path((staff, unit)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<ConfirmForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Some((staff_id, unit_id)) = ids(&staff, &unit) else {
        return office.error(ServiceError::NotFound("unit of the staff member"));
    };
    let here = format!("{}/enheter/{unit_id}/fjern", staff_path(staff_id));
    if form.confirm != "yes" {
        return Redirect::to(&here).into_response();
    }
    let result =
        administration::remove_staff_unit(&app, &office.principal, staff_id, unit_id).await;
    let to = format!("{}?done=unit_removed&enhet={unit_id}", staff_path(staff_id));
    match outcome(&office, result, &to) {
        Ok(r) => r,
        Err(errors) => {
            let message = errors.0.first().map(|(_, m)| m.clone()).unwrap_or_default();
            render_remove(&app, &office, staff_id, unit_id, Some(&message))
                .await
                .map(|r| super::with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, r))
                .unwrap_or_else(|e| office.error(e))
        }
    }
}
