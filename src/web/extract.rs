//! What a page handler takes from the request: the language, the client address, the login
//! session, query parameters, and CSRF-checked forms.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::auth::sessions;
use crate::auth::sessions::{Session, SessionKind};
use crate::i18n::Language;

use super::error_page::{ErrorKind, PageError};
use super::fallback::lang_of;
use super::form;

/// The page language: `?lang=` if valid, else the browser's `Accept-Language`, else bokmål.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // A language chosen earlier (see `remember_language`) wins over the browser's.
        Ok(Self(lang_of(parts)))
    }
}

/// Remembers a language the person picked with `?lang=` in a cookie, so the next page (and the
/// next visit) speaks it too. Not a secret, so readable; a year long.
pub async fn remember_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let picked = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Language::from_code(&v))
    });
    let mut response = next.run(request).await;
    if let Some(lang) = picked
        && let Ok(value) = HeaderValue::from_str(&format!(
            "dsar_lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.as_str()
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Query parameters for a page; malformed ones get the "bad request" page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query).map(Self).map_err(|_| {
            let lang = parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
                .unwrap_or_default();
            let _ = state;
            PageError::new(lang, ErrorKind::BadRequest)
        })
    }
}

/// The client address for rate limiting (see `Login::client_ip`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Self(app.login.client_ip(&parts.headers, peer)))
    }
}

/// Refuses with a 429 page when `client` has used up its login attempts.
pub fn rate_limit(app: &AppState, client: &ClientIp, lang: Language) -> Result<(), PageError> {
    if app.login.limiter.allow(client.0, "login") {
        Ok(())
    } else {
        tracing::warn!("login rate limit reached");
        Err(PageError::new(lang, ErrorKind::RateLimited))
    }
}

/// The logged-in session behind the cookie, if any (pending logins do not count).
pub struct PageSession {
    pub token: String,
    pub session: Session,
}

pub struct MaybeSession(pub Option<PageSession>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let store = &app.login.sessions;
        let Some(token) = sessions::cookie_value(&parts.headers, store.names.session) else {
            return Ok(Self(None));
        };
        let lang = Lang::from_request_parts(parts, app).await.map(|l| l.0);
        let session = store.load(&token).await.map_err(|e| {
            tracing::error!(error = %e, "could not read a session");
            PageError::new(lang.unwrap_or_default(), ErrorKind::Internal)
        })?;
        Ok(Self(
            session
                .filter(|s| s.kind != SessionKind::Pending)
                .map(|session| PageSession { token, session }),
        ))
    }
}

/// A form body whose `csrf_token` matches the session's synchronizer token. Every page form
/// that changes state takes its input through this extractor.
pub struct CsrfForm<T> {
    pub form: T,
    pub session: PageSession,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Lang(lang) = Lang::from_request_parts(&mut parts, app)
            .await
            .unwrap_or(Lang(Language::Nb));
        let (mut parts, body) = crate::http::extract::refuse_declared_oversize(
            Request::from_parts(parts, body),
            app.settings.max_body_bytes,
        )
        .await
        .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?
        .into_parts();
        let MaybeSession(session) = MaybeSession::from_request_parts(&mut parts, app).await?;
        let session = session.ok_or_else(|| PageError::new(lang, ErrorKind::SessionEnded))?;
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
        let sent = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !csrf_matches(&session.session, &sent) {
            tracing::warn!("a form was refused: CSRF token missing or wrong");
            return Err(PageError::new(lang, ErrorKind::Csrf));
        }
        let form =
            form::decode::<T>(&bytes).map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
        Ok(Self { form, session })
    }
}

pub fn csrf_matches(session: &Session, sent: &str) -> bool {
    !session.data.csrf.is_empty() && crate::auth::oidc::ct_eq(&session.data.csrf, sent)
}
