//! The one place where errors become HTTP answers: `application/problem+json` (RFC 9457).
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::tokens::TokenError,
    error::{ServiceError, log_internal},
};

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    /// What exactly is wrong, in plain language.
    pub detail: String,
    /// The field at fault, for input errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub slug: &'static str,
    pub detail: String,
    pub field: Option<String>,
    pub www_authenticate: bool,
    /// `Retry-After`, seconds (429 answers).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, slug: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            slug,
            detail: detail.into(),
            field: None,
            www_authenticate: false,
            retry_after: None,
        }
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self {
            www_authenticate: true,
            ..Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
        }
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }
}

impl From<ServiceError> for ApiError {
    /// Status and problem type from the answer table (`error::ErrorClass::answer`); the detail is
    /// the error's own message, except for internal errors, whose chain is logged instead.
    fn from(e: ServiceError) -> Self {
        let answer = e.class().answer();
        log_internal(&e, None);
        match e {
            ServiceError::Invalid { field, message } => {
                Self::new(answer.status, answer.problem, message).with_field(field)
            }
            ServiceError::RateLimited {
                retry_after_seconds,
                message,
            } => Self {
                retry_after: Some(retry_after_seconds),
                ..Self::new(answer.status, answer.problem, message)
            },
            ServiceError::Storage(_) => Self::new(
                answer.status,
                answer.problem,
                "something went wrong on our side; nothing was changed",
            ),
            other => Self::new(answer.status, answer.problem, other.to_string()),
        }
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        Self::unauthorized(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let body = Problem {
            problem_type: format!("https://dsar.example/problems/{}", self.slug),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            field: self.field,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.www_authenticate {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
