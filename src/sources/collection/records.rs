//! The collected records read back: decrypted for a caseworker (audited), and the person's name
//! as Folkeregisteret gave it.
use super::CollectedRecord;
use super::require_case_staff;
use crate::sources::protocol::Operation;
use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::queries::load_visible,
};
use entity::source_record;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The records collected for a request, decrypted, for a caseworker or privacy officer. Audited.
pub async fn records(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<CollectedRecord>> {
    require_case_staff(principal)?;
    load_visible(&app.db, principal, request_id).await?;
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(request_id))
        .order_by_asc(source_record::Column::SourceId)
        .order_by_asc(source_record::Column::Operation)
        .order_by_asc(source_record::Column::RecordKey)
        .all(&app.db)
        .await?;
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: "request.records_read".into(),
            request_id: Some(request_id),
            details: serde_json::json!({ "record_count": rows.len() }),
        })
        .await?;
    decrypt_records(&app.vault, rows)
}

/// The person's name as Folkeregisteret gave it for each of `request_ids`, in one query; a
/// request whose person's name was not collected (yet) is left out.
pub async fn folkeregisteret_names(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    request_ids: &[Uuid],
) -> ServiceResult<std::collections::HashMap<Uuid, String>> {
    if request_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.is_in(request_ids.to_vec()))
        .filter(source_record::Column::SourceId.eq(FOLKEREGISTERET))
        .filter(source_record::Column::RecordKey.eq(NAME_RECORD))
        .all(db)
        .await?;
    let request_of: Vec<Uuid> = rows.iter().map(|r| r.request_id).collect();
    Ok(request_of
        .into_iter()
        .zip(decrypt_records(vault, rows)?)
        .filter_map(|(id, c)| Some((id, c.record?.value)))
        .filter(|(_, name)| !name.trim().is_empty())
        .collect())
}

/// The source and the record that give a person's name.
pub const FOLKEREGISTERET: &str = "folkeregisteret";
pub const NAME_RECORD: &str = "navn";

/// Decrypts stored rows (also used by the letters to build the answer).
pub fn decrypt_records(
    vault: &crate::crypto::PidVault,
    rows: Vec<source_record::Model>,
) -> ServiceResult<Vec<CollectedRecord>> {
    rows.into_iter()
        .map(|row| {
            let plain = vault.open(&row.payload).map_err(|_| {
                ServiceError::Storage("a collected record could not be decrypted".into())
            })?;
            let operation = Operation::parse(&row.operation).unwrap_or(Operation::Access);
            let (record, result) = if operation == Operation::Access {
                (serde_json::from_str(&plain).ok(), None)
            } else {
                (None, serde_json::from_str(&plain).ok())
            };
            Ok(CollectedRecord {
                source: row.source_id,
                operation,
                category: row.category,
                special_category: row.special_category,
                third_party: row.third_party,
                record,
                result,
                collected_at: row.created_at,
            })
        })
        .collect()
}
