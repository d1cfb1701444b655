//! The audit trail: append-only and chained with a key. Each event's hash is an HMAC-SHA256,
//! under a key kept outside the database, over the previous hash and the event's own fields, so
//! editing, deleting or reordering any event breaks the chain, and someone who can write to the
//! database but lacks the key cannot recompute it. The head row (last seq + hash) catches a
//! cut-off tail. A verification remembers the last event it found intact (a checkpoint, MAC'd
//! with the same key) and the next one reads only what follows; `dsar verify-audit --full`
//! walks everything.
//!
//! A trail written before the key existed (plain SHA-256 hashes) is sealed once: an
//! `audit.chain_sealed` event, keyed, links to its last hash, so from then on changing any
//! earlier event breaks the link to the seal. Only a seal may switch the chain from plain to
//! keyed, and a trail that ends unsealed counts as broken.
//!
//! Over 500 lines on purpose: append, verification and sealing keep one hash-chain invariant, checked in one place.
mod sealing;

pub use sealing::{Sealing, seal};

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{audit_checkpoint, audit_event, audit_head};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    prelude::*, sea_query::OnConflict,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The event that seals a trail written before the key: the first keyed event after it.
pub const SEAL_ACTION: &str = "audit.chain_sealed";

/// The key of the audit chain: 32 bytes from a file outside the database (mode 0600).
#[derive(Clone)]
pub struct AuditKey(Hmac<Sha256>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditKeyError {
    #[error("audit key file {0}: {1}")]
    File(PathBuf, std::io::Error),
    #[error("audit key file {0} must hold 64 hex characters (32 bytes)")]
    Malformed(PathBuf),
    #[error(
        "audit key file {0} is missing: production does not generate one (create it with 32 random bytes as hex, mode 0600)"
    )]
    Missing(PathBuf),
    #[error("audit key file {0} is readable by others (mode {1:o}): make it 0600")]
    Permissions(PathBuf, u32),
}

