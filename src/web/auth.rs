//! Login and logout pages: `GET /login` (citizens, optional local `return_to`), `GET
//! /office/login` (staff), `GET /auth/callback` (both providers; the pending login says which),
//! `POST /logout` (here and at the provider), and `GET /auth/frontchannel-logout` (the provider
//! ends a session by `iss` + `sid`; no cookie needed, as it arrives in a cross-site iframe).
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::Deserialize;

use super::{ClientIp, CsrfForm, Lang, MaybeSession, PageError, PageQuery, layout, rate_limit};
use crate::{
    app::AppState,
    auth::{
        oidc::{CallbackParams, ProviderKind},
        sessions::{self, PENDING_TTL},
    },
    i18n::t,
};

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

pub async fn citizen_login(
    State(app): State<AppState>,
    Lang(lang): Lang,
    client: ClientIp,
    PageQuery(query): PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    begin(app, lang, client, ProviderKind::Citizen, query.return_to).await
}

pub async fn staff_login(
    State(app): State<AppState>,
    Lang(lang): Lang,
    client: ClientIp,
    PageQuery(query): PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    begin(app, lang, client, ProviderKind::Staff, query.return_to).await
}

async fn begin(
    app: AppState,
    lang: crate::i18n::Language,
    client: ClientIp,
    kind: ProviderKind,
    return_to: Option<String>,
) -> Result<Response, PageError> {
    rate_limit(&app, &client, lang)?;
    match app
        .login
        .begin(kind, return_to.as_deref(), lang.as_str())
        .await
    {
        Ok((url, pending)) => {
            let store = &app.login.sessions;
            let mut response = Redirect::to(&url).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                store.cookie(store.names.login, &pending, Some(PENDING_TTL)),
            );
            Ok(response)
        }
        Err(error) => {
            let page = PageError::from_login(lang, &error, Some(kind));
            tracing::warn!(error_id = %page.error_id, reason = %error.reason(), detail = %error, "login could not start");
            Err(page)
        }
    }
}

pub async fn callback(
    State(app): State<AppState>,
    Lang(lang): Lang,
    client: ClientIp,
    headers: HeaderMap,
    PageQuery(params): PageQuery<CallbackParams>,
) -> Result<Response, Response> {
    let store = &app.login.sessions;
    let clear_pending = store.clear_cookie(store.names.login);
    let with_cleared = |e: PageError| {
        let mut r = e.into_response();
        r.headers_mut()
            .append(header::SET_COOKIE, clear_pending.clone());
        r
    };
    rate_limit(&app, &client, lang).map_err(with_cleared)?;
    let pending = sessions::cookie_value(&headers, store.names.login);
    match app.login.complete(&app, pending.as_deref(), &params).await {
        Ok(done) => {
            // A login always starts a new session: the old one (if any) ends here.
            if let Some(old) = sessions::cookie_value(&headers, store.names.session)
                && let Err(e) = store.delete(&old).await
            {
                tracing::error!(error = %e, "could not end the previous session");
            }
            let mut response = Redirect::to(&done.return_to).into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                store.cookie(
                    store.names.session,
                    &done.session_token,
                    Some(store.session_max_age()),
                ),
            );
            h.append(header::SET_COOKIE, clear_pending);
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Err(refused) => {
            let page = PageError::from_login(lang, &refused.error, refused.provider);
            tracing::warn!(
                error_id = %page.error_id,
                reason = %refused.error.reason(),
                detail = %refused.error,
                "login refused"
            );
            app.login
                .audit_refusal(&app, &refused, &page.error_id)
                .await;
            Err(with_cleared(page))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {}

pub async fn logout(
    State(app): State<AppState>,
    CsrfForm { session, .. }: CsrfForm<LogoutForm>,
) -> Response {
    let store = &app.login.sessions;
    let target = app
        .login
        .logout(&app, &session.token)
        .await
        .unwrap_or_else(|| "/logged-out".into());
    let mut response = Redirect::to(&target).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, store.clear_cookie(store.names.session));
    response
}

#[derive(Debug, Default, Deserialize)]
pub struct FrontchannelQuery {
    iss: Option<String>,
    sid: Option<String>,
}

pub async fn frontchannel_logout(
    State(app): State<AppState>,
    PageQuery(query): PageQuery<FrontchannelQuery>,
) -> Response {
    let (iss, sid) = (query.iss.unwrap_or_default(), query.sid.unwrap_or_default());
    app.login.frontchannel_logout(&app, &iss, &sid).await;
    // The same answer whether or not a session matched: nothing to learn by probing.
    let mut response = (
        StatusCode::OK,
        html! { (maud::DOCTYPE) html lang="nb" { head { title { "Logout" } } body {} } },
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn logged_out(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    let body = html! {
        p { (t(lang, "auth.logged_out_body")) }
        p { a href="/" { (t(lang, "auth.back_to_start")) } }
    };
    layout(
        lang,
        t(lang, "auth.logged_out_title"),
        session.as_ref().map(|s| &s.session),
        body,
    )
    .into_response()
}
