//! The citizen's pages so far: the start page with "Logg inn", and `/min-side` after login with
//! the person's own requests. The full portal builds on these.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::html;

use super::{ErrorKind, Lang, MaybeSession, PageError, layout};
use crate::{
    app::AppState,
    auth::sessions::SessionKind,
    i18n::{t, tf},
    requests::queries::{self, QueueFilter},
};

pub async fn start(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    let logged_in = session
        .as_ref()
        .is_some_and(|s| s.session.kind == SessionKind::Citizen);
    let body = html! {
        p { (t(lang, "auth.start_intro")) }
        @if logged_in {
            p { a.button href="/min-side" { (t(lang, "auth.my_page_title")) } }
        } @else {
            p { a.button href="/login" { (t(lang, "auth.login_idporten")) } }
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

pub async fn my_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Citizen) else {
        return Ok(Redirect::to("/login?return_to=/min-side").into_response());
    };
    let internal = |e: crate::error::ServiceError| {
        let page = PageError::new(lang, ErrorKind::Internal);
        tracing::error!(error_id = %page.error_id, error = %e, "my page failed");
        page
    };
    let principal = app
        .login
        .principal(&app, &s.session)
        .await
        .map_err(internal)?;
    let page = queries::list(&app, &principal, QueueFilter::default())
        .await
        .map_err(internal)?;
    let body = html! {
        p { (t(lang, "auth.logged_in")) }
        @if let Some(acr) = &s.session.data.acr {
            p { (tf(lang, "auth.assurance", &[("level", acr)])) }
        }
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
                            td { (r.reference) }
                            td { (r.kind.as_str()) }
                            td { (r.status.as_str()) }
                            td { (r.due_on) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(lang, t(lang, "auth.my_page_title"), Some(&s.session), body).into_response())
}
