//! SQLite only: a passive checkpoint every `sqlite_checkpoint_ms` on one of the pool's
//! connections, alongside the writer (docs/adr/0004-sqlite-durability-and-checkpoints.md).
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio_util::sync::CancellationToken;

/// Runs a passive checkpoint every `every` until `stop` is cancelled. A passive checkpoint never
/// blocks a writer; it copies the committed part of the write-ahead log into the database file,
/// so the checkpoint SQLite runs inside a commit once the log passes 1000 pages finds little
/// left to copy, and the log still restarts from the beginning (a background checkpoint alone
/// never catches up with continuous writes).
pub fn spawn(
    db: DatabaseConnection,
    every: Duration,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {}
            }
            if let Err(e) = db
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                tracing::debug!(error = %e, "background checkpoint skipped");
            }
        }
    })
}
