//! The administration, in pages under a small navigation of its own: staff (search, add, and
//! each person's page, `admin_staff`), units, routing rules (`admin_rules`), source systems
//! (`admin_sources`), and controllers with their public bodies (each controller and unit has
//! its own page to edit it, `admin_registry`). This file holds the frame, the overview, the
//! units and controllers lists, and what the administration's pages share.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{Office, Section, form_error, frame, with_status};
use crate::{
    app::AppState,
    error::{ServiceError, ServiceResult},
    i18n::Language,
    lifecycle::Role,
    web::components::FormErrors,
    web::{PageQuery, form::trimmed},
};

/// The query of the administration's pages: a confirmation to show (`done`) and what it may
/// undo, a staff search (`q`, `side`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminQuery {
    pub done: String,
    pub lang: String,
    pub q: String,
    pub side: String,
    /// The rule, source or unit the confirmation is about (offered back: "undo").
    pub regel: String,
    pub kilde: String,
    pub enhet: String,
}

pub const STAFF: &str = "/office/admin/ansatte";
pub const UNITS: &str = "/office/admin/enheter";
pub const RULES: &str = "/office/admin/regler";
pub const SOURCES: &str = "/office/admin/kilder";
pub const CONTROLLERS: &str = "/office/admin/behandlingsansvarlige";

/// The page of one controller (admin_registry.rs).
pub fn controller_path(id: Uuid) -> String {
    format!("{CONTROLLERS}/{id}")
}

/// The page of one unit (admin_registry.rs).
pub fn unit_path(id: Uuid) -> String {
    format!("{UNITS}/{id}")
}

/// The page of one staff member (admin_staff.rs).
pub fn staff_path(id: Uuid) -> String {
    format!("{STAFF}/{id}")
}

/// The refusal page for anyone but an administrator.
pub(super) fn require_admin(office: &Office) -> Option<Response> {
    (office.staff.role != Role::Admin).then(|| {
        office.error(ServiceError::Forbidden(
            "the administration is for administrators".into(),
        ))
    })
}

/// An administration page: refused for anyone but an administrator, else what `render` builds
/// (or the error page for its failure). `render` does nothing until awaited.
pub(super) async fn admin_page(
    office: &Office,
    render: impl std::future::Future<Output = Result<Response, ServiceError>>,
) -> Response {
    match require_admin(office) {
        Some(refused) => refused,
        None => office.page(render).await,
    }
}

/// The administration's pages, as its navigation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminPage {
    Overview,
    Staff,
    Units,
    Rules,
    Sources,
    Controllers,
}

const PAGES: [(AdminPage, &str, &str); 5] = [
    (AdminPage::Staff, STAFF, "office.admin.staff"),
    (AdminPage::Units, UNITS, "office.admin.units"),
    (AdminPage::Rules, RULES, "office.admin.rules"),
    (AdminPage::Sources, SOURCES, "office.admin.sources"),
    (
        AdminPage::Controllers,
        CONTROLLERS,
        "office.admin.controllers",
    ),
];

/// An administration page: the office frame with the administration's own navigation on top.
pub(super) fn admin_frame(office: &Office, page: AdminPage, title: &str, body: Markup) -> Response {
    let body = html! {
        nav.admin-nav aria-label=(office.t("office.admin.contents")) {
            ul {
                @for (p, href, key) in PAGES {
                    li {
                        @if p == page {
                            a href=(href) aria-current="page" { (office.t(key)) }
                        } @else {
                            a href=(href) { (office.t(key)) }
                        }
                    }
                }
            }
        }
        (body)
    };
    frame(office, Section::Admin, title, body)
}

/// The confirmation for `done`, if there is a text for it.
pub(super) fn done_text(lang: Language, done: &str) -> Option<&'static str> {
    (!done.is_empty())
        .then(|| crate::i18n::lookup(lang, &format!("office.admin.done_{done}")))
        .flatten()
}

/// A page answered 422 when its form was refused.
pub(super) fn refused_status(errors: &FormErrors, response: Response) -> Response {
    if errors.is_empty() {
        response
    } else {
        with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, response)
    }
}

