//! The case lifecycle end to end: assign, start, extend, complete; withdraw; forward.
//!
//! By what they check: `completion.rs` (worked to completion, four eyes), `withdrawal.rs`
//! (withdrawal, clarification, extension), `forwarding.rs`; the shared steps are here.
use serde_json::{Value, json};

use crate::{db_test, support::*};

/// The kinds of the request's documents the caller sees (sorted), and the text of the one of
/// `kind`, if any.
async fn documents(app: &TestApp, token: &str, id: &str, kind: &str) -> (Vec<String>, String) {
    let (status, docs) = app
        .get(&format!("/api/v1/requests/{id}/documents"), token)
        .await;
    assert_eq!(status, 200, "{docs}");
    let docs = docs.as_array().unwrap();
    let mut kinds: Vec<String> = docs
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    let text = match docs.iter().find(|d| d["kind"] == kind) {
        Some(d) => app
            .call(
                reqwest::Method::GET,
                d["href"].as_str().unwrap(),
                Some(token),
                None,
            )
            .await
            .text()
            .await
            .unwrap(),
        None => String::new(),
    };
    (kinds, text)
}

async fn act(app: &TestApp, token: &str, id: &str, op: &str, body: Value) -> (u16, Value) {
    app.post(&format!("/api/v1/requests/{id}/{op}"), token, body)
        .await
}

mod completion;
mod forwarding;
mod withdrawal;
