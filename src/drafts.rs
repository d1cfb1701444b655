//! Portal drafts: an unfinished request in the citizen's wizard, kept so the person can come
//! back to it from Min side. The answers are the wizard's business (any JSON); here they are
//! sealed with the vault key, bound to their owner (the keyed hash of the person's identity
//! number), so a row can neither be read from the database nor moved to someone else. A person
//! keeps at most [`MAX_PER_PERSON`]; the retention job deletes drafts [`KEEP_MONTHS`] after their
//! last change.
use chrono::{DateTime, Months, Utc};
use entity::portal_draft;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{audit::AuditRecord, auth::Principal, core::Core, error::ServiceResult};

pub const KEEP_MONTHS: u32 = 3;
pub const MAX_PER_PERSON: u64 = 10;

/// A draft as its owner sees it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: Uuid,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The owner key of a citizen; staff have no drafts.
pub fn owner(principal: &Principal) -> Option<&str> {
    match principal {
        Principal::Citizen { lookup_hash, .. } => Some(lookup_hash),
        Principal::Staff(_) => None,
    }
}

fn context(owner: &str) -> Vec<u8> {
    format!("portal-draft:{owner}").into_bytes()
}

fn open(app: &Core, row: portal_draft::Model) -> Option<Draft> {
    let plain = app
        .vault
        .open_bound(&context(&row.owner_hash), &row.data)
        .ok()?;
    let data = serde_json::from_slice(&plain).ok()?;
    Some(Draft {
        id: row.id,
        data,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Saves `data` into the owner's draft `id`, or into a new draft when `id` is none or not
/// theirs. Returns the draft's id. Beyond [`MAX_PER_PERSON`] the oldest drafts go.
pub async fn save(
    app: &Core,
    owner: &str,
    id: Option<Uuid>,
    data: &serde_json::Value,
) -> ServiceResult<Uuid> {
    let owner = owner.to_string();
    let sealed = app
        .vault
        .seal_bound(&context(&owner), data.to_string().as_bytes());
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let existing = match id {
                    Some(id) => {
                        portal_draft::Entity::find_by_id(id)
                            .filter(portal_draft::Column::OwnerHash.eq(owner.as_str()))
                            .one(&tx.db)
                            .await?
                    }
                    None => None,
                };
                if let Some(row) = existing {
                    let mut row: portal_draft::ActiveModel = row.into();
                    row.data = Set(sealed);
                    row.updated_at = Set(tx.now);
                    return Ok(row.update(&tx.db).await?.id);
                }
                let id = Uuid::now_v7();
                portal_draft::ActiveModel {
                    id: Set(id),
                    owner_hash: Set(owner.clone()),
                    data: Set(sealed),
                    created_at: Set(tx.now),
                    updated_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                let count = portal_draft::Entity::find()
                    .filter(portal_draft::Column::OwnerHash.eq(owner.as_str()))
                    .count(&tx.db)
                    .await?;
                if count > MAX_PER_PERSON {
                    let oldest: Vec<Uuid> = portal_draft::Entity::find()
                        .select_only()
                        .column(portal_draft::Column::Id)
                        .filter(portal_draft::Column::OwnerHash.eq(owner.as_str()))
                        .order_by_asc(portal_draft::Column::UpdatedAt)
                        .order_by_asc(portal_draft::Column::Id)
                        .limit(count - MAX_PER_PERSON)
                        .into_tuple()
                        .all(&tx.db)
                        .await?;
                    portal_draft::Entity::delete_many()
                        .filter(portal_draft::Column::Id.is_in(oldest))
                        .exec(&tx.db)
                        .await?;
                }
                Ok(id)
            })
        })
        .await
}

/// The owner's drafts, most recently changed first. A draft that cannot be opened (keys
/// changed) is left out.
pub async fn list(app: &Core, owner: &str) -> ServiceResult<Vec<Draft>> {
    let rows = portal_draft::Entity::find()
        .filter(portal_draft::Column::OwnerHash.eq(owner))
        .order_by_desc(portal_draft::Column::UpdatedAt)
        .order_by_desc(portal_draft::Column::Id)
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().filter_map(|r| open(app, r)).collect())
}

/// One of the owner's drafts; none for someone else's.
pub async fn get(app: &Core, owner: &str, id: Uuid) -> ServiceResult<Option<Draft>> {
    let row = portal_draft::Entity::find_by_id(id)
        .filter(portal_draft::Column::OwnerHash.eq(owner))
        .one(&app.db)
        .await?;
    Ok(row.and_then(|r| open(app, r)))
}

/// Deletes one of the owner's drafts; false if there was none.
pub async fn delete(app: &Core, owner: &str, id: Uuid) -> ServiceResult<bool> {
    let owner = owner.to_string();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let done = portal_draft::Entity::delete_many()
                    .filter(portal_draft::Column::Id.eq(id))
                    .filter(portal_draft::Column::OwnerHash.eq(owner.as_str()))
                    .exec(&tx.db)
                    .await?;
                Ok(done.rows_affected == 1)
            })
        })
        .await
}

/// The moment before which a draft's last change makes it expire at `now`.
pub fn cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(KEEP_MONTHS))
        .unwrap_or(now)
}

/// Drafts last changed more than [`KEEP_MONTHS`] before `now`: counted, and unless `dry_run`
/// deleted, with one audit event carrying the number (no content, no owner).
pub async fn expire(app: &Core, now: DateTime<Utc>, dry_run: bool) -> ServiceResult<u64> {
    let before = cutoff(now);
    if dry_run {
        return Ok(portal_draft::Entity::find()
            .filter(portal_draft::Column::UpdatedAt.lt(before))
            .count(&app.db)
            .await?);
    }
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let done = portal_draft::Entity::delete_many()
                    .filter(portal_draft::Column::UpdatedAt.lt(before))
                    .exec(&tx.db)
                    .await?;
                if done.rows_affected > 0 {
                    tx.audit(AuditRecord {
                        actor: "system:retention".into(),
                        action: "retention.drafts_deleted".into(),
                        request_id: None,
                        details: serde_json::json!({
                            "drafts": done.rows_affected,
                            "last_changed_before": before,
                            "retention_months": KEEP_MONTHS,
                        }),
                    })
                    .await?;
                }
                Ok(done.rows_affected)
            })
        })
        .await
}
