//! One request's page: its deadline, a clarification to answer, what has happened, the
//! answer, and the document downloads; a refused form is shown again with what was typed.
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::decisions;
use crate::i18n::{Language, t, tf};
use crate::lifecycle::{Action, Status};
use crate::requests::{RequestView, TimelineEvent, opened, queries, represented};
use crate::web::components::{Form, FormErrors};
use crate::web::{
    ErrorKind, Lang, MaybeSession, PageError, PageQuery, PageSession, csrf_field, date, date_time,
    layout_at,
};

use super::request_parts::{
    answer_section, attachments_section, doc_href, event_text, file_field, forwarding,
    letter_label, opened_table,
};
use super::{
    citizen, lq, norwegian, overdue, page_error, right_short, side_words, status_tag, type_and_size,
};

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// `sendt` after a clarification was answered.
    svar: Option<String>,
    /// Set after the request was withdrawn.
    trukket: Option<String>,
    /// `sendt` after a file was added.
    vedlegg: Option<String>,
}

/// A form as typed, with its problem, when it has to be shown again: the clarification
/// answer (its text or its file) or the form that adds a file.
pub(in crate::web) struct AnswerAttempt {
    pub(super) text: String,
    /// The message, in the page's language.
    pub(super) error: String,
    /// The id of the field the message belongs to: `answer`, `file` or `attach-file`.
    pub(super) field: &'static str,
    pub(super) status: StatusCode,
}

