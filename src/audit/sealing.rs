//! Sealing a trail written before the audit key: one keyed event that vouches for the plain
//! hashes before it, written through the writer like every other event.
use sea_orm::ConnectionTrait;

use super::{AuditKey, AuditRecord, ChainBreak, SEAL_ACTION, last_event_keyed, verify};

/// What [`seal`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealing {
    /// No events yet, or the trail is keyed already.
    NotNeeded,
    /// A plain trail of this many events was sealed.
    Sealed { events: i64 },
}

/// Seals a trail written before the audit key: verifies the plain hashes in full and, when
/// they hold, appends the keyed seal event that links to the last of them. A broken plain
/// trail is not sealed (the operator looks at it first).
pub async fn seal(
    db: &impl ConnectionTrait,
    writer: &crate::writer::Writer,
    key: &AuditKey,
) -> crate::error::ServiceResult<Sealing> {
    if last_event_keyed(db, key).await? != Some(false) {
        return Ok(Sealing::NotNeeded);
    }
    let report = verify(db, key).await?;
    let events = match report.first_break {
        Some(ChainBreak::Unsealed { seq }) => seq,
        Some(other) => {
            return Err(crate::error::ServiceError::Conflict(format!(
                "the audit trail is broken and was not sealed: {other}"
            )));
        }
        None => return Ok(Sealing::NotNeeded),
    };
    writer
        .run(move |tx| {
            Box::pin(async move {
                if tx.audit_head().seq != events {
                    return Err(crate::error::ServiceError::Conflict(
                        "the audit trail grew while it was being sealed; run the seal again".into(),
                    ));
                }
                tx.audit(AuditRecord {
                    actor: "system".into(),
                    action: SEAL_ACTION.into(),
                    request_id: None,
                    details: serde_json::json!({ "unkeyed_events": events }),
                })
                .await
            })
        })
        .await?;
    Ok(Sealing::Sealed { events })
}
