//! Files the person (or their representative) attaches to their request: a PDF, JPEG or PNG
//! whose type is read from its content, within the size limits of `[attachments]`, scanned by
//! clamd when one is configured and never kept unscanned then. The bytes go into the document
//! store (as letters do), the row into `attachment`, a `attachment_added` step into the
//! timeline and `request.attachment_added` into the audit trail, in one transaction. Staff
//! read them as they read the case (`access::Act::ReadCase` and the case's visibility); a
//! staff download is audited. Retention deletes them with what was collected
//! (`retention.rs`, [`retention::expire`]).
pub mod content;
pub mod retention;
pub mod scan;

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{attachment, request, request_event, values::ScanStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::{self, Act},
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    documents::{DocumentId, get_verified},
    error::{ServiceError, ServiceResult},
    requests::queries::{citizen_person_ids, load_visible},
};

/// A file attached to a request, as the API and the pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub request_id: Uuid,
    /// The sanitised file name (its extension follows the detected type).
    pub name: String,
    /// Detected from the content: `application/pdf`, `image/jpeg` or `image/png`.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub scan_status: ScanStatus,
    /// Sent by a representative acting for the person rather than by the person.
    pub by_representative: bool,
    pub uploaded_at: DateTime<Utc>,
}

fn view(m: &attachment::Model) -> AttachmentView {
    AttachmentView {
        id: m.id,
        request_id: m.request_id,
        name: m.display_name.clone(),
        media_type: m.media_type.clone(),
        size: m.size,
        sha256: m.sha256.clone(),
        scan_status: m.scan_status,
        by_representative: m.by_representative,
        uploaded_at: m.uploaded_at,
    }
}

/// Why a file was not accepted. Nothing of a refused file is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No file, or an empty one.
    Empty,
    /// Larger than `max_file_bytes`.
    TooLarge,
    /// Not a PDF, JPEG or PNG by its content.
    WrongType,
    /// The request already has `max_files_per_case` files.
    TooMany,
    /// The request's files would exceed `max_total_bytes_per_case`.
    CaseFull,
    /// The scanner found malware.
    Infected,
    /// A scanner is configured but gave no verdict: try again later.
    ScannerUnavailable,
    /// The request is closed (answered, withdrawn or forwarded).
    Closed,
}

impl Refusal {
    /// The key of the portal's message (`portal.attach.err_*`).
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::Empty => "portal.attach.err_empty",
            Refusal::TooLarge => "portal.attach.err_too_large",
            Refusal::WrongType => "portal.attach.err_type",
            Refusal::TooMany => "portal.attach.err_too_many",
            Refusal::CaseFull => "portal.attach.err_case_full",
            Refusal::Infected => "portal.attach.err_infected",
            Refusal::ScannerUnavailable => "portal.attach.err_scanner",
            Refusal::Closed => "portal.attach.err_closed",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file was refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<sea_orm::DbErr> for AttachmentError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Service(e.into())
    }
}

/// A file as it arrived: the name the browser or client sent and the bytes.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Neither the name (it may name the person) nor the bytes are ever printed.
impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Checks what needs no database: size, then type. Returns the detected type.
pub fn check(
    settings: &crate::config::AttachmentSettings,
    bytes: &[u8],
) -> Result<content::Kind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > settings.max_file_bytes {
        return Err(Refusal::TooLarge);
    }
    content::detect(bytes).ok_or(Refusal::WrongType)
}

/// Whether one more file of `size` bytes fits beside `existing` (count, bytes).
fn fits(
    settings: &crate::config::AttachmentSettings,
    existing: (u64, u64),
    size: u64,
) -> Result<(), Refusal> {
    if existing.0 >= u64::from(settings.max_files_per_case) {
        return Err(Refusal::TooMany);
    }
    if existing.1 + size > settings.max_total_bytes_per_case {
        return Err(Refusal::CaseFull);
    }
    Ok(())
}

