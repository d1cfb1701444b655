//! The administrator's pages for one controller and one unit: a controller's name, contact
//! details, data protection officer, group in the registry of processing activities, four eyes
//! and whether people see the names of its staff who opened their case; a unit's name, unit
//! number, mailbox and automatic collection. The organisation number identifies a controller
//! and is shown, not edited. Reached from the administration's controllers and units pages.
use axum::{
    extract::{Path, State},
    response::Response,
};
use entity::{controller, unit};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Office,
    admin::{
        AdminPage, CONTROLLERS, admin_frame, controller_path, outcome, refused_status,
        require_admin, unit_path,
    },
};
use crate::{
    administration::{self, ControllerSettings, UnitSettings},
    app::AppState,
    error::{ServiceError, ServiceResult},
    i18n::Language,
    web::{
        CsrfForm, PageQuery,
        components::{Field, Form, FormErrors},
        csrf_field,
        form::{Typed, trimmed},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditQuery {
    done: String,
    lang: String,
}

/// One form on the page: the stored values, or what was typed when the form was refused, and
/// the errors beside the fields (`components::Form`).
struct EditForm<'a> {
    form: Form<'a>,
    lang: Language,
    errors: &'a FormErrors,
    typed: Option<&'a Typed>,
}

impl<'a> EditForm<'a> {
    /// The form as stored, or as typed when it was refused.
    fn new(form: &'static str, lang: Language, refused: &'a Option<(FormErrors, Typed)>) -> Self {
        static NO_ERRORS: FormErrors = FormErrors(Vec::new());
        let (errors, typed) = match refused {
            Some((errors, typed)) => (errors, Some(typed)),
            None => (&NO_ERRORS, None),
        };
        Self {
            form: Form::new(form, errors),
            lang,
            errors,
            typed,
        }
    }

    fn t(&self, key: &str) -> &'static str {
        crate::i18n::t(self.lang, key)
    }

    fn value(&self, field: &str, stored: Option<&str>) -> String {
        match self.typed {
            Some(typed) => typed.get(field),
            None => stored.unwrap_or_default().to_string(),
        }
    }

    fn checked(&self, field: &str, stored: bool) -> bool {
        match self.typed {
            Some(typed) => typed.get(field) == "true",
            None => stored,
        }
    }

    /// A text field filled with the stored or typed value.
    fn text(&self, field: &'a str, label: &'a str, stored: Option<&str>) -> Field<'a> {
        self.form
            .text(field, label)
            .value(self.value(field, stored))
    }

    fn textarea(
        &self,
        field: &'a str,
        label: &'a str,
        stored: Option<&str>,
        hint: &'a str,
    ) -> Field<'a> {
        self.form
            .textarea(field, label, 4)
            .hint(hint)
            .value(self.value(field, stored))
    }

    /// A checkbox with its explanation in the label, as the portal's choices have it.
    fn checkbox(&self, field: &str, label: &str, stored: bool, hint: &str) -> Markup {
        html! {
            div.choice {
                input type="checkbox" id=(self.form.id(field)) name=(field) value="true"
                    checked[self.checked(field, stored)]
                    aria-describedby=[self.form.described(field, false)];
                label for=(self.form.id(field)) {
                    strong { (label) }
                    span.hint { (hint) }
                }
            }
            (self.form.error(field))
        }
    }
}

fn notice(lang: Language, done: &str) -> Markup {
    let text = (!done.is_empty())
        .then(|| crate::i18n::lookup(lang, &format!("office.admin.done_{done}")))
        .flatten();
    html! { @if let Some(c) = text { p.notice.notice--success role="status" { (c) } } }
}

pub async fn controller_page(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<EditQuery>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("controller"));
    };
    office
        .page(render_controller(&app, &office, id, &query.done, None))
        .await
}

