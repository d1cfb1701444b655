//! The service layer's one error type. The HTTP layer maps it to a problem response in one
//! place (`http::problem`); the messages are safe to show (no personal data).
use crate::{deadlines::ExtensionError, lifecycle::TransitionError};

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
    /// A storage failure; the detail is logged, never shown.
    #[error("storage failure")]
    Storage(String),
}

impl ServiceError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Storage(e.to_string())
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
