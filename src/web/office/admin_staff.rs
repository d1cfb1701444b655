//! The administration's staff pages: a search by name, username or unit (a GET form, answered
//! by the server) with a paged list, a form to add a staff member, and each staff member's own
//! page with their role and their units. A unit is added from a list that works without script;
//! taking one away asks first, and the confirmation offers it back.
use axum::{
    extract::{Path, State},
    response::Response,
};
use entity::staff_user;
use maud::{Markup, html};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    FormErrors, Office,
    admin::{
        AdminPage, AdminQuery, STAFF, admin_frame, admin_page, done_text, outcome, refused_status,
        require_admin, staff_path,
    },
};
use crate::{
    administration::{self, NewStaff, StaffAccess},
    app::AppState,
    error::{ServiceError, ServiceResult},
    i18n::{Language, t, tn},
    lifecycle::Role,
    registry::Registry,
    web::components::Form,
    web::{
        CsrfForm, PageQuery, csrf_field,
        form::{Typed, trimmed, trimmed_list},
    },
};

const ROLES: [Role; 4] = [
    Role::Caseworker,
    Role::PrivacyOfficer,
    Role::Auditor,
    Role::Admin,
];

fn role_label(lang: Language, role: &str) -> &'static str {
    t(lang, &format!("office.role_{role}"))
}

/// The units as options of a list, grouped by controller; `chosen` are selected, `except` left
/// out.
fn unit_options(registry: &Registry, chosen: &[String], except: &[Uuid]) -> Markup {
    let mut controllers: Vec<_> = registry.controllers.values().collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    let groups: Vec<_> = controllers
        .into_iter()
        .map(|c| {
            let mut units: Vec<_> = registry
                .units
                .values()
                .filter(|u| u.controller_id == c.id && !except.contains(&u.id))
                .collect();
            units.sort_by(|a, b| a.name.cmp(&b.name));
            (c, units)
        })
        .collect();
    html! {
        @for (c, units) in &groups {
            @if !units.is_empty() {
                optgroup label=(c.name) {
                    @for u in units {
                        @let id = u.id.to_string();
                        option value=(id) selected[chosen.contains(&id)] { (u.name) }
                    }
                }
            }
        }
    }
}

fn controller_options(registry: &Registry, chosen: &str, lang: Language) -> Markup {
    let mut controllers: Vec<_> = registry.controllers.values().collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    html! {
        option value="" { (t(lang, "office.admin.no_controller")) }
        @for c in controllers {
            @let id = c.id.to_string();
            option value=(id) selected[chosen == id] { (c.name) }
        }
    }
}

/// The units' names of a staff member, as the list shows them.
fn unit_names(registry: &Registry, ids: &[Uuid]) -> String {
    let mut names: Vec<&str> = ids
        .iter()
        .filter_map(|u| registry.units.get(u).map(|u| u.name.as_str()))
        .collect();
    names.sort_unstable();
    names.join(", ")
}

pub async fn staff_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    admin_page(
        &office,
        render_staff(
            &app,
            &office,
            &query,
            FormErrors::default(),
            Typed::default(),
        ),
    )
    .await
}

