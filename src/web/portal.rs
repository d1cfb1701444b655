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
    date_time, layout, layout_at, status_variant,
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
        represented::{self, CitizenSide},
    },
};

pub mod attachments;

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

/// A Norwegian name (a public body, a unit, a service area) on a page in another language,
/// marked as bokmål so screen readers pronounce it as Norwegian (WCAG 3.1.2).
pub fn norwegian(lang: Language, text: &str) -> Markup {
    html! {
        @if lang == Language::Nb { (text) } @else { span lang="nb" { (text) } }
    }
}

/// The login's assurance level in plain words (`None` for a level we do not know).
fn assurance(lang: Language, acr: &str) -> Option<&'static str> {
    if acr.ends_with("high") {
        Some(t(lang, "portal.assurance.high"))
    } else if acr.ends_with("substantial") {
        Some(t(lang, "portal.assurance.substantial"))
    } else {
        None
    }
}

/// Whether the request is open and its due date has passed (the due date is the last day).
pub fn overdue(r: &RequestView, today: chrono::NaiveDate) -> bool {
    !r.status.is_terminal() && r.due_on < today
}

/// A document's size as people read it: "31 kB", "1,2 MB" (at least 1 kB).
pub fn size_text(lang: Language, bytes: i64) -> String {
    let kb = (bytes.max(0) as f64 / 1000.0).ceil().max(1.0);
    if kb < 1000.0 {
        format!("{kb} kB")
    } else {
        let mb = format!("{:.1}", kb / 1000.0);
        let mb = if lang == Language::En {
            mb
        } else {
            mb.replace('.', ",")
        };
        format!("{mb} MB")
    }
}

/// The file type people know from a media type.
fn type_text(media_type: &str) -> &'static str {
    match media_type.split(';').next().unwrap_or("").trim() {
        "application/pdf" => "PDF",
        "text/html" => "HTML",
        "application/zip" => "ZIP",
        "application/json" => "JSON",
        "text/csv" => "CSV",
        _ => "",
    }
}

/// "PDF, 31 kB".
fn type_and_size(lang: Language, d: &decisions::DocumentView) -> String {
    let kind = type_text(&d.media_type);
    let size = size_text(lang, d.size);
    if kind.is_empty() {
        size
    } else {
        format!("{kind}, {size}")
    }
}

