//! Registering a guardian (verge), an unaccompanied minor's representative or a written power
//! of attorney from the document the staff member checked. Reached from the office menu's
//! registration page, or from a case whose writer has not yet proven the representation (the
//! case is then shown again, where the representation can be checked).
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::values::RepresentationBasis;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{FormErrors, Office, Section, form_error, frame, with_status};
use crate::{
    app::AppState,
    clock::today_oslo,
    error::ServiceError,
    lifecycle::Role,
    representation::{self, NewRepresentation, RepresentationView},
    web::{CsrfForm, components::Form, csrf_field},
};

pub const PATH: &str = "/office/representanter/ny";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RepresentativeForm {
    /// The case this registration is for, to go back to.
    sak: String,
    basis: String,
    representative_pid: String,
    represented_pid: String,
    evidence: String,
    valid_until: String,
    representative_name: String,
    representative_address: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    sak: String,
}

/// The bases staff register from a document (parental responsibility is Folkeregisteret's).
fn bases() -> impl Iterator<Item = RepresentationBasis> {
    RepresentationBasis::ALL
        .into_iter()
        .filter(|b| representation::rules::needs_document(*b))
}

pub async fn page(office: Office, Query(q): Query<PageQuery>) -> Response {
    let form = RepresentativeForm {
        sak: q.sak,
        ..Default::default()
    };
    render(&office, &form, &FormErrors::default(), None)
}

fn render(
    office: &Office,
    form: &RepresentativeForm,
    errors: &FormErrors,
    registered: Option<&RepresentationView>,
) -> Response {
    if !matches!(office.staff.role, Role::Caseworker | Role::PrivacyOfficer) {
        return office.error(ServiceError::Forbidden(
            "only caseworkers and privacy officers register representatives".into(),
        ));
    }
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let f = Form::new("representative", errors);
    let described = |field: &str| errors.get(field).map(|_| f.id(field) + "-error");
    let body = html! {
        @if let Some(rep) = registered {
            div.notice.notice--success #notice role="status" tabindex="-1" {
                p { (crate::i18n::tf(lang, "office.representative.registered", &[
                    ("basis", crate::i18n::t(lang, &format!("portal.basis.{}", rep.basis.as_str()))),
                    ("represented", &rep.represented),
                ])) }
            }
        }
        p { (t("office.representative.intro")) }
        (errors.summary(lang, "representative"))
        form method="post" action=(PATH) novalidate {
            (csrf_field(&office.session.session))
            input type="hidden" name="sak" value=(form.sak);
            fieldset #representative-basis aria-describedby=[described("basis")] {
                legend { (t("office.representative.basis")) }
                @for b in bases() {
                    div.choice {
                        input type="radio" name="basis" id=(format!("basis-{}", b.as_str())) value=(b.as_str()) checked[form.basis == b.as_str()];
                        label for=(format!("basis-{}", b.as_str())) { (t(&format!("portal.basis.{}", b.as_str()))) }
                    }
                }
                (f.error("basis"))
            }
            (f.text("represented_pid", t("office.representative.represented_pid")).numeric().no_autocomplete().maxlength(11).value(&form.represented_pid))
            (f.text("representative_pid", t("office.representative.representative_pid")).numeric().no_autocomplete().maxlength(11).value(&form.representative_pid))
            (f.text("representative_name", t("office.representative.representative_name")).no_autocomplete().maxlength(200).value(&form.representative_name))
            (f.textarea("representative_address", t("office.register.rep_address"), 3).hint(t("office.register.rep_address_hint")).no_autocomplete().value(&form.representative_address))
            (f.textarea("evidence", t("office.representative.evidence"), 2).hint(t("office.representative.evidence_hint")).maxlength(500).value(&form.evidence))
            (f.text("valid_until", t("office.representative.valid_until")).kind("date").hint(t("office.representative.valid_until_hint")).min(today_oslo()).value(&form.valid_until))
            div.actions {
                button type="submit" { (t("office.representative.submit")) }
                @if let Ok(case) = Uuid::parse_str(&form.sak) {
                    " " a href=(format!("/office/sak/{case}")) { (t("office.representative.back")) }
                }
            }
        }
    };
    let response = frame(
        office,
        Section::Register,
        t("office.representative.title"),
        body,
    );
    if errors.is_empty() {
        response
    } else {
        with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, response)
    }
}

pub async fn submit(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<RepresentativeForm>,
) -> Response {
    let mut errors = FormErrors::default();
    let basis = RepresentationBasis::parse(form.basis.trim()).filter(|b| bases().any(|x| x == *b));
    if basis.is_none() {
        errors.push("basis", office.t("office.err.representative_basis"));
    }
    let valid_until = match form.valid_until.trim() {
        "" => None,
        d => match d.parse::<chrono::NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("valid_until", office.t("office.err.valid_until_date"));
                None
            }
        },
    };
    let (Some(basis), true) = (basis, errors.is_empty()) else {
        return render(&office, &form, &errors, None);
    };
    let input = NewRepresentation {
        basis,
        representative_pid: form.representative_pid.trim().to_string(),
        represented_pid: form.represented_pid.trim().to_string(),
        evidence: form.evidence.clone(),
        valid_until,
        representative_name: Some(form.representative_name.clone()),
        representative_address: form
            .representative_address
            .lines()
            .map(str::to_string)
            .collect(),
    };
    match representation::register(&app, &office.principal, input).await {
        Ok(view) => match Uuid::parse_str(&form.sak) {
            // Back to the case, where the representation can now be checked.
            Ok(case) => Redirect::to(&format!(
                "/office/sak/{case}?done=representation_registered#claim-title"
            ))
            .into_response(),
            Err(_) => render(
                &office,
                &RepresentativeForm::default(),
                &FormErrors::default(),
                Some(&view),
            ),
        },
        Err(e) => match form_error(office.lang, &e) {
            Some((field, message)) => {
                errors.push(&field, message);
                render(&office, &form, &errors, None)
            }
            None => office.error(e),
        },
    }
}
