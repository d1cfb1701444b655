//! The wizard's page: the progress through the steps, the error summary, and each step's
//! questions with what was answered kept (earlier answers ride along in hidden fields).
use axum::response::{IntoResponse, Response};
use entity::values::RepresentationBasis;
use maud::{Markup, html};

use crate::app::AppState;
use crate::auth::Principal;
use crate::i18n::{Language, t, tf};
use crate::lifecycle::RightKind;
use crate::web::components::{Form, FormErrors};
use crate::web::portal::norwegian;
use crate::web::{csrf_field, layout_at};

use super::{Errors, STEPS, WizardForm, description, draft_address, kind_of};

pub(super) fn hidden(f: &WizardForm, except_step: u8) -> Markup {
    // Everything answered in other steps rides along.
    html! {
        @if except_step != 1 {
            input type="hidden" name="kind" value=(f.kind);
            input type="hidden" name="on_behalf" value=(f.on_behalf);
        }
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
            input type="hidden" name="paper" value=(f.paper);
        }
    }
}

/// The id an error summary link jumps to: the field, or a choice group's first option.
pub(super) fn anchor(field: &str) -> String {
    match field {
        "kind" => format!("kind-{}", RightKind::ALL[0].as_str()),
        other => other.to_string(),
    }
}

/// A text area with its label, hint and error (`components::Field`).
pub(super) fn textarea(
    lang: Language,
    form: Form<'_>,
    name: &'static str,
    label_key: &str,
    hint_key: &str,
    value: &str,
) -> Markup {
    html! { (form.textarea(name, t(lang, label_key), 6).hint(t(lang, hint_key)).value(value)) }
}

pub(super) fn progress(lang: Language, step: u8) -> Markup {
    html! {
        ol.steps aria-label=(tf(lang, "portal.wizard.step", &[("n", &step.to_string())])) {
            @for (i, key) in STEPS.iter().enumerate() {
                @let n = i as u8 + 1;
                @if n == step {
                    li aria-current="step" { span.visually-hidden { (t(lang, key)) " (" (t(lang, "portal.wizard.step_current")) ")" } }
                } @else if n < step {
                    li.done { span.visually-hidden { (t(lang, key)) " (" (t(lang, "portal.wizard.step_done")) ")" } }
                } @else {
                    li { span.visually-hidden { (t(lang, key)) } }
                }
            }
        }
        p.step-count { (tf(lang, "portal.wizard.step", &[("n", &step.to_string())])) ": " (t(lang, STEPS[usize::from(step.clamp(1, 5) - 1)])) }
    }
}

/// Whom the signed-in person may file for: their children under 18 for whom Folkeregisteret
/// records parental responsibility, and the persons staff registered them as representing.
/// Folkeregisteret not answering leaves only the registered ones.
pub(super) async fn represented_choices(
    app: &AppState,
    lang: Language,
    session: &crate::auth::sessions::Session,
) -> Vec<(String, String)> {
    let Ok(Principal::Citizen { pid, .. }) = app.login.principal(app, session).await else {
        return Vec::new();
    };
    let today = crate::clock::today_oslo();
    let mut choices = Vec::new();
    if let Ok(relations) = crate::sources::relations::of(app, &pid).await {
        for r in relations {
            let minor = r.birth_date.is_some_and(|b| {
                crate::representation::rules::age_on(b, today)
                    < crate::representation::rules::AGE_OF_MAJORITY
            });
            if r.role == crate::sources::relations::RelationRole::Child
                && r.parental_responsibility
                && minor
            {
                choices.push((
                    format!("{}:{}", RepresentationBasis::ParentalResponsibility, r.pid),
                    tf(lang, "portal.wizard.for_child", &[("name", &r.name)]),
                ));
            }
        }
    }
    if let Ok(held) = crate::representation::held_by(app, &pid).await {
        for (represented, view) in held {
            let value = format!("{}:{}", view.basis, represented.as_str());
            if view.basis == RepresentationBasis::ParentalResponsibility
                || choices.iter().any(|(v, _)| *v == value)
            {
                continue;
            }
            let basis = t(lang, &format!("portal.basis.{}", view.basis));
            choices.push((
                value,
                tf(
                    lang,
                    "portal.wizard.for_registered",
                    &[("pid", &view.represented), ("basis", basis)],
                ),
            ));
        }
    }
    choices
}

