//! The citizen's request wizard: which right → which service (or "I don't know") → details
//! (for retting what is wrong and what is right, for protest the grounds) → contact and
//! language → confirm. No JavaScript: each step is a form whose earlier answers travel in hidden
//! fields and are checked again on every post; an error is shown next to its field with what the
//! person typed kept. Every step also saves the answers as a draft (`drafts`), which Min side
//! offers to continue (`/min-side/ny?utkast=<id>`) until it is sent, deleted or expires.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    CsrfForm, ErrorKind, Lang, MaybeSession, PageError, PageQuery, components::with_reference,
    csrf_field, date, layout_at, portal::norwegian,
};
use crate::{
    app::AppState,
    auth::{Principal, sessions::SessionKind},
    drafts,
    error::ServiceError,
    i18n::{Language, t, tf},
    lifecycle::RightKind,
    representation::Refusal,
    requests::{
        intake::{self, MAX_DESCRIPTION, NewRequest, valid_email},
        represented,
    },
};
use entity::values::RepresentationBasis;

mod page;
use page::{hidden, render, represented_choices};

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct WizardForm {
    #[serde(skip_serializing)]
    csrf_token: String,
    step: u8,
    /// `next`, `back` or `send`.
    #[serde(skip_serializing)]
    go: String,
    /// The draft these answers are saved in.
    #[serde(skip_serializing)]
    draft: String,
    kind: String,
    service_area: String,
    description: String,
    wrong: String,
    right: String,
    grounds: String,
    contact_email: String,
    language: String,
    /// Empty for oneself, else `{basis}:{number}` of the person the request is for.
    on_behalf: String,
    /// `yes`: the person wants the answers on paper by post.
    paper: String,
}

