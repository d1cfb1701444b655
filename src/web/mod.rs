//! Server-rendered pages (maud) and their routes. What every page shares is re-exported here:
//! the layout (`layout`), the extractors pages need (language, client address, login session,
//! CSRF-checked forms: `extract`), the one place where page errors become an HTML answer with an
//! error id to quote (`error_page`), and the answers for addresses no page serves (`fallback`).
pub mod auth;
pub mod components;
pub mod demo_idp;
pub mod form;
pub mod office;
pub mod portal;
pub mod receipt;
pub mod wizard;

use axum::{
    Router,
    http::{HeaderValue, header},
    routing::{get, post},
};
use tower_http::set_header::SetResponseHeaderLayer;

mod error_page;
mod extract;
mod fallback;
mod layout;
mod static_files;
use static_files::static_files;

use crate::app::AppState;

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

pub use components::{csrf_field, status_variant};

pub use error_page::{ErrorKind, PageError, new_error_id};
pub use extract::{
    ClientIp, CsrfForm, Lang, MaybeSession, PageQuery, PageSession, csrf_matches, rate_limit,
    remember_language,
};
pub use fallback::{not_found_page, page_for_post_address};
pub use layout::{date, date_time, layout, layout_at, layout_wide, unreviewed_notice};
