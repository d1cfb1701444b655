//! The parts of a request's page: the timeline's words, who opened the case, where it was
//! forwarded, and the answer with its documents.
use maud::{Markup, html};
use uuid::Uuid;

use crate::app::AppState;
use crate::attachments::AttachmentView;
use crate::decisions;
use crate::i18n::{Language, t, tf};
use crate::lifecycle::Status;
use crate::requests::opened::Opening;
use crate::requests::{RequestView, TimelineEvent};
use crate::web::{PageSession, csrf_field, date, date_time};

use super::{norwegian, size_text, type_and_size};

/// What the person is told happened, for the timeline actions they may see; `None` for
/// internal steps (assignment, drafts, collection).
pub(super) fn event_text(lang: Language, e: &TimelineEvent) -> Option<&'static str> {
    let key = match e.action.as_str() {
        // To another body (this request closes), not to another unit of the same body.
        "forwarded" if e.to_status == Some(Status::Forwarded) => "forward_out",
        "created" => "created",
        "start" => "start",
        "ask_requester" => "ask_requester",
        "requester_answered" => "requester_answered",
        "attachment_added" => "attachment_added",
        "extended" => "extended",
        "decision_approved" | "complete" | "approve" => "answered",
        "withdraw" => "withdraw",
        "forwarded" => "forwarded",
        "forward_out" => "forward_out",
        "rerouted" => "rerouted",
        _ => return None,
    };
    Some(t(lang, &format!("portal.event.{key}")))
}

pub(super) fn opened_table(lang: Language, openings: &[Opening]) -> Markup {
    let role = |r: &Option<String>| match r.as_deref() {
        Some(r @ ("caseworker" | "privacy_officer" | "auditor" | "admin")) => {
            t(lang, &format!("portal.opened.role_{r}"))
        }
        _ => t(lang, "portal.opened.unit_unknown"),
    };
    // The name column only where some reader's controller shows its staff's names.
    let named = openings.iter().any(|o| o.name.is_some());
    html! {
        div.table-wrap {
            table.stack {
                thead { tr {
                    th scope="col" { (t(lang, "portal.opened.col_when")) }
                    @if named { th scope="col" { (t(lang, "portal.opened.col_name")) } }
                    th scope="col" { (t(lang, "portal.opened.col_role")) }
                    th scope="col" { (t(lang, "portal.opened.col_unit")) }
                    th scope="col" { (t(lang, "portal.opened.col_what")) }
                } }
                tbody {
                    @for o in openings {
                        tr {
                            td data-label=(t(lang, "portal.opened.col_when")) { (date_time(lang, o.at)) }
                            @if named {
                                td data-label=(t(lang, "portal.opened.col_name")) {
                                    (o.name.as_deref().unwrap_or_else(|| t(lang, "portal.opened.name_hidden")))
                                }
                            }
                            td data-label=(t(lang, "portal.opened.col_role")) { (role(&o.role)) }
                            td data-label=(t(lang, "portal.opened.col_unit")) {
                                @if o.units.is_empty() { (t(lang, "portal.opened.unit_unknown")) } @else { (norwegian(lang, &o.units.join(", "))) }
                            }
                            td data-label=(t(lang, "portal.opened.col_what")) { (t(lang, &format!("portal.opened.{}", o.what.as_str()))) }
                        }
                    }
                }
            }
        }
    }
}

/// Where a closed, forwarded request went: the body (for a forward inside this service), when,
/// and the caseworker's reason (for a forward out of it, the reason says where).
pub(super) struct Forwarding {
    pub(super) to: Option<String>,
    pub(super) at: chrono::DateTime<chrono::Utc>,
    pub(super) reason: Option<String>,
    /// The receiving body's case number, for a forward inside this service.
    pub(super) onward: Option<String>,
}

