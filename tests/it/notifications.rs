//! E-mail notifications against a real SMTP server (aiosmtpd, started per test on a free port):
//! receipts and notices arrive as plain text + HTML in the person's language, carry no personal
//! data, are delivered exactly once after the server was down, and never again after a restart.
//! Without aiosmtpd the SMTP tests print SKIPPED, and fail when `DSAR_REQUIRE_SMTP=1`.
//!
//! By what they check: `smtp.rs` (delivery through a real SMTP server), `queue.rs` (the file
//! transport, reminders, deduplication, giving up); the SMTP server and shared steps are here.
use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::NaiveDate;
use dsar::config::Settings;
use entity::{outbox, values::OutboxStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    db_test,
    support::{Backend, TestApp, free_addr, postgres_enabled, today},
};

mod queue;
mod smtp;

/// A running aiosmtpd; killed on drop.
struct SmtpServer {
    child: Child,
    folder: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether aiosmtpd can run here; `false` (with a loud line) means the caller skips.
fn smtp_available(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("DSAR_REQUIRE_SMTP").as_deref() == Ok("1") {
            panic!("{test}: aiosmtpd is not importable but DSAR_REQUIRE_SMTP=1");
        }
        eprintln!(
            "\n*** SKIPPED {test}: python3 -m pip install aiosmtpd==1.4.6 to run the SMTP tests ***\n"
        );
    }
    ok
}

fn start_smtp(port: u16, folder: &Path) -> SmtpServer {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(folder)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the SMTP server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "READY", "the SMTP server did not start");
    SmtpServer {
        child,
        folder: folder.to_path_buf(),
    }
}

/// Every message the server received so far.
fn received(folder: &Path) -> Vec<Value> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "json"));
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

fn about<'a>(messages: &'a [Value], reference: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["subject"].as_str().unwrap_or("").contains(reference))
        .collect()
}

async fn wait_for<F: FnMut() -> bool>(what: &str, mut done: F) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn smtp_settings(s: &mut Settings, port: u16) {
    s.mail.worker = true;
    s.mail.transport = "smtp".into();
    s.mail.smtp_host = "127.0.0.1".into();
    s.mail.smtp_port = port;
    s.mail.smtp_tls = "none".into();
    s.mail.smtp_timeout_seconds = 5;
    s.mail.lease_seconds = 10;
    s.mail.poll_interval_ms = 100;
    s.mail.backoff_base_ms = 200;
    s.mail.backoff_max_ms = 800;
    // The demo's own requests stay out of the way: no reminder pass during the test.
    s.mail.reminder_interval_seconds = 3600;
}

fn backends(test: &str) -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if postgres_enabled(test) {
        all.push(Backend::Postgres);
    }
    all
}

async fn outbox_rows(app: &TestApp, request_id: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::RequestId.eq(Uuid::parse_str(request_id).unwrap()))
        .all(&app.app.db)
        .await
        .unwrap()
}

fn part<'a>(message: &'a Value, media_type: &str) -> &'a str {
    message["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == media_type)
        .unwrap_or_else(|| panic!("no {media_type} part in {message}"))["body"]
        .as_str()
        .unwrap()
}
