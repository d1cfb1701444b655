//! `GET /office/sak/{id}/vedlegg/{file}`: a file the person sent, for staff who may read the
//! case; the download is audited by the domain.
use axum::{
    extract::{Path, State},
    response::Response,
};
use uuid::Uuid;

use crate::{app::AppState, error::ServiceError, web::office::Office};

pub async fn download_attachment(
    State(app): State<AppState>,
    office: Office,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Ok(file)) = (id.parse::<Uuid>(), file.parse::<Uuid>()) else {
        return office.error(ServiceError::NotFound("attachment"));
    };
    match crate::attachments::download(&app, &office.principal, id, file).await {
        Ok((view, bytes)) => crate::http::api::attachments::file_response(&view, bytes),
        Err(e) => office.error(e),
    }
}
