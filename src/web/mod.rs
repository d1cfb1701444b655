//! Server-rendered pages (maud): the shared layout, the extractors pages need (language, client
//! address, login session, CSRF-checked forms), and the one place where page errors become an
//! HTML answer with an error id to quote — never a stack trace.
pub mod auth;
pub mod components;
pub mod demo_idp;
pub mod form;
pub mod office;
pub mod portal;
pub mod receipt;
pub mod wizard;

use std::net::{IpAddr, SocketAddr};

use axum::{
    Router,
    extract::{ConnectInfo, FromRequest, FromRequestParts, Request},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use maud::{DOCTYPE, Markup, html};
use serde::de::DeserializeOwned;
use tower_http::set_header::SetResponseHeaderLayer;

mod static_files;
use static_files::static_files;

use crate::{
    app::AppState,
    auth::{
        oidc::{LoginError, ProviderKind},
        sessions::{self, Session, SessionKind},
    },
    error::{ErrorClass, ServiceError, log_internal},
    i18n::{Language, t, tf},
};

pub fn router(app: &AppState) -> Router<AppState> {
    let mut router = Router::new()
        .route("/", get(portal::start))
        .route("/min-side", get(portal::my_page))
        .route("/min-side/ny", get(wizard::start).post(wizard::step))
        .route("/min-side/sak/{id}", get(portal::case_page))
        .route("/min-side/sak/{id}/dokument/{doc}", get(portal::download))
        .route("/min-side/sak/{id}/kvittering", get(receipt::download))
        .route(
            "/min-side/sak/{id}/trekk",
            get(portal::withdraw_confirm).post(portal::withdraw),
        )
        // The two forms that may carry a file take bodies as large as the attachment limits
        // allow (`http::api::attachments::read_form` counts them).
        .route(
            "/min-side/sak/{id}/svar",
            post(portal::answer).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/min-side/sak/{id}/vedlegg",
            post(portal::attachments::add).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/min-side/utkast/{id}/slett", post(portal::delete_draft))
        .route("/personvern", get(portal::privacy))
        .route("/tilgjengelighet", get(portal::accessibility))
        .route("/login", get(auth::citizen_login))
        .route("/office/login", get(auth::staff_login))
        .route("/auth/callback", get(auth::callback))
        .route("/auth/frontchannel-logout", get(auth::frontchannel_logout))
        .route("/logout", post(auth::logout))
        .route("/logged-out", get(auth::logged_out))
        .merge(office::routes())
        .nest_service(
            "/static",
            // Stylesheets and images hold no personal data and may be cached.
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("public, max-age=3600"),
                ))
                .service(static_files(app.settings.static_dir.as_deref())),
        );
    if app.login.demo_idp.is_some() {
        router = router.merge(demo_idp::router());
    }
    // Pages load nothing from elsewhere and run no script.
    router
        .layer(axum::middleware::from_fn(remember_language))
        .layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
    ))
}

/// The page frame: language, skip link, header (service name, language switcher, logout when
/// logged in), the page's `h1`, the main content, and a footer. See `static/dsar.css` for the
/// classes the body can use.
pub fn layout(lang: Language, title: &str, session: Option<&Session>, body: Markup) -> Markup {
    frame(lang, title, session, body, false, None)
}

/// `layout` for a page that answers a form post (a wizard step, a receipt): its links to
/// other languages (the switcher, the notice that the Norwegian text is binding) go to `here`,
/// where a GET shows the same page (`?lang=` on the post's address would not).
pub fn layout_at(
    lang: Language,
    title: &str,
    session: Option<&Session>,
    body: Markup,
    here: &str,
) -> Markup {
    frame(lang, title, session, body, false, Some(here))
}

/// `layout` with a wide main column, for pages with wide tables (the office queue).
pub fn layout_wide(lang: Language, title: &str, session: Option<&Session>, body: Markup) -> Markup {
    frame(lang, title, session, body, true, None)
}

/// The address of the page in language `l`: `here` (or this address) with `lang=`.
fn in_language(here: Option<&str>, l: Language) -> String {
    match here {
        None => format!("?lang={}", l.as_str()),
        Some(h) if h.contains('?') => format!("{h}&lang={}", l.as_str()),
        Some(h) => format!("{h}?lang={}", l.as_str()),
    }
}