async fn existing(
    db: &impl sea_orm::ConnectionTrait,
    request_id: Uuid,
) -> Result<(u64, u64), sea_orm::DbErr> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::RequestId.eq(request_id))
        .all(db)
        .await?;
    Ok((
        rows.len() as u64,
        rows.iter().map(|r| r.size.max(0) as u64).sum(),
    ))
}

/// Whether `principal` may attach a file to the request now: the person (or who acts for
/// them) on their own open request. Checked before an upload's body is read, so a stranger's
/// body is never taken in.
pub async fn may_upload(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> Result<(), AttachmentError> {
    if !matches!(principal, Principal::Citizen { .. }) {
        return Err(ServiceError::Forbidden(
            "only the person (or who acts for them) attaches files".into(),
        )
        .into());
    }
    let req = load_visible(&app.db, principal, request_id).await?;
    if req.status.is_terminal() {
        return Err(AttachmentError::Refused(Refusal::Closed));
    }
    Ok(())
}

/// The person (or their representative) attaches a file to their open request.
pub async fn upload(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    upload: Upload,
) -> Result<AttachmentView, AttachmentError> {
    let Principal::Citizen { lookup_hash, .. } = principal else {
        return Err(ServiceError::Forbidden(
            "only the person (or who acts for them) attaches files".into(),
        )
        .into());
    };
    let req = load_visible(&app.db, principal, request_id).await?;
    if req.status.is_terminal() {
        return Err(AttachmentError::Refused(Refusal::Closed));
    }
    let settings = &app.settings.attachments;
    let kind = check(settings, &upload.bytes).map_err(AttachmentError::Refused)?;
    let size = upload.bytes.len() as u64;
    fits(settings, existing(&app.db, request_id).await?, size).map_err(AttachmentError::Refused)?;
    let sha256 = crate::documents::sha256_hex(&upload.bytes);
    let scan_status = match &settings.clamd_addr {
        None => ScanStatus::NotScanned,
        Some(addr) => {
            let timeout = Duration::from_millis(settings.clamd_timeout_ms.max(1));
            match scan::scan(addr, &upload.bytes, timeout).await {
                Ok(scan::Verdict::Clean) => ScanStatus::Clean,
                Ok(scan::Verdict::Infected(signature)) => {
                    app.writer
                        .audit(AuditRecord {
                            actor: principal.audit_actor(),
                            action: "request.attachment_refused".into(),
                            request_id: Some(request_id),
                            details: serde_json::json!({
                                "reason": "malware",
                                "signature": signature,
                                "sha256": sha256,
                                "size": size,
                            }),
                        })
                        .await?;
                    return Err(AttachmentError::Refused(Refusal::Infected));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "an attachment was refused: the malware scanner gave no verdict");
                    return Err(AttachmentError::Refused(Refusal::ScannerUnavailable));
                }
            }
        }
    };
    let by_representative = !citizen_person_ids(&app.db, lookup_hash)
        .await?
        .contains(&req.person_id);
    let id = DocumentId::new();
    let stored = app
        .documents
        .put(id, &upload.bytes)
        .await
        .map_err(|e| ServiceError::storage("storing an attachment", e))?;
    let row = attachment::Model {
        id: id.0,
        request_id,
        uploaded_by: principal.audit_actor(),
        by_representative,
        display_name: content::display_name(&upload.file_name, kind),
        media_type: kind.media_type().into(),
        size: stored.size as i64,
        sha256: stored.sha256,
        scan_status,
        uploaded_at: Utc::now(),
    };
    let limits = settings.clone();
    let written = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let req = request::Entity::find_by_id(request_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("request"))?;
                if req.status.is_terminal() {
                    return Ok(Err(Refusal::Closed));
                }
                if let Err(r) = fits(
                    &limits,
                    existing(&tx.db, request_id).await?,
                    row.size as u64,
                ) {
                    return Ok(Err(r));
                }
                let mut active: attachment::ActiveModel = row.clone().into();
                active.uploaded_at = Set(tx.now);
                let row = active.insert(&tx.db).await?;
                let details = serde_json::json!({
                    "attachment_id": row.id,
                    "media_type": row.media_type,
                    "size": row.size,
                    "scan_status": row.scan_status,
                    "by_representative": row.by_representative,
                });
                request_event::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(request_id),
                    at: Set(tx.now),
                    actor_kind: Set(entity::values::ActorKind::Citizen),
                    actor: Set(String::new()),
                    action: Set("attachment_added".into()),
                    from_status: Set(None),
                    to_status: Set(None),
                    details: Set(details.to_string()),
                }
                .insert(&tx.db)
                .await?;
                let mut audit = details;
                audit["sha256"] = serde_json::json!(row.sha256);
                tx.audit(AuditRecord {
                    actor: row.uploaded_by.clone(),
                    action: "request.attachment_added".into(),
                    request_id: Some(request_id),
                    details: audit,
                })
                .await?;
                Ok(Ok(row))
            })
        })
        .await;
    match written {
        Ok(Ok(row)) => Ok(view(&row)),
        Ok(Err(refusal)) => {
            let _ = app.documents.delete(id).await;
            Err(AttachmentError::Refused(refusal))
        }
        Err(e) => {
            let _ = app.documents.delete(id).await;
            Err(e.into())
        }
    }
}

