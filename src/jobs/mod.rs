//! Every background worker of an instance, in one place and of one shape.
//!
//! | job | file | claims | stops with |
//! | --- | --- | --- | --- |
//! | batcher (intake) | `batcher.rs` | nothing: gathers items in memory into writer jobs | its channel |
//! | collection | `collection.rs` | due `source_task` rows, with a lease | `Core::collector` |
//! | outbox | `outbox.rs` | due `outbox` rows, with a lease | `Core::notifier` |
//! | reminders | `reminders.rs` | nothing: a timed pass that queues outbox rows | `Core::notifier` |
//! | retention | `retention.rs` | the daily `scheduled_task` row, with a lease | `Core::scheduler` |
//! | checkpointer | `checkpointer.rs` | nothing: SQLite only, a passive WAL checkpoint | `Core::scheduler` |
//!
//! The shape the claiming workers share:
//! - **claim**: one writer job marks up to `limit` due rows as taken by this instance's
//!   [`WorkerHandle::owner`] until a lease ends. Due rows are pending ones whose time has come
//!   and taken ones whose lease ran out (their instance died). The rows are selected with
//!   `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances never take the same row; SQLite has one
//!   writer and one instance.
//! - **finish**: the outcome is written only while this instance still holds the lease (the
//!   update filters on the owner); otherwise another instance took the row over and its outcome
//!   is the one that counts.
//! - **retry**: a failure is tried again after [`backoff`], until the row's attempts run out.
//! - **loop**: [`drive`] runs passes until the handle is stopped; a pass that found a full batch
//!   runs again at once, otherwise the loop waits for a wake-up or the poll interval.
//! - **stop**: stopping the handle ends the loop; work in flight is abandoned unwritten (as if
//!   the process died) and claimed again when its lease runs out.
//! - **metrics**: the rows waiting and failing are counted at scrape time from the tables
//!   (`metrics.rs`); source calls also feed a histogram.
use std::{future::Future, sync::Arc, time::Duration};

use rand::Rng;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::core::Core;

pub mod batcher;
pub mod checkpointer;
pub mod collection;
pub mod outbox;
pub mod reminders;
pub mod retention;

/// Starts this instance's background workers as the settings ask (the intake batcher is
/// started with the `Core`). Each gets a clone of the core and ends when its handle is stopped.
pub fn spawn_all(core: &Core) {
    if core.db.get_database_backend() == sea_orm::DbBackend::Sqlite
        && core.settings.sqlite_checkpoint_ms > 0
    {
        checkpointer::spawn(
            core.db.clone(),
            Duration::from_millis(core.settings.sqlite_checkpoint_ms),
            core.scheduler.stop_token(),
        );
    }
    if core.settings.sources.worker {
        collection::spawn(core);
    }
    if core.settings.mail.worker {
        outbox::spawn(core);
        reminders::spawn(core);
    }
    if core.settings.retention.worker {
        retention::spawn(core);
    }
}

/// A background worker's handle, the same for every worker: wake it when new work is queued,
/// stop it, and the name this instance holds leases under.
pub struct WorkerHandle {
    notify: Arc<Notify>,
    cancel: CancellationToken,
    /// This instance's name on the leases it holds.
    owner: String,
}

impl Default for WorkerHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkerHandle {
    pub fn new() -> Self {
        Self {
            notify: Arc::new(Notify::new()),
            cancel: CancellationToken::new(),
            owner: format!("dsar-{}", Uuid::new_v4()),
        }
    }

    /// New work may be due: look now instead of at the next poll.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Stops the worker; work in flight is abandoned unwritten (as if the process died), and
    /// claimed again when its lease runs out.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// What the worker loop waits on to be woken.
    pub fn waker(&self) -> Arc<Notify> {
        self.notify.clone()
    }

    /// Cancelled when the worker is stopped.
    pub fn stop_token(&self) -> CancellationToken {
        self.cancel.clone()
    }
}

/// What one pass of a worker found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// A full batch: there may be more due right away.
    Full,
    /// Less than a batch: wait for a wake-up or the next poll.
    Idle,
}

/// Runs `pass` until `stop` is cancelled: again at once after a [`Pass::Full`], otherwise after
/// a wake-up on `wake` or `poll`, whichever comes first. A pass is dropped mid-way when the
/// worker is stopped.
pub async fn drive<F, Fut>(wake: Arc<Notify>, stop: CancellationToken, poll: Duration, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Pass>,
{
    loop {
        if stop.is_cancelled() {
            break;
        }
        let found = tokio::select! {
            _ = stop.cancelled() => break,
            found = pass() => found,
        };
        if found == Pass::Full {
            // Let the other tasks run before the next batch.
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Runs `pass` every `every` (the first time after one period) until `stop` is cancelled.
pub async fn every<F, Fut>(stop: CancellationToken, every: Duration, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(every) => {}
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = pass() => {}
        }
    }
}

/// The delay before the next attempt after `attempts` failed ones: `base * 2^(n-1)`, capped at
/// `max_ms`, with ±50 % jitter so a peer coming back is not hit by every retry at once.
pub fn backoff(base_ms: u64, max_ms: u64, attempts: u32) -> Duration {
    let exp = attempts.saturating_sub(1).min(30);
    let capped = base_ms.saturating_mul(1u64 << exp).min(max_ms);
    let jitter = rand::thread_rng().gen_range(0.5..1.5);
    Duration::from_millis(((capped as f64) * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        for (base, max, n, low, high) in [
            (100u64, 600_000u64, 1u32, 50u64, 150u64),
            (100, 600_000, 2, 100, 300),
            (100, 600_000, 3, 200, 600),
            (1000, 600_000, 30, 300_000, 900_000),
            (30_000, 3_600_000, 1, 15_000, 45_000),
            (30_000, 3_600_000, 3, 60_000, 180_000),
            (30_000, 3_600_000, 20, 1_800_000, 5_400_000),
        ] {
            for _ in 0..50 {
                let d = backoff(base, max, n).as_millis() as u64;
                assert!((low..=high).contains(&d), "base {base} n {n}: {d}");
            }
        }
    }
}
