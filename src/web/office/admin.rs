//! The administration, in pages under a small navigation of its own: staff (search, add, and
//! each person's page, `admin_staff`), units, routing rules (add, turn off after a confirmation
//! and on again), source systems (their health; out of use after a confirmation and back), and
//! controllers with their public bodies (each controller and unit has its own page to edit it,
//! `admin_registry`).
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::routing_rule;
use maud::{Markup, html};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Office, Section, form_error, frame, kind_label, with_status};
use crate::{
    administration::{self, NewRule},
    app::AppState,
    error::{ServiceError, ServiceResult},
    i18n::Language,
    lifecycle::{RightKind, Role},
    registry::Registry,
    web::components::{Form, FormErrors},
    web::{
        CsrfForm, PageQuery, csrf_field, date_time,
        form::{Button, Typed, trimmed},
    },
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

fn unit_label(registry: &Registry, id: Uuid) -> String {
    match registry.units.get(&id) {
        Some(u) => {
            let owner = registry
                .controllers
                .get(&u.controller_id)
                .map_or("?", |c| c.name.as_str());
            format!("{} – {owner}", u.name)
        }
        None => "?".into(),
    }
}

/// What a rule matches, in words: area, geography, kind ("*" for any).
fn rule_facts(lang: Language, registry: &Registry, r: &routing_rule::Model) -> Markup {
    let t = |k: &str| crate::i18n::t(lang, k);
    html! {
        dl.facts {
            dt { (t("office.queue.f_area")) }
            dd { (r.service_area.as_deref().and_then(|a| registry.service_areas.get(a)).map(|a| a.name.as_str()).unwrap_or("*")) }
            dt { (t("office.admin.geography")) }
            dd { (r.geography.as_deref().unwrap_or("*")) }
            dt { (t("office.queue.kind")) }
            dd { (rule_kind(lang, r.kind.as_deref())) }
            dt { (t("office.queue.unit")) }
            dd { (unit_label(registry, r.unit_id)) }
        }
    }
}

pub async fn rules_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    render_rules(
        &app,
        &office,
        &query,
        FormErrors::default(),
        Typed::default(),
    )
    .await
    .unwrap_or_else(|e| office.error(e))
}