async fn render_staff(
    app: &AppState,
    office: &Office,
    query: &AdminQuery,
    errors: FormErrors,
    typed: Typed,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let tt = |k: &str| office.t(k);
    let registry = app.registry.get(&app.db).await?;
    let page = query.side.parse().unwrap_or(1);
    let found = administration::search_staff(app, &office.principal, query.q.trim(), page).await?;
    let page_href = |p: usize| {
        let mut href = format!("{STAFF}?side={p}");
        if !query.q.trim().is_empty() {
            href.push_str("&q=");
            href.extend(url::form_urlencoded::byte_serialize(
                query.q.trim().as_bytes(),
            ));
        }
        href
    };
    let value = |field: &str| typed.get(field);
    let chosen_units = typed.all("unit_ids");
    let role = value("role");
    let staff = Form::new("staff", &errors);
    let body = html! {
        @if let Some(c) = done_text(lang, &query.done) { p.notice.notice--success role="status" { (c) } }
        section aria-labelledby="search-title" {
            h2 #search-title { (tt("office.admin.find_staff")) }
            form.search method="get" action=(STAFF) role="search" {
                label for="staff-q" { (tt("office.admin.search_label")) }
                input #staff-q type="search" name="q" value=(query.q) autocomplete="off";
                button type="submit" { (tt("office.admin.search")) }
            }
            p role="status" {
                (tn(lang, "office.admin.staff_found", &[("n", found.total.into())]))
                @if !query.q.trim().is_empty() { " " a href=(STAFF) { (tt("office.admin.show_all")) } }
            }
            @if !found.rows.is_empty() {
                div.table-scroll tabindex="0" role="region" aria-labelledby="search-title" {
                    table {
                        thead { tr {
                            th scope="col" { (tt("office.admin.name")) }
                            th scope="col" { (tt("office.username")) }
                            th scope="col" { (tt("office.role")) }
                            th scope="col" { (tt("office.units")) }
                            th scope="col" { (tt("office.admin.state")) }
                        } }
                        tbody {
                            @for row in &found.rows {
                                tr {
                                    th scope="row" { a href=(staff_path(row.user.id)) { (row.user.display_name) } }
                                    td { (row.user.username) }
                                    td { (role_label(lang, &row.user.role)) }
                                    td { (unit_names(&registry, &row.unit_ids)) }
                                    td { (if row.user.active { tt("office.admin.active") } else { tt("office.admin.inactive") }) }
                                }
                            }
                        }
                    }
                }
            }
            @if found.pages > 1 {
                nav.pager aria-label=(tt("office.admin.pages")) {
                    @if found.page > 1 { a rel="prev" href=(page_href(found.page - 1)) { (tt("office.admin.previous_page")) } " " }
                    (tn(lang, "office.admin.page_of", &[("page", found.page.into()), ("pages", found.pages.into())]))
                    @if found.page < found.pages { " " a rel="next" href=(page_href(found.page + 1)) { (tt("office.admin.next_page")) } }
                }
            }
        }
        section aria-labelledby="add-title" {
            h2 #add-title { (tt("office.admin.add_staff")) }
            (errors.summary(lang, "staff"))
            form method="post" action=(STAFF) novalidate {
                (csrf_field(&office.session.session))
                (staff.text("username", tt("office.username")).hint(tt("office.admin.username_hint")).value(value("username")).no_autocomplete().verbatim().maxlength(64).required())
                (staff.text("display_name", tt("office.admin.name")).value(value("display_name")).no_autocomplete().maxlength(200).required())
                (staff.select("role", tt("office.role"), html! {
                    @for r in ROLES { option value=(r.as_str()) selected[role == r.as_str()] { (role_label(lang, r.as_str())) } }
                }))
                (staff.select("controller_id", tt("office.admin.controller"), controller_options(&registry, &value("controller_id"), lang)).hint(tt("office.admin.controller_hint")))
                (staff.select("unit_ids", tt("office.units"), unit_options(&registry, &chosen_units, &[])).hint(tt("office.admin.units_hint")).multiple(8))
                button type="submit" { (tt("office.admin.add_staff_button")) }
            }
        }
    };
    let response = admin_frame(office, AdminPage::Staff, tt("office.admin.staff"), body);
    Ok(refused_status(&errors, response))
}

fn parse_role(role: &str) -> Result<Role, ServiceError> {
    ROLES
        .into_iter()
        .find(|r| r.as_str() == role)
        .ok_or(ServiceError::invalid("role", "unknown role"))
}

pub(super) fn unit_ids(ids: &[String]) -> Result<Vec<Uuid>, ServiceError> {
    ids.iter()
        .map(|v| {
            v.parse()
                .map_err(|_| ServiceError::invalid("unit_ids", "unknown unit"))
        })
        .collect()
}

fn parse_controller(id: &str) -> Result<Option<Uuid>, ServiceError> {
    match id {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| ServiceError::invalid("controller_id", "unknown controller")),
    }
}

