//! The OpenAPI 3.1 document, generated from the handlers, served at `/openapi.json` with a
//! browsable UI at `/api/docs` (Swagger UI, vendored: no network needed).
use axum::Router;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_swagger_ui::SwaggerUi;

use super::api::{
    attachments, complaints, deadlines, decisions, identity, persons, print, registry, reports,
    representations, requests, sources,
};
use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dsar",
        description = "GDPR rights requests (innsyn, retting, sletting, begrensning, protest) for Norwegian public bodies.",
        version = "1.0.0"
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "requests", description = "Rights requests: intake, queue, case operations"),
        (name = "deadlines", description = "The deadline calendar"),
        (name = "persons", description = "A person's identity numbers over time"),
        (name = "registry", description = "Controllers, units and service areas"),
        (name = "sources", description = "Source systems and collection from them"),
        (name = "decisions", description = "Decisions, generated documents and the legal-basis catalogue"),
        (name = "reports", description = "Reports for Datatilsynet, case lists and audit extracts"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(requests::create_request, requests::list_requests))
        .routes(routes!(representations::create_on_behalf))
        .routes(routes!(representations::show_representation))
        .routes(routes!(representations::show_claim))
        .routes(routes!(representations::prove_claim))
        .routes(routes!(representations::record_child_view))
        .routes(routes!(representations::register_representation))
        .routes(routes!(requests::show_request))
        .routes(routes!(requests::list_events))
        .routes(routes!(requests::transition_request))
        .routes(routes!(requests::assign_request))
        .routes(routes!(requests::extend_request))
        .routes(routes!(requests::forward_request))
        .routes(routes!(requests::get_closing_step))
        .routes(routes!(requests::approve_closing_step))
        .routes(routes!(requests::return_closing_step))
        .routes(routes!(requests::expected_answer))
        .routes(routes!(requests::change_language))
        .routes(routes!(requests::note_request))
        .routes(routes!(
            identity::get_identity_verification,
            identity::verify_identity
        ))
        .routes(routes!(
            complaints::list_complaints,
            complaints::register_complaint
        ))
        .routes(routes!(complaints::complaint_to_appeal_body))
        .routes(routes!(complaints::complaint_outcome))
        .routes(routes!(deadlines::get_deadline))
        .routes(routes!(persons::link_numbers))
        .routes(routes!(persons::approve_link))
        .routes(routes!(registry::get_registry))
        .routes(routes!(sources::list_source_systems))
        .routes(routes!(sources::put_source_system))
        .routes(routes!(sources::collect))
        .routes(routes!(sources::waive_collection))
        .routes(routes!(sources::list_sources))
        .routes(routes!(sources::retry_source))
        .routes(routes!(sources::enter_manual))
        .routes(routes!(sources::list_records))
        .routes(routes!(decisions::draft_decision, decisions::get_decision))
        .routes(routes!(decisions::approve_decision))
        .routes(routes!(decisions::return_decision))
        .routes(routes!(decisions::list_documents))
        .routes(routes!(decisions::download_document))
        .routes(routes!(decisions::list_notices))
        .routes(routes!(decisions::notice_sent))
        .routes(routes!(decisions::notice_retry))
        .routes(routes!(print::list_print_jobs))
        .routes(routes!(print::act_print_job))
        .routes(routes!(print::request_letters))
        .routes(routes!(decisions::restriction_lift_notice))
        .routes(routes!(decisions::restriction_lift))
        .routes(routes!(decisions::restriction_lifted_by_hand))
        .routes(routes!(
            decisions::list_legal_bases,
            decisions::add_legal_basis
        ))
        .routes(routes!(reports::get_summary))
        .routes(routes!(reports::get_cases))
        .routes(routes!(reports::get_audit_extract))
        .routes(routes!(reports::get_processing_activities))
        // Upload bodies are as large as a file may be: `attachments::read_form` counts them
        // against the attachment limits instead of `max_body_bytes`.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(
                    attachments::upload_attachment,
                    attachments::list_attachments
                ))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(attachments::download_attachment))
}

pub fn docs(openapi: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/openapi.json", openapi))
}

#[cfg(test)]
mod tests {
    /// The API document is a contract: a change to it is deliberate. The snapshot is
    /// `tests/snapshots/openapi.json`; after an intended change, run this test with
    /// `DSAR_BLESS=1` to rewrite it and review the diff.
    #[test]
    fn openapi_document_matches_the_snapshot() {
        let (_, openapi) = super::api_router().split_for_parts();
        let now = serde_json::to_value(&openapi).expect("the document serializes");
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
        if std::env::var_os("DSAR_BLESS").is_some() {
            let text = serde_json::to_string_pretty(&now).expect("pretty JSON") + "\n";
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("snapshot folder");
            std::fs::write(&path, text).expect("snapshot written");
            return;
        }
        let text = std::fs::read_to_string(&path).expect("tests/snapshots/openapi.json exists");
        let before: serde_json::Value = serde_json::from_str(&text).expect("snapshot is JSON");
        assert!(
            before == now,
            "the OpenAPI document differs from tests/snapshots/openapi.json; if the change is \
             intended, run `DSAR_BLESS=1 cargo test --lib openapi_document` and review the diff"
        );
    }
}
