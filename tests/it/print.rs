//! Printed letters to the person: a request that came on paper gets its extension letter by post
//! with the address from Folkeregisteret in the letter, the letter waits in "Brev til
//! utsending", is marked posted (audited) and the case page shows it; a portal request with an
//! e-mail address gets no printed letter; without an address the letter cannot be posted; a
//! caseworker of another unit neither sees nor marks the letter.
//!
//! By what they check: `letters.rs` (which letters are printed), `posting.rs` (posted late, and
//! a protected person's letter); the shared steps are here.
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::csrf_token,
    db_test,
    office::{page, post, staff_browser},
    support::{TestApp, today},
};

mod letters;
mod posting;

const CASEWORKER: &str = "saksbehandler.gamleoslo";
/// Elverum kommune's caseworker (demo citizen 2 lives there).
const ELVERUM: &str = "saksbehandler.elverum";
/// A caseworker of another unit of the same controller.
const OTHER_UNIT: &str = "saksbehandler.grunerlokka";

/// A request registered by the caseworker from a letter (no e-mail address), started: demo
/// citizen 0 in Nav Gamle Oslo.
async fn paper_request(app: &TestApp, token: &str, description: &str) -> String {
    paper_request_of(app, token, description, 0, "030101").await
}

async fn paper_request_of(
    app: &TestApp,
    token: &str,
    description: &str,
    citizen: usize,
    geography: &str,
) -> String {
    let body = json!({
        "kind": "innsyn",
        "description": description,
        "service_area": "settlement",
        "geography": geography,
        "channel": "letter",
        "received_on": today() - chrono::Days::new(3),
        "subject_pid": app.citizen_pid(citizen).await,
    });
    let created = app.create(token, body).await;
    let id = created["id"].as_str().unwrap().to_string();
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            token,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    id
}

async fn extend(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/extend"),
            token,
            json!({ "reason": "Mange kilder må hentes inn" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

/// The letters waiting to be posted that `token` sees, for request `id`.
async fn jobs_of(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let (status, jobs) = app.get("/api/v1/print-jobs", token).await;
    assert_eq!(status, 200, "{jobs}");
    jobs.as_array()
        .unwrap()
        .iter()
        .filter(|j| j["request_id"] == id)
        .cloned()
        .collect()
}

/// Folkeregisteret's postal address of demo citizen `index`, as the simulator gives it.
async fn registered_address(app: &TestApp, index: usize) -> Vec<String> {
    let pid = app.citizen_pid(index).await;
    let records = dsar::sources::simulator::data::records("folkeregisteret", &pid).unwrap();
    records
        .iter()
        .find(|r| r.id == dsar::sources::simulator::data::POSTAL_ADDRESS_RECORD)
        .unwrap()
        .value
        .split(',')
        .map(|l| l.trim().to_string())
        .collect()
}

/// The source worker on, so Folkeregisteret answers.
fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}
