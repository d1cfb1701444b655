//! The administration's routing rules: the list (active first), adding a rule, and turning one
//! off after a confirmation and on again.
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::routing_rule;
use maud::{Markup, html};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Office,
    admin::{
        AdminPage, AdminQuery, ConfirmForm, RULES, admin_frame, admin_page, done_text, outcome,
        refused_status, require_admin,
    },
    kind_label,
};
use crate::{
    administration::{self, NewRule},
    app::AppState,
    error::{ServiceError, ServiceResult},
    i18n::Language,
    lifecycle::RightKind,
    registry::Registry,
    web::components::{Form, FormErrors},
    web::{
        CsrfForm, PageQuery, csrf_field,
        form::{Button, Typed, trimmed},
    },
};

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
    admin_page(
        &office,
        render_rules(
            &app,
            &office,
            &query,
            FormErrors::default(),
            Typed::default(),
        ),
    )
    .await
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
        Err(errors) => {
            office
                .page(render_rules(
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
    office.page(render).await
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