fn frame(
    lang: Language,
    title: &str,
    session: Option<&Session>,
    body: Markup,
    wide: bool,
    here: Option<&str>,
) -> Markup {
    let logged_in = session.filter(|s| s.kind != SessionKind::Pending);
    let staff = logged_in.is_some_and(|s| s.kind == SessionKind::Staff);
    let citizen = logged_in.is_some_and(|s| s.kind == SessionKind::Citizen);
    let (service, home) = if staff {
        (t(lang, "common.office_name"), "/office")
    } else {
        (t(lang, "common.service_name"), "/")
    };
    // The office speaks bokmål and English; the portal all four languages.
    let languages: &[Language] = if staff {
        &Language::OFFICE
    } else {
        &Language::ALL
    };
    html! {
        (DOCTYPE)
        html lang=(lang.html_lang()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (service) }
                link rel="stylesheet" href="/static/dsar.css";
            }
            body class=[wide.then_some("layout-wide-page")] {
                a.skip-link href="#main" { (t(lang, "auth.skip_to_content")) }
                header.site-header {
                    div.site-header__bar {
                        nav.site-header__inner aria-label=(t(lang, "common.language_nav")) {
                            ul.lang-switch {
                                @for l in languages {
                                    li {
                                        a href=(in_language(here, *l)) lang=(l.html_lang()) hreflang=(l.html_lang())
                                            aria-current=[(*l == lang).then_some("true")] { (l.native_name()) }
                                    }
                                }
                            }
                        }
                    }
                    div.site-header__inner {
                        a.brand href=(home) { (service) }
                        @if citizen {
                            nav.site-nav aria-label=(t(lang, "common.main_nav")) {
                                ul { li { a href="/min-side" { (t(lang, "common.my_page")) } } }
                            }
                        }
                        @if let Some(s) = logged_in {
                            form.logout method="post" action="/logout" {
                                (csrf_field(s))
                                button.button--small type="submit" { (t(lang, "auth.logout")) }
                            }
                        }
                    }
                }
                main #main class=[wide.then_some("layout-wide")] {
                    @if !crate::i18n::reviewed(lang) {
                        (unreviewed_notice(lang, &in_language(here, Language::Nb)))
                    }
                    h1 { (title) }
                    (body)
                }
                footer.site-footer {
                    div.site-footer__inner {
                        p.site-footer__name { (service) }
                        nav aria-label=(t(lang, "common.footer_nav")) {
                            ul {
                                li { a href="/personvern" { (t(lang, "common.footer_privacy")) } }
                                li { a href="/tilgjengelighet" { (t(lang, "common.footer_accessibility")) } }
                                @if staff {
                                    li { a href="/" { (t(lang, "common.footer_portal")) } }
                                } @else {
                                    li { a href="/office" { (t(lang, "common.footer_staff")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// On every page in a language no qualified translator has reviewed: the Norwegian text is the
/// binding one, with a link to this page in bokmål, `bokmal` (docs/languages.md).
pub fn unreviewed_notice(lang: Language, bokmal: &str) -> Markup {
    html! {
        aside.notice.notice--translation aria-label=(t(lang, "common.unreviewed_label")) {
            p { (t(lang, "common.unreviewed_notice")) }
            p {
                a href=(bokmal) lang="nb" hreflang="nb" dir="ltr" {
                    (t(Language::Nb, "common.unreviewed_link"))
                }
            }
        }
    }
}

/// A date as people read it: "23. november 2026", "23 November 2026", "23 листопада 2026".
pub fn date(lang: Language, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    tf(
        lang,
        "common.date_format",
        &[
            ("day", &d.day().to_string()),
            ("month", t(lang, &format!("common.month.{}", d.month()))),
            ("year", &d.year().to_string()),
        ],
    )
}

/// A moment in Norwegian time, as people read it: "23. november 2026 kl. 14:05".
pub fn date_time(lang: Language, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Oslo);
    tf(
        lang,
        "common.datetime_format",
        &[
            ("date", &date(lang, local.date_naive())),
            ("time", &local.format("%H:%M").to_string()),
        ],
    )
}

pub use components::status_variant;

/// The "not found" answer for an address nobody serves: a page for a browser, problem+json for
/// the API and every other client.
pub fn not_found_page(parts: &Parts) -> Option<Response> {
    let path = parts.uri.path();
    let api = [
        "/api/",
        "/dev/",
        "/sim/",
        "/.well-known/",
        "/metrics",
        "/openapi",
    ]
    .iter()
    .any(|p| path.starts_with(p));
    let wants_html = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if api || !wants_html {
        return None;
    }
    let lang = lang_of(parts);
    Some(PageError::new(lang, ErrorKind::NotFound).into_response())
}

/// A browser's GET of an address that only takes a form's post: the language links of a page
/// that answered that post (`?lang=` on the post's address), a bookmark, a reload. The person is
/// sent to the page the form was on (the case, or the section's start), in the language asked
/// for; every other client gets the 405 problem.
pub fn page_for_post_address(parts: &Parts) -> Option<Response> {
    if !matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return None;
    }
    let path = parts.uri.path();
    let wants_html = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return None;
    }
    let page = form_page(path)?;
    let target = match parts.uri.query() {
        Some(q) if !q.is_empty() => format!("{page}?{q}"),
        _ => page,
    };
    Some(axum::response::Redirect::to(&target).into_response())
}

/// The page whose form posts to `path`: the case page for a case's actions, otherwise the
/// section's start. `None` for addresses that are not pages.
fn form_page(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["office", "sak", id, _, ..] if id.parse::<uuid::Uuid>().is_ok() => {
            Some(format!("/office/sak/{id}"))
        }
        ["min-side", "sak", id, _, ..] if id.parse::<uuid::Uuid>().is_ok() => {
            Some(format!("/min-side/sak/{id}"))
        }
        ["office", "admin", ..] => Some("/office/admin".into()),
        ["office", ..] => Some("/office".into()),
        ["min-side", ..] => Some("/min-side".into()),
        ["logout"] => Some("/".into()),
        _ => None,
    }
}

/// The page language from the parts alone (query, cookie, header), as `Lang` picks it.
fn lang_of(parts: &Parts) -> Language {
    let query = parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Language::from_code(&v))
    });
    let cookie = || {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("dsar_lang="))
            .and_then(Language::from_code)
    };
    let accept = || {
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Language::from_accept_language)
    };
    query.or_else(cookie).or_else(accept).unwrap_or_default()
}

