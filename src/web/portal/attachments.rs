//! Min side: files the person sends with their request. On an open request's page: the files
//! sent so far, and a form to add one; the clarification form takes a file too. The forms are
//! multipart, read by `http::api::attachments::read_form` (counted against the attachment
//! limits, not `max_body_bytes`), their CSRF token checked here. A refused file is named next
//! to its field and nothing typed is lost. The file field and the files section are parts of
//! the request page (`request_parts.rs`).
use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use uuid::Uuid;

use crate::web::{
    ErrorKind, PageError, PageSession, csrf_matches,
    portal::{self, AnswerAttempt},
};
use crate::{
    app::AppState,
    attachments::{self, AttachmentError, AttachmentView, Refusal},
    auth::Principal,
    http::api::attachments::{FormError, UploadForm, read_form},
    i18n::{Language, t, tf},
};

/// A multipart page form with a valid CSRF token, from a logged-in citizen.
pub(super) async fn read_page_form(
    app: &AppState,
    lang: Language,
    req: Request,
    here: &str,
) -> Result<Result<(PageSession, Principal, UploadForm), Response>, PageError> {
    let (mut parts, body) = req.into_parts();
    let crate::web::MaybeSession(session) = <crate::web::MaybeSession as axum::extract::FromRequestParts<
        AppState,
    >>::from_request_parts(&mut parts, app)
    .await?;
    let session = session.ok_or_else(|| PageError::new(lang, ErrorKind::SessionEnded))?;
    let settings = app.settings.attachments.clone();
    let form = read_form(Request::from_parts(parts, body), app, &settings)
        .await
        .map_err(|e| match e {
            FormError::TooLarge => PageError::new(lang, ErrorKind::BadRequest),
            FormError::NotMultipart | FormError::Malformed => {
                PageError::new(lang, ErrorKind::BadRequest)
            }
        })?;
    let sent = form.fields.get("csrf_token").cloned().unwrap_or_default();
    if !csrf_matches(&session.session, &sent) {
        tracing::warn!("a form was refused: CSRF token missing or wrong");
        return Err(PageError::new(lang, ErrorKind::Csrf));
    }
    Ok(
        match portal::citizen(app, lang, Some(session), here).await? {
            Ok((s, principal)) => Ok((s, principal, form)),
            Err(redirect) => Err(redirect),
        },
    )
}

/// Keeps the file the person sent; a refusal is the message key to show.
pub(super) async fn keep(
    app: &AppState,
    lang: Language,
    principal: &Principal,
    id: Uuid,
    form: &mut UploadForm,
) -> Result<Option<Result<AttachmentView, Refusal>>, PageError> {
    if form.file_too_large {
        return Ok(Some(Err(Refusal::TooLarge)));
    }
    let Some(file) = form.file.take() else {
        return Ok(None);
    };
    match attachments::upload(app, principal, id, file).await {
        Ok(view) => Ok(Some(Ok(view))),
        Err(AttachmentError::Refused(r)) => Ok(Some(Err(r))),
        Err(AttachmentError::Service(e)) => Err(portal::page_error(lang, e)),
    }
}

/// The message for a refused file, with the limits filled in.
pub(super) fn refusal_text(app: &AppState, lang: Language, r: Refusal) -> String {
    let s = &app.settings.attachments;
    let mb = |b: u64| (b / (1024 * 1024)).max(1).to_string();
    match r {
        Refusal::TooLarge => tf(
            lang,
            r.message_key(),
            &[("max", &mb(s.max_file_bytes as u64))],
        ),
        Refusal::TooMany => tf(
            lang,
            r.message_key(),
            &[("max", &s.max_files_per_case.to_string())],
        ),
        Refusal::CaseFull => tf(
            lang,
            r.message_key(),
            &[("max", &mb(s.max_total_bytes_per_case))],
        ),
        _ => t(lang, r.message_key()).to_string(),
    }
}

/// The status of a page that shows a refused file again.
pub(super) fn refusal_status(r: Refusal) -> StatusCode {
    match r {
        Refusal::ScannerUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// `POST /min-side/sak/{id}/vedlegg`: the person adds a file to their open request.
pub async fn add(
    State(app): State<AppState>,
    crate::web::Lang(lang): crate::web::Lang,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let here = format!("/min-side/sak/{id}");
    let (s, principal, mut form) = match read_page_form(&app, lang, req, &here).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    match keep(&app, lang, &principal, id, &mut form).await? {
        Some(Ok(_)) => Ok(
            Redirect::to(&format!("{here}?vedlegg=sendt&lang={}", lang.as_str())).into_response(),
        ),
        Some(Err(r)) => {
            let attempt = AnswerAttempt::file_refused(
                String::new(),
                "attach-file",
                refusal_text(&app, lang, r),
                refusal_status(r),
            );
            portal::render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await
        }
        None => {
            let attempt = AnswerAttempt::file_refused(
                String::new(),
                "attach-file",
                refusal_text(&app, lang, Refusal::Empty),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            portal::render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await
        }
    }
}
