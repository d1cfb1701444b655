//! The citizen's pages: the start page (the five rights in plain words, and who answers), and
//! after login `/min-side` with the person's requests and unfinished drafts, one request's page
//! with its deadline, any extension and its reason, a clarification to answer, what has
//! happened, who among the staff opened it, the answer to download, and withdrawing.
use axum::{
    body::Body,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    CsrfForm, ErrorKind, Lang, MaybeSession, PageError, PageQuery, PageSession, csrf_field, date,
    date_time, layout, status_variant,
};
use crate::{
    app::AppState,
    auth::{Principal, sessions::SessionKind},
    decisions, drafts,
    error::ServiceError,
    i18n::{Language, t, tf},
    lifecycle::{Action, RightKind, Status},
    requests::{
        RequestView, TimelineEvent, case,
        opened::{self, Opening},
        queries::{self, QueueFilter},
    },
};

/// The longest answer to a clarification (as the API's `note`).
pub const MAX_ANSWER: usize = 4000;

fn status_text(lang: Language, status: Status) -> &'static str {
    t(lang, &format!("portal.status.{}", status.as_str()))
}

/// A status as a coloured tag (the same colours as in the office).
pub fn status_tag(lang: Language, status: Status) -> Markup {
    html! { span class={ "tag tag--" (status_variant(status)) } { (status_text(lang, status)) } }
}

fn right_short(lang: Language, kind: RightKind) -> &'static str {
    t(lang, &format!("portal.right_short.{}", kind.as_str()))
}

/// `?lang=xx` for links that keep the page's language.
fn lq(lang: Language) -> String {
    format!("lang={}", lang.as_str())
}

pub async fn start(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Response {
    let logged_in = session
        .as_ref()
        .is_some_and(|s| s.session.kind == SessionKind::Citizen);
    let mut controllers: Vec<String> = match app.registry.get(&app.db).await {
        Ok(r) => r.controllers.values().map(|c| c.name.clone()).collect(),
        Err(_) => vec![],
    };
    controllers.sort();
    let body = html! {
        p.lead { (t(lang, "auth.start_intro")) }
        div.actions {
            @if logged_in {
                a.button href={ "/min-side?" (lq(lang)) } { (t(lang, "auth.my_page_title")) }
                a.button.button--secondary href={ "/min-side/ny?" (lq(lang)) } { (t(lang, "portal.wizard.new_request")) }
            } @else {
                a.button href="/login?return_to=/min-side" { (t(lang, "auth.login_idporten")) }
            }
        }
        h2 { (t(lang, "portal.rights_title")) }
        ul.cards {
            @for kind in RightKind::ALL {
                li {
                    h3 { (right_short(lang, kind)) }
                    p { (t(lang, &format!("portal.right_desc.{}", kind.as_str()))) }
                    p.muted { (tf(lang, "portal.law", &[("article", kind.gdpr_article())])) }
                }
            }
        }
        h2 { (t(lang, "portal.how_title")) }
        ol {
            li { (t(lang, "portal.how_1")) }
            li { (t(lang, "portal.how_2")) }
            li { (t(lang, "portal.how_3")) }
        }
        @if !controllers.is_empty() {
            h2 { (t(lang, "portal.who_title")) }
            p { (t(lang, "portal.who_intro")) }
            ul.columns { @for c in &controllers { li { (c) } } }
        }
    };
    layout(
        lang,
        t(lang, "auth.start_title"),
        session.as_ref().map(|s| &s.session),
        body,
    )
    .into_response()
}

/// The logged-in citizen, or a redirect to the login that comes back to `here`.
async fn citizen(
    app: &AppState,
    lang: Language,
    session: Option<PageSession>,
    here: &str,
) -> Result<Result<(PageSession, Principal), Response>, PageError> {
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Citizen) else {
        return Ok(Err(
            Redirect::to(&format!("/login?return_to={here}")).into_response()
        ));
    };
    let principal = app
        .login
        .principal(app, &s.session)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(Ok((s, principal)))
}

/// A service error as a page, answered by the table the API uses (`error::ErrorClass`); the
/// domain already answers "not found" for a case the person may not see (no existence leak).
pub(super) fn page_error(lang: Language, e: ServiceError) -> PageError {
    PageError::from_service(lang, e)
}

