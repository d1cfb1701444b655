//! The administrator's page: controllers and units as registered (each links to its own page to
//! edit it, `admin_registry`), routing rules (add, turn off), source systems (take in or out of
//! use), and staff access (role, units, controller).
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::{routing_rule, staff_unit, staff_user};
use maud::html;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;
use uuid::Uuid;

use super::{FormErrors, Office, Pairs, Section, form_error, frame, kind_label, one, with_status};
use crate::{
    administration::{self, NewRule, StaffAccess},
    app::AppState,
    error::{ServiceError, ServiceResult},
    lifecycle::{RightKind, Role},
    web::{CsrfForm, PageQuery, csrf_field},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminQuery {
    done: String,
    lang: String,
}

/// The page of one controller (admin_registry.rs).
pub fn controller_path(id: Uuid) -> String {
    format!("/office/admin/behandlingsansvarlige/{id}")
}

/// The page of one unit (admin_registry.rs).
pub fn unit_path(id: Uuid) -> String {
    format!("/office/admin/enheter/{id}")
}

/// The refusal page for anyone but an administrator.
pub(super) fn require_admin(office: &Office) -> Option<Response> {
    (office.staff.role != Role::Admin).then(|| {
        office.error(ServiceError::Forbidden(
            "the administration is for administrators".into(),
        ))
    })
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let done = (!query.done.is_empty()).then_some(query.done.as_str());
    match render(&app, &office, done, ("", FormErrors::default(), vec![])).await {
        Ok(r) => r,
        Err(e) => office.error(e),
    }
}

async fn render(
    app: &AppState,
    office: &Office,
    done: Option<&str>,
    refused: (&str, FormErrors, Pairs),
) -> ServiceResult<Response> {
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let (refused_form, errors, values) = refused;
    let registry = app.registry.get(&app.db).await?;
    let mut controllers: Vec<_> = registry.controllers.values().collect();
    controllers.sort_by(|a, b| a.name.cmp(&b.name));
    let mut units: Vec<_> = registry.units.values().collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let controller_name = |id: Uuid| {
        registry
            .controllers
            .get(&id)
            .map(|c| c.name.as_str())
            .unwrap_or("?")
    };
    let unit_name = |id: Uuid| {
        registry
            .units
            .get(&id)
            .map(|u| u.name.as_str())
            .unwrap_or("?")
    };
    let rules = routing_rule::Entity::find().all(&app.db).await?;
    let staff = staff_user::Entity::find()
        .order_by_asc(staff_user::Column::Username)
        .all(&app.db)
        .await?;
    let memberships = staff_unit::Entity::find().all(&app.db).await?;
    let mut areas: Vec<_> = registry.service_areas.values().collect();
    areas.sort_by(|a, b| a.name.cmp(&b.name));
    let value = |form: &str, field: &str| {
        if refused_form == form {
            one(&values, field)
        } else {
            String::new()
        }
    };
    let confirmation =
        done.and_then(|d| crate::i18n::lookup(lang, &format!("office.admin.done_{d}")));
    let csrf = csrf_field(&office.session.session);
    let body = html! {
        @if let Some(c) = confirmation { p.notice.notice--success role="status" { (c) } }
        nav.toc aria-label=(t("office.admin.contents")) {
            ul {
                li { a href="#staff" { (t("office.admin.staff")) } }
                li { a href="#rules" { (t("office.admin.rules")) } }
                li { a href="#sources" { (t("office.admin.sources")) } }
                li { a href="#controllers" { (t("office.admin.controllers")) } }
            }
        }
        section #staff aria-labelledby="staff-title" {
            h2 #staff-title { (t("office.admin.staff")) }
            @if refused_form == "staff" { (errors.summary(lang, "staff")) }
            // Field ids by position, not by id: the page repeats every unit for every person.
            @for (i, u) in staff.iter().enumerate() {
                @let mine: Vec<Uuid> = memberships.iter().filter(|m| m.staff_id == u.id).map(|m| m.unit_id).collect();
                details.staff-row {
                    summary {
                        (u.display_name) " (" (u.username) ") – " (t(&format!("office.role_{}", u.role)))
                        @if !u.active { " – " (t("office.admin.inactive")) }
                    }
                    form method="post" action=(format!("/office/admin/ansatte/{}", u.id)) {
                        (csrf)
                        div.field {
                            label for=(format!("role-{i}")) { (t("office.role")) }
                            select id=(format!("role-{i}")) name="role" {
                                @for r in [Role::Caseworker, Role::PrivacyOfficer, Role::Auditor, Role::Admin] {
                                    option value=(r.as_str()) selected[u.role == r.as_str()] { (t(&format!("office.role_{}", r.as_str()))) }
                                }
                            }
                        }
                        div.field {
                            label for=(format!("controller-{i}")) { (t("office.admin.controller")) }
                            select id=(format!("controller-{i}")) name="controller_id" {
                                option value="" { "–" }
                                @for c in &controllers {
                                    option value=(c.id) selected[u.controller_id == Some(c.id)] { (c.name) }
                                }
                            }
                        }
                        fieldset {
                            legend { (t("office.units")) }
                            div.unit-choices {
                                @for (j, unit) in units.iter().enumerate() {
                                    div.choice {
                                        input type="checkbox" name="unit_ids" value=(unit.id) id=(format!("unit-{i}-{j}")) checked[mine.contains(&unit.id)];
                                        label for=(format!("unit-{i}-{j}")) { (unit.name) }
                                    }
                                }
                            }
                        }
                        div.choice {
                            input type="checkbox" name="active" value="true" id=(format!("active-{i}")) checked[u.active];
                            label for=(format!("active-{i}")) { (t("office.admin.active")) }
                        }
                        button type="submit" { (t("office.admin.save")) }
                    }
                }
            }
        }
        section #rules aria-labelledby="rules-title" {
            h2 #rules-title { (t("office.admin.rules")) }
            div.table-scroll tabindex="0" role="region" aria-labelledby="rules-title" {
                table {
                    thead { tr {
                        th scope="col" { (t("office.queue.f_area")) }
                        th scope="col" { (t("office.admin.geography")) }
                        th scope="col" { (t("office.queue.kind")) }
                        th scope="col" { (t("office.queue.unit")) }
                        th scope="col" { (t("office.admin.controller")) }
                        th scope="col" { (t("office.admin.state")) }
                    } }
                    tbody {
                        @for r in &rules {
                            tr {
                                td { (r.service_area.as_deref().and_then(|a| registry.service_areas.get(a)).map(|a| a.name.as_str()).unwrap_or("*")) }
                                td { (r.geography.as_deref().unwrap_or("*")) }
                                td { (r.kind.as_deref().and_then(RightKind::parse).map(|k| kind_label(lang, k)).unwrap_or("*")) }
                                td { (unit_name(r.unit_id)) }
                                td { (controller_name(r.controller_id)) }
                                td {
                                    @if r.active {
                                        form.inline method="post" action=(format!("/office/admin/regler/{}/slett", r.id)) {
                                            (csrf)
                                            button.secondary type="submit" { (t("office.admin.deactivate")) }
                                        }
                                    } @else {
                                        (t("office.admin.inactive"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (t("office.admin.new_rule")) }
            @if refused_form == "rule" { (errors.summary(lang, "rule")) }
            form method="post" action="/office/admin/regler" {
                (csrf)
                div.field {
                    label for="rule-service_area" { (t("office.queue.f_area")) }
                    select #rule-service_area name="service_area" {
                        option value="" { "*" }
                        @for a in &areas { option value=(a.code) selected[value("rule", "service_area") == a.code] { (a.name) } }
                    }
                    @if let Some(e) = errors.get("service_area").filter(|_| refused_form == "rule") { p.field-error { (e) } }
                }
                div.field {
                    label for="rule-geography" { (t("office.admin.geography")) }
                    input #rule-geography type="text" name="geography" inputmode="numeric" maxlength="6" value=(value("rule", "geography"));
                    @if let Some(e) = errors.get("geography").filter(|_| refused_form == "rule") { p.field-error { (e) } }
                }
                div.field {
                    label for="rule-kind" { (t("office.queue.kind")) }
                    select #rule-kind name="kind" {
                        option value="" { "*" }
                        @for k in RightKind::ALL { option value=(k.as_str()) selected[value("rule", "kind") == k.as_str()] { (kind_label(lang, k)) } }
                    }
                }
                div.field {
                    label for="rule-unit_id" { (t("office.queue.unit")) }
                    select #rule-unit_id name="unit_id" {
                        @for u in &units { option value=(u.id) selected[value("rule", "unit_id") == u.id.to_string()] { (u.name) " – " (controller_name(u.controller_id)) } }
                    }
                    @if let Some(e) = errors.get("unit_id").filter(|_| refused_form == "rule") { p.field-error { (e) } }
                }
                button type="submit" { (t("office.admin.add_rule")) }
            }
        }
        section #sources aria-labelledby="sources-title" {
            h2 #sources-title { (t("office.admin.sources")) }
            div.table-scroll tabindex="0" role="region" aria-labelledby="sources-title" {
                table {
                    thead { tr {
                        th scope="col" { (t("office.case.source")) }
                        th scope="col" { (t("office.admin.owner")) }
                        th scope="col" { (t("office.admin.endpoint")) }
                        th scope="col" { (t("office.admin.state")) }
                    } }
                    tbody {
                        @for s in &registry.sources {
                            tr {
                                th scope="row" { (s.name) br; small { code { (s.id) } } }
                                td { (s.owner) }
                                td { (s.endpoint.as_deref().unwrap_or_else(|| t("office.admin.manual"))) }
                                td {
                                    form.inline method="post" action=(format!("/office/admin/kilder/{}", s.id)) {
                                        (csrf)
                                        input type="hidden" name="active" value=(if s.active { "false" } else { "true" });
                                        (if s.active { t("office.admin.in_use") } else { t("office.admin.inactive") }) " "
                                        button.secondary type="submit" { (if s.active { t("office.admin.take_out") } else { t("office.admin.take_in") }) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #controllers aria-labelledby="controllers-title" {
            h2 #controllers-title { (t("office.admin.controllers")) }
            p { (t("office.admin.controllers_intro")) }
            @for c in &controllers {
                h3 { a href=(controller_path(c.id)) { (c.name) } " " small { "(" (c.org_number) ")" } }
                p {
                    (t("office.admin.four_eyes")) ": " (if c.four_eyes { t("office.admin.yes") } else { t("office.admin.no") })
                    br;
                    (t("office.admin.staff_names")) ": " (if c.show_staff_names_to_citizens { t("office.admin.yes") } else { t("office.admin.no") })
                }
                ul {
                    @for u in units.iter().filter(|u| u.controller_id == c.id) {
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
    let response = frame(office, Section::Admin, t("office.admin.title"), body);
    Ok(if errors.is_empty() {
        response
    } else {
        with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, response)
    })
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

async fn after(
    app: &AppState,
    office: &Office,
    form_name: &'static str,
    form: Pairs,
    result: ServiceResult<()>,
    done: &str,
) -> Response {
    match outcome(office, result, &format!("/office/admin?done={done}")) {
        Ok(r) => r,
        Err(errors) => match render(app, office, None, (form_name, errors, form)).await {
            Ok(r) => r,
            Err(e) => office.error(e),
        },
    }
}

pub async fn update_staff(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("staff member"));
    };
    let Some(role) = Role::ALL
        .into_iter()
        .find(|r| r.as_str() == one(&form, "role"))
    else {
        return after(
            &app,
            &office,
            "staff",
            form,
            Err(ServiceError::invalid("role", "unknown role")),
            "",
        )
        .await;
    };
    let access = StaffAccess {
        role,
        unit_ids: form
            .iter()
            .filter(|(k, _)| k == "unit_ids")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
        controller_id: one(&form, "controller_id").parse().ok(),
        active: one(&form, "active") == "true",
    };
    let result = administration::set_staff_access(&app, &office.principal, id, access).await;
    after(&app, &office, "staff", form, result, "staff").await
}

pub async fn add_rule(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(unit_id) = one(&form, "unit_id").parse::<Uuid>() else {
        return after(
            &app,
            &office,
            "rule",
            form,
            Err(ServiceError::invalid("unit_id", "unknown unit")),
            "",
        )
        .await;
    };
    let opt = |k: &str| Some(one(&form, k)).filter(|v| !v.is_empty());
    let rule = NewRule {
        service_area: opt("service_area"),
        geography: opt("geography"),
        kind: RightKind::parse(&one(&form, "kind")),
        unit_id,
    };
    let result = administration::add_rule(&app, &office.principal, rule)
        .await
        .map(|_| ());
    after(&app, &office, "rule", form, result, "rule").await
}

pub async fn deactivate_rule(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("routing rule"));
    };
    let result = administration::deactivate_rule(&app, &office.principal, id).await;
    after(&app, &office, "rule", form, result, "rule_off").await
}

pub async fn toggle_source(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let active = one(&form, "active") == "true";
    let result = administration::set_source_active(&app, &office.principal, &id, active).await;
    after(&app, &office, "source", form, result, "source").await
}
