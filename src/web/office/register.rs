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
    web::{CsrfForm, csrf_field},
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
    let invalid = |f: &str| errors.get(f).map(|_| "true");
    let described = |f: &str| errors.get(f).map(|_| format!("register-{f}-error"));
    let error = |f: &str| {
        html! { @if let Some(e) = errors.get(f) { p.field-error id=(format!("register-{f}-error")) { (e) } } }
    };
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
                div.field {
                    label for="register-subject_pid" { (t("office.register.pid")) }
                    p.hint #register-pid-hint { (t("office.register.pid_hint")) }
                    input #register-subject_pid type="text" name="subject_pid" inputmode="numeric" autocomplete="off" maxlength="11" value=(form.subject_pid)
                        aria-invalid=[invalid("subject_pid")] aria-describedby=(described("subject_pid").unwrap_or_else(|| "register-pid-hint".into()));
                    (error("subject_pid"))
                }
                div.field {
                    label for="register-subject_duf" { (t("office.register.duf")) }
                    p.hint #register-duf-hint { (t("office.register.duf_hint")) }
                    input #register-subject_duf type="text" name="subject_duf" inputmode="numeric" autocomplete="off" maxlength="14" value=(form.subject_duf)
                        aria-invalid=[invalid("subject_duf")] aria-describedby=(described("subject_duf").unwrap_or_else(|| "register-duf-hint".into()));
                    (error("subject_duf"))
                }
                div.field {
                    label for="register-subject_name" { (t("office.register.name")) }
                    input #register-subject_name type="text" name="subject_name" autocomplete="off" maxlength="200" value=(form.subject_name)
                        aria-invalid=[invalid("subject_name")] aria-describedby=[described("subject_name")];
                    (error("subject_name"))
                }
                div.field {
                    label for="register-subject_birth_date" { (t("office.register.birth_date")) }
                    input #register-subject_birth_date type="date" name="subject_birth_date" autocomplete="off" value=(form.subject_birth_date) max=(today_oslo())
                        aria-invalid=[invalid("subject_birth_date")] aria-describedby=[described("subject_birth_date")];
                    (error("subject_birth_date"))
                }
            }
            fieldset #register-rep aria-describedby="register-rep-hint" {
                legend { (t("office.register.rep")) }
                p.hint #register-rep-hint { (t("office.register.rep_hint")) }
                div.field {
                    label for="register-rep_basis" { (t("office.register.rep_basis")) }
                    select #register-rep_basis name="rep_basis" aria-invalid=[invalid("rep_basis")] aria-describedby=[described("rep_basis")] {
                        option value="" { (t("office.register.rep_none")) }
                        @for b in RepresentationBasis::ALL {
                            option value=(b.as_str()) selected[form.rep_basis == b.as_str()] { (t(&format!("portal.basis.{}", b.as_str()))) }
                        }
                    }
                    (error("rep_basis"))
                }
                div.field {
                    label for="register-rep_pid" { (t("office.register.rep_pid")) }
                    input #register-rep_pid type="text" name="rep_pid" inputmode="numeric" autocomplete="off" maxlength="11" value=(form.rep_pid)
                        aria-invalid=[invalid("rep_pid")] aria-describedby=[described("rep_pid")];
                    (error("rep_pid"))
                }
                div.field {
                    label for="register-rep_name" { (t("office.register.rep_name")) }
                    input #register-rep_name type="text" name="rep_name" autocomplete="off" maxlength="200" value=(form.rep_name)
                        aria-invalid=[invalid("rep_name")] aria-describedby=[described("rep_name")];
                    (error("rep_name"))
                }
                div.field {
                    label for="register-rep_address" { (t("office.register.rep_address")) }
                    p.hint #register-rep_address-hint { (t("office.register.rep_address_hint")) }
                    textarea #register-rep_address name="rep_address" rows="3" autocomplete="off"
                        aria-invalid=[invalid("rep_address")] aria-describedby=(described("rep_address").unwrap_or_else(|| "register-rep_address-hint".into())) { (form.rep_address) }
                    (error("rep_address"))
                }
            }
            div.field {
                label for="register-received_on" { (t("office.register.received_on")) }
                input #register-received_on type="date" name="received_on" value=(form.received_on) max=(today_oslo())
                    aria-invalid=[invalid("received_on")] aria-describedby=[described("received_on")];
                (error("received_on"))
            }
            div.field {
                label for="register-channel" { (t("office.register.channel")) }
                select #register-channel name="channel" {
                    @for c in [Channel::Letter, Channel::Email, Channel::InPerson] {
                        option value=(c.as_str()) selected[form.channel == c.as_str()] { (t(&format!("office.channel.{}", c.as_str()))) }
                    }
                }
            }
            div.field {
                label for="register-service_area" { (t("office.register.area")) }
                select #register-service_area name="service_area" aria-invalid=[invalid("service_area")] aria-describedby=[described("service_area")] {
                    option value="" { (t("office.register.area_unknown")) }
                    @for (name, code) in &areas {
                        option value=(code) selected[&form.service_area == code] { (name) }
                    }
                }
                (error("service_area"))
            }
            div.field {
                label for="register-language" { (t("office.register.language")) }
                select #register-language name="language" {
                    @for l in Language::ALL {
                        option value=(l.as_str()) selected[form.language == l.as_str()] { (l.native_name()) }
                    }
                }
            }
            div.field {
                label for="register-description" { (t("office.register.description")) }
                textarea #register-description name="description" rows="6" aria-invalid=[invalid("description")] aria-describedby=[described("description")] { (form.description) }
                (error("description"))
            }
            div.field {
                label for="register-contact_email" { (t("office.register.email")) }
                input #register-contact_email type="email" name="contact_email" autocomplete="off" value=(form.contact_email)
                    aria-invalid=[invalid("contact_email")] aria-describedby=[described("contact_email")];
                (error("contact_email"))
            }
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
