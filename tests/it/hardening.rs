//! Hardening against slow clients: half-sent requests, dripped headers and idle kept-alive
//! connections are closed after the header-read timeout, and the connection cap holds.
use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::db_test;

const TIMEOUT_MS: u64 = 400;

fn short_limits(s: &mut dsar::config::Settings) {
    s.connections.header_read_timeout_ms = TIMEOUT_MS;
    s.connections.max_connections = 3;
}

/// Reads until the server closes the connection; None if it is still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
    .map(|()| started.elapsed())
}

db_test!(slow_clients_are_cut_off, setup = short_limits, |app| {
    let addr = app.base.trim_start_matches("http://").to_string();
    // Slowloris: three connections (the cap) that never finish their headers; one drips a
    // header byte every 100 ms so it is never idle.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        held.push(s);
    }
    let mut dripper = held.pop().unwrap();
    let drip = tokio::spawn(async move {
        for _ in 0..30 {
            if dripper.write_all(b"a").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        closed_within(&mut dripper, Duration::from_secs(5)).await
    });
    // A fourth client waits while the cap is taken...
    let started = Instant::now();
    let fourth = tokio::spawn({
        let addr = addr.clone();
        async move {
            let mut s = TcpStream::connect(&addr).await.unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer).await;
            (String::from_utf8_lossy(&answer).to_string(), Instant::now())
        }
    });
    // ...the half-sent requests are closed by the server within the timeout...
    for mut s in held {
        let took = closed_within(&mut s, Duration::from_secs(5)).await;
        assert!(
            took.is_some_and(|t| t < Duration::from_millis(TIMEOUT_MS * 4)),
            "a half-sent request held its connection: {took:?}"
        );
    }
    let dripped = drip.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(TIMEOUT_MS * 5),
        "the dripping client was not cut off in time: {:?} after {:?}",
        dripped,
        started.elapsed()
    );
    // ...and then the fourth is served.
    let (answer, answered_at) = fourth.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answered_at.duration_since(started) >= Duration::from_millis(TIMEOUT_MS / 2),
        "the fourth connection was served while the cap was taken"
    );
});

db_test!(
    idle_kept_alive_connections_are_closed,
    setup = short_limits,
    |app| {
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        // Kept alive, then silent: closed after the timeout.
        let took = closed_within(&mut s, Duration::from_secs(5)).await;
        assert!(
            took.is_some_and(|t| t < Duration::from_millis(TIMEOUT_MS * 4)),
            "an idle connection stayed open: {took:?}"
        );
    }
);

db_test!(
    slow_bodies_are_cut_off,
    setup = |s: &mut dsar::config::Settings| {
        s.connections.request_timeout_ms = 600;
    },
    |app| {
        // Complete headers, then a body of 2,000 bytes dripped a byte every 100 ms: answered
        // 503 when the request time is up, and nothing is written.
        let before = app.count("request").await;
        let token = app.citizen(0).await;
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n{{\"kind\": \"innsyn\", "
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let (mut reader, mut writer) = s.into_split();
        let drip = tokio::spawn(async move {
            for _ in 0..100 {
                if writer.write_all(b" ").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let started = Instant::now();
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), reader.read(&mut answer))
            .await
            .expect("a slow body held the request open")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]).to_string();
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        drip.abort();
        assert_eq!(app.count("request").await, before);
    }
);

db_test!(personal_data_is_never_cached, |app| {
    let citizen = app.citizen(0).await;
    let created = app
        .create(
            &citizen,
            serde_json::json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for (path, token) in [
        (format!("/api/v1/requests/{id}"), Some(&citizen)),
        (format!("/api/v1/requests/{id}/events"), Some(&citizen)),
        (format!("/api/v1/requests/{id}"), Some(&kari)),
        ("/api/v1/requests".to_string(), Some(&kari)),
        (format!("/api/v1/requests/{id}"), None),
        ("/min-side".to_string(), None),
    ] {
        let response = app
            .call(reqwest::Method::GET, &path, token.map(String::as_str), None)
            .await;
        let cache = response.headers().get("cache-control").cloned();
        assert_eq!(
            cache.as_ref().and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path} ({})",
            response.status()
        );
    }
    // Stylesheets may be cached.
    let css = app
        .call(reqwest::Method::GET, "/static/dsar.css", None, None)
        .await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
});

/// The keys an instance writes into its data dir are readable by their owner only.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_files_are_written_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = crate::support::TestApp::spawn_with(crate::support::Backend::Sqlite, |s| {
        // No configured keys: the identity-number keys go to pid-keys.json.
        s.pid_encryption_key = Default::default();
        s.pid_hash_key = Default::default();
    })
    .await;
    let dir = app.data_dir.path();
    for name in ["pid-keys.json", "demo-issuer-key.pem", "demo-rp-key.pem"] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}: {mode:o}");
    }
}

// The queue's confirmation line shows only what dsar's own redirects put in the link: a
// crafted `?done=…&n=…&unit=…` cannot write its own text onto the office page.
db_test!(office_notice_takes_only_known_values, |app| {
    use sea_orm::EntityTrait;
    let browser = crate::browser::Browser::new();
    crate::browser::demo_staff_login(&browser, &app, "saksbehandler.gamleoslo").await;
    let unit = entity::unit::Entity::find()
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let controller = entity::controller::Entity::find_by_id(unit.controller_id)
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let known = format!("{} ({})", unit.name, controller.name);
    let injected = "Saken er avvist, ring 22 22 22 22";
    let page = |done: &str, n: &str, unit: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("done", done)
            .append_pair("n", n)
            .append_pair("unit", unit)
            .append_pair("lang", "en")
            .finish();
        let url = app.url(&format!("/office?{query}"));
        let browser = &browser;
        async move {
            let response = browser.get(&url).await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    // What the registration's redirect writes is shown.
    let html = page("registered_elsewhere", "PV-2026-000123", &known).await;
    assert!(html.contains("registered as PV-2026-000123"), "{html}");
    // Text of the attacker's choosing is not.
    for (done, n, unit) in [
        ("registered_elsewhere", "PV-2026-000123", injected),
        ("registered_elsewhere", injected, &known),
        ("assigned", injected, ""),
    ] {
        let html = page(done, n, unit).await;
        assert!(!html.contains(injected), "{done}: {html}");
        assert!(!html.contains("registered as"), "{done}");
    }
});
