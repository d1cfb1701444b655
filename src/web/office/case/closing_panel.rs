//! The case page's panels for closing steps under four eyes and after the answer: a proposed
//! withdrawal or forward with approve and return for another privacy officer, and the two steps
//! of lifting a granted restriction (art. 18(3)): tell the person, then lift.
use maud::{Markup, html};

use super::page::Page;
use crate::{
    lifecycle::{Outcome, RightKind, Role, Status},
    requests::closing::ClosingStatus,
    web::office::date,
};

/// Four eyes on a withdrawal or forward: what waits, and approve/return for another officer.
pub(super) fn closing(page: &Page) -> Markup {
    let office = page.office;
    let id = page.id;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let state = &page.state;
    let csrf = &page.csrf;
    let registry = &page.registry;
    let open = page.open;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    let name_of = |username: &str| page.name_of(username);
    html! {
        @if let Some(step) = data.closing.as_ref().filter(|s| open && s.status != ClosingStatus::Approved) {
            section.panel aria-labelledby="closing-title" {
                h2 #closing-title { (t("office.case.closing_title")) }
                (form_level("closing"))
                dl.facts {
                    div { dt { (t("office.case.closing_step")) } dd { (t(&format!("office.case.closing_step_{}", step.action.as_str()))) } }
                    div { dt { (t("office.case.closing_status")) } dd { (t(&format!("office.case.closing_status_{}", step.status.as_str()))) } }
                    div { dt { (t("office.case.closing_proposed_by")) } dd { (step.proposed_by.as_deref().map(name_of).unwrap_or_else(|| "–".into())) " " (crate::web::date_time(lang, step.proposed_at)) } }
                    @if let Some(unit) = step.unit_id.and_then(|u| registry.units.get(&u)) {
                        div { dt { (t("office.case.closing_to")) } dd { (unit.name) " – " (registry.controllers.get(&unit.controller_id).map(|c| c.name.as_str()).unwrap_or_default()) } }
                    }
                    @if let Some(w) = &step.withdrawal {
                        div { dt { (t("office.case.closing_withdrawal")) } dd { (t(&format!("office.case.closing_channel_{}", w.channel.as_str()))) " " (date(w.received_on)) @if let Some(r) = &w.reference { " (" (r) ")" } } }
                    }
                    @if let Some(n) = &step.note {
                        div { dt { (t("office.case.closing_note")) } dd.pre { (n) } }
                    }
                    @if let Some(c) = &step.review_comment {
                        div { dt { (t("office.case.review_comment")) } dd.pre { (c) } }
                    }
                }
                @if step.status == ClosingStatus::Pending && office.staff.role == Role::PrivacyOfficer {
                    @if step.proposed_by.as_deref() == Some(office.staff.username.as_str()) {
                        p.notice { (t("office.case.closing_own")) }
                    } @else {
                        div.approve-box {
                            form.inline method="post" action=(format!("/office/sak/{id}/avslutning/godkjenn")) {
                                (csrf)
                                button type="submit" { (t("office.case.closing_approve")) }
                            }
                            details open[state.form == "closing"] {
                                summary { (t("office.case.closing_return")) }
                                form method="post" action=(format!("/office/sak/{id}/avslutning/returner")) {
                                    (csrf)
                                    div.field {
                                        label for="closing-comment" { (t("office.case.return_comment")) }
                                        textarea #closing-comment name="comment" rows="3" required aria-invalid=[state.error("closing", "comment").map(|_| "true")] aria-describedby=[described("closing", "comment")] { (state.value("closing", "comment")) }
                                        (field_error("closing", "comment"))
                                    }
                                    button.secondary type="submit" { (t("office.case.return_button")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Art. 18(3): a granted restriction is lifted only after the person is told.
pub(super) fn lift(page: &Page) -> Markup {
    let id = page.id;
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let works = page.works;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    let has_event = |action: &str| data.events.iter().any(|e| e.action == action);
    let restriction_in_force = works
        && v.kind == RightKind::Begrensning
        && v.status == Status::Completed
        && v.outcome.is_some_and(|o| o != Outcome::Refused)
        && !has_event("restriction_lifted");
    let told = has_event("restriction_lift_notified");
    html! {
        @if restriction_in_force {
            section.panel aria-labelledby="lift-title" {
                h2 #lift-title { (t("office.case.lift_title")) }
                (form_level("lift"))
                @if told {
                    p { (t("office.case.lift_told")) }
                    form method="post" action=(format!("/office/sak/{id}/begrensning/opphev")) {
                        (csrf)
                        button type="submit" { (t("office.case.lift_button")) }
                    }
                } @else {
                    p.hint { (t("office.case.lift_hint")) }
                    form method="post" action=(format!("/office/sak/{id}/begrensning/varsel")) {
                        (csrf)
                        div.field {
                            label for="lift-reason" { (t("office.case.lift_reason")) }
                            textarea #lift-reason name="reason" rows="3" required aria-invalid=[state.error("lift", "reason").map(|_| "true")] aria-describedby=[described("lift", "reason")] { (state.value("lift", "reason")) }
                            (field_error("lift", "reason"))
                        }
                        div.field {
                            label for="lift-on" { (t("office.case.lift_on")) }
                            input #lift-on type="date" name="lift_on" value=(state.value("lift", "lift_on")) aria-invalid=[state.error("lift", "lift_on").map(|_| "true")] aria-describedby=[described("lift", "lift_on")];
                            (field_error("lift", "lift_on"))
                        }
                        button type="submit" { (t("office.case.lift_notify_button")) }
                    }
                }
            }
        }
    }
}
