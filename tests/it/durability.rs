//! A `201` means committed: requests acknowledged by a real `dsar serve` process survive a
//! SIGKILL of that process, with their timeline and audit events.
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_requests_survive_a_kill() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .arg("serve")
        // Started from another directory: the pages must still find their stylesheet.
        .current_dir(dir.path())
        .env("DSAR_DEMO", "1")
        .env("DSAR_LISTEN", format!("127.0.0.1:{port}"))
        .env("DSAR_DATA_DIR", dir.path())
        // One person files all 60: the intake limit per person would refuse most of them.
        .env("DSAR_INTAKE__PER_PERSON_BURST", "1000")
        .env("DSAR_INTAKE__PER_PERSON_PER_HOUR", "1000")
        .env("DSAR_INTAKE__PER_ADDRESS_BURST", "1000")
        .env("DSAR_INTAKE__PER_ADDRESS_PER_HOUR", "1000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");
    let css = client
        .get(format!("{base}/static/dsar.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(
        css.text().await.unwrap(),
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/dsar.css")).unwrap()
    );
    let personas: serde_json::Value = client
        .get(format!("{base}/dev/personas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = personas["citizens"][0]["pid"].as_str().unwrap();
    let token: serde_json::Value = client
        .post(format!("{base}/dev/token"))
        .json(&json!({ "pid": pid }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/api/v1/requests"))
                .bearer_auth(token)
                .json(&json!({ "kind": "innsyn", "description": format!("nr {i}") }))
                .send()
                .await
                .ok()?;
            if r.status() != 201 {
                return None;
            }
            r.json::<serde_json::Value>()
                .await
                .ok()
                .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        }));
    }
    let mut acknowledged = Vec::new();
    for (n, t) in tasks.into_iter().enumerate() {
        if let Some(id) = t.await.unwrap() {
            acknowledged.push(id);
        }
        if n == 40 {
            // Kill while the rest may still be in flight.
            child.kill().unwrap();
        }
    }
    let _ = child.wait();
    assert!(
        acknowledged.len() >= 30,
        "most requests were acknowledged before the kill: {}",
        acknowledged.len()
    );
    let db = dsar::db::connect(
        &format!("sqlite://{}?mode=rwc", dir.path().join("dsar.db").display()),
        Default::default(),
    )
    .await
    .unwrap();
    for id in &acknowledged {
        let id: uuid::Uuid = id.parse().unwrap();
        assert!(
            entity::request::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .is_some(),
            "request {id} lost"
        );
        let events = entity::request_event::Entity::find()
            .filter(entity::request_event::Column::RequestId.eq(id))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(events, 1, "timeline of {id}");
        let audits = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::RequestId.eq(id))
            .count(&db)
            .await
            .unwrap();
        assert!(audits >= 1, "audit of {id}");
    }
    let key = std::fs::read_to_string(dir.path().join("audit-key")).unwrap();
    let key: [u8; 32] = hex::decode(key.trim()).unwrap().try_into().unwrap();
    let key = dsar::audit::AuditKey::from_bytes(&key);
    let report = dsar::audit::verify(&db, &key).await.unwrap();
    assert!(report.intact, "{:?}", report.first_break);
}