async fn render_controller(
    app: &AppState,
    office: &Office,
    id: Uuid,
    done: &str,
    refused: Option<(FormErrors, Typed)>,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let registry = app.registry.get(&app.db).await?;
    let c: &controller::Model = registry
        .controllers
        .get(&id)
        .ok_or(ServiceError::NotFound("controller"))?;
    let mut units: Vec<&unit::Model> = registry
        .units
        .values()
        .filter(|u| u.controller_id == id)
        .collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let keys = administration::processing_keys()?;
    let f = EditForm::new("controller", lang, &refused);
    let t = |k: &str| f.t(k);
    let key = f.value("processing_key", c.processing_key.as_deref());
    let stored_protected = c.protected_unit_id.map(|u| u.to_string());
    let protected_unit = f.value("protected_unit_id", stored_protected.as_deref());
    let mut protected_units: Vec<(&unit::Model, &str)> = registry
        .units
        .values()
        .filter(|u| u.is_protected)
        .map(|u| {
            let owner = registry
                .controllers
                .get(&u.controller_id)
                .map_or("", |c| c.name.as_str());
            (u, owner)
        })
        .collect();
    protected_units.sort_by(|a, b| (a.1, &a.0.name).cmp(&(b.1, &b.0.name)));
    let stored_body = c.public_body_id.map(|b| b.to_string());
    let public_body = f.value("public_body_id", stored_body.as_deref());
    let mut public_bodies: Vec<&controller::Model> = registry
        .public_bodies_for(id)
        .iter()
        .filter_map(|b| registry.controllers.get(b))
        .collect();
    public_bodies.sort_by(|a, b| a.name.cmp(&b.name));
    let body = html! {
        p.back { a href=(CONTROLLERS) { "← " (t("office.admin.back")) } }
        (notice(lang, done))
        (f.errors.summary(lang, "controller"))
        form method="post" action=(controller_path(id)) novalidate {
            (csrf_field(&office.session.session))
            dl.facts {
                dt { (t("office.admin.org_number")) }
                dd { (c.org_number) br; span.hint { (t("office.admin.org_number_fixed")) } }
            }
            (f.text("name", t("office.admin.name"), Some(&c.name)).autocomplete("organization").maxlength(200).required())
            fieldset {
                legend { (t("office.admin.contact")) }
                (f.text("contact_email", t("office.admin.email"), c.contact_email.as_deref()).kind("email").autocomplete("email"))
                (f.textarea("address", t("office.admin.address"), c.address.as_deref(), t("office.admin.address_hint")))
                (f.text("phone", t("office.admin.phone"), c.phone.as_deref()).kind("tel").autocomplete("tel"))
            }
            fieldset {
                legend { (t("office.admin.dpo")) }
                (f.text("dpo_name", t("office.admin.name"), c.dpo_name.as_deref()).maxlength(200))
                (f.text("dpo_email", t("office.admin.email"), c.dpo_email.as_deref()).kind("email"))
            }
            (f.text("appeal_body", t("office.admin.appeal_body"), c.appeal_body.as_deref()).hint(t("office.admin.appeal_body_hint")).maxlength(200))
            (f.form.select("processing_key", t("office.admin.processing_key"), html! {
                option value="" { (t("office.admin.processing_none")) }
                @for k in &keys { option value=(k) selected[&key == k] { (k) } }
            }).hint(t("office.admin.processing_key_hint")))
            (f.form.select("protected_unit_id", t("office.admin.protected_unit"), html! {
                option value="" { (t("office.admin.protected_unit_none")) }
                @for (u, owner) in &protected_units {
                    @let value = u.id.to_string();
                    option value=(value) selected[protected_unit == value] { (u.name) " (" (owner) ")" }
                }
            }).hint(t("office.admin.protected_unit_hint")))
            (f.form.select("public_body_id", t("office.admin.public_body"), html! {
                option value="" { (t("office.admin.public_body_none")) }
                @for b in &public_bodies {
                    @let value = b.id.to_string();
                    option value=(value) selected[public_body == value] { (b.name) }
                }
            }).hint(t("office.admin.public_body_hint")))
            fieldset {
                legend { (t("office.admin.settings")) }
                (f.checkbox("four_eyes", t("office.admin.four_eyes"), c.four_eyes, t("office.admin.four_eyes_hint")))
                (f.checkbox("show_staff_names_to_citizens", t("office.admin.staff_names"), c.show_staff_names_to_citizens, t("office.admin.staff_names_hint")))
            }
            button type="submit" { (t("office.admin.save")) }
        }
        section aria-labelledby="units-title" {
            h2 #units-title { (t("office.units")) }
            @if units.is_empty() {
                p { (t("office.no_units")) }
            } @else {
                div.table-scroll tabindex="0" role="region" aria-labelledby="units-title" {
                    table {
                        thead { tr {
                            th scope="col" { (t("office.admin.name")) }
                            th scope="col" { (t("office.admin.code")) }
                            th scope="col" { (t("office.admin.unit_email")) }
                            th scope="col" { (t("office.admin.auto_collect")) }
                        } }
                        tbody {
                            @for u in &units {
                                tr {
                                    th scope="row" {
                                        a href=(unit_path(u.id)) { (u.name) }
                                        @if u.is_fallback { br; small { (t("office.admin.fallback")) } }
                                        @if u.is_protected { br; small { (t("office.admin.protected")) } }
                                    }
                                    td { (u.code.as_deref().unwrap_or("–")) }
                                    td { (u.email.as_deref().unwrap_or("–")) }
                                    td { (if u.auto_collect { t("office.admin.yes") } else { t("office.admin.no") }) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let response = admin_frame(office, AdminPage::Controllers, &c.name, body);
    Ok(refused_status(f.errors, response))
}

/// The controller form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ControllerForm {
    #[serde(deserialize_with = "trimmed")]
    name: String,
    #[serde(deserialize_with = "trimmed")]
    four_eyes: String,
    #[serde(deserialize_with = "trimmed")]
    contact_email: String,
    #[serde(deserialize_with = "trimmed")]
    address: String,
    #[serde(deserialize_with = "trimmed")]
    phone: String,
    #[serde(deserialize_with = "trimmed")]
    dpo_name: String,
    #[serde(deserialize_with = "trimmed")]
    dpo_email: String,
    #[serde(deserialize_with = "trimmed")]
    processing_key: String,
    #[serde(deserialize_with = "trimmed")]
    show_staff_names_to_citizens: String,
    #[serde(deserialize_with = "trimmed")]
    appeal_body: String,
    #[serde(deserialize_with = "trimmed")]
    protected_unit_id: String,
    #[serde(deserialize_with = "trimmed")]
    public_body_id: String,
}

impl ControllerForm {
    /// The settings as the API takes them.
    fn settings(&self) -> ControllerSettings {
        let text = |v: &str| Some(v.to_string());
        // Not a unit id: the nil id, which no unit has, so the check names the field.
        let unit = |v: &str| {
            Some(v)
                .filter(|v| !v.is_empty())
                .map(|v| v.parse().unwrap_or(Uuid::nil()))
        };
        ControllerSettings {
            name: self.name.clone(),
            four_eyes: self.four_eyes == "true",
            contact_email: text(&self.contact_email),
            address: text(&self.address),
            phone: text(&self.phone),
            dpo_name: text(&self.dpo_name),
            dpo_email: text(&self.dpo_email),
            processing_key: text(&self.processing_key),
            show_staff_names_to_citizens: self.show_staff_names_to_citizens == "true",
            appeal_body: text(&self.appeal_body),
            protected_unit_id: unit(&self.protected_unit_id),
            public_body_id: unit(&self.public_body_id),
        }
    }
}

pub async fn update_controller(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ControllerForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("controller"));
    };
    let result =
        administration::update_controller(&app, &office.principal, id, form.settings()).await;
    let to = format!("{}?done=controller", controller_path(id));
    match outcome(&office, result, &to) {
        Ok(r) => r,
        Err(errors) => {
            office
                .page(render_controller(
                    &app,
                    &office,
                    id,
                    "",
                    Some((errors, Typed::of(&form))),
                ))
                .await
        }
    }
}

pub async fn unit_page(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("unit"));
    };
    office.page(render_unit(&app, &office, id, None)).await
}

async fn render_unit(
    app: &AppState,
    office: &Office,
    id: Uuid,
    refused: Option<(FormErrors, Typed)>,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let registry = app.registry.get(&app.db).await?;
    let u: &unit::Model = registry
        .units
        .get(&id)
        .ok_or(ServiceError::NotFound("unit"))?;
    let controller_name = registry
        .controllers
        .get(&u.controller_id)
        .map(|c| c.name.as_str())
        .unwrap_or("?");
    let f = EditForm::new("unit", lang, &refused);
    let t = |k: &str| f.t(k);
    let body = html! {
        p.back { a href=(controller_path(u.controller_id)) { "← " (controller_name) } }
        (f.errors.summary(lang, "unit"))
        form method="post" action=(unit_path(id)) novalidate {
            (csrf_field(&office.session.session))
            dl.facts {
                dt { (t("office.admin.controller")) }
                dd { (controller_name) }
                @if u.is_fallback || u.is_protected {
                    dt { (t("office.admin.routing")) }
                    dd {
                        @if u.is_fallback { (t("office.admin.fallback")) }
                        @if u.is_fallback && u.is_protected { "; " }
                        @if u.is_protected { (t("office.admin.protected")) }
                    }
                }
            }
            (f.text("name", t("office.admin.name"), Some(&u.name)).maxlength(200).required())
            (f.text("code", t("office.admin.code"), u.code.as_deref()).hint(t("office.admin.code_hint")).no_autocomplete().maxlength(20))
            (f.text("email", t("office.admin.unit_email"), u.email.as_deref()).kind("email").hint(t("office.admin.unit_email_hint")).no_autocomplete())
            (f.checkbox("auto_collect", t("office.admin.auto_collect"), u.auto_collect, t("office.admin.auto_collect_hint")))
            button type="submit" { (t("office.admin.save")) }
        }
    };
    let response = admin_frame(office, AdminPage::Units, &u.name, body);
    Ok(refused_status(f.errors, response))
}

/// The unit form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UnitForm {
    #[serde(deserialize_with = "trimmed")]
    name: String,
    #[serde(deserialize_with = "trimmed")]
    code: String,
    #[serde(deserialize_with = "trimmed")]
    email: String,
    #[serde(deserialize_with = "trimmed")]
    auto_collect: String,
}

pub async fn update_unit(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<UnitForm>,
) -> Response {
    if let Some(refused) = require_admin(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("unit"));
    };
    let input = UnitSettings {
        name: form.name.clone(),
        code: Some(form.code.clone()),
        email: Some(form.email.clone()),
        auto_collect: form.auto_collect == "true",
    };
    let result = administration::update_unit(&app, &office.principal, id, input).await;
    // Back to the unit's controller, whose page lists its units.
    let controller_id = match app.registry.get(&app.db).await {
        Ok(r) => r.units.get(&id).map(|u| u.controller_id),
        Err(e) => return office.error(e.into()),
    };
    let to = controller_id.map_or_else(
        || format!("{}?done=unit", super::admin::UNITS),
        |c| format!("{}?done=unit", controller_path(c)),
    );
    match outcome(&office, result, &to) {
        Ok(r) => r,
        Err(errors) => {
            office
                .page(render_unit(
                    &app,
                    &office,
                    id,
                    Some((errors, Typed::of(&form))),
                ))
                .await
        }
    }
}
