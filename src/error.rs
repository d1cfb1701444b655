//! The service layer's one error type, and the one table of how each class of error is answered:
//! the API's problem+json (`http::problem`) and the web's error page (`web::PageError`) both read
//! [`ErrorClass::answer`], so a status never differs between the two. The messages are safe to
//! show (no personal data); a storage failure keeps its cause as its source, and the chain is
//! logged once, by [`log_internal`], where the error becomes an answer.
use axum::http::StatusCode;

use crate::{
    deadlines::ExtensionError,
    lifecycle::{TransitionError, TransitionError as T},
};

/// The cause of a storage failure, kept as the error's source.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that is well-formed but not acceptable; `field` names the JSON field.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Too many requests for now; the same may be sent again after `retry_after_seconds`.
    #[error("{message}")]
    RateLimited {
        retry_after_seconds: u64,
        message: String,
    },
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Extension(#[from] ExtensionError),
    /// A storage failure (database, document store, a stopped worker, a stored value that cannot
    /// be read); the cause is logged, never shown.
    #[error("storage failure")]
    Storage(#[source] Cause),
}

impl ServiceError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }

    /// A storage failure with what was being done, keeping `cause` as the source.
    pub fn storage(
        context: &'static str,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Storage(Box::new(Context {
            context,
            source: Box::new(cause),
        }))
    }

    /// The class of this error: the row of the answer table.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid { .. } => ErrorClass::Invalid,
            Self::NotFound(_) => ErrorClass::NotFound,
            Self::Forbidden(_) | Self::Transition(T::RoleNotAllowed { .. }) => {
                ErrorClass::Forbidden
            }
            Self::Conflict(_) => ErrorClass::Conflict,
            Self::Transition(T::DecisionRequired { .. }) => ErrorClass::DecisionRequired,
            Self::Transition(_) => ErrorClass::IllegalTransition,
            Self::Extension(_) => ErrorClass::ExtensionRefused,
            Self::RateLimited { .. } => ErrorClass::RateLimited,
            Self::Storage(_) => ErrorClass::Internal,
        }
    }
}

/// What was being done when a cause failed.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
struct Context {
    context: &'static str,
    #[source]
    source: Cause,
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Storage(Box::new(e))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The kinds of failure an answer distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
    DecisionRequired,
    IllegalTransition,
    ExtensionRefused,
    RateLimited,
    Internal,
}

/// How one class of error is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    /// The problem type: the last segment of the problem+json `type` URI.
    pub problem: &'static str,
    /// The error page's texts: `<message>_title` and `<message>_body` (what to do).
    pub message: &'static str,
    pub title_key: &'static str,
    pub body_key: &'static str,
}

/// One row of the answer table.
macro_rules! answer {
    ($status:ident, $problem:literal, $message:literal) => {
        Answer {
            status: StatusCode::$status,
            problem: $problem,
            message: $message,
            title_key: concat!($message, "_title"),
            body_key: concat!($message, "_body"),
        }
    };
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 9] = [
        Self::Invalid,
        Self::NotFound,
        Self::Forbidden,
        Self::Conflict,
        Self::DecisionRequired,
        Self::IllegalTransition,
        Self::ExtensionRefused,
        Self::RateLimited,
        Self::Internal,
    ];

    /// The table: status, problem type, message key.
    pub fn answer(self) -> Answer {
        match self {
            Self::Invalid => answer!(
                UNPROCESSABLE_ENTITY,
                "invalid-input",
                "auth.error.bad_request"
            ),
            Self::NotFound => answer!(NOT_FOUND, "not-found", "auth.error.not_found"),
            Self::Forbidden => answer!(FORBIDDEN, "forbidden", "auth.error.forbidden"),
            Self::Conflict => answer!(CONFLICT, "conflict", "auth.error.conflict"),
            Self::DecisionRequired => answer!(CONFLICT, "decision-required", "auth.error.conflict"),
            Self::IllegalTransition => {
                answer!(CONFLICT, "illegal-transition", "auth.error.conflict")
            }
            Self::ExtensionRefused => answer!(CONFLICT, "extension-refused", "auth.error.conflict"),
            Self::RateLimited => answer!(TOO_MANY_REQUESTS, "rate-limited", "auth.error.too_many"),
            Self::Internal => answer!(INTERNAL_SERVER_ERROR, "internal", "auth.error.internal"),
        }
    }
}

/// The error and its sources, outermost first, joined by `: `.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Logs an internal error's chain once, where it becomes an answer, with the id the person
/// sees (pages) or none (API). The chain names what failed, never personal data: messages in
/// this crate carry none, and stored values are not part of database errors' text here.
pub fn log_internal(e: &ServiceError, error_id: Option<&str>) {
    if e.class() == ErrorClass::Internal {
        tracing::error!(error_id = error_id.unwrap_or(""), error = %chain(e), "internal error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_failure_keeps_its_cause_as_its_source() {
        let io = std::io::Error::other("disk full");
        let e = ServiceError::storage("writing a document", io);
        assert_eq!(e.to_string(), "storage failure");
        assert_eq!(chain(&e), "storage failure: writing a document: disk full");
        let db: ServiceError = sea_orm::DbErr::Custom("connection reset".into()).into();
        assert_eq!(
            chain(&db),
            "storage failure: Custom Error: connection reset"
        );
        let plain = ServiceError::Storage("the writer has stopped".into());
        assert_eq!(chain(&plain), "storage failure: the writer has stopped");
    }

    #[test]
    fn each_class_has_one_answer() {
        let table = [
            (ErrorClass::Invalid, 422, "invalid-input"),
            (ErrorClass::NotFound, 404, "not-found"),
            (ErrorClass::Forbidden, 403, "forbidden"),
            (ErrorClass::Conflict, 409, "conflict"),
            (ErrorClass::DecisionRequired, 409, "decision-required"),
            (ErrorClass::IllegalTransition, 409, "illegal-transition"),
            (ErrorClass::ExtensionRefused, 409, "extension-refused"),
            (ErrorClass::RateLimited, 429, "rate-limited"),
            (ErrorClass::Internal, 500, "internal"),
        ];
        assert_eq!(table.len(), ErrorClass::ALL.len());
        for (class, status, problem) in table {
            let a = class.answer();
            assert_eq!(
                (a.status.as_u16(), a.problem),
                (status, problem),
                "{class:?}"
            );
            for lang in crate::i18n::Language::ALL {
                for key in [a.title_key, a.body_key] {
                    assert!(crate::i18n::lookup(lang, key).is_some(), "{key} in {lang}");
                }
            }
        }
    }
}
