//! The audit trail: append-only and hash-chained. Each event's hash covers the previous hash and
//! the event's own fields, so editing, deleting or reordering any event breaks the chain, and the
//! head row (last seq + hash) catches a cut-off tail. `dsar verify-audit` walks the chain.
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{audit_event, audit_head};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    prelude::*,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain's last event as seen inside the current transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// What happened, by whom; `details` must hold no identity numbers.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub actor: String,
    pub action: String,
    pub request_id: Option<Uuid>,
    pub details: serde_json::Value,
}

/// Times are stored with microsecond precision on both databases; hash what is stored.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

pub fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    request_id: Option<Uuid>,
    details: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        &at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor,
        action,
        &request_id.map(|id| id.to_string()).unwrap_or_default(),
        details,
    ] {
        // Length-prefix each field so that no two field lists hash alike.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Reads the head, locking it on PostgreSQL (`FOR UPDATE`) so concurrent instances append in turn.
/// SQLite transactions are already serialized by the database lock.
pub async fn load_head(db: &impl ConnectionTrait) -> Result<ChainHead, DbErr> {
    let head = audit_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom("audit head row is missing".into()))?;
    Ok(ChainHead {
        seq: head.seq,
        hash: head.hash,
    })
}

pub async fn save_head(db: &impl ConnectionTrait, head: &ChainHead) -> Result<(), DbErr> {
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(head.seq))
        .col_expr(audit_head::Column::Hash, Expr::value(head.hash.clone()))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Appends one event after `head` and advances it.
pub async fn append(
    db: &impl ConnectionTrait,
    head: &mut ChainHead,
    at: DateTime<Utc>,
    record: AuditRecord,
) -> Result<(), DbErr> {
    append_many(db, head, at, vec![record]).await
}

/// Appends events in order with one multi-row insert, advancing `head` past the last.
pub async fn append_many(
    db: &impl ConnectionTrait,
    head: &mut ChainHead,
    at: DateTime<Utc>,
    records: Vec<AuditRecord>,
) -> Result<(), DbErr> {
    if records.is_empty() {
        return Ok(());
    }
    let at = truncate_to_micros(at);
    let mut next = head.clone();
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let seq = next.seq + 1;
        let details = record.details.to_string();
        let hash = event_hash(
            &next.hash,
            seq,
            at,
            &record.actor,
            &record.action,
            record.request_id,
            &details,
        );
        rows.push(audit_event::ActiveModel {
            seq: Set(seq),
            at: Set(at),
            actor: Set(record.actor),
            action: Set(record.action),
            request_id: Set(record.request_id),
            details: Set(details),
            prev_hash: Set(next.hash.clone()),
            hash: Set(hash.clone()),
        });
        next = ChainHead { seq, hash };
    }
    crate::writer::insert_rows(db, rows).await?;
    *head = next;
    Ok(())
}

/// The first break found in the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainBreak {
    /// An event is missing (deleted) or numbered out of order.
    Gap { expected_seq: i64, found_seq: i64 },
    /// The event does not link to the one before it (reordered or replaced).
    Link { seq: i64 },
    /// The event's content was changed after it was written.
    Content { seq: i64 },
    /// The last events were removed, or the head was altered.
    Head { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Gap {
                expected_seq,
                found_seq,
            } => {
                write!(
                    f,
                    "event {expected_seq} is missing (next found is {found_seq})"
                )
            }
            Self::Link { seq } => write!(f, "event {seq} does not link to the event before it"),
            Self::Content { seq } => write!(f, "event {seq} was changed after it was written"),
            Self::Head { head_seq, last_seq } => write!(
                f,
                "the chain head says {head_seq} events but the trail ends at {last_seq}"
            ),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    pub events: i64,
    pub intact: bool,
    pub first_break: Option<ChainBreak>,
}

/// Walks the whole chain in pages, recomputing every hash.
pub async fn verify(db: &impl ConnectionTrait) -> Result<Verification, DbErr> {
    let mut prev = ChainHead {
        seq: 0,
        hash: GENESIS_HASH.to_string(),
    };
    let mut first_break = None;
    'pages: loop {
        let page = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gt(prev.seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(5000)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for ev in page {
            let problem = if ev.seq != prev.seq + 1 {
                Some(ChainBreak::Gap {
                    expected_seq: prev.seq + 1,
                    found_seq: ev.seq,
                })
            } else if ev.prev_hash != prev.hash {
                Some(ChainBreak::Link { seq: ev.seq })
            } else if event_hash(
                &ev.prev_hash,
                ev.seq,
                ev.at,
                &ev.actor,
                &ev.action,
                ev.request_id,
                &ev.details,
            ) != ev.hash
            {
                Some(ChainBreak::Content { seq: ev.seq })
            } else {
                None
            };
            if problem.is_some() {
                first_break = problem;
                prev.seq = ev.seq;
                break 'pages;
            }
            prev = ChainHead {
                seq: ev.seq,
                hash: ev.hash,
            };
        }
    }
    if first_break.is_none() {
        let head = load_head(db).await?;
        if head != prev {
            first_break = Some(ChainBreak::Head {
                head_seq: head.seq,
                last_seq: prev.seq,
            });
        }
    }
    Ok(Verification {
        events: prev.seq,
        intact: first_break.is_none(),
        first_break,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field() {
        let at = truncate_to_micros(Utc::now());
        let id = Some(Uuid::nil());
        let base = event_hash(GENESIS_HASH, 1, at, "staff:a", "x", id, "{}");
        let variants = [
            event_hash("1", 1, at, "staff:a", "x", id, "{}"),
            event_hash(GENESIS_HASH, 2, at, "staff:a", "x", id, "{}"),
            event_hash(
                GENESIS_HASH,
                1,
                at + chrono::Duration::microseconds(1),
                "staff:a",
                "x",
                id,
                "{}",
            ),
            event_hash(GENESIS_HASH, 1, at, "staff:b", "x", id, "{}"),
            event_hash(GENESIS_HASH, 1, at, "staff:a", "y", id, "{}"),
            event_hash(GENESIS_HASH, 1, at, "staff:a", "x", None, "{}"),
            event_hash(GENESIS_HASH, 1, at, "staff:a", "x", id, "{ }"),
            // Moving a character between fields must not collide.
            event_hash(GENESIS_HASH, 1, at, "staff:ax", "", id, "{}"),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
        assert_eq!(
            base,
            event_hash(GENESIS_HASH, 1, at, "staff:a", "x", id, "{}")
        );
    }
}