/// The hidden CSRF field every state-changing form carries (checked by `CsrfForm`).
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(session.data.csrf); }
}

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

/// What went wrong, as the person reading the page needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Unavailable(ProviderKind),
    NotConfigured,
    LoginExpired,
    Cancelled,
    Refused,
    AcrTooLow,
    NoPid,
    StaffRefused,
    RateLimited,
    /// Intake over its limit (a person or an address sent too much in a short time).
    TooManyRequests,
    Csrf,
    SessionEnded,
    BadRequest,
    NotFound,
    Internal,
    /// A failed domain call, answered by the same table as the API (`error::ErrorClass`).
    Service(ErrorClass),
}

impl ErrorKind {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unavailable(_) | Self::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            Self::LoginExpired | Self::Cancelled | Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Refused | Self::SessionEnded => StatusCode::UNAUTHORIZED,
            Self::AcrTooLow | Self::NoPid | Self::StaffRefused | Self::Csrf => {
                StatusCode::FORBIDDEN
            }
            Self::RateLimited | Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Service(class) => class.answer().status,
        }
    }

    /// The text keys: (title, what to do).
    fn texts(&self) -> (&'static str, &'static str) {
        match self {
            Self::Unavailable(ProviderKind::Citizen) => (
                "auth.error.unavailable_title",
                "auth.error.unavailable_body",
            ),
            Self::Unavailable(ProviderKind::Staff) => (
                "auth.error.staff_unavailable_title",
                "auth.error.unavailable_body",
            ),
            Self::NotConfigured => (
                "auth.error.not_configured_title",
                "auth.error.not_configured_body",
            ),
            Self::LoginExpired => ("auth.error.expired_title", "auth.error.expired_body"),
            Self::Cancelled => ("auth.error.cancelled_title", "auth.error.cancelled_body"),
            Self::Refused => ("auth.error.refused_title", "auth.error.refused_body"),
            Self::AcrTooLow => ("auth.error.acr_title", "auth.error.acr_body"),
            Self::NoPid => ("auth.error.no_pid_title", "auth.error.no_pid_body"),
            Self::StaffRefused => ("auth.error.staff_title", "auth.error.staff_body"),
            Self::RateLimited => ("auth.error.rate_title", "auth.error.rate_body"),
            Self::TooManyRequests => ("auth.error.too_many_title", "auth.error.too_many_body"),
            Self::Csrf => ("auth.error.csrf_title", "auth.error.csrf_body"),
            Self::SessionEnded => ("auth.error.session_title", "auth.error.session_body"),
            Self::BadRequest => (
                "auth.error.bad_request_title",
                "auth.error.bad_request_body",
            ),
            Self::NotFound => ("auth.error.not_found_title", "auth.error.not_found_body"),
            Self::Internal => ("auth.error.internal_title", "auth.error.internal_body"),
            Self::Service(class) => {
                let answer = class.answer();
                (answer.title_key, answer.body_key)
            }
        }
    }
}

