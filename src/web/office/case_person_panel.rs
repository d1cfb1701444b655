//! The case page's parts about the person (the forms are handled in `case_person`): the form
//! to change the language letters are written in, the form to link another number of the
//! person (or record the number of a person known by name and date of birth), and what the
//! history says about a language change.
use maud::{Markup, html};
use uuid::Uuid;

use super::Office;
use crate::{
    access::{Act, allows},
    app::AppState,
    error::ServiceResult,
    i18n::Language,
    lifecycle::Role,
    persons::{self, CasePerson},
    requests::{TimelineEvent, language, view::RequestView},
};

/// A refused form's error for the field and what was typed, from the case page.
pub(super) struct Field<'a> {
    pub error: Option<&'a str>,
    pub value: String,
}

/// Whether the page offers to change the language: to staff who work cases, while letters are
/// still made on the request (the domain's rule).
fn language_changeable(office: &Office, view: &RequestView, events: &[TimelineEvent]) -> bool {
    let told = events
        .iter()
        .any(|e| e.action == "restriction_lift_notified");
    allows(office.staff.role, Act::WorkCase)
        && language::may_change(view.status, view.kind, view.outcome, told).is_ok()
}

/// The small form beside the request's language: the languages by their own names.
pub(super) fn language_form(
    office: &Office,
    view: &RequestView,
    events: &[TimelineEvent],
    field: Field<'_>,
    csrf: &Markup,
) -> Markup {
    if !language_changeable(office, view, events) {
        return html! {};
    }
    let t = |k: &str| office.t(k);
    let error = field.error;
    let chosen = if field.value.is_empty() {
        view.language.as_str().to_string()
    } else {
        field.value
    };
    html! {
        details #language-change open[error.is_some()] {
            summary { (t("office.case_person.language_change")) }
            form method="post" action=(format!("/office/sak/{}/sprak", view.id)) {
                (csrf)
                div.field {
                    label for="language-language" { (t("office.case_person.language_label")) }
                    p.hint #language-language-hint { (t("office.case_person.language_hint")) }
                    select #language-language name="language" aria-invalid=[error.map(|_| "true")] aria-describedby=(if error.is_some() { "language-language-error language-language-hint" } else { "language-language-hint" }) {
                        @for l in Language::ALL {
                            option value=(l.as_str()) lang=(l.html_lang()) selected[chosen == l.as_str()] { (l.native_name()) }
                        }
                    }
                    @if let Some(e) = error { p.field-error #language-language-error { (e) } }
                }
                button.secondary type="submit" { (t("office.case_person.language_button")) }
            }
        }
    }
}

/// The person panel's form for another number of the person; while a merge of the person
/// waits for a privacy officer, that is said instead.
pub(super) async fn link_panel(
    app: &AppState,
    office: &Office,
    id: Uuid,
    person: &CasePerson,
    field: Field<'_>,
    csrf: &Markup,
) -> ServiceResult<Markup> {
    if !allows(office.staff.role, Act::LinkNumbers) {
        return Ok(html! {});
    }
    let t = |k: &str| office.t(k);
    if persons::merge_waiting(app, &office.principal, id).await? {
        return Ok(html! {
            p.notice #link-waiting role="note" {
                (t("office.case_person.merge_waiting")) " "
                @if office.staff.role == Role::PrivacyOfficer {
                    a href=(super::merges::PATH) { (t("office.case_person.merges_link")) }
                }
            }
        });
    }
    // A person known only by name and date of birth has no number yet: the form records it.
    let no_number = person.subject.pid().is_none() && person.subject.duf().is_none();
    let (summary, hint) = if no_number {
        (
            "office.case_person.number_title",
            "office.case_person.number_hint",
        )
    } else {
        (
            "office.case_person.link_title",
            "office.case_person.link_hint",
        )
    };
    let error = field.error;
    Ok(html! {
        details #link open[error.is_some() || no_number] {
            summary { (t(summary)) }
            form method="post" action=(format!("/office/sak/{id}/nummer")) {
                (csrf)
                div.field {
                    label for="link-other_pid" { (t("office.case_person.other_pid")) }
                    p.hint #link-other_pid-hint { (t(hint)) }
                    input #link-other_pid type="text" name="other_pid" inputmode="numeric" autocomplete="off" maxlength="11" value=(field.value) aria-invalid=[error.map(|_| "true")] aria-describedby=(if error.is_some() { "link-other_pid-error link-other_pid-hint" } else { "link-other_pid-hint" });
                    @if let Some(e) = error { p.field-error #link-other_pid-error { (e) } }
                }
                button.secondary type="submit" { (t("office.case_person.link_button")) }
            }
        }
    })
}

/// What a timeline line of this module's actions adds to its label: the languages before and
/// after (`bokmål → engelsk`).
pub(super) fn event_detail(lang: Language, e: &TimelineEvent) -> Option<String> {
    if e.action != language::LANGUAGE_CHANGED {
        return None;
    }
    let name = |key: &str| {
        let code = e.details.get(key)?.as_str()?;
        let l = Language::from_code(code)?;
        Some(crate::i18n::t(
            lang,
            &format!("office.language.{}", l.as_str()),
        ))
    };
    Some(format!("{} → {}", name("from")?, name("to")?))
}
