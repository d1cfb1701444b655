//! The office landing page after staff login: who is logged in, with which role and units.
//! The queue and case pages build on it.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use entity::unit;
use maud::html;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ErrorKind, Lang, MaybeSession, PageError, layout};
use crate::{
    app::AppState,
    auth::{Principal, sessions::SessionKind},
    i18n::{Language, t, tf},
};

pub async fn home(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    // The office speaks bokmål and English.
    let lang = if Language::OFFICE.contains(&lang) {
        lang
    } else {
        Language::Nb
    };
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Staff) else {
        return Ok(Redirect::to("/office/login").into_response());
    };
    let staff = match app.login.principal(&app, &s.session).await {
        Ok(Principal::Staff(staff)) => staff,
        // Deactivated since login, or lost the role: the session no longer grants anything.
        _ => return Err(PageError::new(lang, ErrorKind::StaffRefused).retry("/office/login")),
    };
    let units = unit::Entity::find()
        .filter(unit::Column::Id.is_in(staff.unit_ids.clone()))
        .order_by_asc(unit::Column::Name)
        .all(&app.db)
        .await
        .map_err(|e| {
            let page = PageError::new(lang, ErrorKind::Internal);
            tracing::error!(error_id = %page.error_id, error = %e, "office page failed");
            page
        })?;
    let role_key = format!("office.role_{}", staff.role.as_str());
    let body = html! {
        p { (tf(lang, "office.logged_in_as", &[("name", &staff.display_name)])) }
        dl {
            dt { (t(lang, "office.username")) } dd { (staff.username) }
            dt { (t(lang, "office.role")) } dd { (t(lang, &role_key)) }
            dt { (t(lang, "office.units")) }
            dd {
                @if units.is_empty() {
                    (t(lang, "office.no_units"))
                } @else {
                    ul { @for u in &units { li { (u.name) } } }
                }
            }
        }
    };
    Ok(layout(lang, t(lang, "office.title"), Some(&s.session), body).into_response())
}