async fn render_rules(
    app: &AppState,
    office: &Office,
    query: &AdminQuery,
    errors: FormErrors,
    typed: Typed,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let registry = app.registry.get(&app.db).await?;
    let mut rules = routing_rule::Entity::find().all(&app.db).await?;
    // Active first, then by the unit they send to.
    rules.sort_by_key(|r| (!r.active, unit_label(&registry, r.unit_id)));
    let mut units: Vec<_> = registry.units.values().collect();
    units.sort_by_key(|u| unit_label(&registry, u.id));
    let mut areas: Vec<_> = registry.service_areas.values().collect();
    areas.sort_by(|a, b| a.name.cmp(&b.name));
    let value = |field: &str| typed.get(field);
    let rule = Form::new("rule", &errors);
    let csrf = csrf_field(&office.session.session);
    let undo = query
        .regel
        .parse::<Uuid>()
        .ok()
        .filter(|_| query.done == "rule_off");
    let body = html! {
        @if let Some(c) = done_text(lang, &query.done) {
            div.notice.notice--success role="status" {
                p { (c) }
                @if let Some(id) = undo {
                    form.inline method="post" action=(format!("{RULES}/{id}/pa")) {
                        (csrf)
                        button.secondary type="submit" { (t("office.admin.activate")) }
                    }
                }
            }
        }
        section aria-labelledby="rules-title" {
            h2 #rules-title { (t("office.admin.rules")) }
            div.table-scroll tabindex="0" role="region" aria-labelledby="rules-title" {
                table {
                    thead { tr {
                        th scope="col" { (t("office.queue.f_area")) }
                        th scope="col" { (t("office.admin.geography")) }
                        th scope="col" { (t("office.queue.kind")) }
                        th scope="col" { (t("office.queue.unit")) }
                        th scope="col" { (t("office.admin.state")) }
                    } }
                    tbody {
                        @for r in &rules {
                            tr {
                                td { (r.service_area.as_deref().and_then(|a| registry.service_areas.get(a)).map(|a| a.name.as_str()).unwrap_or("*")) }
                                td { (r.geography.as_deref().unwrap_or("*")) }
                                td { (rule_kind(lang, r.kind.as_deref())) }
                                td { (unit_label(&registry, r.unit_id)) }
                                td {
                                    @if r.active {
                                        (t("office.admin.in_use")) " "
                                        a.button.button--secondary.button--small href=(format!("{RULES}/{}/slett", r.id)) { (t("office.admin.deactivate")) }
                                    } @else {
                                        (t("office.admin.inactive")) " "
                                        form.inline method="post" action=(format!("{RULES}/{}/pa", r.id)) {
                                            (csrf)
                                            button.secondary.button--small type="submit" { (t("office.admin.activate")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="new-rule-title" {
            h2 #new-rule-title { (t("office.admin.new_rule")) }
            p.hint { (t("office.admin.new_rule_hint")) }
            (errors.summary(lang, "rule"))
            form method="post" action=(RULES) novalidate {
                (csrf)
                @if let Some(e) = errors.get("rule_match") {
                    p.field-error #rule-rule_match tabindex="-1" { (e) }
                }
                (rule.select("service_area", t("office.queue.f_area"), html! {
                    option value="" { (t("office.admin.any")) }
                    @for a in &areas { option value=(a.code) selected[value("service_area") == a.code] { (a.name) } }
                }))
                (rule.text("geography", t("office.admin.geography")).hint(t("office.admin.geography_hint")).numeric().maxlength(6).no_autocomplete().value(value("geography")))
                div.field {
                    label for="rule-kind" { (t("office.queue.kind")) }
                    select #rule-kind name="kind" {
                        option value="" { (t("office.admin.any")) }
                        @for k in RightKind::ALL { option value=(k.as_str()) selected[value("kind") == k.as_str()] { (kind_label(lang, k)) } }
                    }
                }
                (rule.select("unit_id", t("office.queue.unit"), html! {
                    option value="" selected[value("unit_id").is_empty()] { (t("office.admin.choose_unit")) }
                    @for u in &units { option value=(u.id) selected[value("unit_id") == u.id.to_string()] { (unit_label(&registry, u.id)) } }
                }).required())
                button type="submit" { (t("office.admin.add_rule")) }
            }
        }
    };
    let response = admin_frame(office, AdminPage::Rules, t("office.admin.rules"), body);
    Ok(refused_status(&errors, response))
}

/// A new routing rule: what it matches (empty matches anything) and the unit it sends to.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RuleForm {
    #[serde(deserialize_with = "trimmed")]
    service_area: String,
    #[serde(deserialize_with = "trimmed")]
    geography: String,
    #[serde(deserialize_with = "trimmed")]
    kind: String,
    #[serde(deserialize_with = "trimmed")]
    unit_id: String,
}

/// A rule's right in the list: `*` for any, and a stored kind dsar cannot read said as such.
fn rule_kind(lang: Language, kind: Option<&str>) -> &'static str {
    match kind {
        None => "*",
        Some(k) => RightKind::parse(k).map_or_else(
            || crate::i18n::t(lang, "office.admin.unknown_kind"),
            |k| kind_label(lang, k),
        ),
    }
}

pub async fn add_rule(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<RuleForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let opt = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    let result = match form.unit_id.parse::<Uuid>() {
        Err(_) => Err(ServiceError::invalid("unit_id", "choose a unit")),
        Ok(unit_id) => {
            let rule = NewRule {
                service_area: opt(&form.service_area),
                geography: opt(&form.geography),
                kind: RightKind::parse(&form.kind),
                unit_id,
            };
            administration::add_rule(&app, &office.principal, rule)
                .await
                .map(|_| ())
        }
    };
    match outcome(&office, result, &format!("{RULES}?done=rule")) {
        Ok(r) => r,
        Err(errors) => render_rules(
            &app,
            &office,
            &AdminQuery::default(),
            errors,
            Typed::of(&form),
        )
        .await
        .unwrap_or_else(|e| office.error(e)),
    }
}

/// The separate step before a rule is turned off: what it matches, and the button.
pub async fn confirm_rule_off(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("routing rule"));
    };
    let render = async {
        let registry = app.registry.get(&app.db).await?;
        let rule = routing_rule::Entity::find_by_id(id)
            .one(&app.db)
            .await?
            .ok_or(ServiceError::NotFound("routing rule"))?;
        let t = |k: &str| office.t(k);
        let body = html! {
            (rule_facts(office.lang, &registry, &rule))
            @if rule.active {
                p { (t("office.admin.confirm_rule_off_text")) }
                form method="post" action=(format!("{RULES}/{id}/slett")) {
                    (csrf_field(&office.session.session))
                    input type="hidden" name="confirm" value="yes";
                    div.actions {
                        button.button--danger type="submit" { (t("office.admin.confirm_rule_off_button")) }
                        a.button.button--secondary href=(RULES) { (t("office.admin.cancel")) }
                    }
                }
            } @else {
                p { (t("office.admin.rule_already_off")) }
                p { a href=(RULES) { (t("office.admin.back_rules")) } }
            }
        };
        ServiceResult::Ok(admin_frame(
            &office,
            AdminPage::Rules,
            t("office.admin.confirm_rule_off"),
            body,
        ))
    };
    render.await.unwrap_or_else(|e| office.error(e))
}

/// The confirmation step's form: `confirm=yes`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    #[serde(deserialize_with = "trimmed")]
    pub(super) confirm: String,
}

/// Turns a rule off once confirmed; without the confirmation, to the step that asks for it.
pub async fn deactivate_rule(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ConfirmForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("routing rule"));
    };
    if form.confirm != "yes" {
        return Redirect::to(&format!("{RULES}/{id}/slett")).into_response();
    }
    match administration::set_rule_active(&app, &office.principal, id, false).await {
        Ok(()) => Redirect::to(&format!("{RULES}?done=rule_off&regel={id}")).into_response(),
        Err(e) => office.error(e),
    }
}

/// Turns a rule on again (the way back from turning it off).
pub async fn activate_rule(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("routing rule"));
    };
    match administration::set_rule_active(&app, &office.principal, id, true).await {
        Ok(()) => Redirect::to(&format!("{RULES}?done=rule_on")).into_response(),
        Err(e) => office.error(e),
    }
}

pub async fn sources_page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<AdminQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
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
    render.await.unwrap_or_else(|e| office.error(e))
}

/// The separate step before a source is taken out of use.
pub async fn confirm_source_off(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
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
    render.await.unwrap_or_else(|e| office.error(e))
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