pub(super) fn forwarding(
    events: &[TimelineEvent],
    registry: Option<&crate::registry::Registry>,
) -> Option<Forwarding> {
    let e = events.iter().rev().find(|e| {
        e.to_status == Some(Status::Forwarded)
            && matches!(e.action.as_str(), "forwarded" | "forward_out")
    })?;
    let to = e
        .details
        .get("to_controller_id")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .and_then(|id| registry?.controllers.get(&id).map(|c| c.name.clone()));
    let reason = e
        .details
        .get("note")
        .and_then(|n| n.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let onward = e
        .details
        .get("onward_reference")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Some(Forwarding {
        to,
        at: e.at,
        reason,
        onward,
    })
}

/// What a letter along the way is, by its kind (`extension_pdf` → the extension letter).
pub(super) fn letter_label(lang: Language, d: &decisions::DocumentView) -> String {
    let base = d.kind.trim_end_matches("_pdf").trim_end_matches("_html");
    match base {
        "extension" | "forwarded" | "restriction_lift" => {
            t(lang, &format!("portal.letter.{base}")).to_string()
        }
        _ => d.name.clone(),
    }
}

pub(super) fn doc_href(id: Uuid, d: &decisions::DocumentView) -> String {
    format!("/min-side/sak/{id}/dokument/{}", d.id)
}

/// The answer first: the outcome and the date, one link to read the letter, the other formats
/// and, for innsyn, what the data package holds.
pub(super) fn answer_section(
    lang: Language,
    r: &RequestView,
    docs: &[decisions::DocumentView],
) -> Markup {
    let latest = |kind: &str| docs.iter().rev().find(|d| d.kind == kind);
    let (pdf, page, package) = (
        latest("answer_pdf"),
        latest("answer_html"),
        latest("data_package"),
    );
    let answered_at = r.closed_at.or(pdf.map(|d| d.created_at));
    html! {
        section.panel.answer aria-labelledby="answer-title" {
            h2 #answer-title { (t(lang, "portal.answer.title")) }
            @if let Some(outcome) = r.outcome {
                p.lead.outcome { (t(lang, &format!("portal.answer.outcome_{}", outcome.as_str()))) }
            }
            @if let Some(at) = answered_at {
                p { (tf(lang, "portal.answer.date", &[("date", &date(lang, at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()))])) }
            }
            @if let Some(pdf) = pdf {
                p { a.button href=(doc_href(r.id, pdf)) download {
                    (t(lang, "portal.answer.read")) " (" (type_and_size(lang, pdf)) ")"
                } }
            }
            @if let Some(package) = package {
                h3 { (t(lang, "portal.answer.package_title")) }
                p { (t(lang, "portal.answer.package_intro")) }
                p { a href=(doc_href(r.id, package)) download {
                    (t(lang, "portal.answer.package_link")) " (" (type_and_size(lang, package)) ")"
                } }
                dl.files {
                    @for (file, key) in [("letter.pdf", "letter_pdf"), ("letter.html", "letter_html"), ("data.json", "data_json"), ("data.csv", "data_csv")] {
                        dt { code { (file) } }
                        dd { (t(lang, &format!("portal.answer.file_{key}"))) }
                    }
                }
            }
            @if let Some(page) = page {
                h3 { (t(lang, "portal.answer.other_formats")) }
                ul {
                    li { a href=(doc_href(r.id, page)) download {
                        (t(lang, "portal.answer.as_web_page")) " (" (type_and_size(lang, page)) ")"
                    } }
                }
            }
        }
    }
}

/// The file input's `accept`: a hint to the browser's picker; the server reads the content.
const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/// The file field of a form (the clarification form's and the add form's), with its error.
pub(super) fn file_field(
    app: &AppState,
    lang: Language,
    input_id: &str,
    error: Option<&str>,
) -> Markup {
    let max = (app.settings.attachments.max_file_bytes / (1024 * 1024))
        .max(1)
        .to_string();
    let hint_id = format!("{input_id}-hint");
    let error_id = format!("{input_id}-error");
    html! {
        div.field {
            label for=(input_id) { (t(lang, "portal.attach.file_label")) }
            span.hint id=(hint_id) { (tf(lang, "portal.attach.file_hint", &[("max", &max)])) }
            @if let Some(e) = error {
                p.error id=(error_id) { (e) }
            }
            input type="file" id=(input_id) name="file" accept=(ACCEPT)
                aria-invalid=[error.is_some().then_some("true")]
                aria-describedby={ (hint_id) @if error.is_some() { " " (error_id) } };
        }
    }
}

/// The files sent so far and, while the request is open, the form to add one.
pub(super) fn attachments_section(
    app: &AppState,
    lang: Language,
    s: &PageSession,
    id: Uuid,
    files: &[AttachmentView],
    can_add: bool,
    add_error: Option<&str>,
) -> Markup {
    let q = format!("lang={}", lang.as_str());
    html! {
        @if can_add || !files.is_empty() {
            section.panel aria-labelledby="attachments-title" {
                h2 #attachments-title { (t(lang, "portal.attach.title")) }
                @if files.is_empty() {
                    p { (t(lang, "portal.attach.none")) }
                } @else {
                    ul.attachments {
                        @for f in files {
                            li {
                                (f.name) " " span.muted { "(" (kind(&f.media_type)) ", " (size_text(lang, f.size)) ")" }
                                " " span.when { (tf(lang, "portal.attach.sent_at", &[("when", &date_time(lang, f.uploaded_at))])) }
                            }
                        }
                    }
                }
                @if can_add {
                    form method="post" enctype="multipart/form-data" action={ "/min-side/sak/" (id) "/vedlegg?" (q) } {
                        (csrf_field(&s.session))
                        p { (t(lang, "portal.attach.add_help")) }
                        (file_field(app, lang, "attach-file", add_error))
                        button type="submit" { (t(lang, "portal.attach.send")) }
                    }
                }
            }
        }
    }
}

fn kind(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        _ => "",
    }
}
