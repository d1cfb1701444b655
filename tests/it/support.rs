//! Test harness: `TestApp::spawn(backend)` starts the real router on a random port over a fresh
//! database (a temp SQLite file, or a new PostgreSQL database when `DSAR_TEST_POSTGRES_URL` is
//! set) seeded with the demo registry, staff and citizens. The steps tests repeat (file a
//! request, collect, decide, upload, run the jobs) are in `steps.rs`.
#![allow(dead_code, clippy::unwrap_used)]

mod steps;

pub use steps::multipart;

use std::path::PathBuf;

use dsar::{app::App, config::Settings};
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub settings: Settings,
    pub app: dsar::app::AppState,
    pub client: Client,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    pg_admin: Option<(String, String)>,
}

/// Runs the body once per backend; the PostgreSQL run needs `DSAR_TEST_POSTGRES_URL` (CI sets
/// it and checks the marker file that proves the PostgreSQL runs happened). `setup` changes the
/// settings before the app is built (it sees the final base_url).
#[macro_export]
macro_rules! db_test {
    ($name:ident, setup = $setup:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                #[allow(unused_mut)]
                let mut $app = $crate::support::TestApp::spawn_with($crate::support::Backend::Sqlite, $setup).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::support::postgres_enabled(concat!(module_path!(), "::", stringify!($name))) {
                    return;
                }
                #[allow(unused_mut)]
                let mut $app = $crate::support::TestApp::spawn_with($crate::support::Backend::Postgres, $setup).await;
                $body
                $app.cleanup().await;
            }
        }
    };
    ($name:ident, |$app:ident| $body:block) => {
        $crate::db_test!($name, setup = |_| {}, |$app| $body);
    };
}

pub fn postgres_enabled(test: &str) -> bool {
    let enabled = std::env::var("DSAR_TEST_POSTGRES_URL").is_ok();
    if enabled && let Ok(marker) = std::env::var("DSAR_TEST_POSTGRES_MARKER") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(marker)
        {
            let _ = writeln!(f, "{test}");
        }
    } else if !enabled {
        eprintln!("{test}: DSAR_TEST_POSTGRES_URL not set, PostgreSQL run skipped");
    }
    enabled
}

/// Builds and serves an app on a free port; returns its base URL.
pub async fn start_instance(
    mut settings: Settings,
    adjust: impl FnOnce(&mut Settings),
) -> (String, dsar::app::AppState) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let addr = free_addr();
    settings.base_url = Some(format!("http://{addr}"));
    adjust(&mut settings);
    let app = App::build(settings).await.unwrap();
    let server = dsar::server::Server::bind(app.clone(), addr).await.unwrap();
    tokio::spawn(server.run_until(std::future::pending()));
    (format!("http://{addr}"), app)
}

/// A local address with a free port (bound and released; the race is harmless in tests).
pub fn free_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

pub fn test_settings(data_dir: PathBuf, database_url: String) -> Settings {
    let mut s = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir,
        database_url: Some(database_url),
        demo: true,
        pid_encryption_key: dsar::config::Secret::new("11".repeat(32)),
        pid_hash_key: dsar::config::Secret::new("22".repeat(32)),
        environment: dsar::config::Environment::Test,
        ..Settings::default()
    };
    // Background collection stays off unless a test turns it on: the other tests count rows.
    s.sources.worker = false;
    // Likewise the outbox worker: the notification tests turn it on.
    s.mail.worker = false;
    s.retention.worker = false;
    // Many logins per test from one address; the rate-limit test sets its own numbers.
    s.login.rate_limit_burst = 10_000;
    s.login.rate_limit_per_minute = 10_000;
    // Likewise intake from one address and person; the intake-limit tests set their own.
    s.intake.per_address_burst = 100_000;
    s.intake.per_address_per_hour = 100_000;
    s.intake.per_person_burst = 100_000;
    s.intake.per_person_per_hour = 100_000;
    s.intake.receipts_per_address_per_hour = 100_000;
    s.apply_demo_defaults();
    s
}