pub(super) async fn render(
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
    // Asked in the first step, and named again in the summary when it is someone else.
    let for_whom = match step {
        1 => represented_choices(app, lang, session).await,
        5 if !f.on_behalf.is_empty() => represented_choices(app, lang, session).await,
        _ => Vec::new(),
    };
    let for_label = for_whom
        .iter()
        .find(|(v, _)| !f.on_behalf.is_empty() && *v == f.on_behalf)
        .map(|(_, label)| label.as_str());
    let messages = FormErrors(
        errors
            .iter()
            .map(|(field, key)| ((*field).to_string(), t(lang, key).to_string()))
            .collect(),
    );
    let form = Form::alone(&messages);
    let body = html! {
        (progress(lang, step))
        (messages.summary_as("error-summary", t(lang, "portal.wizard.errors_title"), anchor))
        form method="post" action={ "/min-side/ny?lang=" (lang.as_str()) } novalidate {
            (csrf_field(session))
            input type="hidden" name="step" value=(step);
            input type="hidden" name="draft" value=(f.draft);
            (hidden(f, step))
            @match step {
                1 => {
                    @if !for_whom.is_empty() {
                        fieldset aria-describedby="hint-for" {
                            legend { (t(lang, "portal.wizard.q_for")) }
                            span.hint #hint-for { (t(lang, "portal.wizard.for_hint")) }
                            div.choice {
                                input type="radio" name="on_behalf" id="for-me" value="" checked[f.on_behalf.is_empty()];
                                label for="for-me" { (t(lang, "portal.wizard.for_me")) }
                            }
                            @for (n, (value, label)) in for_whom.iter().enumerate() {
                                div.choice {
                                    input type="radio" name="on_behalf" id={ "for-" (n) } value=(value) checked[f.on_behalf == *value];
                                    label for={ "for-" (n) } { (label) }
                                }
                            }
                        }
                    }
                    fieldset aria-describedby=[form.described("kind", false)] {
                        legend { (t(lang, "portal.wizard.q_kind")) }
                        (form.error("kind"))
                        @for k in RightKind::ALL {
                            div.choice {
                                input type="radio" name="kind" id={ "kind-" (k.as_str()) } value=(k.as_str()) checked[kind == Some(k)]
                                    aria-describedby={ "hint-kind-" (k.as_str()) };
                                label for={ "kind-" (k.as_str()) } {
                                    strong { (t(lang, &format!("portal.right_short.{}", k.as_str()))) }
                                    span.hint id={ "hint-kind-" (k.as_str()) } { (t(lang, &format!("portal.right_desc.{}", k.as_str()))) }
                                }
                            }
                        }
                    }
                }
                2 => {
                    fieldset aria-describedby="hint-area" {
                        legend { (t(lang, "portal.wizard.q_area")) }
                        span.hint #hint-area { (t(lang, "portal.wizard.hint_area")) }
                        @for (code, name) in &areas {
                            div.choice {
                                input type="radio" name="service_area" id={ "area-" (code) } value=(code) checked[f.service_area == *code];
                                label for={ "area-" (code) } { (norwegian(lang, name)) }
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
                            (textarea(lang, form, "wrong", "portal.wizard.wrong", "portal.wizard.hint_wrong", &f.wrong))
                            (textarea(lang, form, "right", "portal.wizard.right", "portal.wizard.hint_right", &f.right))
                        }
                        Some(RightKind::Protest) => { (textarea(lang, form, "grounds", "portal.wizard.grounds", "portal.wizard.hint_grounds", &f.grounds)) }
                        _ => { (textarea(lang, form, "description", "portal.wizard.description", "portal.wizard.hint_description", &f.description)) }
                    }
                }
                4 => {
                    h2 { (t(lang, "portal.wizard.q_contact")) }
                    (form.text("contact_email", t(lang, "portal.wizard.email")).kind("email").hint(t(lang, "portal.wizard.email_hint")).value(&f.contact_email).autocomplete("email").verbatim())
                    div.field {
                        label for="language" { (t(lang, "portal.wizard.language")) }
                        select id="language" name="language" {
                            @for l in Language::ALL {
                                option value=(l.as_str()) lang=(l.html_lang()) selected[f.language == l.as_str() || (f.language.is_empty() && l == lang)] { (l.native_name()) }
                            }
                        }
                    }
                    div.choice {
                        input type="checkbox" id="paper" name="paper" value="yes" checked[f.paper == "yes"] aria-describedby="hint-paper";
                        label for="paper" {
                            (t(lang, "portal.wizard.paper"))
                            span.hint #hint-paper { (t(lang, "portal.wizard.paper_hint")) }
                        }
                    }
                }
                _ => {
                    h2 { (t(lang, "portal.wizard.q_confirm")) }
                    dl.summary {
                        @if let Some(label) = for_label {
                            dt { (t(lang, "portal.wizard.q_for")) } dd { (label) }
                        }
                        dt { (t(lang, "auth.col_kind")) }
                        dd { (kind.map(|k| t(lang, &format!("portal.right_short.{}", k.as_str()))).unwrap_or("")) }
                        dt { (t(lang, "portal.wizard.q_area")) }
                        dd { @match areas.iter().find(|(c, _)| *c == f.service_area) {
                            Some((_, name)) => (norwegian(lang, name)),
                            None => (t(lang, "portal.wizard.area_unknown")),
                        } }
                        dt { (t(lang, "portal.wizard.q_details")) }
                        dd.pre { (description(f, lang)) }
                        dt { (t(lang, "portal.wizard.language")) }
                        dd { (Language::from_code(&f.language).unwrap_or(lang).native_name()) }
                        @if !f.contact_email.trim().is_empty() {
                            dt { (t(lang, "portal.wizard.email_label")) } dd { (f.contact_email.trim()) }
                        }
                        @if f.paper == "yes" {
                            dt { (t(lang, "portal.wizard.paper_label")) } dd { (t(lang, "portal.wizard.paper_yes")) }
                        }
                    }
                }
            }
            @if step < 5 {
                p.hint { (t(lang, "portal.wizard.draft_hint")) }
            }
            // The default button (Enter in a field) is the first: forward, never back.
            div.actions {
                @if step < 5 {
                    button type="submit" name="go" value="next" { (t(lang, "portal.wizard.next")) }
                } @else {
                    button type="submit" name="go" value="send" { (t(lang, "portal.wizard.send")) }
                }
                @if step > 1 { button.secondary type="submit" name="go" value="back" { (t(lang, "portal.wizard.back")) } }
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
        layout_at(
            lang,
            t(lang, "portal.wizard.wizard_title"),
            Some(session),
            body,
            &draft_address(f),
        ),
    )
        .into_response()
}
