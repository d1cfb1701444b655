//! Closing a case without an answer under four eyes (withdrawal, forward_out, forward to another
//! controller), the manual art. 18(3) lift at a source that cannot lift over the protocol, and
//! corrected values given on the case page.
//!
//! By what they check: `four_eyes.rs` (closing without an answer), `carried_out.rs` (a lift or a
//! correction carried out by hand); the shared steps are here.
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    browser::csrf_token,
    db_test,
    decisions::started,
    office::{page, post, staff_browser},
    support::{TestApp, today},
};

mod carried_out;
mod four_eyes;

fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

/// A started request at Utdanningsetaten (four eyes), registered by its caseworker.
async fn four_eyes_case(app: &TestApp, kind: &str) -> (String, String) {
    let jonas = app.staff("saksbehandler.ude").await;
    let created = app
        .create(
            &jonas,
            json!({"kind": kind, "description": "Norskkurset", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(1).await}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&jonas, &id).await;
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &jonas,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    (id, jonas)
}

fn withdrawal() -> Value {
    json!({"action": "withdraw", "note": "Trukket i brev", "withdrawal": {"channel": "letter", "received_on": today().to_string(), "reference": "2026/17-3"}})
}

async fn actions(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), token)
        .await;
    events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str().map(String::from))
        .collect()
}
