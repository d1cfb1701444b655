//! The case page's side panels for working the case: start it, assign it, ask the person and
//! record their answer, extend the deadline (or say why it cannot be), the date the person can
//! expect the answer, forward to another unit; and the internal note.
use maud::{Markup, html};

use super::page::Page;
use crate::{lifecycle::Action, requests::view::RequestView, web::office::date};

/// The steps the case can take now, for those who work it while it is open.
pub(super) fn actions(page: &Page) -> Markup {
    let colleagues = &page.colleagues;
    let units = &page.units;
    let office = page.office;
    let id = page.id;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let today = page.today;
    let works = page.works;
    let open = page.open;
    let allowed = |a: Action| page.allowed(a);
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    html! {
        @if works && open {
            section.panel #actions tabindex="-1" aria-labelledby="actions-title" {
                h2 #actions-title { (t("office.case.actions")) }
                @if allowed(Action::Start) {
                    form.inline method="post" action=(format!("/office/sak/{id}/steg")) {
                        (csrf)
                        input type="hidden" name="action" value="start";
                        button type="submit" { (t("office.case.start")) }
                    }
                }
                form method="post" action=(format!("/office/sak/{id}/tildel")) {
                    (csrf)
                    (form_level("assign"))
                    div.field {
                        label for="assign-assignee" { (t("office.case.assign_to")) }
                        select #assign-assignee name="assignee" {
                            option value="" { (t("office.case.nobody")) }
                            @for c in colleagues {
                                option value=(c.username) selected[v.assignee.as_deref() == Some(c.username.as_str())] { (c.display_name) }
                            }
                        }
                    }
                    div.actions {
                        button type="submit" { (t("office.case.assign")) }
                        @if v.assignee.as_deref() != Some(office.staff.username.as_str()) {
                            button.secondary type="submit" name="assignee" value=(office.staff.username) { (t("office.case.assign_me")) }
                        }
                    }
                }
                @if allowed(Action::AskRequester) {
                    details open[state.form == "ask"] {
                        summary { (t("office.case.ask")) }
                        form method="post" action=(format!("/office/sak/{id}/steg")) {
                            (csrf)
                            (form_level("ask"))
                            input type="hidden" name="action" value="ask_requester";
                            div.field {
                                label for="ask-note" { (t("office.case.question")) }
                                textarea #ask-note name="note" rows="4" required aria-invalid=[state.error("ask", "note").map(|_| "true")] aria-describedby=[described("ask", "note")] { (state.value("ask", "note")) }
                                (field_error("ask", "note"))
                            }
                            div.choice {
                                input #ask-for_identity type="checkbox" name="for_identity" value="true" checked[state.value("ask", "for_identity") == "true"];
                                label for="ask-for_identity" { (t("office.case.ask_for_identity")) }
                            }
                            button type="submit" { (t("office.case.ask_button")) }
                        }
                    }
                }
                @if allowed(Action::RequesterAnswered) {
                    form method="post" action=(format!("/office/sak/{id}/steg")) {
                        (csrf)
                        input type="hidden" name="action" value="requester_answered";
                        div.field {
                            label for="answered-note" { (t("office.case.answered_note")) }
                            textarea #answered-note name="note" rows="3" { (state.value("answered", "note")) }
                        }
                        button type="submit" { (t("office.case.answered")) }
                    }
                }
                details open[state.form == "extend"] {
                    summary { (t("office.case.extend")) }
                    @if let Some(why) = extend_closed(lang, v, today) {
                        p.hint { (why) }
                    } @else {
                    form method="post" action=(format!("/office/sak/{id}/frist")) {
                        (csrf)
                        (form_level("extend"))
                        p.hint { (t("office.case.extend_hint")) " " (date(v.extended_due_on)) "." }
                        div.field {
                            label for="extend-reason" { (t("office.case.reason")) }
                            textarea #extend-reason name="reason" rows="3" required aria-invalid=[state.error("extend", "reason").map(|_| "true")] aria-describedby=[described("extend", "reason")] { (state.value("extend", "reason")) }
                            (field_error("extend", "reason"))
                        }
                        div.field {
                            label for="extend-due_on" { (t("office.case.new_due")) }
                            input #extend-due_on type="date" name="due_on" value=(state.value("extend", "due_on")) min=(v.due_on.succ_opt().unwrap_or(v.due_on)) max=(v.extended_due_on) aria-invalid=[state.error("extend", "due_on").map(|_| "true")] aria-describedby=[described("extend", "due_on")];
                            (field_error("extend", "due_on"))
                        }
                        button type="submit" { (t("office.case.extend_button")) }
                    }
                    }
                }
                details #expected open[state.form == "expected" || (v.due_on < today && v.expected_answer_on.is_none())] {
                    summary { (t("office.case.expected")) }
                    form method="post" action=(format!("/office/sak/{id}/forventet-svar")) {
                        (csrf)
                        (form_level("expected"))
                        p.hint { (t("office.case.expected_hint")) }
                        div.field {
                            label for="expected-expected_on" { (t("office.case.expected_on")) }
                            input #expected-expected_on type="date" name="expected_on" value=(if state.form == "expected" { state.value("expected", "expected_on") } else { v.expected_answer_on.map(|d| d.to_string()).unwrap_or_default() }) min=(today) aria-invalid=[state.error("expected", "expected_on").map(|_| "true")] aria-describedby=[described("expected", "expected_on")];
                            (field_error("expected", "expected_on"))
                        }
                        button type="submit" { (t("office.case.expected_button")) }
                    }
                }
                details open[state.form == "forward"] {
                    summary { (t("office.case.forward")) }
                    form method="post" action=(format!("/office/sak/{id}/videresend")) {
                        (csrf)
                        (form_level("forward"))
                        div.field {
                            label for="forward-unit_id" { (t("office.case.forward_to")) }
                            select #forward-unit_id name="unit_id" required aria-invalid=[state.error("forward", "unit_id").map(|_| "true")] aria-describedby=[described("forward", "unit_id")] {
                                option value="" { (t("office.case.choose")) }
                                @for (controller, unit, uid) in units {
                                    option value=(uid) selected[state.value("forward", "unit_id") == uid.to_string()] { (unit) " – " (controller) }
                                }
                            }
                            (field_error("forward", "unit_id"))
                        }
                        div.field {
                            label for="forward-note" { (t("office.case.forward_note")) }
                            textarea #forward-note name="note" rows="2" { (state.value("forward", "note")) }
                            (field_error("forward", "note"))
                        }
                        button type="submit" { (t("office.case.forward_button")) }
                    }
                }
            }
        }
    }
}

