//! Source systems: collection from the simulated Norwegian sources through the real worker,
//! each fault a source can show, a restart in the middle, the service tokens as a source checks
//! them, the admin registry and re-routing from Folkeregisteret's answer.
//!
//! By what they check: `collection.rs` (what is collected and when), `faults.rs` (faults,
//! retries and a restart), `tokens.rs` (our service tokens and Maskinporten's), `registry.rs`
//! (the admin registry and re-routing); the shared steps are here.
use std::time::{Duration, Instant};

use dsar::{config::Settings, sources::simulator::Faults};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

/// The worker on, polling often, and a short lease so a restart test need not wait long.
fn worker_on(s: &mut Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
    s.sources.lease_margin_ms = 300;
}

const SIMULATED: [&str; 8] = [
    "folkeregisteret",
    "imdi",
    "kommune",
    "kompetanse-norge",
    "nav",
    "nir",
    "udi",
    "voksenopplaering",
];

/// An innsyn request from demo citizen 2 (Elverum: that unit does not collect by itself).
async fn elverum_request(app: &TestApp, kind: &str) -> (String, String) {
    let staff = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app
        .create(
            &staff,
            json!({"kind": kind, "description": "Alt dere har om meg", "service_area": "settlement", "subject_pid": pid}),
        )
        .await;
    (created["id"].as_str().unwrap().to_string(), staff)
}

fn task<'a>(tasks: &'a [Value], source: &str) -> &'a Value {
    tasks
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("no task for {source}"))
}

async fn register(app: &TestApp, source: &str, changes: Value) -> Value {
    let admin = app.staff("admin").await;
    let (_, list) = app.get("/api/v1/source-systems", &admin).await;
    let current = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == source)
        .cloned()
        .unwrap_or_else(|| json!({"name": source, "owner": "Test", "capabilities": ["access"], "service_areas": ["settlement"]}));
    let mut body = json!({});
    for key in [
        "name",
        "owner",
        "capabilities",
        "endpoint",
        "timeout_ms",
        "max_attempts",
        "backoff_ms",
        "service_areas",
    ] {
        if !current[key].is_null() {
            body[key] = current[key].clone();
        }
    }
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/source-systems/{source}"),
            Some(&admin),
            Some(body),
        )
        .await;
    let status = r.status().as_u16();
    let json: Value = r.json().await.unwrap();
    assert!(status == 200 || status == 201, "{status} {json}");
    json
}

/// Stored records of a request (optionally of one source), counted through the entity so the
/// uuid comparison works on both backends.
async fn records_of(app: &TestApp, id: &str, source: Option<&str>) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let id = uuid::Uuid::parse_str(id).unwrap();
    let mut q = entity::source_record::Entity::find()
        .filter(entity::source_record::Column::RequestId.eq(id));
    if let Some(s) = source {
        q = q.filter(entity::source_record::Column::SourceId.eq(s));
    }
    q.count(&app.app.db).await.unwrap()
}

/// Timeline events of a request with `action`.
async fn events_of(app: &TestApp, id: &str, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let id = uuid::Uuid::parse_str(id).unwrap();
    entity::request_event::Entity::find()
        .filter(entity::request_event::Column::RequestId.eq(id))
        .filter(entity::request_event::Column::Action.eq(action))
        .count(&app.app.db)
        .await
        .unwrap()
}

async fn faults(app: &TestApp, source: &str, f: Faults) {
    app.app
        .simulator
        .as_ref()
        .unwrap()
        .set_faults(source, f)
        .await;
}

mod collection;
mod faults;
mod registry;
mod tokens;