/// The form that adds a staff member.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewStaffForm {
    #[serde(deserialize_with = "trimmed")]
    username: String,
    #[serde(deserialize_with = "trimmed")]
    display_name: String,
    #[serde(deserialize_with = "trimmed")]
    role: String,
    #[serde(deserialize_with = "trimmed")]
    controller_id: String,
    #[serde(deserialize_with = "trimmed_list")]
    unit_ids: Vec<String>,
}

pub async fn add_staff(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<NewStaffForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let result = async {
        let role = parse_role(&form.role)?;
        let new = NewStaff {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            access: StaffAccess {
                role,
                unit_ids: unit_ids(&form.unit_ids)?,
                controller_id: parse_controller(&form.controller_id)?,
                active: true,
            },
        };
        administration::add_staff(&app, &office.principal, new).await
    }
    .await;
    let to = match &result {
        Ok(id) => format!("{}?done=staff_added", staff_path(*id)),
        Err(_) => String::new(),
    };
    match outcome(&office, result.map(|_| ()), &to) {
        Ok(r) => r,
        Err(errors) => {
            office
                .page(render_staff(
                    &app,
                    &office,
                    &AdminQuery::default(),
                    errors,
                    Typed::of(&form),
                ))
                .await
        }
    }
}

pub async fn person_page(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("staff member"));
    };
    office
        .page(render_person(&app, &office, id, &query, None))
        .await
}

/// Which of the person page's forms was refused, with its errors and what was typed.
pub(super) struct Refused {
    pub(super) form: &'static str,
    pub(super) errors: FormErrors,
    pub(super) typed: Typed,
}

