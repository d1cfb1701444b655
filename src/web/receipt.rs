//! "Kvittering (PDF)": the receipt of an open request, for the person who may see its case page
//! (anyone else gets "not found", as for the case page), in the request's language, tagged
//! like every letter, never cached.
use axum::{
    body::Body,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use entity::request;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::{ErrorKind, Lang, MaybeSession, PageError, portal};
use crate::{
    app::AppState,
    auth::Principal,
    decisions::{delivery, generate},
    error::{ServiceError, ServiceResult},
    letters,
    requests::queries,
};

/// The receipt of request `id` as a PDF, with its file name. Read through the same check as the
/// case page (and audited as a read of it); a closed request has no receipt (it would promise an
/// answer by a deadline that no longer applies).
pub async fn receipt_pdf(
    app: &AppState,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<(String, Vec<u8>)> {
    let view = queries::get(app, principal, id).await?;
    if view.status.is_terminal() {
        return Err(ServiceError::NotFound("request"));
    }
    let req = request::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("request"))?;
    let name = generate::subject_name(app, id).await?;
    let mut ctx = generate::context(app, &req, name).await?;
    // To the representative, saying whom it is about, where one filed it.
    delivery::address_letter(app, &req, &mut ctx).await?;
    // Downloaded, not posted: no address block.
    ctx.recipient.address.clear();
    let file = format!("kvittering-{}.pdf", ctx.reference.as_str());
    let pdf = tokio::task::spawn_blocking(move || {
        letters::pdf::render_pdf(&letters::receipt::portal_receipt(&ctx))
    })
    .await
    .map_err(|e| ServiceError::storage("rendering a receipt", e))?
    .map_err(|e| ServiceError::storage("rendering a receipt", e))?;
    Ok((file, pdf))
}

/// `GET /min-side/sak/{id}/kvittering`.
pub async fn download(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let here = format!("/min-side/sak/{id}/kvittering");
    let (_, principal) = match portal::citizen(&app, lang, session, &here).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let (file, pdf) = receipt_pdf(&app, &principal, id)
        .await
        .map_err(|e| portal::page_error(lang, e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(pdf),
    )
        .into_response())
}
