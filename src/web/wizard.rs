//! The citizen's request wizard: which right → which service (or "I don't know") → details
//! (for retting what is wrong and what is right, for protest the grounds) → contact and
//! language → confirm. No JavaScript: each step is a form whose earlier answers travel in hidden
//! fields and are checked again on every post; an error is shown next to its field with what the
//! person typed kept.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::{CsrfForm, ErrorKind, Lang, MaybeSession, PageError, csrf_field, layout};
use crate::{
    app::AppState,
    auth::sessions::SessionKind,
    i18n::{Language, t, tf},
    lifecycle::RightKind,
    requests::intake::{self, MAX_DESCRIPTION, NewRequest, valid_email},
};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct WizardForm {
    csrf_token: String,
    step: u8,
    /// `next`, `back` or `send`.
    go: String,
    kind: String,
    service_area: String,
    description: String,
    wrong: String,
    right: String,
    grounds: String,
    contact_email: String,
    language: String,
}

type Errors = Vec<(&'static str, &'static str)>;

fn kind_of(f: &WizardForm) -> Option<RightKind> {
    RightKind::parse(&f.kind)
}

/// The problems with the answers up to `step`, each as (field, text key).
fn check(f: &WizardForm, step: u8) -> Errors {
    let mut errors = Errors::new();
    let long = |s: &str| s.chars().count() > MAX_DESCRIPTION / 2;
    if step >= 1 && kind_of(f).is_none() {
        errors.push(("kind", "portal.wizard.err_kind"));
    }
    if step >= 3 {
        let fields: Vec<(&'static str, &str)> = match kind_of(f) {
            Some(RightKind::Retting) => vec![("wrong", &f.wrong), ("right", &f.right)],
            Some(RightKind::Protest) => vec![("grounds", &f.grounds)],
            _ => vec![("description", &f.description)],
        };
        for (name, value) in fields {
            if value.trim().is_empty() {
                errors.push((name, "portal.wizard.err_text"));
            } else if long(value) {
                errors.push((name, "portal.wizard.err_too_long"));
            }
        }
    }
    if step >= 4 && !f.contact_email.trim().is_empty() && !valid_email(f.contact_email.trim()) {
        errors.push(("contact_email", "portal.wizard.err_email"));
    }
    errors
}

fn description(f: &WizardForm, lang: Language) -> String {
    match kind_of(f) {
        Some(RightKind::Retting) => format!(
            "{}\n{}\n\n{}\n{}",
            t(lang, "portal.wizard.wrong"),
            f.wrong.trim(),
            t(lang, "portal.wizard.right"),
            f.right.trim()
        ),
        Some(RightKind::Protest) => f.grounds.trim().to_string(),
        _ => f.description.trim().to_string(),
    }
}

fn hidden(f: &WizardForm, except_step: u8) -> Markup {
    // Everything answered in other steps rides along.
    html! {
        @if except_step != 1 { input type="hidden" name="kind" value=(f.kind); }
        @if except_step != 2 { input type="hidden" name="service_area" value=(f.service_area); }
        @if except_step != 3 {
            input type="hidden" name="description" value=(f.description);
            input type="hidden" name="wrong" value=(f.wrong);
            input type="hidden" name="right" value=(f.right);
            input type="hidden" name="grounds" value=(f.grounds);
        }
        @if except_step != 4 {
            input type="hidden" name="contact_email" value=(f.contact_email);
            input type="hidden" name="language" value=(f.language);
        }
    }
}

fn field_error(lang: Language, errors: &Errors, field: &str) -> Markup {
    html! {
        @for (_, key) in errors.iter().filter(|(f, _)| *f == field) {
            p.error id={ "err-" (field) } { (t(lang, key)) }
        }
    }
}

fn textarea(lang: Language, errors: &Errors, name: &str, label_key: &str, value: &str) -> Markup {
    let invalid = errors.iter().any(|(f, _)| *f == name);
    html! {
        div.field {
            label for=(name) { (t(lang, label_key)) }
            (field_error(lang, errors, name))
            textarea id=(name) name=(name) rows="5" aria-invalid=[invalid.then_some("true")]
                aria-describedby=[invalid.then(|| format!("err-{name}"))] { (value) }
        }
    }
}

