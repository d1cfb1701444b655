//! Registering a request that came by letter, e-mail or in person, with the day it was
//! received (the deadline runs from then). A second click or a resent form does not make a
//! second request: the form carries an idempotency key.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use entity::values::RepresentationBasis;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{FormErrors, Office, Section, form_error, frame, kind_label, with_status};
use crate::{
    app::AppState,
    clock::today_oslo,
    error::ServiceError,
    i18n::Language,
    lifecycle::{RightKind, Role},
    requests::{
        intake::{self, Idempotency, NewRequest},
        represented::{self, OnBehalfRequest},
        view::Channel,
    },
    web::{CsrfForm, components::Form, csrf_field},
};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    form_id: String,
    kind: String,
    subject_pid: String,
    subject_duf: String,
    subject_name: String,
    subject_birth_date: String,
    received_on: String,
    channel: String,
    service_area: String,
    language: String,
    description: String,
    contact_email: String,
    /// `yes`: the person asked for the answers on paper.
    paper: String,
    /// Written for the person by someone else: the basis they give (empty: the person wrote).
    rep_basis: String,
    rep_pid: String,
    rep_name: String,
    /// The writer's postal address, one line each.
    rep_address: String,
}

/// The API's field names for the representative part, as this form names them.
fn form_field(field: &str) -> &str {
    match field {
        "represented_pid" => "subject_pid",
        "representative_pid" => "rep_pid",
        "representative_name" => "rep_name",
        "representative_address" => "rep_address",
        other => other,
    }
}

pub async fn page(State(app): State<AppState>, office: Office) -> Response {
    let form = RegisterForm {
        form_id: Uuid::new_v4().to_string(),
        received_on: today_oslo().to_string(),
        channel: "letter".into(),
        language: "nb".into(),
        ..Default::default()
    };
    render(&app, &office, &form, &FormErrors::default()).await
}

async fn render(
    app: &AppState,
    office: &Office,
    form: &RegisterForm,
    errors: &FormErrors,
) -> Response {
    if !matches!(office.staff.role, Role::Caseworker | Role::PrivacyOfficer) {
        return office.error(ServiceError::Forbidden(
            "only case staff register requests".into(),
        ));
    }
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let registry = match app.registry.get(&app.db).await {
        Ok(r) => r,
        Err(e) => return office.error(e.into()),
    };
    let mut areas: Vec<(String, String)> = registry
        .service_areas
        .values()
        .map(|a| (a.name.clone(), a.code.clone()))
        .collect();
    areas.sort();
    let f = Form::new("register", errors);
    let described = |field: &str| errors.get(field).map(|_| f.id(field) + "-error");
    let error = |field: &str| f.error(field);
    let body = html! {
        p { (t("office.register.intro")) }
        (errors.summary(lang, "register"))
        form.register method="post" action="/office/registrer" novalidate {
            (csrf_field(&office.session.session))
            input type="hidden" name="form_id" value=(form.form_id);
            fieldset #register-kind aria-describedby=[described("kind")] {
                legend { (t("office.register.kind")) }
                @for k in RightKind::ALL {
                    div.choice {
                        input type="radio" name="kind" id=(format!("kind-{}", k.as_str())) value=(k.as_str()) checked[form.kind == k.as_str()];
                        label for=(format!("kind-{}", k.as_str())) { (kind_label(lang, k)) }
                    }
                }
                (error("kind"))
            }
            fieldset #register-subject aria-describedby=(described("subject").unwrap_or_else(|| "register-subject-hint".into())) {
                legend { (t("office.register.subject")) }
                p.hint #register-subject-hint { (t("office.register.subject_hint")) }
                (error("subject"))
                (f.text("subject_pid", t("office.register.pid")).hint(t("office.register.pid_hint")).numeric().no_autocomplete().maxlength(11).value(&form.subject_pid))
                (f.text("subject_duf", t("office.register.duf")).hint(t("office.register.duf_hint")).numeric().no_autocomplete().maxlength(14).value(&form.subject_duf))
                (f.text("subject_name", t("office.register.name")).no_autocomplete().maxlength(200).value(&form.subject_name))
                (f.text("subject_birth_date", t("office.register.birth_date")).kind("date").no_autocomplete().max(today_oslo()).value(&form.subject_birth_date))
            }
            fieldset #register-rep aria-describedby="register-rep-hint" {
                legend { (t("office.register.rep")) }
                p.hint #register-rep-hint { (t("office.register.rep_hint")) }
                (f.select("rep_basis", t("office.register.rep_basis"), html! {
                    option value="" { (t("office.register.rep_none")) }
                    @for b in RepresentationBasis::ALL {
                        option value=(b.as_str()) selected[form.rep_basis == b.as_str()] { (t(&format!("portal.basis.{}", b.as_str()))) }
                    }
                }))
                (f.text("rep_pid", t("office.register.rep_pid")).numeric().no_autocomplete().maxlength(11).value(&form.rep_pid))
                (f.text("rep_name", t("office.register.rep_name")).no_autocomplete().maxlength(200).value(&form.rep_name))
                (f.textarea("rep_address", t("office.register.rep_address"), 3).hint(t("office.register.rep_address_hint")).no_autocomplete().value(&form.rep_address))
            }
            (f.text("received_on", t("office.register.received_on")).kind("date").max(today_oslo()).value(&form.received_on))
            (f.select("channel", t("office.register.channel"), html! {
                @for c in [Channel::Letter, Channel::Email, Channel::InPerson] {
                    option value=(c.as_str()) selected[form.channel == c.as_str()] { (t(&format!("office.channel.{}", c.as_str()))) }
                }
            }))
            (f.select("service_area", t("office.register.area"), html! {
                option value="" { (t("office.register.area_unknown")) }
                @for (name, code) in &areas {
                    option value=(code) selected[&form.service_area == code] { (name) }
                }
            }))
            (f.select("language", t("office.register.language"), html! {
                @for l in Language::ALL {
                    option value=(l.as_str()) selected[form.language == l.as_str()] { (l.native_name()) }
                }
            }))
            (f.textarea("description", t("office.register.description"), 6).value(&form.description))
            (f.text("contact_email", t("office.register.email")).kind("email").no_autocomplete().value(&form.contact_email))
            div.choice {
                input #register-paper type="checkbox" name="paper" value="yes" checked[form.paper == "yes"] aria-describedby="register-paper-hint";
                label for="register-paper" {
                    (t("office.register.paper"))
                    span.hint #register-paper-hint { (t("office.register.paper_hint")) }
                }
            }
            div.actions {
                button type="submit" { (t("office.register.submit")) }
            }
        }
    };
    let response = frame(office, Section::Register, t("office.register.title"), body);
    if errors.is_empty() {
        response
    } else {
        with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, response)
    }
}