impl WizardForm {
    /// Whether there is anything worth keeping as a draft.
    fn has_answers(&self) -> bool {
        [
            &self.kind,
            &self.description,
            &self.wrong,
            &self.right,
            &self.grounds,
            &self.contact_email,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

const STEPS: [&str; 5] = [
    "portal.wizard.step_kind",
    "portal.wizard.step_area",
    "portal.wizard.step_details",
    "portal.wizard.step_contact",
    "portal.wizard.step_confirm",
];

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

/// Where a GET shows the wizard as it stands: the saved draft opens at the step it was saved
/// at (every step saves it before it is shown); without a draft, the first step.
fn draft_address(f: &WizardForm) -> String {
    match Uuid::parse_str(&f.draft) {
        Ok(id) => format!("/min-side/ny?utkast={id}"),
        Err(_) => "/min-side/ny".to_string(),
    }
}

/// A request for someone else that was refused because the representation could not be
/// confirmed: why (in the page's words, never the API's English reason), what the person can
/// do instead, and a way back to the first step with the answers kept (the draft stays).
fn refused(
    lang: Language,
    session: &crate::auth::sessions::Session,
    f: &WizardForm,
    refusal: Option<Refusal>,
) -> Response {
    let reason = refusal.map_or("unknown", Refusal::as_str);
    let body = html! {
        div.notice.notice--error role="alert" {
            p { (t(lang, "portal.on_behalf_refused.not_sent")) " " (t(lang, &format!("portal.on_behalf_refused.{reason}"))) }
        }
        h2 { (t(lang, "portal.on_behalf_refused.what_title")) }
        ul {
            li { (t(lang, "portal.on_behalf_refused.send_document")) }
            li { (t(lang, "portal.on_behalf_refused.themselves")) }
        }
        @if Uuid::parse_str(&f.draft).is_ok() {
            p { (t(lang, "portal.on_behalf_refused.draft_kept")) }
        }
        // Back to the first step, where whom the request is for is chosen, answers kept.
        form method="post" action={ "/min-side/ny?lang=" (lang.as_str()) } {
            (csrf_field(session))
            input type="hidden" name="step" value="2";
            input type="hidden" name="draft" value=(f.draft);
            (hidden(f, 0))
            div.actions {
                button type="submit" name="go" value="back" { (t(lang, "portal.on_behalf_refused.back")) }
                a.button.button--secondary href={ "/min-side?lang=" (lang.as_str()) } { (t(lang, "portal.wizard.to_my_page")) }
            }
        }
    };
    (
        axum::http::StatusCode::FORBIDDEN,
        layout_at(
            lang,
            t(lang, "portal.on_behalf_refused.title"),
            Some(session),
            body,
            &draft_address(f),
        ),
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct StartQuery {
    /// A draft to continue.
    utkast: Option<String>,
}

pub async fn start(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    PageQuery(query): PageQuery<StartQuery>,
) -> Result<Response, PageError> {
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Citizen) else {
        return Ok(Redirect::to("/login?return_to=/min-side/ny").into_response());
    };
    let Some(draft) = query.utkast else {
        return Ok(render(
            &app,
            lang,
            &s.session,
            &WizardForm::default(),
            1,
            &Errors::new(),
        )
        .await);
    };
    // Someone else's draft, or one that is gone, is simply not found.
    let not_found = || PageError::new(lang, ErrorKind::NotFound);
    let id = Uuid::parse_str(&draft).map_err(|_| not_found())?;
    let principal = app
        .login
        .principal(&app, &s.session)
        .await
        .map_err(|_| PageError::new(lang, ErrorKind::SessionEnded))?;
    let owner = drafts::owner(&principal).ok_or_else(not_found)?;
    let saved = drafts::get(&app, owner, id)
        .await
        .map_err(|e| super::portal::page_error(lang, e))?
        .ok_or_else(not_found)?;
    let mut f: WizardForm = serde_json::from_value(saved.data).unwrap_or_default();
    f.draft = id.to_string();
    let step = f.step.clamp(1, 5);
    Ok(render(&app, lang, &s.session, &f, step, &Errors::new()).await)
}

/// Saves the answers as the person's draft and remembers its id in the form. A draft that
/// cannot be saved does not stop the wizard: the answers still travel in the form.
async fn keep_draft(app: &AppState, principal: &Principal, f: &mut WizardForm, step: u8) {
    let Some(owner) = drafts::owner(principal) else {
        return;
    };
    if !f.has_answers() {
        return;
    }
    let mut answers = f.clone();
    answers.step = step;
    let data = match serde_json::to_value(&answers) {
        Ok(d) => d,
        Err(_) => return,
    };
    let id = Uuid::parse_str(&f.draft).ok();
    match drafts::save(app, owner, id, &data).await {
        Ok(id) => f.draft = id.to_string(),
        Err(e) => tracing::error!(error = %e, "could not save a portal draft"),
    }
}

pub async fn step(
    State(app): State<AppState>,
    Lang(lang): Lang,
    form: CsrfForm<WizardForm>,
) -> Result<Response, PageError> {
    let CsrfForm {
        form: mut f,
        session,
    } = form;
    if session.session.kind != SessionKind::Citizen {
        return Err(PageError::new(lang, ErrorKind::SessionEnded));
    }
    let principal = app
        .login
        .principal(&app, &session.session)
        .await
        .map_err(|_| PageError::new(lang, ErrorKind::SessionEnded))?;
    let current = f.step.clamp(1, 5);
    if f.go == "back" {
        let to = current.saturating_sub(1).max(1);
        keep_draft(&app, &principal, &mut f, to).await;
        return Ok(render(&app, lang, &session.session, &f, to, &Errors::new()).await);
    }
    let errors = check(&f, current);
    if !errors.is_empty() {
        // Back to the first step with a problem, what was typed kept.
        let at = match errors[0].0 {
            "kind" => 1,
            "contact_email" => 4,
            _ => 3,
        }
        .min(current);
        keep_draft(&app, &principal, &mut f, at).await;
        return Ok(render(&app, lang, &session.session, &f, at, &errors).await);
    }
    if current < 5 || f.go != "send" {
        let to = (current + 1).min(5);
        keep_draft(&app, &principal, &mut f, to).await;
        return Ok(render(&app, lang, &session.session, &f, to, &Errors::new()).await);
    }
    let letter_lang = Language::from_code(&f.language).unwrap_or(lang);
    // The receipt names whom the request is for, as the first step offered them.
    let for_label = match f.on_behalf.is_empty() {
        true => None,
        false => represented_choices(&app, lang, &session.session)
            .await
            .into_iter()
            .find(|(v, _)| *v == f.on_behalf)
            .map(|(_, label)| label),
    };
    let input = NewRequest {
        kind: kind_of(&f).unwrap_or(RightKind::Innsyn),
        description: description(&f, letter_lang),
        service_area: Some(f.service_area.clone()).filter(|a| !a.is_empty()),
        language: Some(letter_lang),
        geography: None,
        subject_pid: None,
        subject_duf: None,
        subject_name: None,
        subject_birth_date: None,
        channel: None,
        received_on: None,
        contact_email: Some(f.contact_email.trim().to_string()).filter(|e| !e.is_empty()),
        wants_paper: f.paper == "yes",
    };
    let filed = match f.on_behalf.split_once(':') {
        Some((basis, pid)) => {
            let basis = RepresentationBasis::parse(basis)
                .ok_or_else(|| PageError::new(lang, ErrorKind::NotFound))?;
            let request = represented::OnBehalfRequest {
                request: input,
                basis,
                represented_pid: pid.to_string(),
                representative_pid: None,
                representative_name: None,
                representative_address: Vec::new(),
            };
            represented::file(&app, &principal, request, None).await
        }
        None => intake::create(&app, &principal, input, None).await,
    };
    match filed {
        Ok((view, _)) => {
            // Sent: the draft has done its job.
            if let (Some(owner), Ok(id)) = (drafts::owner(&principal), Uuid::parse_str(&f.draft))
                && let Err(e) = drafts::delete(&app, owner, id).await
            {
                tracing::error!(error = %e, "could not delete a sent portal draft");
            }
            let q = format!("lang={}", lang.as_str());
            let body = html! {
                div.notice.notice--success role="status" {
                    p { (with_reference(&tf(lang, "portal.wizard.receipt_body", &[("reference", &view.reference), ("due", &date(lang, view.due_on))]), &view.reference)) }
                }
                dl.summary {
                    dt { (t(lang, "portal.wizard.receipt_reference")) } dd { strong.reference { (view.reference) } }
                    @if let Some(label) = &for_label {
                        dt { (t(lang, "portal.wizard.q_for")) } dd { (label) }
                    }
                    dt { (t(lang, "auth.col_kind")) } dd { (t(lang, &format!("portal.right_short.{}", view.kind.as_str()))) }
                    dt { (t(lang, "portal.wizard.receipt_due")) } dd { strong { (date(lang, view.due_on)) } }
                    dt { (t(lang, "portal.handled_by")) } dd { (norwegian(lang, &view.controller.name)) }
                }
                h2 { (t(lang, "portal.wizard.receipt_next_title")) }
                ol {
                    li { (t(lang, "portal.wizard.receipt_next_1")) }
                    li { (t(lang, "portal.wizard.receipt_next_2")) }
                    li { (t(lang, "portal.wizard.receipt_next_3")) }
                }
                p { a href={ "/min-side/sak/" (view.id) "/kvittering?" (q) } download { (t(lang, "portal.receipt_pdf")) } }
                div.actions {
                    a.button href={ "/min-side/sak/" (view.id) "?" (q) } { (t(lang, "portal.wizard.see_case")) }
                    a.button.button--secondary href={ "/min-side?" (q) } { (t(lang, "portal.wizard.to_my_page")) }
                }
            };
            Ok((
                axum::http::StatusCode::CREATED,
                layout_at(
                    lang,
                    t(lang, "portal.wizard.receipt_title"),
                    Some(&session.session),
                    body,
                    // The receipt is not there to GET again; the case page says the same.
                    &format!("/min-side/sak/{}", view.id),
                ),
            )
                .into_response())
        }
        Err(e @ ServiceError::Forbidden(_)) if !f.on_behalf.is_empty() => {
            Ok(refused(lang, &session.session, &f, Refusal::of(&e)))
        }
        Err(e) => Err(PageError::from_service(lang, e)),
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