/// The form for an internal note.
pub(super) fn notes(page: &Page) -> Markup {
    let id = page.id;
    let t = |k: &str| page.t(k);
    let state = &page.state;
    let csrf = &page.csrf;
    let works = page.works;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    html! {
        @if works {
            section.panel aria-labelledby="note-title" {
                h2 #note-title { (t("office.case.note")) }
                form method="post" action=(format!("/office/sak/{id}/notat")) {
                    (csrf)
                    (form_level("note"))
                    div.field {
                        label for="note-text" { (t("office.case.note_label")) }
                        textarea #note-text name="text" rows="3" required aria-invalid=[state.error("note", "text").map(|_| "true")] aria-describedby=[described("note", "text")] { (state.value("note", "text")) }
                        (field_error("note", "text"))
                    }
                    button.secondary type="submit" { (t("office.case.add_note")) }
                }
            }
        }
    }
}

/// Why the extend form is not offered: the first deadline has passed (art. 12(3) extends only
/// within it), or the deadline is already the latest allowed. `None`: a later date can be chosen.
fn extend_closed(
    lang: crate::i18n::Language,
    v: &RequestView,
    today: chrono::NaiveDate,
) -> Option<String> {
    let first_due_on = crate::deadlines::due_date(v.received_on);
    if today > first_due_on {
        return Some(crate::i18n::tf(
            lang,
            "office.case.extend_too_late",
            &[("date", &date(first_due_on))],
        ));
    }
    (v.due_on >= v.extended_due_on).then(|| {
        crate::i18n::tf(
            lang,
            "office.case.extend_at_latest",
            &[("date", &date(v.extended_due_on))],
        )
    })
}