/// The administration's start: what each page holds.
pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let registry = match app.registry.get(&app.db).await {
        Ok(r) => r,
        Err(e) => return office.error(e.into()),
    };
    let t = |k: &str| office.t(k);
    let body = html! {
        @if let Some(c) = done_text(office.lang, &query.done) { p.notice.notice--success role="status" { (c) } }
        ul.admin-overview {
            @for (_, href, key) in PAGES {
                li {
                    h2 { a href=(href) { (t(key)) } }
                    p { (t(&format!("{key}_about"))) }
                }
            }
        }
        p.muted {
            (crate::i18n::tn(office.lang, "office.admin.overview_counts", &[
                ("controllers", registry.controllers.len().into()),
                ("units", registry.units.len().into()),
            ]))
        }
    };
    admin_frame(&office, AdminPage::Overview, t("office.admin.title"), body)
}

/// After an admin form's domain call: a redirect to `to` on success (post/redirect/get), the
/// error page for what is not a form error, or `Err` with the field's error for the form to be
/// shown again with what was typed (HTTP 422).
pub(super) fn outcome(
    office: &Office,
    result: ServiceResult<()>,
    to: &str,
) -> Result<Response, FormErrors> {
    match result {
        Ok(()) => Ok(Redirect::to(to).into_response()),
        Err(e) => match form_error(office.lang, &e) {
            Some((field, message)) => {
                let mut errors = FormErrors::default();
                errors.push(&field, message);
                Err(errors)
            }
            None => Ok(office.error(e)),
        },
    }
}

/// The confirmation step's form: `confirm=yes`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    #[serde(deserialize_with = "trimmed")]
    pub(super) confirm: String,
}

/// The units of every controller, each linking to its page.
pub async fn units_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let registry = match app.registry.get(&app.db).await {
        Ok(r) => r,
        Err(e) => return office.error(e.into()),
    };
    let t = |k: &str| office.t(k);
    let mut controllers: Vec<_> = registry.controllers.values().collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    let groups: Vec<_> = controllers
        .into_iter()
        .map(|c| {
            let mut units: Vec<_> = registry
                .units
                .values()
                .filter(|u| u.controller_id == c.id)
                .collect();
            units.sort_by(|a, b| a.name.cmp(&b.name));
            (c, units)
        })
        .collect();
    let body = html! {
        @if let Some(c) = done_text(office.lang, &query.done) { p.notice.notice--success role="status" { (c) } }
        p { (t("office.admin.units_intro")) }
        @for (c, units) in &groups {
            @if !units.is_empty() {
                h2 { a href=(controller_path(c.id)) { (c.name) } }
                ul {
                    @for u in units {
                        li {
                            a href=(unit_path(u.id)) { (u.name) }
                            @if let Some(code) = &u.code { " (" (code) ")" }
                            @if u.is_fallback { " – " (t("office.admin.fallback")) }
                            @if u.is_protected { " – " (t("office.admin.protected")) }
                        }
                    }
                }
            }
        }
    };
    admin_frame(&office, AdminPage::Units, t("office.admin.units"), body)
}

/// The controllers, grouped by the public body they are part of.
pub async fn controllers_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let registry = match app.registry.get(&app.db).await {
        Ok(r) => r,
        Err(e) => return office.error(e.into()),
    };
    let t = |k: &str| office.t(k);
    let mut controllers: Vec<_> = registry.controllers.values().collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    let yes_no = |b: bool| {
        if b {
            t("office.admin.yes")
        } else {
            t("office.admin.no")
        }
    };
    let body = html! {
        @if let Some(c) = done_text(office.lang, &query.done) { p.notice.notice--success role="status" { (c) } }
        p { (t("office.admin.controllers_intro")) }
        div.table-scroll tabindex="0" role="region" aria-labelledby="controllers-title" {
            table {
                caption #controllers-title { (t("office.admin.controllers")) }
                thead { tr {
                    th scope="col" { (t("office.admin.name")) }
                    th scope="col" { (t("office.admin.public_body")) }
                    th scope="col" { (t("office.units")) }
                    th scope="col" { (t("office.admin.four_eyes")) }
                    th scope="col" { (t("office.admin.staff_names")) }
                } }
                tbody {
                    @for c in &controllers {
                        tr {
                            th scope="row" { a href=(controller_path(c.id)) { (c.name) } br; small { (c.org_number) } }
                            td { (c.public_body_id.and_then(|b| registry.controllers.get(&b)).map_or("–", |b| b.name.as_str())) }
                            td.num { (registry.units.values().filter(|u| u.controller_id == c.id).count()) }
                            td { (yes_no(c.four_eyes)) }
                            td { (yes_no(c.show_staff_names_to_citizens)) }
                        }
                    }
                }
            }
        }
    };
    admin_frame(
        &office,
        AdminPage::Controllers,
        t("office.admin.controllers"),
        body,
    )
}