pub(super) async fn render_person(
    app: &AppState,
    office: &Office,
    id: Uuid,
    query: &AdminQuery,
    refused: Option<Refused>,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let tt = |k: &str| office.t(k);
    let registry = app.registry.get(&app.db).await?;
    let user = staff_user::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("staff member"))?;
    let mut mine = administration::staff_units(app, id).await?;
    mine.sort_by_key(|u| registry.units.get(u).map(|u| u.name.clone()));
    let no_errors = FormErrors::default();
    let (access_errors, unit_errors) = match &refused {
        Some(r) if r.form == "access" => (&r.errors, &no_errors),
        Some(r) => (&no_errors, &r.errors),
        None => (&no_errors, &no_errors),
    };
    let typed = |form: &str, field: &str| {
        refused
            .as_ref()
            .filter(|r| r.form == form)
            .map(|r| r.typed.get(field))
    };
    let role = typed("access", "role").unwrap_or_else(|| user.role.clone());
    let controller = typed("access", "controller_id").unwrap_or_else(|| {
        user.controller_id
            .map(|c| c.to_string())
            .unwrap_or_default()
    });
    let active = typed("access", "active").map_or(user.active, |v| v == "true");
    let chosen: Vec<String> = refused
        .as_ref()
        .filter(|r| r.form == "units")
        .map(|r| r.typed.all("unit_ids"))
        .unwrap_or_default();
    let access = Form::new("access", access_errors);
    let units_form = Form::new("units", unit_errors);
    let csrf = csrf_field(&office.session.session);
    let undo = query
        .enhet
        .parse::<Uuid>()
        .ok()
        .filter(|u| query.done == "unit_removed" && !mine.contains(u));
    let body = html! {
        p.back { a href=(STAFF) { "← " (tt("office.admin.back_staff")) } }
        @if let Some(c) = done_text(lang, &query.done) {
            div.notice.notice--success role="status" {
                p { (c) }
                @if let Some(u) = undo {
                    form.inline method="post" action=(format!("{}/enheter", staff_path(id))) {
                        (csrf)
                        input type="hidden" name="unit_ids" value=(u);
                        button.secondary type="submit" {
                            (crate::i18n::tf(lang, "office.admin.unit_back", &[("unit", registry.units.get(&u).map_or("?", |u| u.name.as_str()))]))
                        }
                    }
                }
            }
        }
        dl.facts {
            dt { (tt("office.username")) }
            dd { (user.username) }
        }
        section aria-labelledby="access-title" {
            h2 #access-title { (tt("office.admin.access")) }
            (access_errors.summary(lang, "access"))
            form method="post" action=(staff_path(id)) novalidate {
                (csrf)
                input type="hidden" name="keep_units" value="true";
                (access.select("role", tt("office.role"), html! {
                    @for r in ROLES { option value=(r.as_str()) selected[role == r.as_str()] { (role_label(lang, r.as_str())) } }
                }))
                (access.select("controller_id", tt("office.admin.controller"), controller_options(&registry, &controller, lang)).hint(tt("office.admin.controller_hint")))
                div.choice {
                    input #access-active type="checkbox" name="active" value="true" checked[active]
                        aria-invalid=[access.invalid("active")] aria-describedby=[access.described("active", false)];
                    label for="access-active" { (tt("office.admin.active")) }
                }
                (access.error("active"))
                (access.error("unit_ids"))
                button type="submit" { (tt("office.admin.save")) }
            }
        }
        section aria-labelledby="units-title" {
            h2 #units-title { (tt("office.units")) }
            @if mine.is_empty() {
                p { (tt("office.no_units")) }
            } @else {
                ul.unit-list {
                    @for u in &mine {
                        li {
                            (registry.units.get(u).map_or("?", |u| u.name.as_str()))
                            " "
                            a.button.button--secondary.button--small href=(format!("{}/enheter/{u}/fjern", staff_path(id)))
                                aria-label=(crate::i18n::tf(lang, "office.admin.remove_unit_named", &[("unit", registry.units.get(u).map_or("?", |u| u.name.as_str()))])) {
                                (tt("office.admin.remove_unit"))
                            }
                        }
                    }
                }
            }
            h3 { (tt("office.admin.add_units")) }
            (unit_errors.summary(lang, "units"))
            form method="post" action=(format!("{}/enheter", staff_path(id))) novalidate {
                (csrf)
                (units_form.select("unit_ids", tt("office.units"), unit_options(&registry, &chosen, &mine)).hint(tt("office.admin.units_hint")).multiple(8))
                button type="submit" { (tt("office.admin.add_units_button")) }
            }
        }
    };
    let title = format!("{} ({})", user.display_name, role_label(lang, &user.role));
    let response = admin_frame(office, AdminPage::Staff, &title, body);
    let errors = refused.map(|r| r.errors).unwrap_or_default();
    Ok(refused_status(&errors, response))
}

/// The person page's access form. `keep_units` says the units stay as they are.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AccessForm {
    #[serde(deserialize_with = "trimmed")]
    role: String,
    #[serde(deserialize_with = "trimmed")]
    controller_id: String,
    #[serde(deserialize_with = "trimmed")]
    active: String,
    #[serde(deserialize_with = "trimmed")]
    keep_units: String,
    #[serde(deserialize_with = "trimmed_list")]
    unit_ids: Vec<String>,
}

/// Saves a staff member's role, controller and whether active. The person page keeps the units
/// (`keep_units`); a form that sends `unit_ids` sets them too.
pub async fn update_staff(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<AccessForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("staff member"));
    };
    let result = async {
        let role = parse_role(&form.role)?;
        let controller_id = parse_controller(&form.controller_id)?;
        let active = form.active == "true";
        if form.keep_units == "true" {
            administration::set_staff_role(&app, &office.principal, id, role, controller_id, active)
                .await
        } else {
            let access = StaffAccess {
                role,
                unit_ids: unit_ids(&form.unit_ids)?,
                controller_id,
                active,
            };
            administration::set_staff_access(&app, &office.principal, id, access).await
        }
    }
    .await;
    let to = format!("{}?done=staff", staff_path(id));
    match outcome(&office, result, &to) {
        Ok(r) => r,
        Err(errors) => {
            let refused = Refused {
                form: "access",
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