/// Who may read a request's files: its citizen (their own, as a representative the
/// represented person's), and staff who may read the case (`Act::ReadCase`) and see it.
async fn may_read(app: &Core, principal: &Principal, request_id: Uuid) -> ServiceResult<()> {
    if principal.staff().is_some() {
        access::require_staff(principal, Act::ReadCase)?;
    }
    load_visible(&app.db, principal, request_id).await?;
    Ok(())
}

/// The files of a request, oldest first.
pub async fn list(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<AttachmentView>> {
    may_read(app, principal, request_id).await?;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::RequestId.eq(request_id))
        .order_by_asc(attachment::Column::UploadedAt)
        .order_by_asc(attachment::Column::Id)
        .all(&app.db)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// One file's bytes, checked against the recorded checksum. Staff downloads are audited
/// before the bytes are returned.
pub async fn download(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    attachment_id: Uuid,
) -> ServiceResult<(AttachmentView, Vec<u8>)> {
    may_read(app, principal, request_id).await?;
    let row = attachment::Entity::find_by_id(attachment_id)
        .filter(attachment::Column::RequestId.eq(request_id))
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("attachment"))?;
    let bytes = get_verified(app.documents.as_ref(), DocumentId(row.id), &row.sha256)
        .await
        .map_err(|e| ServiceError::storage("reading an attachment", e))?;
    if principal.staff().is_some() {
        app.writer
            .audit(AuditRecord {
                actor: principal.audit_actor(),
                action: "request.attachment_read".into(),
                request_id: Some(request_id),
                details: serde_json::json!({ "attachment_id": row.id, "sha256": row.sha256 }),
            })
            .await?;
    }
    Ok((view(&row), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AttachmentSettings;

    #[test]
    fn limits_per_file_and_per_case() {
        let s = AttachmentSettings {
            max_file_bytes: 10,
            max_files_per_case: 2,
            max_total_bytes_per_case: 15,
            ..Default::default()
        };
        assert_eq!(check(&s, b""), Err(Refusal::Empty));
        assert_eq!(check(&s, b"%PDF-1.7 too long"), Err(Refusal::TooLarge));
        assert_eq!(check(&s, b"MZ\x90\0"), Err(Refusal::WrongType));
        assert_eq!(check(&s, b"%PDF-1.7"), Ok(content::Kind::Pdf));
        assert_eq!(fits(&s, (0, 0), 10), Ok(()));
        assert_eq!(fits(&s, (1, 10), 5), Ok(()));
        assert_eq!(fits(&s, (1, 10), 6), Err(Refusal::CaseFull));
        assert_eq!(fits(&s, (2, 0), 1), Err(Refusal::TooMany));
    }
}
