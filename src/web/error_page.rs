//! The one place where page errors become an HTML answer with an error id to quote, never a
//! stack trace.
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::auth::oidc::{LoginError, ProviderKind};
use crate::error::{ErrorClass, ServiceError, log_internal};
use crate::i18n::{Language, t, tf};

use super::layout::layout;

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
