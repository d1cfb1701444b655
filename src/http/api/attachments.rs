//! `/api/v1/requests/{id}/attachments`: the person attaches a file (multipart/form-data, one
//! part named `file`); the person and staff who may read the case list them and download one.
//! The route takes bodies up to the file limit (`attachments.max_file_bytes`) and only it:
//! [`read_form`] counts what it reads instead of the router-wide `max_body_bytes`.
use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{FromRequest, Multipart, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use crate::{
    app::AppState,
    attachments::{self, AttachmentError, AttachmentView, Refusal, Upload},
    auth::Principal,
    config::AttachmentSettings,
    http::{
        extract::ApiPath,
        problem::{ApiError, ApiResult, Problem},
    },
};

/// The upload form as the API document describes it: one part, `file`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The file: a PDF, JPEG or PNG (read from its content).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The most a text field of an upload form may hold.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// An upload form as read: its text fields and its file (the first part named `file` that
/// carries a file name or bytes).
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    pub file: Option<Upload>,
    /// The file was larger than the limit; its bytes were read and dropped.
    pub file_too_large: bool,
}

/// Why an upload form could not be read at all.
#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// Not multipart/form-data.
    NotMultipart,
    /// Broken multipart.
    Malformed,
    /// Far more than one file's worth: the body was not read to its end.
    TooLarge,
}

/// The most bytes of a whole upload form: room for a file over the limit to be read and
/// dropped (so the other fields are kept), and no more.
pub fn hard_limit(settings: &AttachmentSettings) -> usize {
    settings
        .max_file_bytes
        .saturating_mul(2)
        .saturating_add(1024 * 1024)
}

/// Reads a multipart form, counting every byte against [`hard_limit`]; a file over
/// `max_file_bytes` is dropped (`file_too_large`), the text fields stay.
pub async fn read_form(
    req: Request,
    state: &AppState,
    settings: &AttachmentSettings,
) -> Result<UploadForm, FormError> {
    let hard = hard_limit(settings);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > hard as u64) {
        return Err(FormError::TooLarge);
    }
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| FormError::NotMultipart)?;
    let mut form = UploadForm::default();
    let mut read = 0usize;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| FormError::Malformed)?
    {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let is_file = name == "file" && form.file.is_none() && !form.file_too_large;
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| FormError::Malformed)? {
            read += chunk.len();
            if read > hard {
                return Err(FormError::TooLarge);
            }
            let cap = if is_file {
                settings.max_file_bytes
            } else {
                MAX_TEXT_FIELD
            };
            if bytes.len() + chunk.len() > cap {
                over = true;
                bytes = Vec::new();
            }
            if !over {
                bytes.extend_from_slice(&chunk);
            }
        }
        if is_file {
            if over {
                form.file_too_large = true;
            } else if !bytes.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty()) {
                form.file = Some(Upload {
                    file_name: file_name.unwrap_or_default(),
                    bytes,
                });
            }
        } else if !over && name != "file" {
            form.fields
                .insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(form)
}

/// A refused file as problem+json.
pub fn refusal_problem(r: Refusal, settings: &AttachmentSettings) -> ApiError {
    let mb = settings.max_file_bytes / (1024 * 1024);
    match r {
        Refusal::Empty => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            "send one non-empty file in the part named `file`",
        )
        .with_field("file"),
        Refusal::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!(
                "the file is larger than {} bytes ({mb} MB)",
                settings.max_file_bytes
            ),
        )
        .with_field("file"),
        Refusal::WrongType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-file-type",
            "the file is not a PDF, JPEG or PNG (the type is read from its content, not its name)",
        )
        .with_field("file"),
        Refusal::TooMany => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attachment-limit",
            format!(
                "a request holds at most {} files",
                settings.max_files_per_case
            ),
        )
        .with_field("file"),
        Refusal::CaseFull => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attachment-limit",
            format!(
                "a request's files may total at most {} bytes",
                settings.max_total_bytes_per_case
            ),
        )
        .with_field("file"),
        Refusal::Infected => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "malware-found",
            "the malware scanner found something harmful in the file; it was not kept",
        )
        .with_field("file"),
        Refusal::ScannerUnavailable => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "scanner-unavailable",
            "the file could not be checked for malware just now and was not kept; try again later",
        ),
        Refusal::Closed => ApiError::new(
            StatusCode::CONFLICT,
            "request-closed",
            "the request is closed; files can be added while it is open",
        ),
    }
}

