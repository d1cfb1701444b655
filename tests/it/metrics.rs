//! `/metrics`: the database's truth at scrape time, this instance's source calls, and the two
//! ways of protecting it.
use std::time::Duration;

use serde_json::json;

use crate::{db_test, support::TestApp};

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

db_test!(
    metrics_count_requests_overdue_jobs_and_source_calls,
    setup = |s| {
        s.sources.worker = true;
        s.sources.poll_interval_ms = 50;
    },
    |app| {
        // The source worker runs (demo requests in auto-collecting units are being collected), so
        // each figure is compared with the database until both agree at one moment.
        let scrape = || async {
            app.client
                .get(app.url("/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        };
        let mut agreed = false;
        let mut text = String::new();
        for _ in 0..300 {
            text = scrape().await;
            let received = app.count("request WHERE status = 'received'").await as f64;
            let queue = app.count("collection_queue").await as f64;
            let outbox_rows = app.count("outbox").await as f64;
            let after = scrape().await;
            let outbox = |t: &str| {
                ["pending", "sending", "sent", "failed"]
                    .iter()
                    .map(|s| value(t, &format!(r#"dsar_outbox{{status="{s}"}}"#)).unwrap())
                    .sum::<f64>()
            };
            let figures = |t: &str| {
                (
                    value(t, r#"dsar_requests{status="received"}"#),
                    value(t, "dsar_collection_queue"),
                    outbox(t),
                )
            };
            if figures(&text) == (Some(received), Some(queue), outbox_rows)
                && figures(&after) == figures(&text)
            {
                agreed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(agreed, "the metrics never agreed with the database: {text}");
        let total: f64 = [
            "received",
            "in_progress",
            "awaiting_requester",
            "awaiting_approval",
            "completed",
            "withdrawn",
            "forwarded",
        ]
        .iter()
        .map(|s| value(&text, &format!(r#"dsar_requests{{status="{s}"}}"#)).unwrap())
        .sum();
        assert_eq!(total, app.count("request").await as f64);
        assert!(value(&text, "dsar_requests_overdue").is_some());
        assert!(value(&text, r#"dsar_source_tasks{status="pending"}"#).is_some());
        assert!(value(&text, "dsar_source_task_queue_age_seconds").is_some());
        assert!(value(&text, "dsar_outbox_oldest_unsent_age_seconds").is_some());

        // A collection shows up as source calls of this instance.
        let staff = app.staff("saksbehandler.elverum").await;
        let pid = app.citizen_pid(2).await;
        let created = app.create(&staff, json!({"kind": "innsyn", "description": "Innsyn", "service_area": "settlement", "subject_pid": pid})).await;
        app.post(
            &format!(
                "/api/v1/requests/{}/collect",
                created["id"].as_str().unwrap()
            ),
            &staff,
            json!({}),
        )
        .await;
        let mut seen = None;
        for _ in 0..600 {
            let text = app
                .client
                .get(app.url("/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            seen = value(
                &text,
                r#"dsar_source_call_duration_seconds_count{source="nav",outcome="ok"}"#,
            );
            if seen.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // At least ours (the demo's own innsyn requests in auto-collecting units add theirs).
        assert!(seen.is_some_and(|n| n >= 1.0), "{seen:?}");
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_when_one_is_set() {
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, |s| {
        s.metrics.token = dsar::config::Secret::new("scrape-me");
    })
    .await;
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    TestApp::expect_problem(r, 401).await;
    let r = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-mE")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_live_on_a_separate_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, move |s| {
        s.metrics.listen = Some(addr.to_string());
    })
    .await;
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404, "not on the public address");
    let text = app
        .client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("dsar_requests{"), "{text}");
}