/// Everything the person has asked for: open requests first, the nearest deadline first; then
/// the closed ones, newest first.
async fn all_requests(
    app: &AppState,
    principal: &Principal,
) -> Result<Vec<RequestView>, ServiceError> {
    let mut all = Vec::new();
    let mut cursor = None;
    // A person has a handful; the bound only keeps a runaway loop from running forever.
    for _ in 0..50 {
        let page = queries::list(
            app,
            principal,
            QueueFilter {
                limit: Some(100),
                cursor: cursor.take(),
                ..QueueFilter::default()
            },
        )
        .await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all.sort_by(|a, b| {
        let open = |r: &RequestView| !r.status.is_terminal();
        open(b)
            .cmp(&open(a))
            .then_with(|| {
                if open(a) {
                    a.due_on.cmp(&b.due_on)
                } else {
                    b.received_on.cmp(&a.received_on)
                }
            })
            .then_with(|| b.reference.cmp(&a.reference))
    });
    Ok(all)
}

#[derive(Debug, Default, Deserialize)]
pub struct MyPageQuery {
    /// `slettet` after a draft was deleted.
    utkast: Option<String>,
}

pub async fn my_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    PageQuery(query): PageQuery<MyPageQuery>,
) -> Result<Response, PageError> {
    let (s, principal) = match citizen(&app, lang, session, "/min-side").await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let requests = all_requests(&app, &principal)
        .await
        .map_err(|e| page_error(lang, e))?;
    let drafts = match drafts::owner(&principal) {
        Some(owner) => drafts::list(&app, owner)
            .await
            .map_err(|e| page_error(lang, e))?,
        None => Vec::new(),
    };
    let body = html! {
        @if query.utkast.as_deref() == Some("slettet") {
            div.notice.notice--success role="status" { p { (t(lang, "portal.drafts.deleted")) } }
        }
        p { (t(lang, "auth.logged_in")) " "
            @if let Some(acr) = &s.session.data.acr {
                span.muted.small { (tf(lang, "auth.assurance", &[("level", acr)])) }
            }
        }
        div.actions {
            a.button href={ "/min-side/ny?" (lq(lang)) } { (t(lang, "portal.wizard.new_request")) }
        }
        @if !drafts.is_empty() {
            h2 { (t(lang, "portal.drafts.title")) }
            p.muted { (t(lang, "portal.drafts.help")) }
            ul.cards {
                @for d in &drafts {
                    @let kind = d.data.get("kind").and_then(|k| k.as_str()).and_then(RightKind::parse);
                    li {
                        h3 { (kind.map(|k| right_short(lang, k)).unwrap_or(t(lang, "portal.drafts.kind_unknown"))) }
                        p.muted { (tf(lang, "portal.drafts.changed", &[("date", &date(lang, d.updated_at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()))])) }
                        div.actions {
                            a.button.button--secondary.button--small href={ "/min-side/ny?utkast=" (d.id) "&" (lq(lang)) } { (t(lang, "portal.drafts.continue")) }
                            form method="post" action={ "/min-side/utkast/" (d.id) "/slett?" (lq(lang)) } {
                                (csrf_field(&s.session))
                                button.button--link type="submit" { (t(lang, "portal.drafts.delete")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "auth.my_requests")) }
        @if requests.is_empty() {
            p { (t(lang, "auth.no_requests")) }
        } @else {
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (t(lang, "auth.col_reference")) }
                        th scope="col" { (t(lang, "auth.col_kind")) }
                        th scope="col" { (t(lang, "auth.col_status")) }
                        th scope="col" { (t(lang, "portal.col_received")) }
                        th scope="col" { (t(lang, "auth.col_due")) }
                    } }
                    tbody {
                        @for r in &requests {
                            tr {
                                td data-label=(t(lang, "auth.col_reference")) {
                                    a href={ "/min-side/sak/" (r.id) "?" (lq(lang)) } { (r.reference) }
                                }
                                td data-label=(t(lang, "auth.col_kind")) { (right_short(lang, r.kind)) }
                                td data-label=(t(lang, "auth.col_status")) { (status_tag(lang, r.status)) }
                                td data-label=(t(lang, "portal.col_received")) { (date(lang, r.received_on)) }
                                td data-label=(t(lang, "auth.col_due")) {
                                    @if r.status.is_terminal() {
                                        span.muted { "–" }
                                    } @else {
                                        (date(lang, r.due_on))
                                        @if r.extension_reason.is_some() {
                                            " " span.tag.tag--warning { (t(lang, "portal.extended_short")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(lang, t(lang, "auth.my_page_title"), Some(&s.session), body).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// `sendt` after a clarification was answered.
    svar: Option<String>,
    /// Set after the request was withdrawn.
    trukket: Option<String>,
}

/// The clarification form as typed, with its problem, when it has to be shown again.
struct AnswerAttempt {
    text: String,
    error: &'static str,
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

/// What the person is told happened, for the timeline actions they may see; `None` for
/// internal steps (assignment, drafts, collection).
fn event_text(lang: Language, action: &str) -> Option<&'static str> {
    let key = match action {
        "created" => "created",
        "start" => "start",
        "ask_requester" => "ask_requester",
        "requester_answered" => "requester_answered",
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

fn opened_table(lang: Language, openings: &[Opening]) -> Markup {
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
                                @if o.units.is_empty() { (t(lang, "portal.opened.unit_unknown")) } @else { (o.units.join(", ")) }
                            }
                            td data-label=(t(lang, "portal.opened.col_what")) { (t(lang, &format!("portal.opened.{}", o.what.as_str()))) }
                        }
                    }
                }
            }
        }
    }
}

async fn render_case(
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
    let title = tf(lang, "portal.case_title", &[("reference", &r.reference)]);
    let can_withdraw = r.allowed_actions.contains(&Action::Withdraw);
    let can_answer = r.status == Status::AwaitingRequester
        && r.allowed_actions.contains(&Action::RequesterAnswered);
    let question = clarification_question(&events);
    let q = lq(lang);
    let status = if attempt.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = html! {
        @if let Some(a) = &attempt {
            div.error-summary role="alert" aria-labelledby="error-summary-title" {
                h2 #error-summary-title { (t(lang, "portal.wizard.errors_title")) }
                ul { li { a href="#answer" { (t(lang, a.error)) } } }
            }
        }
        @if let Some(key) = notice {
            div.notice.notice--success role="status" { p { (t(lang, key)) } }
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
                form method="post" action={ "/min-side/sak/" (id) "/svar?" (q) } {
                    (csrf_field(&s.session))
                    @let invalid = attempt.is_some();
                    div.field {
                        label for="answer" { (t(lang, "portal.clarify.answer")) }
                        span.hint #answer-hint { (t(lang, "portal.clarify.hint")) }
                        @if let Some(a) = &attempt {
                            p.error #answer-error { (t(lang, a.error)) }
                        }
                        textarea #answer name="answer" rows="6" aria-invalid=[invalid.then_some("true")]
                            aria-describedby={ "answer-hint" @if invalid { " answer-error" } } {
                            (attempt.as_ref().map(|a| a.text.as_str()).unwrap_or(""))
                        }
                    }
                    button type="submit" { (t(lang, "portal.clarify.send")) }
                }
            }
        }
        dl.summary {
            dt { (t(lang, "portal.reference")) } dd { (r.reference) }
            dt { (t(lang, "auth.col_kind")) }
            dd { (right_short(lang, r.kind)) " " span.muted { "(" (tf(lang, "portal.law", &[("article", r.kind.gdpr_article())])) ")" } }
            dt { (t(lang, "portal.status_label")) } dd { (status_tag(lang, r.status)) }
            dt { (t(lang, "portal.your_text")) } dd.pre { (r.description) }
            dt { (t(lang, "portal.received")) } dd { (date(lang, r.received_on)) }
            @if !r.status.is_terminal() {
                dt { (t(lang, "portal.due")) } dd { strong { (date(lang, r.due_on)) } }
            }
            dt { (t(lang, "portal.handled_by")) } dd { (r.controller.name) }
        }
        @if let Some(reason) = &r.extension_reason {
            div.notice.notice--warning { p { (tf(lang, "portal.extended", &[("date", &date(lang, r.due_on)), ("reason", reason)])) } }
        }
        h2 { (t(lang, "portal.documents")) }
        // Letters along the way (an extension) are not the answer: say so until it comes.
        @if !docs.iter().any(|d| d.kind.starts_with("answer")) {
            p { (t(lang, "portal.no_documents")) }
        }
        @if !docs.is_empty() {
            ul {
                @for d in &docs {
                    li { a href={ "/min-side/sak/" (id) "/dokument/" (d.id) } download { (tf(lang, "portal.download", &[("name", &d.name)])) } }
                }
            }
        }
        h2 { (t(lang, "portal.timeline_title")) }
        ol.timeline {
            @for e in events.iter().rev() {
                @if let Some(text) = event_text(lang, &e.action) {
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
            p { (t(lang, "portal.withdraw_help")) " " (t(lang, "portal.withdraw_confirm_hint")) }
            form method="post" action={ "/min-side/sak/" (id) "/trekk?" (q) } {
                (csrf_field(&s.session))
                button.danger.secondary type="submit" { (t(lang, "portal.withdraw")) }
            }
        }
        p { a href={ "/min-side?" (q) } { (t(lang, "portal.back")) } }
    };
    Ok((status, layout(lang, &title, Some(&s.session), body)).into_response())
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

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[allow(dead_code)]
    csrf_token: String,
}

pub async fn withdraw(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (_, principal) = match citizen(
        &app,
        lang,
        Some(form.session),
        &format!("/min-side/sak/{id}"),
    )
    .await?
    {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::Withdraw,
            note: None,
            withdrawal: None,
            outcome: None,
        },
    )
    .await
    .map_err(|e| page_error(lang, e))?;
    // Post/redirect/get: a reload does not send the form again.
    Ok(Redirect::to(&format!("/min-side/sak/{id}?trukket=1&{}", lq(lang))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// The person answers a request for more information: the answer goes into the timeline (as
/// the `requester_answered` step's note) and the request goes back to the caseworker.
pub async fn answer(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<AnswerForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let CsrfForm { form, session } = form;
    let (s, principal) =
        match citizen(&app, lang, Some(session), &format!("/min-side/sak/{id}")).await? {
            Ok(found) => found,
            Err(redirect) => return Ok(redirect),
        };
    let text = form.answer.trim();
    let problem = if text.is_empty() {
        Some("portal.clarify.err_empty")
    } else if text.chars().count() > MAX_ANSWER {
        Some("portal.clarify.err_too_long")
    } else {
        None
    };
    if let Some(error) = problem {
        let attempt = AnswerAttempt {
            text: form.answer.clone(),
            error,
        };
        return render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await;
    }
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::RequesterAnswered,
            note: Some(text.to_string()),
            withdrawal: None,
            outcome: None,
        },
    )
    .await
    .map_err(|e| page_error(lang, e))?;
    Ok(Redirect::to(&format!("/min-side/sak/{id}?svar=sendt&{}", lq(lang))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteDraftForm {}

pub async fn delete_draft(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<DeleteDraftForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (_, principal) = match citizen(&app, lang, Some(form.session), "/min-side").await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let owner =
        drafts::owner(&principal).ok_or_else(|| PageError::new(lang, ErrorKind::NotFound))?;
    if !drafts::delete(&app, owner, id)
        .await
        .map_err(|e| page_error(lang, e))?
    {
        return Err(PageError::new(lang, ErrorKind::NotFound));
    }
    Ok(Redirect::to(&format!("/min-side?utkast=slettet&{}", lq(lang))).into_response())
}

/// The privacy statement (footer link).
pub async fn privacy(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    statement(lang, session.as_ref(), "privacy", 5)
}

/// The accessibility statement (footer link; required of public bodies).
pub async fn accessibility(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    statement(lang, session.as_ref(), "accessibility", 4)
}

fn statement(
    lang: Language,
    session: Option<&PageSession>,
    area: &str,
    paragraphs: u8,
) -> Response {
    let body = html! {
        @for i in 1..=paragraphs {
            p { (t(lang, &format!("portal.{area}.p{i}"))) }
        }
    };
    layout(
        lang,
        t(lang, &format!("portal.{area}.title")),
        session.map(|s| &s.session),
        body,
    )
    .into_response()
}