/// A fresh PostgreSQL database on the server named by `DSAR_TEST_POSTGRES_URL`:
/// returns (url of the new database, admin url, database name).
pub async fn fresh_postgres() -> (String, String, String) {
    use sea_orm::ConnectionTrait;
    let admin = std::env::var("DSAR_TEST_POSTGRES_URL").unwrap();
    let name = format!("dsar_t_{}", uuid::Uuid::new_v4().simple());
    let conn = sea_orm::Database::connect(admin.as_str()).await.unwrap();
    conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    conn.close().await.unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    (format!("{base}/{name}"), admin, name)
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, with settings adjusted by `adjust` (which sees the final `base_url`).
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let data_dir = tempfile::tempdir().unwrap();
        let (database_url, pg_admin) = match backend {
            Backend::Sqlite => (
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.path().join("dsar.db").display()
                ),
                None,
            ),
            Backend::Postgres => {
                let (url, admin, name) = fresh_postgres().await;
                (url, Some((admin, name)))
            }
        };
        let settings = test_settings(data_dir.path().to_path_buf(), database_url.clone());
        let mut used = None;
        let (base, app) = start_instance(settings, |s| {
            adjust(s);
            used = Some(s.clone());
        })
        .await;
        Self {
            base,
            settings: used.unwrap(),
            app,
            client: Client::new(),
            database_url,
            data_dir,
            pg_admin,
        }
    }

    /// A restart: this instance's workers stop dead (calls in flight are dropped unwritten, as
    /// if the process had been killed) and a new instance starts on the same database, reached
    /// at a new address. The old server keeps serving, so the simulator it hosts stays up, and
    /// the new instance keeps the old base URL (the `iss` the simulator expects).
    pub async fn restart(&mut self) {
        self.app.collector.stop();
        self.app.notifier.stop();
        let addr = free_addr();
        let app = App::build(self.settings.clone()).await.unwrap();
        let server = dsar::server::Server::bind(app.clone(), addr).await.unwrap();
        tokio::spawn(server.run_until(std::future::pending()));
        self.app = app;
        self.base = format!("http://{addr}");
    }

    /// Another instance over the same database and data dir (as after a restart, or a second
    /// server behind a load balancer), with its own base URL.
    pub async fn another_instance(
        &self,
        adjust: impl FnOnce(&mut Settings),
    ) -> (String, dsar::app::AppState) {
        let settings = test_settings(
            self.data_dir.path().to_path_buf(),
            self.database_url.clone(),
        );
        start_instance(settings, adjust).await
    }

    pub async fn cleanup(self) {
        use sea_orm::ConnectionTrait;
        let Self { app, pg_admin, .. } = self;
        if let Some((admin, name)) = pg_admin {
            let _ = app.db.clone().close().await;
            drop(app);
            if let Ok(conn) = sea_orm::Database::connect(admin.as_str()).await {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn personas(&self) -> Value {
        self.client
            .get(self.url("/dev/personas"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The first unit of a demo staff member, by username in `/dev/personas`.
    pub async fn unit_of(&self, username: &str) -> String {
        self.personas().await["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == username)
            .unwrap_or_else(|| panic!("no demo staff {username}"))["unit_ids"][0]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The id of the request another controller got when request `id` was forwarded to it.
    pub async fn onward_request(&self, token: &str, id: &str) -> String {
        let (status, events) = self
            .get(&format!("/api/v1/requests/{id}/events"), token)
            .await;
        assert_eq!(status, 200, "{events}");
        events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "forwarded")
            .unwrap_or_else(|| panic!("{events}"))["details"]["onward_request_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The demo citizen's current number, by index in `/dev/personas`.
    pub async fn citizen_pid(&self, index: usize) -> String {
        self.personas().await["citizens"][index]["pid"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn token(&self, body: Value) -> String {
        let r = self
            .client
            .post(self.url("/dev/token"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "token for {body}");
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn citizen(&self, index: usize) -> String {
        let pid = self.citizen_pid(index).await;
        self.token(json!({ "pid": pid })).await
    }

    pub async fn staff(&self, username: &str) -> String {
        self.token(json!({ "staff": username })).await
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self.call(Method::GET, path, Some(token), None).await;
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self.call(Method::POST, path, Some(token), Some(body)).await;
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Creates a request and returns its JSON, asserting 201.
    pub async fn create(&self, token: &str, body: Value) -> Value {
        let (status, json) = self.post("/api/v1/requests", token, body).await;
        assert_eq!(status, 201, "{json}");
        json
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let row = self
            .app
            .db
            .query_one_raw(Statement::from_string(
                self.app.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    pub async fn exec(&self, sql: &str) {
        use sea_orm::ConnectionTrait;
        self.app.db.execute_unprepared(sql).await.unwrap();
    }

    /// Asserts a problem+json answer with `status`, returning its body.
    pub async fn expect_problem(response: Response, status: u16) -> Value {
        assert_eq!(response.status().as_u16(), status);
        let ct = response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(ct, "application/problem+json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], status);
        assert!(!body["detail"].as_str().unwrap().is_empty());
        body
    }
}

pub fn today() -> chrono::NaiveDate {
    dsar::clock::today_oslo()
}
