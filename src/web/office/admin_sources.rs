//! The administration's source systems: their health, taking one out of use after a
//! confirmation, and back into use.
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::Deserialize;

use super::{
    Office,
    admin::{AdminPage, AdminQuery, SOURCES, admin_frame, admin_page, done_text, require_admin},
};
use crate::{
    administration,
    app::AppState,
    error::{ServiceError, ServiceResult},
    web::{CsrfForm, PageQuery, csrf_field, date_time, form::trimmed},
};

pub async fn sources_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    let render = async {
        let lang = office.lang;
        let t = |k: &str| office.t(k);
        let registry = app.registry.get(&app.db).await?;
        let health =
            administration::source_health(&app, &office.principal, chrono::Utc::now()).await?;
        let csrf = csrf_field(&office.session.session);
        let undo = registry
            .sources
            .iter()
            .find(|s| s.id == query.kilde && !s.active)
            .filter(|_| query.done == "source_off");
        let body = html! {
            @if let Some(c) = done_text(lang, &query.done) {
                div.notice.notice--success role="status" {
                    p { (c) }
                    @if let Some(s) = undo {
                        form.inline method="post" action=(format!("{SOURCES}/{}", s.id)) {
                            (csrf)
                            input type="hidden" name="active" value="true";
                            button.secondary type="submit" { (t("office.admin.take_in_again")) }
                        }
                    }
                }
            }
            p { (t("office.admin.sources_intro")) }
            div.table-scroll tabindex="0" role="region" aria-labelledby="sources-title" {
                table {
                    caption #sources-title { (t("office.admin.sources")) }
                    thead { tr {
                        th scope="col" { (t("office.case.source")) }
                        th scope="col" { (t("office.admin.owner")) }
                        th scope="col" { (t("office.admin.last_success")) }
                        th scope="col" { (t("office.admin.last_error")) }
                        th scope="col" { (t("office.admin.failed_24h")) }
                        th scope="col" { (t("office.admin.state")) }
                    } }
                    tbody {
                        @for s in &registry.sources {
                            @let h = health.get(&s.id).cloned().unwrap_or_default();
                            tr {
                                th scope="row" {
                                    (s.name) br;
                                    small { code { (s.id) } " · " (s.endpoint.as_deref().unwrap_or_else(|| t("office.admin.manual"))) }
                                }
                                td { (s.owner) }
                                td {
                                    @if let Some(at) = h.last_success { (date_time(lang, at)) } @else { (t("office.admin.never")) }
                                }
                                td {
                                    @if let Some((at, text)) = &h.last_error {
                                        (date_time(lang, *at)) br; small.error-text { (text) }
                                    } @else {
                                        (t("office.admin.none"))
                                    }
                                }
                                td.num { (h.failed_24h) }
                                td {
                                    @if s.active {
                                        (t("office.admin.in_use")) " "
                                        a.button.button--secondary.button--small href=(format!("{SOURCES}/{}/ta-ut", s.id)) { (t("office.admin.take_out")) }
                                    } @else {
                                        (t("office.admin.inactive")) " "
                                        form.inline method="post" action=(format!("{SOURCES}/{}", s.id)) {
                                            (csrf)
                                            input type="hidden" name="active" value="true";
                                            button.secondary.button--small type="submit" { (t("office.admin.take_in_again")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        ServiceResult::Ok(admin_frame(
            &office,
            AdminPage::Sources,
            t("office.admin.sources"),
            body,
        ))
    };
    admin_page(&office, render).await
}

/// The separate step before a source is taken out of use.
pub async fn confirm_source_off(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
) -> Response {
    let render = async {
        let registry = app.registry.get(&app.db).await?;
        let source = registry
            .sources
            .iter()
            .find(|s| s.id == id)
            .ok_or(ServiceError::NotFound("source system"))?;
        let t = |k: &str| office.t(k);
        let body = html! {
            dl.facts {
                dt { (t("office.case.source")) }
                dd { (source.name) " (" code { (source.id) } ")" }
                dt { (t("office.admin.owner")) }
                dd { (source.owner) }
            }
            @if source.active {
                p { (t("office.admin.confirm_source_off_text")) }
                form method="post" action=(format!("{SOURCES}/{}", source.id)) {
                    (csrf_field(&office.session.session))
                    input type="hidden" name="active" value="false";
                    input type="hidden" name="confirm" value="yes";
                    div.actions {
                        button.button--danger type="submit" { (t("office.admin.confirm_source_off_button")) }
                        a.button.button--secondary href=(SOURCES) { (t("office.admin.cancel")) }
                    }
                }
            } @else {
                p { (t("office.admin.source_already_off")) }
                p { a href=(SOURCES) { (t("office.admin.back_sources")) } }
            }
        };
        ServiceResult::Ok(admin_frame(
            &office,
            AdminPage::Sources,
            t("office.admin.confirm_source_off"),
            body,
        ))
    };
    admin_page(&office, render).await
}

/// A source's button: into use (`active=true`) or, confirmed (`confirm=yes`), out of use.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SourceForm {
    #[serde(deserialize_with = "trimmed")]
    active: String,
    #[serde(deserialize_with = "trimmed")]
    confirm: String,
}

/// Takes a source into use (at once: the way back) or out of use (once confirmed; without the
/// confirmation, to the step that asks for it).
pub async fn toggle_source(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<SourceForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let active = form.active == "true";
    if !active && form.confirm != "yes" {
        return Redirect::to(&format!("{SOURCES}/{}/ta-ut", urlencoding(&id))).into_response();
    }
    match administration::set_source_active(&app, &office.principal, &id, active).await {
        Ok(()) if active => Redirect::to(&format!("{SOURCES}?done=source_on")).into_response(),
        Ok(()) => Redirect::to(&format!(
            "{SOURCES}?done=source_off&kilde={}",
            urlencoding(&id)
        ))
        .into_response(),
        Err(e) => office.error(e),
    }
}

/// A path or query segment, percent-encoded.
fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
