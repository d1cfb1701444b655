//! The collection queue: a request that should be collected at once is queued in the
//! transaction that creates it (intake, a forward), and the collection worker
//! (`jobs/collection.rs`) plans its source tasks off that path (`collection::plan_queued`).
use entity::collection_queue;
use sea_orm::Set;
use uuid::Uuid;

use crate::{
    error::ServiceResult,
    writer::{Tx, insert_rows},
};

/// Queues `request_ids` for collection in the caller's transaction. Call
/// `app.collector.wake()` after the commit to plan them at once rather than at the next poll.
pub async fn queue_in(tx: &Tx, request_ids: &[Uuid]) -> ServiceResult<()> {
    let rows = request_ids
        .iter()
        .map(|id| collection_queue::ActiveModel {
            request_id: Set(*id),
            queued_at: Set(tx.now),
        })
        .collect();
    insert_rows(&tx.db, rows).await?;
    Ok(())
}