impl AnswerAttempt {
    pub(super) fn answer(lang: Language, text: String, key: &'static str) -> Self {
        Self {
            text,
            error: t(lang, key).to_string(),
            field: "answer",
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub(in crate::web) fn file_refused(
        text: String,
        field: &'static str,
        error: String,
        status: StatusCode,
    ) -> Self {
        Self {
            text,
            error,
            field,
            status,
        }
    }
}

pub async fn case_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<CaseQuery>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (s, principal) = match citizen(&app, lang, session, &format!("/min-side/sak/{id}")).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let notice = if query.svar.as_deref() == Some("sendt") {
        Some("portal.answered_notice")
    } else if query.trukket.is_some() {
        Some("portal.withdrawn_notice")
    } else if query.vedlegg.as_deref() == Some("sendt") {
        Some("portal.attach.sent_notice")
    } else {
        None
    };
    render_case(&app, lang, &s, &principal, id, notice, None).await
}

/// The question of the latest request for more information, if the caseworker wrote one.
fn clarification_question(events: &[TimelineEvent]) -> Option<String> {
    events
        .iter()
        .rev()
        .find(|e| e.action == "ask_requester")
        .and_then(|e| e.details.get("note"))
        .and_then(|n| n.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

pub(in crate::web) async fn render_case(
    app: &AppState,
    lang: Language,
    s: &PageSession,
    principal: &Principal,
    id: Uuid,
    notice: Option<&'static str>,
    attempt: Option<AnswerAttempt>,
) -> Result<Response, PageError> {
    let r: RequestView = queries::get(app, principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let docs = decisions::documents(app, principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let events = queries::events(app, principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let openings = opened::staff_reads(app, principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let files = crate::attachments::list(app, principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let side = represented::citizen_sides(app, principal, std::slice::from_ref(&r))
        .await
        .map_err(|e| page_error(lang, e))?
        .remove(&r.id)
        .map(|side| side_words(lang, &side));
    let registry = app.registry.get(&app.db).await.ok();
    let forwarded = if r.status == Status::Forwarded {
        forwarding(&events, registry.as_deref())
    } else {
        None
    };
    let title = tf(lang, "portal.case_title", &[("reference", &r.reference)]);
    let can_withdraw = r.allowed_actions.contains(&Action::Withdraw);
    let can_answer = r.status == Status::AwaitingRequester
        && r.allowed_actions.contains(&Action::RequesterAnswered);
    let question = clarification_question(&events);
    let late = overdue(&r, crate::clock::today_oslo());
    let answered = r.status == Status::Completed;
    // Letters along the way (an extension, a forward), apart from the answer.
    let letters: Vec<&decisions::DocumentView> = docs
        .iter()
        .filter(|d| !d.kind.starts_with("answer") && d.kind != "data_package")
        .collect();
    let q = lq(lang);
    let status = attempt.as_ref().map_or(StatusCode::OK, |a| a.status);
    let field_error = |field: &str| {
        attempt
            .as_ref()
            .filter(|a| a.field == field)
            .map(|a| a.error.clone())
    };
    let file_error = field_error("file");
    let add_error = field_error("attach-file");
    let messages = FormErrors(
        attempt
            .iter()
            .map(|a| (a.field.to_string(), a.error.clone()))
            .collect(),
    );
    let answer_form = Form::alone(&messages);
    let body = html! {
        (messages.summary_as("error-summary", t(lang, "portal.wizard.errors_title"), str::to_string))
        @if let Some(key) = notice {
            div.notice.notice--success role="status" { p { (t(lang, key)) } }
        }
        @if late {
            section.notice.notice--warning.overdue aria-labelledby="overdue-title" {
                h2 #overdue-title { (t(lang, "portal.overdue.title")) }
                p { (tf(lang, "portal.overdue.apology", &[("date", &date(lang, r.due_on))])) }
                @if let Some(on) = r.expected_answer_on {
                    p { (tf(lang, "portal.overdue.expected", &[("date", &date(lang, on))])) }
                } @else {
                    p { (t(lang, "portal.overdue.no_date")) }
                }
                p {
                    (t(lang, "portal.overdue.complain")) " "
                    a href="https://www.datatilsynet.no/" lang="nb" { "datatilsynet.no" }
                }
            }
        }
        @if answered {
            (answer_section(lang, &r, &docs))
        }
        @if let Some(f) = &forwarded {
            section.panel.forwarded aria-labelledby="forwarded-title" {
                h2 #forwarded-title { (t(lang, "portal.forwarded.title")) }
                @if let Some(to) = &f.to {
                    p { (t(lang, "portal.forwarded.to")) " " strong { (norwegian(lang, to)) } }
                } @else {
                    p { (t(lang, "portal.forwarded.outside")) }
                }
                p { (tf(lang, "portal.forwarded.when", &[("date", &date(lang, f.at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()))])) }
                @if let Some(onward) = &f.onward {
                    p { (tf(lang, "portal.forwarded.onward", &[("reference", onward)])) }
                }
                @if let Some(reason) = &f.reason {
                    h3 { (t(lang, "portal.forwarded.why")) }
                    p.pre { (reason) }
                }
                p { (t(lang, "portal.forwarded.next")) }
            }
        }
        @if can_answer {
            section.panel aria-labelledby="clarify-title" {
                h2 #clarify-title { (t(lang, "portal.clarify.title")) }
                @if let Some(question) = &question {
                    h3 { (t(lang, "portal.clarify.question")) }
                    p.pre { (question) }
                } @else {
                    p { (t(lang, "portal.clarify.no_question")) }
                }
                form method="post" enctype="multipart/form-data" action={ "/min-side/sak/" (id) "/svar?" (q) } {
                    (csrf_field(&s.session))
                    (answer_form.textarea("answer", t(lang, "portal.clarify.answer"), 6).hint(t(lang, "portal.clarify.hint"))
                        .value(attempt.as_ref().filter(|a| a.field != "attach-file").map(|a| a.text.as_str()).unwrap_or("")))
                    (file_field(app, lang, "file", file_error.as_deref()))
                    button type="submit" { (t(lang, "portal.clarify.send")) }
                }
            }
        }
        dl.summary {
            dt { (t(lang, "portal.reference")) } dd { (r.reference) }
            @if let Some((label, who, _)) = &side {
                dt { (label) } dd { (who) }
            }
            dt { (t(lang, "auth.col_kind")) }
            dd { (right_short(lang, r.kind)) " " span.muted { "(" (tf(lang, "portal.law", &[("article", r.kind.gdpr_article())])) ")" } }
            dt { (t(lang, "portal.status_label")) } dd {
                (status_tag(lang, r.status))
                @if r.status == Status::AwaitingApproval {
                    " " span.muted { (t(lang, "portal.status_help.awaiting_approval")) }
                }
            }
            dt { (t(lang, "portal.your_text")) } dd.pre { (r.description) }
            dt { (t(lang, "portal.received")) } dd { (date(lang, r.received_on)) }
            @if !r.status.is_terminal() {
                dt { (t(lang, "portal.due")) } dd { strong { (date(lang, r.due_on)) } }
            }
            @if let Some(f) = &forwarded {
                dt { (t(lang, "portal.forwarded.to_label")) }
                dd { (f.to.as_deref().map(|to| norwegian(lang, to)).unwrap_or_else(|| html! { (t(lang, "portal.forwarded.outside_short")) })) }
            } @else {
                dt { (t(lang, "portal.handled_by")) } dd { (norwegian(lang, &r.controller.name)) }
            }
        }
        @if let Some(reason) = &r.extension_reason {
            div.notice.notice--warning { p { (tf(lang, "portal.extended", &[("date", &date(lang, r.due_on)), ("reason", reason)])) } }
        }
        (attachments_section(app, lang, s, id, &files, !r.status.is_terminal() && !can_answer, add_error.as_deref()))
        @if !r.status.is_terminal() {
            h2 { (t(lang, "portal.documents")) }
            p { (t(lang, "portal.no_documents")) }
            p { a href={ "/min-side/sak/" (id) "/kvittering?" (q) } download { (t(lang, "portal.receipt_pdf")) } }
        }
        @if !letters.is_empty() {
            h2 { (t(lang, "portal.letters")) }
            ul {
                @for d in &letters {
                    li { a href=(doc_href(id, d)) download { (letter_label(lang, d)) " (" (type_and_size(lang, d)) ")" } }
                }
            }
        }
        h2 { (t(lang, "portal.timeline_title")) }
        ol.timeline {
            @for e in events.iter().rev() {
                @if let Some(text) = event_text(lang, e) {
                    li {
                        (text)
                        span.when { (date_time(lang, e.at)) }
                    }
                }
            }
        }
        h2 { (t(lang, "portal.opened.title")) }
        p {
            (t(lang, "portal.opened.intro"))
            @if openings.iter().any(|o| o.name.is_some()) { " " (t(lang, "portal.opened.intro_named")) }
        }
        @if openings.is_empty() {
            p.muted { (t(lang, "portal.opened.none")) }
        } @else {
            (opened_table(lang, &openings))
        }
        @if can_withdraw {
            h2 { (t(lang, "portal.withdraw_title")) }
            p { (t(lang, "portal.withdraw_help")) }
            p { a.button.button--secondary href={ "/min-side/sak/" (id) "/trekk?" (q) } { (t(lang, "portal.withdraw")) } }
        }
        p { a href={ "/min-side?" (q) } { (t(lang, "portal.back")) } }
    };
    // Also the answer to the clarification form's post: other languages link to the GET.
    let here = format!("/min-side/sak/{id}");
    Ok((
        status,
        layout_at(lang, &title, Some(&s.session), body, &here),
    )
        .into_response())
}

pub async fn download(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Ok(id), Ok(doc)) = (Uuid::parse_str(&id), Uuid::parse_str(&doc)) else {
        return Err(PageError::new(lang, ErrorKind::NotFound));
    };
    let (_, principal) = match citizen(&app, lang, session, &format!("/min-side/sak/{id}")).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let (meta, bytes) = decisions::download(&app, &principal, id, doc)
        .await
        .map_err(|e| page_error(lang, e))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        meta.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}
