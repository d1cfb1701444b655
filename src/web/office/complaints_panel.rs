//! The case page's complaints panel: the request's appeals and complaints to Datatilsynet,
//! a form to register one, and per open complaint the forms to send an appeal on to the appeal
//! body and to record the outcome (handled in `complaints`).
use entity::complaint::{ComplaintKind, ComplaintOutcome, ComplaintStatus};
use maud::{Markup, html};

use super::Office;
use crate::{
    access::{Act, allows},
    app::AppState,
    complaints,
    error::ServiceResult,
    lifecycle::Status,
    requests::view::RequestView,
};

fn kind_text(office: &Office, kind: ComplaintKind) -> String {
    office
        .t(&format!("office.complaint.kind_{}", kind.as_str()))
        .to_string()
}

fn outcome_text(office: &Office, outcome: ComplaintOutcome) -> String {
    office
        .t(&format!("office.complaint.outcome_{}", outcome.as_str()))
        .to_string()
}

fn status_text(office: &Office, status: ComplaintStatus) -> String {
    office
        .t(&format!("office.complaint.status_{}", status.as_str()))
        .to_string()
}

/// The panel; empty for roles that neither read internal matters nor work cases.
/// A refused form's errors and typed values, from the case page: `error(form, field)` and
/// `value(form, field)`.
pub(super) struct FormState<'a> {
    pub error: &'a (dyn Fn(&str, &str) -> Option<String> + Sync),
    pub value: &'a (dyn Fn(&str, &str) -> String + Sync),
}