/// Whom a request made through a representation is about, or who sent it for the reader, in
/// words: (the case page's label, the person, Min side's line). Names as the case knows them;
/// without one, the relation alone (with a birth date where the number gives it), never a
/// number.
fn side_words(lang: Language, side: &CitizenSide) -> (&'static str, String, String) {
    let named = |name: &str, relation: &str| {
        tf(
            lang,
            "portal.on_behalf.named",
            &[("name", name), ("relation", relation)],
        )
    };
    match side {
        CitizenSide::ForSomeone { basis, name, born } => {
            let relation = t(lang, &format!("portal.on_behalf.subject.{basis}"));
            let who = match (name, born) {
                (Some(name), _) => named(name, relation),
                (None, Some(born)) => tf(
                    lang,
                    "portal.on_behalf.born",
                    &[("relation", relation), ("date", &date(lang, *born))],
                ),
                (None, None) => relation.to_string(),
            };
            let line = tf(lang, "portal.on_behalf.for_line", &[("who", &who)]);
            (t(lang, "portal.on_behalf.for_label"), who, line)
        }
        CitizenSide::ForYou {
            basis,
            representative_name,
        } => {
            let relation = t(lang, &format!("portal.on_behalf.representative.{basis}"));
            let who = match representative_name {
                Some(name) => named(name, relation),
                None => relation.to_string(),
            };
            let line = tf(lang, "portal.on_behalf.sent_by_line", &[("who", &who)]);
            (t(lang, "portal.on_behalf.sent_by_label"), who, line)
        }
    }
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
            ul.columns { @for c in &controllers { li { (norwegian(lang, c)) } } }
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
pub(super) async fn citizen(
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
    let sides = represented::citizen_sides(&app, &principal, &requests)
        .await
        .map_err(|e| page_error(lang, e))?;
    let drafts = match drafts::owner(&principal) {
        Some(owner) => drafts::list(&app, owner)
            .await
            .map_err(|e| page_error(lang, e))?,
        None => Vec::new(),
    };
    let today = crate::clock::today_oslo();
    let body = html! {
        @if query.utkast.as_deref() == Some("slettet") {
            div.notice.notice--success role="status" { p { (t(lang, "portal.drafts.deleted")) } }
        }
        p { (t(lang, "auth.logged_in")) " "
            @if let Some(level) = s.session.data.acr.as_deref().and_then(|acr| assurance(lang, acr)) {
                span.muted.small { (tf(lang, "auth.assurance", &[("level", level)])) }
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
                                    @if let Some(side) = sides.get(&r.id) {
                                        span.small.on-behalf { (side_words(lang, side).2) }
                                    }
                                }
                                td data-label=(t(lang, "auth.col_kind")) { (right_short(lang, r.kind)) }
                                td data-label=(t(lang, "auth.col_status")) { (status_tag(lang, r.status)) }
                                td data-label=(t(lang, "portal.col_received")) { (date(lang, r.received_on)) }
                                td data-label=(t(lang, "auth.col_due")) {
                                    @if r.status.is_terminal() {
                                        span.muted { "–" }
                                    } @else {
                                        (date(lang, r.due_on))
                                        @if overdue(r, today) {
                                            " " span.tag.tag--danger { (t(lang, "portal.overdue.tag")) }
                                        }
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
    /// `sendt` after a file was added.
    vedlegg: Option<String>,
}

/// A form as typed, with its problem, when it has to be shown again: the clarification
/// answer (its text or its file) or the form that adds a file.
pub(super) struct AnswerAttempt {
    text: String,
    /// The message, in the page's language.
    error: String,
    /// The id of the field the message belongs to: `answer`, `file` or `attach-file`.
    field: &'static str,
    status: StatusCode,
}

impl AnswerAttempt {
    fn answer(lang: Language, text: String, key: &'static str) -> Self {
        Self {
            text,
            error: t(lang, key).to_string(),
            field: "answer",
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub(super) fn file_refused(
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

/// What the person is told happened, for the timeline actions they may see; `None` for
/// internal steps (assignment, drafts, collection).
fn event_text(lang: Language, e: &TimelineEvent) -> Option<&'static str> {
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
struct Forwarding {
    to: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
    reason: Option<String>,
    /// The receiving body's case number, for a forward inside this service.
    onward: Option<String>,
}

fn forwarding(
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
fn letter_label(lang: Language, d: &decisions::DocumentView) -> String {
    let base = d.kind.trim_end_matches("_pdf").trim_end_matches("_html");
    match base {
        "extension" | "forwarded" | "restriction_lift" => {
            t(lang, &format!("portal.letter.{base}")).to_string()
        }
        _ => d.name.clone(),
    }
}

fn doc_href(id: Uuid, d: &decisions::DocumentView) -> String {
    format!("/min-side/sak/{id}/dokument/{}", d.id)
}

/// The answer first: the outcome and the date, one link to read the letter, the other formats
/// and, for innsyn, what the data package holds.
fn answer_section(lang: Language, r: &RequestView, docs: &[decisions::DocumentView]) -> Markup {
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

pub(super) async fn render_case(
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
    let answer_error = field_error("answer");
    let file_error = field_error("file");
    let add_error = field_error("attach-file");
    let body = html! {
        @if let Some(a) = &attempt {
            div.error-summary role="alert" aria-labelledby="error-summary-title" {
                h2 #error-summary-title { (t(lang, "portal.wizard.errors_title")) }
                ul { li { a href={ "#" (a.field) } { (a.error) } } }
            }
        }
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
                    @let invalid = answer_error.is_some();
                    div.field {
                        label for="answer" { (t(lang, "portal.clarify.answer")) }
                        span.hint #answer-hint { (t(lang, "portal.clarify.hint")) }
                        @if let Some(e) = &answer_error {
                            p.error #answer-error { (e) }
                        }
                        textarea #answer name="answer" rows="6" aria-invalid=[invalid.then_some("true")]
                            aria-describedby={ "answer-hint" @if invalid { " answer-error" } } {
                            (attempt.as_ref().filter(|a| a.field != "attach-file").map(|a| a.text.as_str()).unwrap_or(""))
                        }
                    }
                    (attachments::file_field(app, lang, "file", file_error.as_deref()))
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
        (attachments::section(app, lang, s, id, &files, !r.status.is_terminal() && !can_answer, add_error.as_deref()))
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

/// The confirmation step before withdrawing: what it means, then a form that withdraws (no
/// JavaScript needed). A request that can no longer be withdrawn goes back to its page.
pub async fn withdraw_confirm(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (s, principal) =
        match citizen(&app, lang, session, &format!("/min-side/sak/{id}/trekk")).await? {
            Ok(found) => found,
            Err(redirect) => return Ok(redirect),
        };
    let r: RequestView = queries::get(&app, &principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let q = lq(lang);
    if !r.allowed_actions.contains(&Action::Withdraw) {
        return Ok(Redirect::to(&format!("/min-side/sak/{id}?{q}")).into_response());
    }
    let title = tf(
        lang,
        "portal.withdraw_confirm.title",
        &[("reference", &r.reference)],
    );
    let body = html! {
        dl.summary {
            dt { (t(lang, "portal.reference")) } dd { (r.reference) }
            dt { (t(lang, "auth.col_kind")) } dd { (right_short(lang, r.kind)) }
            dt { (t(lang, "portal.handled_by")) } dd { (norwegian(lang, &r.controller.name)) }
        }
        h2 { (t(lang, "portal.withdraw_confirm.means")) }
        ul {
            li { (t(lang, "portal.withdraw_confirm.closes")) }
            li { (t(lang, "portal.withdraw_confirm.final")) }
            li { (t(lang, "portal.withdraw_confirm.new_request")) }
        }
        p { (t(lang, "portal.withdraw_confirm_hint")) }
        form method="post" action={ "/min-side/sak/" (id) "/trekk?" (q) } {
            (csrf_field(&s.session))
            input type="hidden" name="confirm" value="yes";
            div.actions {
                button.danger type="submit" { (t(lang, "portal.withdraw_confirm.yes")) }
                a.button.button--secondary href={ "/min-side/sak/" (id) "?" (q) } { (t(lang, "portal.withdraw_confirm.no")) }
            }
        }
    };
    Ok(layout(lang, &title, Some(&s.session), body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    /// `yes` from the confirmation step; without it nothing is withdrawn.
    #[serde(default)]
    confirm: String,
}

pub async fn withdraw(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let CsrfForm { form, session } = form;
    let (_, principal) =
        match citizen(&app, lang, Some(session), &format!("/min-side/sak/{id}")).await? {
            Ok(found) => found,
            Err(redirect) => return Ok(redirect),
        };
    // Not confirmed (an old form, a stray post): ask first.
    if form.confirm != "yes" {
        return Ok(Redirect::to(&format!("/min-side/sak/{id}/trekk?{}", lq(lang))).into_response());
    }
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::Withdraw,
            note: None,
            withdrawal: None,
            outcome: None,
            for_identity: false,
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
/// the `requester_answered` step's note) and the request goes back to the caseworker. Sent
/// from the page the form is multipart and may carry a file, kept first: a refused file is
/// named next to its field with the answer as typed, and nothing is sent.
pub async fn answer(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let here = format!("/min-side/sak/{id}");
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (s, principal, text, mut form) = if multipart {
        match attachments::read_page_form(&app, lang, req, &here).await? {
            Ok((s, principal, form)) => {
                let text = form.fields.get("answer").cloned().unwrap_or_default();
                (s, principal, text, Some(form))
            }
            Err(redirect) => return Ok(redirect),
        }
    } else {
        // This route takes large bodies for its multipart form: a plain form keeps the usual
        // limit.
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, app.settings.max_body_bytes)
            .await
            .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
        let req = axum::extract::Request::from_parts(parts, Body::from(bytes));
        let CsrfForm { form, session } =
            <CsrfForm<AnswerForm> as axum::extract::FromRequest<AppState>>::from_request(req, &app)
                .await?;
        match citizen(&app, lang, Some(session), &here).await? {
            Ok((s, principal)) => (s, principal, form.answer, None),
            Err(redirect) => return Ok(redirect),
        }
    };
    let has_file = form
        .as_ref()
        .is_some_and(|f| f.file.is_some() || f.file_too_large);
    let trimmed = text.trim();
    let problem = if trimmed.is_empty() && !has_file {
        Some("portal.clarify.err_empty")
    } else if trimmed.chars().count() > MAX_ANSWER {
        Some("portal.clarify.err_too_long")
    } else {
        None
    };
    if let Some(error) = problem {
        let attempt = AnswerAttempt::answer(lang, text.clone(), error);
        return render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await;
    }
    // The file first: a refused one sends nothing, and the answer stays in the form.
    if let Some(form) = form.as_mut()
        && let Some(Err(r)) = attachments::keep(&app, lang, &principal, id, form).await?
    {
        let attempt = AnswerAttempt::file_refused(
            text.clone(),
            "file",
            attachments::refusal_text(&app, lang, r),
            attachments::refusal_status(r),
        );
        return render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await;
    }
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::RequesterAnswered,
            note: (!trimmed.is_empty()).then(|| trimmed.to_string()),
            withdrawal: None,
            outcome: None,
            for_identity: false,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size_text(Language::Nb, 0), "1 kB");
        assert_eq!(size_text(Language::Nb, 30_100), "31 kB");
        assert_eq!(size_text(Language::Nb, 999_000), "999 kB");
        assert_eq!(size_text(Language::Nb, 1_234_567), "1,2 MB");
        assert_eq!(size_text(Language::En, 1_254_567), "1.3 MB");
        assert_eq!(type_text("text/html; charset=utf-8"), "HTML");
        assert_eq!(type_text("application/pdf"), "PDF");
        assert_eq!(type_text("application/octet-stream"), "");
    }

    #[test]
    fn assurance_levels_in_plain_words() {
        assert_eq!(
            assurance(Language::Nb, "idporten-loa-substantial"),
            Some("Betydelig (som MinID)")
        );
        assert_eq!(
            assurance(Language::En, "idporten-loa-high"),
            Some("High (like BankID)")
        );
        assert_eq!(assurance(Language::Nb, "something-else"), None);
    }

    /// The texts the person reads (portal, e-mails, login), without the accessibility
    /// statement, where "krav" are WCAG's requirements.
    fn citizen_words(lang: &str) -> Vec<String> {
        let file = |name: &str| {
            std::fs::read_to_string(format!(
                "{}/locales/{lang}/{name}.toml",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        let mut text = String::new();
        for name in ["portal", "email", "auth"] {
            let mut t = file(name);
            if let Some(start) = t.find("[accessibility]") {
                let end = t[start + 1..]
                    .find("\n[")
                    .map_or(t.len(), |e| start + 1 + e);
                t.replace_range(start..end, "");
            }
            text.push_str(&t);
            text.push('\n');
        }
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn one_word_for_a_request_in_each_language() {
        // nb forespørsel, nn førespurnad, en request, uk запит.
        for (lang, used, others) in [
            ("nb", "forespørsel", &["henvendels", "krav"][..]),
            ("nn", "førespurnad", &["henvending", "krav"][..]),
            ("en", "request", &["enquir", "claim"][..]),
            ("uk", "запит", &["звернен", "вимог"][..]),
        ] {
            let words = citizen_words(lang);
            assert!(words.iter().any(|w| w.starts_with(used)), "{lang}");
            let strays: Vec<&String> = words
                .iter()
                .filter(|w| others.iter().any(|o| w.starts_with(o)))
                .collect();
            assert!(strays.is_empty(), "{lang}: {strays:?}");
        }
    }

    #[test]
    fn no_full_stop_after_a_ukrainian_date() {
        // Ukrainian dates end in "р.", so a sentence ending with one takes no second stop.
        let uk = include_str!("../../locales/uk/portal.toml");
        for placeholder in ["$date", "$due", "$due_on"] {
            assert!(
                !uk.contains(&format!("{{ {placeholder} }}.")),
                "{placeholder}"
            );
        }
        let extended = tf(
            Language::Uk,
            "portal.extended",
            &[
                (
                    "date",
                    &super::date(
                        Language::Uk,
                        chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
                    ),
                ),
                ("reason", "x"),
            ],
        );
        assert!(!extended.contains("р.."), "{extended}");
    }
}