impl AuditKey {
    pub fn from_bytes(key: &[u8; 32]) -> Self {
        Self(<Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length"))
    }

    /// The key file named in the settings (default `audit-key` in the data dir). Outside
    /// production a missing file is created with a fresh key when `create` is set; in
    /// production it must exist and be readable by its owner only.
    pub fn load(settings: &crate::config::Settings, create: bool) -> Result<Self, AuditKeyError> {
        let path = settings
            .audit_key_file
            .clone()
            .unwrap_or_else(|| settings.data_dir.join("audit-key"));
        let production = settings.environment.is_production();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                check_mode(&path, production)?;
                let bytes: [u8; 32] = hex::decode(text.trim())
                    .ok()
                    .and_then(|k| k.try_into().ok())
                    .ok_or_else(|| AuditKeyError::Malformed(path.clone()))?;
                Ok(Self::from_bytes(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create && !production => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| AuditKeyError::File(path.clone(), e))?;
                }
                let bytes = rand::random::<[u8; 32]>();
                crate::crypto::write_private_file(&path, hex::encode(bytes).as_bytes())
                    .map_err(|e| AuditKeyError::File(path.clone(), e))?;
                Ok(Self::from_bytes(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(AuditKeyError::Missing(path)),
            Err(e) => Err(AuditKeyError::File(path, e)),
        }
    }

    fn mac(&self, parts: &[&str]) -> String {
        let mut mac = self.0.clone();
        for part in parts {
            // Length-prefix each field so that no two field lists hash alike.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(unix)]
fn check_mode(path: &Path, production: bool) -> Result<(), AuditKeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| AuditKeyError::File(path.to_path_buf(), e))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        if production {
            return Err(AuditKeyError::Permissions(path.to_path_buf(), mode));
        }
        tracing::warn!(
            mode = format!("{mode:o}"),
            "the audit key file is readable by others"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_: &Path, _: bool) -> Result<(), AuditKeyError> {
    Ok(())
}

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

fn fields<'a>(
    prev_hash: &'a str,
    seq: &'a str,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    request_id: &'a str,
    details: &'a str,
) -> [&'a str; 7] {
    [prev_hash, seq, at, actor, action, request_id, details]
}

/// The keyed hash of an event: HMAC-SHA256 under the audit key.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    key: &AuditKey,
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    request_id: Option<Uuid>,
    details: &str,
) -> String {
    let (seq, at, id) = (
        seq.to_string(),
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        request_id.map(|id| id.to_string()).unwrap_or_default(),
    );
    key.mac(&fields(prev_hash, &seq, &at, actor, action, &id, details))
}

/// The hash of an event written before the key (plain SHA-256 over the same fields); only a
/// trail sealed by [`SEAL_ACTION`] may hold such events, before the seal.
pub fn unkeyed_event_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    request_id: Option<Uuid>,
    details: &str,
) -> String {
    let (seq, at, id) = (
        seq.to_string(),
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        request_id.map(|id| id.to_string()).unwrap_or_default(),
    );
    let mut h = Sha256::new();
    for part in fields(prev_hash, &seq, &at, actor, action, &id, details) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

fn keyed_hash_of(key: &AuditKey, ev: &audit_event::Model) -> String {
    event_hash(
        key,
        &ev.prev_hash,
        ev.seq,
        ev.at,
        &ev.actor,
        &ev.action,
        ev.request_id,
        &ev.details,
    )
}

fn unkeyed_hash_of(ev: &audit_event::Model) -> String {
    unkeyed_event_hash(
        &ev.prev_hash,
        ev.seq,
        ev.at,
        &ev.actor,
        &ev.action,
        ev.request_id,
        &ev.details,
    )
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

async fn read_head(db: &impl ConnectionTrait) -> Result<ChainHead, DbErr> {
    let head = audit_head::Entity::find_by_id(1)
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
    key: &AuditKey,
    head: &mut ChainHead,
    at: DateTime<Utc>,
    record: AuditRecord,
) -> Result<(), DbErr> {
    append_many(db, key, head, at, vec![record]).await
}

/// Appends events in order with one multi-row insert, advancing `head` past the last.
pub async fn append_many(
    db: &impl ConnectionTrait,
    key: &AuditKey,
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
            key,
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
    /// The event's content was changed after it was written, or its hash was computed
    /// without the key.
    Content { seq: i64 },
    /// The last events were removed, or the head was altered.
    Head { head_seq: i64, last_seq: i64 },
    /// The trail up to this event has plain hashes and no seal follows them.
    Unsealed { seq: i64 },
    /// The stored checkpoint was altered, or the event it names changed since it was verified.
    Checkpoint { seq: i64 },
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
            Self::Content { seq } => write!(
                f,
                "event {seq} was changed after it was written (or hashed without the audit key)"
            ),
            Self::Head { head_seq, last_seq } => write!(
                f,
                "the chain head says {head_seq} events but the trail ends at {last_seq}"
            ),
            Self::Unsealed { seq } => write!(
                f,
                "the trail up to event {seq} is not sealed with the audit key (dsar seal-audit)"
            ),
            Self::Checkpoint { seq } => write!(
                f,
                "the verification checkpoint at event {seq} was altered, or that event changed"
            ),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    /// The number of the last event found intact.
    pub events: i64,
    /// How many events this verification read (after the checkpoint, when incremental).
    pub checked: i64,
    pub intact: bool,
    pub first_break: Option<ChainBreak>,
}

/// Whether the walk is in the plain (pre-key) part of the trail or the keyed part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Start,
    Unkeyed,
    Keyed,
}

struct Walk {
    last: ChainHead,
    part: Part,
    checked: i64,
    first_break: Option<ChainBreak>,
}

/// Walks the events after `from` in pages, recomputing every hash.
async fn walk(
    db: &impl ConnectionTrait,
    key: &AuditKey,
    from: ChainHead,
    mut part: Part,
) -> Result<Walk, DbErr> {
    let mut prev = from;
    let mut checked = 0;
    loop {
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
            checked += 1;
            let problem = if ev.seq != prev.seq + 1 {
                Some(ChainBreak::Gap {
                    expected_seq: prev.seq + 1,
                    found_seq: ev.seq,
                })
            } else if ev.prev_hash != prev.hash {
                Some(ChainBreak::Link { seq: ev.seq })
            } else {
                let keyed = || keyed_hash_of(key, &ev) == ev.hash;
                let next = match part {
                    Part::Keyed => keyed().then_some(Part::Keyed),
                    // The first event tells whether the trail began before the key.
                    Part::Start if keyed() => Some(Part::Keyed),
                    Part::Start | Part::Unkeyed if unkeyed_hash_of(&ev) == ev.hash => {
                        Some(Part::Unkeyed)
                    }
                    // Only a keyed seal ends the plain part.
                    Part::Unkeyed if ev.action == SEAL_ACTION && keyed() => Some(Part::Keyed),
                    _ => None,
                };
                match next {
                    Some(p) => {
                        part = p;
                        None
                    }
                    None => Some(ChainBreak::Content { seq: ev.seq }),
                }
            };
            if problem.is_some() {
                return Ok(Walk {
                    last: prev,
                    part,
                    checked,
                    first_break: problem,
                });
            }
            prev = ChainHead {
                seq: ev.seq,
                hash: ev.hash,
            };
        }
    }
    let mut first_break = None;
    if part == Part::Unkeyed {
        first_break = Some(ChainBreak::Unsealed { seq: prev.seq });
    } else {
        let head = read_head(db).await?;
        if head != prev {
            first_break = Some(ChainBreak::Head {
                head_seq: head.seq,
                last_seq: prev.seq,
            });
        }
    }
    Ok(Walk {
        last: prev,
        part,
        checked,
        first_break,
    })
}

fn checkpoint_mac(key: &AuditKey, seq: i64, hash: &str) -> String {
    key.mac(&["audit-checkpoint", &seq.to_string(), hash])
}

async fn save_checkpoint(
    db: &impl ConnectionTrait,
    key: &AuditKey,
    at: &ChainHead,
) -> Result<(), DbErr> {
    let row = audit_checkpoint::ActiveModel {
        id: Set(1),
        seq: Set(at.seq),
        hash: Set(at.hash.clone()),
        mac: Set(checkpoint_mac(key, at.seq, &at.hash)),
        verified_at: Set(truncate_to_micros(Utc::now())),
    };
    audit_checkpoint::Entity::insert(row)
        .on_conflict(
            OnConflict::column(audit_checkpoint::Column::Id)
                .update_columns([
                    audit_checkpoint::Column::Seq,
                    audit_checkpoint::Column::Hash,
                    audit_checkpoint::Column::Mac,
                    audit_checkpoint::Column::VerifiedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

async fn finish(
    db: &impl ConnectionTrait,
    key: &AuditKey,
    walk: Walk,
) -> Result<Verification, DbErr> {
    if walk.first_break.is_none() && walk.part == Part::Keyed {
        save_checkpoint(db, key, &walk.last).await?;
    }
    Ok(Verification {
        events: walk.last.seq,
        checked: walk.checked,
        intact: walk.first_break.is_none(),
        first_break: walk.first_break,
    })
}

/// Walks the whole chain from the first event, recomputing every hash.
pub async fn verify(db: &impl ConnectionTrait, key: &AuditKey) -> Result<Verification, DbErr> {
    let genesis = ChainHead {
        seq: 0,
        hash: GENESIS_HASH.to_string(),
    };
    let walk = walk(db, key, genesis, Part::Start).await?;
    finish(db, key, walk).await
}

/// Verifies only the events after the last verified one (the checkpoint); without a
/// checkpoint, the whole chain. What was verified before is not read again: `verify` does.
pub async fn verify_incremental(
    db: &impl ConnectionTrait,
    key: &AuditKey,
) -> Result<Verification, DbErr> {
    let Some(cp) = audit_checkpoint::Entity::find_by_id(1).one(db).await? else {
        return verify(db, key).await;
    };
    let broken = |seq| Verification {
        events: 0,
        checked: 0,
        intact: false,
        first_break: Some(ChainBreak::Checkpoint { seq }),
    };
    if checkpoint_mac(key, cp.seq, &cp.hash) != cp.mac {
        return Ok(broken(cp.seq));
    }
    // The checkpoint must still name the event it was taken at (a trail cut back and rewritten
    // from there would not).
    let at = audit_event::Entity::find_by_id(cp.seq).one(db).await?;
    if at.is_none_or(|ev| ev.hash != cp.hash) {
        return Ok(broken(cp.seq));
    }
    let from = ChainHead {
        seq: cp.seq,
        hash: cp.hash,
    };
    let walk = walk(db, key, from, Part::Keyed).await?;
    finish(db, key, walk).await
}

/// Whether the trail's last event is keyed (a cheap check at start-up).
pub async fn last_event_keyed(
    db: &impl ConnectionTrait,
    key: &AuditKey,
) -> Result<Option<bool>, DbErr> {
    let head = read_head(db).await?;
    if head.seq == 0 {
        return Ok(None);
    }
    let last = audit_event::Entity::find_by_id(head.seq).one(db).await?;
    Ok(Some(
        last.is_some_and(|ev| keyed_hash_of(key, &ev) == ev.hash),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_generated_private_outside_production_and_required_in_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut settings = crate::config::Settings {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let path = dir.path().join("audit-key");
        // Production never generates one.
        settings.environment = crate::config::Environment::Production;
        assert!(matches!(
            AuditKey::load(&settings, true),
            Err(AuditKeyError::Missing(_))
        ));
        assert!(!path.exists());
        // Development does, readable by the owner only, and reads the same key again.
        settings.environment = crate::config::Environment::Development;
        assert!(
            AuditKey::load(&settings, false).is_err(),
            "not without `create`"
        );
        let key = AuditKey::load(&settings, true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = AuditKey::load(&settings, true).unwrap();
        assert_eq!(key.mac(&["x"]), again.mac(&["x"]));
        // Production refuses a key file others can read.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        settings.environment = crate::config::Environment::Production;
        assert!(matches!(
            AuditKey::load(&settings, true),
            Err(AuditKeyError::Permissions(_, 0o644))
        ));
        std::fs::write(&path, "not hex").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            AuditKey::load(&settings, true),
            Err(AuditKeyError::Malformed(_))
        ));
    }

    #[test]
    fn hash_depends_on_every_field() {
        let at = truncate_to_micros(Utc::now());
        let id = Some(Uuid::nil());
        let key = AuditKey::from_bytes(&[7; 32]);
        let event_hash =
            |p: &str,
             seq: i64,
             at: DateTime<Utc>,
             actor: &str,
             action: &str,
             id: Option<Uuid>,
             d: &str| { event_hash(&key, p, seq, at, actor, action, id, d) };
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
        // Without the key (plain SHA-256, or another key) the hash differs.
        assert_ne!(
            base,
            unkeyed_event_hash(GENESIS_HASH, 1, at, "staff:a", "x", id, "{}")
        );
        let other = AuditKey::from_bytes(&[8; 32]);
        assert_ne!(
            base,
            super::event_hash(&other, GENESIS_HASH, 1, at, "staff:a", "x", id, "{}")
        );
    }
}