pub async fn submit(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<RegisterForm>,
) -> Response {
    let mut errors = FormErrors::default();
    let kind = RightKind::parse(&form.kind);
    if kind.is_none() {
        errors.push("kind", office.t("office.err.kind"));
    }
    let received_on = match form.received_on.trim().parse::<chrono::NaiveDate>() {
        Ok(d) if d <= today_oslo() => Some(d),
        _ => {
            errors.push("received_on", office.t("office.err.received_on"));
            None
        }
    };
    let given = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let birth_date = match given(&form.subject_birth_date) {
        None => None,
        Some(d) => match d.parse::<chrono::NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(
                    "subject_birth_date",
                    office.t("office.err.subject_birth_date"),
                );
                None
            }
        },
    };
    let rep_basis = match form.rep_basis.trim() {
        "" => None,
        b => match RepresentationBasis::parse(b) {
            Some(b) => Some(b),
            None => {
                errors.push("rep_basis", office.t("office.err.rep_basis"));
                None
            }
        },
    };
    if rep_basis.is_some() {
        // A representation is checked against the person's national number.
        if form.subject_pid.trim().is_empty() {
            errors.push("subject_pid", office.t("office.err.rep_subject_pid"));
        }
        if form.rep_pid.trim().is_empty() {
            errors.push("rep_pid", office.t("office.err.rep_pid"));
        }
    }
    if [
        &form.subject_pid,
        &form.subject_duf,
        &form.subject_name,
        &form.subject_birth_date,
    ]
    .iter()
    .all(|v| v.trim().is_empty())
    {
        errors.push("subject", office.t("office.err.subject"));
    }
    let (Some(kind), Some(received_on), true) = (kind, received_on, errors.is_empty()) else {
        return render(&app, &office, &form, &errors).await;
    };
    let input = NewRequest {
        kind,
        description: form.description.trim().to_string(),
        service_area: Some(form.service_area.clone()).filter(|s| !s.is_empty()),
        language: Language::from_code(&form.language),
        geography: None,
        subject_pid: given(&form.subject_pid),
        subject_duf: given(&form.subject_duf),
        subject_name: given(&form.subject_name),
        subject_birth_date: birth_date,
        channel: Some(Channel::parse(&form.channel)),
        received_on: Some(received_on),
        contact_email: Some(form.contact_email.trim().to_string()).filter(|s| !s.is_empty()),
        wants_paper: form.paper == "yes",
    };
    // The same form sent twice (a double click, a resend after a timeout) gives one request.
    let fingerprint = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        form.kind,
        form.subject_pid.trim(),
        form.subject_duf.trim(),
        form.subject_name.trim(),
        form.subject_birth_date.trim(),
        form.received_on,
        form.channel,
        form.service_area,
        form.language,
        form.description.trim(),
        form.contact_email.trim(),
        form.rep_basis,
        form.rep_pid.trim(),
        form.rep_name.trim(),
        form.rep_address.trim()
    );
    let idempotency =
        Idempotency::new(&format!("office-{}", form.form_id), fingerprint.as_bytes()).ok();
    let filed = match rep_basis {
        // Written for the person: filed through the representation, or with the claim when it
        // is not proven (the case then says so and how to go on).
        Some(basis) => {
            let request = OnBehalfRequest {
                represented_pid: form.subject_pid.trim().to_string(),
                request: input,
                basis,
                representative_pid: Some(form.rep_pid.trim().to_string()),
                representative_name: given(&form.rep_name),
                representative_address: form.rep_address.lines().map(str::to_string).collect(),
            };
            represented::file(&app, &office.principal, request, idempotency).await
        }
        None => intake::create(&app, &office.principal, input, idempotency).await,
    };
    match filed {
        Ok((view, _))
            if super::queue::own_units(&app, &office)
                .await
                .is_ok_and(|units| units.contains(&view.unit.id)) =>
        {
            Redirect::to(&format!("/office/sak/{}?done=registered", view.id)).into_response()
        }
        // Routed by the rules to a unit the registrant cannot see: the reference only (where it
        // went could tell where the person lives, or that their address is protected).
        Ok((view, _)) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("done", "registered_elsewhere")
                .append_pair("n", &view.reference)
                .finish();
            Redirect::to(&format!("/office?{query}")).into_response()
        }
        Err(e) => match form_error(office.lang, &e) {
            Some((field, message)) => {
                errors.push(form_field(&field), message);
                render(&app, &office, &form, &errors).await
            }
            None => office.error(e),
        },
    }
}