async fn render(
    app: &AppState,
    lang: Language,
    session: &crate::auth::sessions::Session,
    f: &WizardForm,
    step: u8,
    errors: &Errors,
) -> Response {
    let registry = app.registry.get(&app.db).await.ok();
    let mut areas: Vec<(String, String)> = registry
        .map(|r| {
            r.service_areas
                .values()
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    areas.sort();
    let kind = kind_of(f);
    let body = html! {
        p { (tf(lang, "portal.wizard.step", &[("n", &step.to_string())])) }
        @if !errors.is_empty() {
            div.error-summary role="alert" {
                h2 { (t(lang, "portal.wizard.errors_title")) }
                ul { @for (field, key) in errors { li { a href={ "#" (field) } { (t(lang, key)) } } } }
            }
        }
        form method="post" action={ "/min-side/ny?lang=" (lang.as_str()) } {
            (csrf_field(session))
            input type="hidden" name="step" value=(step);
            (hidden(f, step))
            @match step {
                1 => {
                    fieldset {
                        legend { (t(lang, "portal.wizard.q_kind")) }
                        (field_error(lang, errors, "kind"))
                        @for k in RightKind::ALL {
                            div.choice {
                                input type="radio" name="kind" id={ "kind-" (k.as_str()) } value=(k.as_str()) checked[kind == Some(k)];
                                label for={ "kind-" (k.as_str()) } { (t(lang, &format!("portal.right.{}", k.as_str()))) }
                            }
                        }
                    }
                }
                2 => {
                    fieldset {
                        legend { (t(lang, "portal.wizard.q_area")) }
                        @for (code, name) in &areas {
                            div.choice {
                                input type="radio" name="service_area" id={ "area-" (code) } value=(code) checked[f.service_area == *code];
                                label for={ "area-" (code) } { (name) }
                            }
                        }
                        div.choice {
                            input type="radio" name="service_area" id="area-unknown" value="" checked[f.service_area.is_empty()];
                            label for="area-unknown" { (t(lang, "portal.wizard.area_unknown")) }
                        }
                    }
                }
                3 => {
                    h2 { (t(lang, "portal.wizard.q_details")) }
                    @match kind {
                        Some(RightKind::Retting) => {
                            (textarea(lang, errors, "wrong", "portal.wizard.wrong", &f.wrong))
                            (textarea(lang, errors, "right", "portal.wizard.right", &f.right))
                        }
                        Some(RightKind::Protest) => { (textarea(lang, errors, "grounds", "portal.wizard.grounds", &f.grounds)) }
                        _ => { (textarea(lang, errors, "description", "portal.wizard.description", &f.description)) }
                    }
                }
                4 => {
                    h2 { (t(lang, "portal.wizard.q_contact")) }
                    div.field {
                        label for="contact_email" { (t(lang, "portal.wizard.email")) }
                        (field_error(lang, errors, "contact_email"))
                        input type="email" id="contact_email" name="contact_email" value=(f.contact_email) autocomplete="email";
                    }
                    div.field {
                        label for="language" { (t(lang, "portal.wizard.language")) }
                        select id="language" name="language" {
                            @for l in Language::ALL {
                                option value=(l.as_str()) selected[f.language == l.as_str() || (f.language.is_empty() && l == lang)] { (l.native_name()) }
                            }
                        }
                    }
                }
                _ => {
                    h2 { (t(lang, "portal.wizard.q_confirm")) }
                    dl {
                        dt { (t(lang, "auth.col_kind")) }
                        dd { (kind.map(|k| t(lang, &format!("portal.right.{}", k.as_str()))).unwrap_or("")) }
                        dt { (t(lang, "portal.wizard.q_area")) }
                        dd { (areas.iter().find(|(c, _)| *c == f.service_area).map(|(_, n)| n.as_str()).unwrap_or(t(lang, "portal.wizard.area_unknown"))) }
                        dt { (t(lang, "portal.wizard.q_details")) }
                        dd.pre { (description(f, lang)) }
                        @if !f.contact_email.trim().is_empty() {
                            dt { "E-post" } dd { (f.contact_email.trim()) }
                        }
                    }
                }
            }
            div.actions {
                @if step > 1 { button.secondary type="submit" name="go" value="back" { (t(lang, "portal.wizard.back")) } " " }
                @if step < 5 {
                    button type="submit" name="go" value="next" { (t(lang, "portal.wizard.next")) }
                } @else {
                    button type="submit" name="go" value="send" { (t(lang, "portal.wizard.send")) }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        layout(
            lang,
            t(lang, "portal.wizard.wizard_title"),
            Some(session),
            body,
        ),
    )
        .into_response()
}

pub async fn start(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Response {
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Citizen) else {
        return Redirect::to("/login?return_to=/min-side/ny").into_response();
    };
    render(
        &app,
        lang,
        &s.session,
        &WizardForm::default(),
        1,
        &Errors::new(),
    )
    .await
}

pub async fn step(
    State(app): State<AppState>,
    Lang(lang): Lang,
    form: CsrfForm<WizardForm>,
) -> Result<Response, PageError> {
    let CsrfForm { form: f, session } = form;
    if session.session.kind != SessionKind::Citizen {
        return Err(PageError::new(lang, ErrorKind::SessionEnded));
    }
    let current = f.step.clamp(1, 5);
    if f.go == "back" {
        return Ok(render(
            &app,
            lang,
            &session.session,
            &f,
            current.saturating_sub(1).max(1),
            &Errors::new(),
        )
        .await);
    }
    let errors = check(&f, current);
    if !errors.is_empty() {
        // Back to the first step with a problem, what was typed kept.
        let at = match errors[0].0 {
            "kind" => 1,
            "contact_email" => 4,
            _ => 3,
        };
        return Ok(render(&app, lang, &session.session, &f, at.min(current), &errors).await);
    }
    if current < 5 || f.go != "send" {
        return Ok(render(
            &app,
            lang,
            &session.session,
            &f,
            (current + 1).min(5),
            &Errors::new(),
        )
        .await);
    }
    let principal = app
        .login
        .principal(&app, &session.session)
        .await
        .map_err(|_| PageError::new(lang, ErrorKind::SessionEnded))?;
    let letter_lang = Language::from_code(&f.language).unwrap_or(lang);
    let input = NewRequest {
        kind: kind_of(&f).unwrap_or(RightKind::Innsyn),
        description: description(&f, letter_lang),
        service_area: Some(f.service_area.clone()).filter(|a| !a.is_empty()),
        language: Some(letter_lang),
        geography: None,
        subject_pid: None,
        channel: None,
        received_on: None,
        contact_email: Some(f.contact_email.trim().to_string()).filter(|e| !e.is_empty()),
    };
    match intake::create(&app, &principal, input, None).await {
        Ok((view, _)) => {
            let body = html! {
                p.notice { (tf(lang, "portal.wizard.receipt_body", &[("reference", &view.reference), ("due", &view.due_on.to_string())])) }
                p { a.button href={ "/min-side/sak/" (view.id) "?lang=" (lang.as_str()) } { (t(lang, "portal.wizard.see_case")) } }
            };
            Ok((
                axum::http::StatusCode::CREATED,
                layout(
                    lang,
                    t(lang, "portal.wizard.receipt_title"),
                    Some(&session.session),
                    body,
                ),
            )
                .into_response())
        }
        Err(e) => {
            let page = PageError::new(lang, ErrorKind::Internal);
            tracing::error!(error_id = %page.error_id, error = %e, "wizard intake failed");
            Err(page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_checks_what_it_asks() {
        let base = WizardForm {
            kind: "retting".into(),
            wrong: "Adresse".into(),
            right: "Storgata 1".into(),
            ..Default::default()
        };
        assert!(check(&base, 5).is_empty());
        let cases: [(WizardForm, u8, &str); 5] = [
            (
                WizardForm {
                    kind: "nope".into(),
                    ..base.clone()
                },
                1,
                "kind",
            ),
            (
                WizardForm {
                    right: " ".into(),
                    ..base.clone()
                },
                3,
                "right",
            ),
            (
                WizardForm {
                    kind: "protest".into(),
                    ..base.clone()
                },
                3,
                "grounds",
            ),
            (
                WizardForm {
                    contact_email: "ola@".into(),
                    ..base.clone()
                },
                4,
                "contact_email",
            ),
            (
                WizardForm {
                    wrong: "x".repeat(MAX_DESCRIPTION),
                    ..base.clone()
                },
                3,
                "wrong",
            ),
        ];
        for (form, step, field) in cases {
            let errors = check(&form, step);
            assert_eq!(errors.first().map(|e| e.0), Some(field), "{form:?}");
        }
        // Earlier steps do not judge later fields.
        assert!(
            check(
                &WizardForm {
                    kind: "innsyn".into(),
                    ..Default::default()
                },
                2
            )
            .is_empty()
        );
    }

    #[test]
    fn retting_describes_wrong_and_right() {
        let f = WizardForm {
            kind: "retting".into(),
            wrong: "A".into(),
            right: "B".into(),
            ..Default::default()
        };
        let d = description(&f, Language::En);
        assert!(d.contains("What is wrong?\nA") && d.contains("What is right?\nB"));
    }
}
