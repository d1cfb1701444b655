//! The reminder pass on a timer: every `mail.reminder_interval_seconds` it runs
//! `notifications::reminders::run` for today in Oslo, and wakes the outbox when it queued
//! messages. The dedupe keys make a second run, or a second instance, queue nothing new.
use std::time::Duration;

use crate::core::Core;

/// Starts the timer. It ends when the notifier is stopped.
pub fn spawn(core: &Core) -> tokio::task::JoinHandle<()> {
    let app = core.clone();
    let every = Duration::from_secs(app.settings.mail.reminder_interval_seconds.max(1));
    tokio::spawn(super::every(app.notifier.stop_token(), every, move || {
        let app = app.clone();
        async move {
            match crate::notifications::reminders::run(&app, crate::clock::today_oslo()).await {
                Ok(n) if n > 0 => app.notifier.wake(),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the reminder pass failed"),
            }
        }
    }))
}