pub(super) async fn panel(
    app: &AppState,
    office: &Office,
    view: &RequestView,
    state: FormState<'_>,
    csrf: &Markup,
) -> ServiceResult<Markup> {
    if !allows(office.staff.role, Act::ReadInternal) {
        return Ok(html! {});
    }
    let id = view.id;
    let list = complaints::list(app, &office.principal, id).await?;
    let works = allows(office.staff.role, Act::WorkCase);
    let t = |k: &str| office.t(k);
    let lang = office.lang;
    let kinds: Vec<ComplaintKind> = ComplaintKind::ALL
        .iter()
        .copied()
        .filter(|k| complaints::may_receive(*k, view.status))
        .collect();
    let field_error = |form: &str, field: &str, key: &str| -> Markup {
        html! {
            @if let Some(e) = (state.error)(form, &format!("complaint_{field}")).filter(|_| (state.value)(form, "complaint_id") == key) {
                p.field-error id=(format!("{form}-{key}{field}-error")) { (e) }
            }
        }
    };
    let invalid = |form: &str, field: &str, key: &str| {
        (state.error)(form, &format!("complaint_{field}"))
            .filter(|_| (state.value)(form, "complaint_id") == key)
            .map(|_| "true")
    };
    let value = |form: &str, field: &str, key: &str| {
        if (state.value)(form, "complaint_id") == key {
            (state.value)(form, field)
        } else {
            String::new()
        }
    };
    Ok(html! {
        section.panel aria-labelledby="complaints-title" {
            h2 #complaints-title { (t("office.complaint.title")) }
            @if list.is_empty() {
                p { (t("office.complaint.none")) }
            }
            @for c in &list {
                @let key = c.id.to_string();
                article.complaint {
                    h3 { (kind_text(office, c.kind)) " – " (status_text(office, c.status)) }
                    dl.facts {
                        div { dt { (t("office.complaint.received_on")) } dd { (super::date(c.received_on)) } }
                        @if let Some(days) = c.days_after_answer {
                            div { dt { (t("office.complaint.after_answer")) } dd {
                                (crate::i18n::tn(lang, "office.complaint.days_after_answer", &[("days", days.into())]))
                            } }
                        }
                        @if let Some(sent) = c.sent_to_appeal_body_on {
                            div { dt { (t("office.complaint.sent_on")) } dd { (super::date(sent)) } }
                        }
                        @if let (Some(outcome), Some(day)) = (c.outcome, c.decided_on) {
                            div { dt { (t("office.complaint.outcome")) } dd { (outcome_text(office, outcome)) ", " (super::date(day)) } }
                        }
                        @if let Some(by) = &c.registered_by {
                            div { dt { (t("office.complaint.registered_by")) } dd { (by) } }
                        }
                    }
                    @if let Some(note) = &c.note { p.pre { (note) } }
                    @if c.kind == ComplaintKind::Appeal && c.status == ComplaintStatus::Open {
                        p.hint { (t("office.complaint.time_limit_hint")) }
                    }
                    @if works && c.status != ComplaintStatus::Closed {
                        @if complaints::may_send_on(c.kind, c.status).is_ok() {
                            form method="post" action=(format!("/office/sak/{id}/klage/{key}/klageinstans")) {
                                (csrf)
                                input type="hidden" name="complaint_id" value=(key);
                                div.field {
                                    label for=(format!("sent-{key}")) { (t("office.complaint.sent_on")) }
                                    input id=(format!("sent-{key}")) type="date" name="sent_on" required value=(value("complaint_sent", "sent_on", &key)) aria-invalid=[invalid("complaint_sent", "sent_on", &key)];
                                    (field_error("complaint_sent", "sent_on", &key))
                                }
                                button.secondary type="submit" { (t("office.complaint.send_on_button")) }
                            }
                        }
                        form method="post" action=(format!("/office/sak/{id}/klage/{key}/utfall")) {
                            (csrf)
                            input type="hidden" name="complaint_id" value=(key);
                            div.field {
                                label for=(format!("outcome-{key}")) { (t("office.complaint.outcome")) }
                                select id=(format!("outcome-{key}")) name="outcome" required {
                                    option value="" { (t("office.complaint.choose")) }
                                    @for o in ComplaintOutcome::ALL {
                                        option value=(o.as_str()) selected[value("complaint_outcome", "outcome", &key) == o.as_str()] { (outcome_text(office, *o)) }
                                    }
                                }
                                (field_error("complaint_outcome", "outcome", &key))
                            }
                            div.field {
                                label for=(format!("decided-{key}")) { (t("office.complaint.decided_on")) }
                                input id=(format!("decided-{key}")) type="date" name="decided_on" required value=(value("complaint_outcome", "decided_on", &key)) aria-invalid=[invalid("complaint_outcome", "decided_on", &key)];
                                (field_error("complaint_outcome", "decided_on", &key))
                            }
                            div.field {
                                label for=(format!("outcome-note-{key}")) { (t("office.complaint.note")) }
                                textarea id=(format!("outcome-note-{key}")) name="note" rows="2" { (value("complaint_outcome", "note", &key)) }
                            }
                            button.secondary type="submit" { (t("office.complaint.outcome_button")) }
                        }
                    }
                }
            }
            @if works && !kinds.is_empty() {
                h3 { (t("office.complaint.register")) }
                form method="post" action=(format!("/office/sak/{id}/klage")) {
                    (csrf)
                    input type="hidden" name="complaint_id" value="";
                    div.field {
                        label for="complaint-kind" { (t("office.complaint.kind")) }
                        select #complaint-kind name="kind" required {
                            @for k in &kinds {
                                option value=(k.as_str()) selected[value("complaint", "kind", "") == k.as_str()] { (kind_text(office, *k)) }
                            }
                        }
                    }
                    div.field {
                        label for="complaint-received" { (t("office.complaint.received_on")) }
                        input #complaint-received type="date" name="received_on" required value=(value("complaint", "received_on", "")) aria-invalid=[invalid("complaint", "received_on", "")];
                        (field_error("complaint", "received_on", ""))
                    }
                    div.field {
                        label for="complaint-note" { (t("office.complaint.note")) }
                        textarea #complaint-note name="note" rows="2" { (value("complaint", "note", "")) }
                    }
                    button.secondary type="submit" { (t("office.complaint.register_button")) }
                }
                @if view.status != Status::Completed {
                    p.hint { (t("office.complaint.appeal_needs_answer")) }
                }
            }
        }
    })
}