fn form_problem(e: FormError) -> ApiError {
    match e {
        FormError::NotMultipart => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the file as multipart/form-data with one part named `file`",
        ),
        FormError::Malformed => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "the multipart body could not be read",
        ),
        FormError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "the body is far larger than one file may be",
        ),
    }
}

/// The `Content-Disposition` of a download: an ASCII fallback name and the UTF-8 name
/// (RFC 6266 / RFC 8187).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file's bytes as a download answer.
pub fn file_response(view: &AttachmentView, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, view.media_type.clone()),
            (header::CONTENT_DISPOSITION, content_disposition(&view.name)),
            (
                header::HeaderName::from_static("x-content-sha256"),
                view.sha256.clone(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

#[utoipa::path(
    post, path = "/api/v1/requests/{id}/attachments", tag = "requests",
    description = "The person (or their representative) attaches a PDF, JPEG or PNG to their open request: multipart/form-data with one part named `file`. The type is read from the content. With a malware scanner configured the file is scanned first and kept only when clean.",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data", description = "One part named `file`"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Kept", body = AttachmentView),
        (status = 400, description = "Broken multipart body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the person or who acts for them", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not a PDF, JPEG or PNG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file, too many files on the request, or malware found", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The malware scanner could not be reached; nothing was kept", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload_attachment(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    req: Request,
) -> ApiResult<Response> {
    let settings = app.settings.attachments.clone();
    // Who may, before the body is read.
    match attachments::may_upload(&app, &principal, id).await {
        Ok(()) => {}
        Err(AttachmentError::Refused(r)) => return Err(refusal_problem(r, &settings)),
        Err(AttachmentError::Service(e)) => return Err(e.into()),
    }
    let form = read_form(req, &app, &settings)
        .await
        .map_err(form_problem)?;
    if form.file_too_large {
        return Err(refusal_problem(Refusal::TooLarge, &settings));
    }
    let Some(file) = form.file else {
        return Err(refusal_problem(Refusal::Empty, &settings));
    };
    match attachments::upload(&app, &principal, id, file).await {
        Ok(view) => Ok((StatusCode::CREATED, Json(view)).into_response()),
        Err(AttachmentError::Refused(r)) => Err(refusal_problem(r, &settings)),
        Err(AttachmentError::Service(e)) => Err(e.into()),
    }
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/attachments", tag = "requests",
    description = "The files attached to a request, oldest first: for the person, and for staff who may read the case.",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files", body = Vec<AttachmentView>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_attachments(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<AttachmentView>>> {
    Ok(Json(attachments::list(&app, &principal, id).await?))
}

#[utoipa::path(
    get, path = "/api/v1/requests/{id}/attachments/{attachment}", tag = "requests",
    description = "One attached file, checked against its SHA-256. A staff download is audited.",
    params(("id" = Uuid, Path, description = "Request id"), ("attachment" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
        )),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn download_attachment(
    State(app): State<AppState>,
    principal: Principal,
    ApiPath((id, attachment)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (view, bytes) = attachments::download(&app, &principal, id, attachment).await?;
    Ok(file_response(&view, bytes))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn download_names_are_safe_headers() {
        assert_eq!(
            content_disposition("pass 1.pdf"),
            "attachment; filename=\"pass 1.pdf\"; filename*=UTF-8''pass%201.pdf"
        );
        let arabic = content_disposition("وثيقة.pdf");
        assert!(arabic.is_ascii());
        assert!(axum::http::HeaderValue::from_str(&arabic).is_ok());
    }
}
