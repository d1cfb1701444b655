//! The HTTP layer: thin handlers over the services, the whole middleware stack in one place, and
//! the OpenAPI document generated from the handlers so it cannot drift.
pub mod api;
pub mod csrf;
pub mod dev;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod wellknown;

use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveHeadersLayer,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::app::AppState;
use problem::ApiError;

pub fn router(app: AppState) -> Router {
    let (api_router, openapi) = openapi::api_router().split_for_parts();
    let mut router = Router::new()
        .merge(api_router)
        .merge(health::router())
        .merge(wellknown::router())
        .merge(metrics::router())
        .merge(openapi::docs(openapi))
        .merge(crate::web::router(&app));
    if app.demo_issuer.is_some() {
        router = router.merge(dev::router());
    }
    if let Some(sim) = &app.simulator {
        router = router.nest_service("/sim", crate::sources::simulator::router(sim.clone()));
    }
    let request_id = HeaderName::from_static("x-request-id");
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app.clone())
        .layer(DefaultBodyLimit::max(app.settings.max_body_bytes))
        // A refused body may not have been read to its end: the connection is not reused.
        .layer(SetResponseHeaderLayer::if_not_present(header::CONNECTION, |r: &Response| {
            (r.status() == StatusCode::PAYLOAD_TOO_LARGE).then(|| HeaderValue::from_static("close"))
        }))
        // Answers carry personal data unless said otherwise (static files say so): no cache,
        // shared or private, may keep them.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_millis(app.settings.connections.request_timeout_ms.max(1)),
        ))
        .layer(CatchPanicLayer::custom(panic_to_problem))
        // Logs carry method, path and status only: no query strings, bodies or tokens.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(SetSensitiveHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
}

async fn not_found(request: axum::extract::Request) -> Response {
    let (parts, _) = request.into_parts();
    crate::web::not_found_page(&parts)
        .unwrap_or_else(|| ApiError::not_found("there is nothing at this address").into_response())
}

async fn method_not_allowed(request: axum::extract::Request) -> Response {
    let (parts, _) = request.into_parts();
    crate::web::page_for_post_address(&parts).unwrap_or_else(|| {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this address does not accept that method",
        )
        .into_response()
    })
}

fn panic_to_problem(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "something went wrong on our side",
    )
    .into_response()
}
