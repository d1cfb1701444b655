//! The citizen's pages: the start page (the five rights in plain words, and who answers), and
//! after login `/min-side` with the person's requests, one request's page with its deadline,
//! any extension and its reason, the answer to download, and withdrawing.
use axum::{
    body::Body,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{CsrfForm, ErrorKind, Lang, MaybeSession, PageError, PageSession, csrf_field, layout};
use crate::{
    app::AppState,
    auth::{Principal, sessions::SessionKind},
    decisions,
    error::ServiceError,
    i18n::{Language, t, tf},
    lifecycle::{Action, RightKind, Status},
    requests::{
        case,
        queries::{self, QueueFilter},
    },
};

fn status_text(lang: Language, status: Status) -> &'static str {
    t(lang, &format!("portal.status.{}", status.as_str()))
}

fn right_text(lang: Language, kind: RightKind) -> &'static str {
    t(lang, &format!("portal.right.{}", kind.as_str()))
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
        p { (t(lang, "auth.start_intro")) }
        @if logged_in {
            p { a.button href="/min-side" { (t(lang, "auth.my_page_title")) } }
        } @else {
            p { a.button href="/login" { (t(lang, "auth.login_idporten")) } }
        }
        h2 { (t(lang, "portal.rights_title")) }
        ul.rights {
            @for kind in RightKind::ALL {
                li { (right_text(lang, kind)) }
            }
        }
        @if !controllers.is_empty() {
            h2 { (t(lang, "portal.who_title")) }
            p { (t(lang, "portal.who_intro")) }
            ul { @for c in &controllers { li { (c) } } }
        }
        p { a href="/office" { (t(lang, "auth.staff_login")) } }
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

/// A service error as a page: "not found" stays not found (no existence leak), the rest is ours.
fn page_error(lang: Language, e: ServiceError) -> PageError {
    match e {
        ServiceError::NotFound(_) | ServiceError::Forbidden(_) => {
            PageError::new(lang, ErrorKind::NotFound)
        }
        ServiceError::Invalid { .. } | ServiceError::Conflict(_) | ServiceError::Transition(_) => {
            PageError::new(lang, ErrorKind::BadRequest)
        }
        other => {
            let page = PageError::new(lang, ErrorKind::Internal);
            tracing::error!(error_id = %page.error_id, error = %other, "citizen page failed");
            page
        }
    }
}

pub async fn my_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    let (s, principal) = match citizen(&app, lang, session, "/min-side").await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let page = queries::list(&app, &principal, QueueFilter::default())
        .await
        .map_err(|e| page_error(lang, e))?;
    let body = html! {
        p { (t(lang, "auth.logged_in")) }
        @if let Some(acr) = &s.session.data.acr {
            p { (tf(lang, "auth.assurance", &[("level", acr)])) }
        }
        p { a.button href={ "/min-side/ny?lang=" (lang.as_str()) } { (t(lang, "portal.wizard.new_request")) } }
        h2 { (t(lang, "auth.my_requests")) }
        @if page.items.is_empty() {
            p { (t(lang, "auth.no_requests")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (t(lang, "auth.col_reference")) }
                    th scope="col" { (t(lang, "auth.col_kind")) }
                    th scope="col" { (t(lang, "auth.col_status")) }
                    th scope="col" { (t(lang, "auth.col_due")) }
                } }
                tbody {
                    @for r in &page.items {
                        tr {
                            td { a href={ "/min-side/sak/" (r.id) "?lang=" (lang.as_str()) } { (r.reference) } }
                            td { (right_text(lang, r.kind)) }
                            td { (status_text(lang, r.status)) }
                            td { (r.due_on) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(lang, t(lang, "auth.my_page_title"), Some(&s.session), body).into_response())
}

pub async fn case_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (s, principal) = match citizen(&app, lang, session, &format!("/min-side/sak/{id}")).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let r = queries::get(&app, &principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let docs = decisions::documents(&app, &principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let title = tf(lang, "portal.case_title", &[("reference", &r.reference)]);
    let can_withdraw = r.allowed_actions.contains(&Action::Withdraw);
    let body = html! {
        dl {
            dt { (t(lang, "auth.col_kind")) } dd { (right_text(lang, r.kind)) }
            dt { (t(lang, "auth.col_status")) } dd { (status_text(lang, r.status)) }
            dt { (t(lang, "portal.received")) } dd { (r.received_on) }
            dt { (t(lang, "portal.due")) } dd { (r.due_on) }
            dt { (t(lang, "portal.handled_by")) } dd { (r.controller.name) }
        }
        @if let Some(reason) = &r.extension_reason {
            p.notice { (tf(lang, "portal.extended", &[("date", &r.due_on.to_string()), ("reason", reason)])) }
        }
        h2 { (t(lang, "portal.documents")) }
        @if docs.is_empty() {
            p { (t(lang, "portal.no_documents")) }
        } @else {
            ul {
                @for d in &docs {
                    li { a href={ "/min-side/sak/" (id) "/dokument/" (d.id) } download { (tf(lang, "portal.download", &[("name", &d.name)])) } }
                }
            }
        }
        @if can_withdraw {
            h2 { (t(lang, "portal.withdraw_title")) }
            p { (t(lang, "portal.withdraw_help")) }
            form method="post" action={ "/min-side/sak/" (id) "/trekk?lang=" (lang.as_str()) } {
                (csrf_field(&s.session))
                button.secondary type="submit" { (t(lang, "portal.withdraw")) }
            }
        }
        p { a href={ "/min-side?lang=" (lang.as_str()) } { (t(lang, "portal.back")) } }
    };
    Ok(layout(lang, &title, Some(&s.session), body).into_response())
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
            outcome: None,
            note: None,
        },
    )
    .await
    .map_err(|e| page_error(lang, e))?;
    // Post/redirect/get: a reload does not send the form again.
    Ok(Redirect::to(&format!("/min-side/sak/{id}?lang={}", lang.as_str())).into_response())
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