/// An error answered with a readable page (nb/nn/en/uk) carrying an error id.
#[derive(Debug)]
pub struct PageError {
    pub lang: Language,
    pub kind: ErrorKind,
    pub error_id: String,
    /// Where "try again" leads.
    pub retry: Option<String>,
}

/// Short and readable over the phone, e.g. `7F3A-19C2`.
pub fn new_error_id() -> String {
    let b: [u8; 4] = rand::random();
    format!("{:02X}{:02X}-{:02X}{:02X}", b[0], b[1], b[2], b[3])
}

impl PageError {
    pub fn new(lang: Language, kind: ErrorKind) -> Self {
        Self {
            lang,
            kind,
            error_id: new_error_id(),
            retry: None,
        }
    }

    pub fn retry(mut self, href: impl Into<String>) -> Self {
        self.retry = Some(href.into());
        self
    }

    /// The page for a failed domain call: status and texts from the answer table the API uses;
    /// an internal error's chain is logged with the page's error id.
    pub fn from_service(lang: Language, e: ServiceError) -> Self {
        let page = Self::new(lang, ErrorKind::Service(e.class()));
        log_internal(&e, Some(&page.error_id));
        page
    }

    /// The page for a refused login.
    pub fn from_login(lang: Language, error: &LoginError, provider: Option<ProviderKind>) -> Self {
        let kind = match error {
            LoginError::Unavailable(_) | LoginError::Misconfigured(_) => {
                ErrorKind::Unavailable(provider.unwrap_or(ProviderKind::Citizen))
            }
            LoginError::NotConfigured => ErrorKind::NotConfigured,
            LoginError::LoginExpired => ErrorKind::LoginExpired,
            LoginError::ProviderRefused(_) => ErrorKind::Cancelled,
            LoginError::StateMismatch
            | LoginError::IssuerMismatch
            | LoginError::CodeRejected(_)
            | LoginError::InvalidIdToken(_) => ErrorKind::Refused,
            LoginError::AcrTooLow => ErrorKind::AcrTooLow,
            LoginError::NoPid | LoginError::InvalidPid => ErrorKind::NoPid,
            LoginError::UnknownStaff | LoginError::NoRole => ErrorKind::StaffRefused,
            LoginError::RateLimited => ErrorKind::RateLimited,
            LoginError::Storage(_) => ErrorKind::Internal,
        };
        let retry = match provider {
            Some(ProviderKind::Staff) => "/office/login",
            _ => "/login",
        };
        Self::new(lang, kind).retry(retry)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let (title_key, body_key) = self.kind.texts();
        let title = t(lang, title_key);
        let body = html! {
            p { (t(lang, body_key)) }
            p.error-id { (tf(lang, "auth.error_id", &[("id", &self.error_id)])) }
            ul.actions {
                @if let Some(href) = &self.retry {
                    li { a href=(href) { (t(lang, "auth.try_again")) } }
                }
                li { a href="/" { (t(lang, "auth.back_to_start")) } }
            }
        };
        let mut response = (self.kind.status(), layout(lang, title, None, body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.kind == ErrorKind::RateLimited {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_post_address_leads_back_to_the_page_its_form_is_on() {
        let id = "0b5c1f4e-7a43-4d0a-9b1e-2f6f0d7b9a11";
        let table = [
            (
                format!("/office/sak/{id}/frist"),
                Some(format!("/office/sak/{id}")),
            ),
            (
                format!("/office/sak/{id}/vedtak/godkjenn"),
                Some(format!("/office/sak/{id}")),
            ),
            (
                format!("/min-side/sak/{id}/svar"),
                Some(format!("/min-side/sak/{id}")),
            ),
            (
                format!("/min-side/utkast/{id}/slett"),
                Some("/min-side".to_string()),
            ),
            (
                "/office/sammenslaing/x/avvis".to_string(),
                Some("/office".to_string()),
            ),
            (
                "/office/admin/kilder/x".to_string(),
                Some("/office/admin".to_string()),
            ),
            (
                "/office/sak/not-a-case/frist".to_string(),
                Some("/office".to_string()),
            ),
            ("/logout".to_string(), Some("/".to_string())),
            ("/api/v1/requests".to_string(), None),
            ("/sim/nav".to_string(), None),
        ];
        for (path, page) in table {
            assert_eq!(super::form_page(&path), page, "{path}");
        }
    }
}
