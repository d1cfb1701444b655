//! `/api/v1/reports` and `/api/v1/requests/{id}/audit`: reports for Datatilsynet and the
//! controller's internal control. Every download is audited.
use axum::{
    Json,
    body::Body,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use futures::TryStreamExt;
use uuid::Uuid;

use crate::{
    app::AppState,
    auth::Principal,
    error::ServiceError,
    http::{
        extract::{ApiPath, ApiQuery},
        problem::{ApiResult, Problem},
    },
    reports::{
        self, Format, ReportQuery, art30,
        audit_extract::{self, AuditExtract},
        cases, pdf,
        summary::{self, Summary},
    },
};

/// A download named `file_name` (ASCII: see `reports::file_name`).
fn attachment(format: Format, file_name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[utoipa::path(
    get, path = "/api/v1/reports/summary", tag = "reports",
    params(ReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The period report: JSON; CSV (one block per table, labels in `lang`, separated by `delimiter`); XLSX (one sheet per table); or PDF with a chart of received against answered per month", body = Summary),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer or auditor, or another controller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_summary(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let registry = app
        .registry
        .get(&app.db)
        .await
        .map_err(ServiceError::from)?;
    let scope = reports::scope(&principal, &registry, q.from, q.to, q.controller)?;
    let format = q.format.unwrap_or_default();
    let lang = q.lang.unwrap_or_default();
    let figures = summary::summary(&app.db, &scope, crate::clock::today_oslo()).await?;
    let controller = pdf::controller_name(&registry, scope.controller);
    let name = reports::file_name(
        "rapport",
        controller.as_ref().map(|c| c.name.as_str()),
        &scope,
        format,
    );
    let tables = || summary::tables(&figures, controller.as_ref().map(|c| c.name.as_str()), lang);
    let body = match format {
        Format::Json => None,
        Format::Csv => Some(summary::to_csv(&tables(), q.delimiter.unwrap_or_default())),
        Format::Xlsx => Some(summary::to_xlsx(&tables())?),
        Format::Pdf => Some(pdf::to_pdf(&figures, controller.as_ref(), lang)?),
    };
    reports::audit_download(
        &app,
        principal.audit_actor(),
        "report.summary",
        None,
        serde_json::json!({ "from": scope.from, "to": scope.to, "controller": scope.controller, "format": format.as_str() }),
    )
    .await?;
    Ok(match body {
        None => Json(figures).into_response(),
        Some(bytes) => attachment(format, &name, Body::from(bytes)),
    })
}

#[utoipa::path(
    get, path = "/api/v1/reports/cases", tag = "reports",
    params(ReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The pseudonymised case list, streamed (JSON array, CSV, or XLSX of at most 1,048,575 cases)", body = Vec<cases::CaseRow>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer or auditor, or another controller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period, pdf, or more cases than an XLSX sheet holds", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_cases(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let registry = app
        .registry
        .get(&app.db)
        .await
        .map_err(ServiceError::from)?;
    let scope = reports::scope(&principal, &registry, q.from, q.to, q.controller)?;
    let format = q.format.unwrap_or_default();
    // Checks the format (and the XLSX size) before anything is audited or sent.
    let chunks = cases::stream(app.core.clone(), scope.clone(), format).await?;
    reports::audit_download(
        &app,
        principal.audit_actor(),
        "report.cases",
        None,
        serde_json::json!({ "from": scope.from, "to": scope.to, "controller": scope.controller, "format": format.as_str() }),
    )
    .await?;
    // A failure mid-stream can only cut the body off; it is logged, without content. Empty
    // chunks (an XLSX export's progress) carry nothing to send.
    let chunks = chunks.try_filter(|c| std::future::ready(!c.bytes.is_empty()));
    let body = Body::from_stream(chunks.map_ok(|c| c.bytes).map_err(|e| {
        tracing::error!(error = %e, "case list export failed mid-stream");
        std::io::Error::other("case list export failed")
    }));
    let controller = pdf::controller_name(&registry, scope.controller);
    let name = reports::file_name(
        "saksliste",
        controller.as_ref().map(|c| c.name.as_str()),
        &scope,
        format,
    );
    Ok(attachment(format, &name, body))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/audit", tag = "reports",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Timeline, audit events and the verification of the whole chain", body = AuditExtract),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer or auditor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_audit_extract(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AuditExtract>> {
    Ok(Json(audit_extract::extract(&app, &principal, id).await?))
}

#[utoipa::path(
    get, path = "/api/v1/reports/processing-activities", tag = "reports",
    params(art30::Art30Query),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record of processing activities (GDPR art. 30), JSON or CSV; for a controller, the registry entries of its processing key", body = Vec<art30::Art30Entry>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer or auditor, or another controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such controller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unsupported format, or a registry group that is not the controller's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_processing_activities(
    State(app): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<art30::Art30Query>,
) -> ApiResult<Response> {
    let registry = app
        .registry
        .get(&app.db)
        .await
        .map_err(ServiceError::from)?;
    let controller = reports::own_controller(&principal, &registry, q.controller)?;
    let key = art30::registry_key(&app.db, controller, q.controller_key.as_deref()).await?;
    let format = q.format.unwrap_or_default();
    let registry = crate::processing_activities::Registry::built_in()
        .map_err(|e| ServiceError::storage("processing activities", e))?;
    let entries = art30::entries(&registry, key.as_deref(), q.lang.unwrap_or_default());
    let body = art30::render(&entries, format)?;
    reports::audit_download(
        &app,
        principal.audit_actor(),
        "report.processing_activities",
        None,
        serde_json::json!({ "controller": controller, "controller_key": key, "format": format.as_str() }),
    )
    .await?;
    Ok(attachment(
        format,
        &format!("behandlingsprotokoll.{}", format.as_str()),
        Body::from(body),
    ))
}
