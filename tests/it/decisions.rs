//! Decisions: draft, four-eyes approval or return, the generated answer in the person's language,
//! the citizen's download, and the legal-basis catalogue.
//!
//! By what they check: `answers.rs` (the letters a decision makes), `approval.rs` (four eyes,
//! and waiting for collection), `catalogue.rs` (the legal bases), `restriction.rs` (lifting a
//! restriction); the shared steps are here.
use std::{io::Read, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

/// A request registered by `staff` for demo citizen `citizen`, the requester's identity verified
/// (passport seen), started, collected from every source, and (when `collect`) settled.
pub(crate) async fn started(
    app: &TestApp,
    staff: &str,
    citizen: usize,
    body: Value,
    collect: Option<&str>,
) -> (String, String) {
    let token = app.staff(staff).await;
    let mut body = body;
    body["subject_pid"] = json!(app.citizen_pid(citizen).await);
    let created = app.create(&token, body).await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&token, &id).await;
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &token,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    if let Some(op) = collect {
        app.collect_to_idle(&token, &id).await;
        if op != "access" {
            let (status, v) = app
                .post(
                    &format!("/api/v1/requests/{id}/collect"),
                    &token,
                    json!({"operation": op}),
                )
                .await;
            assert_eq!(status, 202, "{v}");
            app.settled(&token, &id, Duration::from_secs(20)).await;
        }
    }
    (id, token)
}

/// The text of the approved decision's document of `kind`, fetched with `token`.
async fn document_text(app: &TestApp, approved: &Value, kind: &str, token: &str) -> String {
    let href = approved["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {approved}"))["href"]
        .as_str()
        .unwrap()
        .to_string();
    app.call(Method::GET, &href, Some(token), None)
        .await
        .text()
        .await
        .unwrap()
}

mod answers;
mod approval;
mod catalogue;
mod restriction;
