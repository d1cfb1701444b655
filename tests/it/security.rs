//! Who may see and change what (docs/security.md): each attack reproduced and refused. Linking
//! numbers and merging persons, protection from the population register only and applied to
//! all of a person's requests, what a registrant is told, the citizen's projection of a request
//! and its timeline, and the auditor's read-only case page.
//!
//! By what they check: `merges.rs` (linking numbers, merging persons), `protection.rs` (a strictly
//! confidential address), `visibility.rs` (who sees what of a case, the access table); the
//! shared steps are here.
use std::time::Duration;

use dsar::config::Settings;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    support::{TestApp, today},
};

fn worker_on(s: &mut Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

pub fn synthetic(day: u32, month: u32, year: u32, d_number: bool) -> String {
    (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .unwrap()
        .as_str()
        .to_string()
}

/// Waits until the worker has planned and finished every source task.
async fn collected(app: &TestApp) {
    let start = std::time::Instant::now();
    loop {
        let waiting = app.count("collection_queue").await
            + app
                .count("source_task WHERE status IN ('pending', 'running')")
                .await;
        if waiting == 0 && app.count("source_task").await > 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "collection did not settle"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

mod merges;
mod protection;
mod visibility;
