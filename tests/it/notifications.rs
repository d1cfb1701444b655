//! E-mail notifications against a real SMTP server (aiosmtpd, started per test on a free port):
//! receipts and notices arrive as plain text + HTML in the person's language, carry no personal
//! data, are delivered exactly once after the server was down, and never again after a restart.
//! Without aiosmtpd the SMTP tests print SKIPPED, and fail when `DSAR_REQUIRE_SMTP=1`.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_arrive_in_the_persons_language_without_personal_data() {
    const TEST: &str =
        "notifications::notices_arrive_in_the_persons_language_without_personal_data";
    if !smtp_available(TEST) {
        return;
    }
    for backend in backends(TEST) {
        let folder = tempfile::tempdir().unwrap();
        let port = free_addr().port();
        let _server = start_smtp(port, folder.path());
        let app = TestApp::spawn_with(backend, |s| smtp_settings(s, port)).await;
        let personas = app.personas().await;
        let citizen = &personas["citizens"][0];
        let (pid, name) = (
            citizen["pid"].as_str().unwrap(),
            citizen["name"].as_str().unwrap(),
        );
        let token = app.citizen(0).await;
        let description = "Min konto nummer 1234 5678 903 og helsedata";
        let req = app
            .create(
                &token,
                json!({ "kind": "innsyn", "description": description, "service_area": "settlement",
                        "language": "nn", "contact_email": "innbyggar@example.no" }),
            )
            .await;
        let (id, reference) = (
            req["id"].as_str().unwrap().to_string(),
            req["reference"].as_str().unwrap().to_string(),
        );
        wait_for("the receipt", || {
            !about(&received(folder.path()), &reference).is_empty()
        })
        .await;
        // The person's e-mails come under the name of the body that handles the request.
        let body_name = req["controller"]["name"].as_str().unwrap().to_string();
        let first = received(folder.path());
        let receipt = about(&first, &reference)[0].clone();
        assert_eq!(
            receipt["from"].as_str().unwrap(),
            format!("{body_name} <noreply@dsar.example.no>")
        );
        // A name with a comma and Norwegian letters is encoded, and read back as written.
        let renamed = "Oslo kommune, bydel Gamle Oslo (Tøyen)";
        app.exec(&format!(
            "UPDATE controller SET name = '{renamed}' WHERE name = '{body_name}'"
        ))
        .await;
        app.app.registry.invalidate().await;
        // Staff ask for more information and extend the deadline: two more notices.
        let staff = app.staff("saksbehandler.gamleoslo").await;
        let path = format!("/api/v1/requests/{id}");
        for action in ["start", "ask_requester"] {
            let (status, body) = app
                .post(
                    &format!("{path}/transitions"),
                    &staff,
                    json!({ "action": action }),
                )
                .await;
            assert_eq!(status, 200, "{action}: {body}");
        }
        let reason = "Fordi Ola Nordmann sin sak er komplisert";
        let (status, body) = app
            .post(
                &format!("{path}/extend"),
                &staff,
                json!({ "reason": reason }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        wait_for("three notices", || {
            about(&received(folder.path()), &reference).len() == 3
        })
        .await;
        let all = received(folder.path());
        let mine = about(&all, &reference);
        let subjects: Vec<&str> = mine
            .iter()
            .map(|m| m["subject"].as_str().unwrap())
            .collect();
        assert!(
            subjects.iter().any(|s| s.contains("motteke førespurnaden")),
            "{subjects:?}"
        );
        assert!(
            subjects
                .iter()
                .any(|s| s.contains("treng meir informasjon")),
            "{subjects:?}"
        );
        assert!(
            subjects.iter().any(|s| s.contains("forlengd")),
            "{subjects:?}"
        );
        let rows = outbox_rows(&app, &id).await;
        assert_eq!(rows.len(), 3);
        for message in &mine {
            if message["subject"] != receipt["subject"] {
                assert_eq!(
                    message["from"].as_str().unwrap(),
                    format!("\"{renamed}\" <noreply@dsar.example.no>")
                );
                let raw = message["raw"].as_str().unwrap();
                let from = raw.lines().find(|l| l.starts_with("From:")).unwrap();
                assert!(
                    from.contains("=?utf-8?") && !from.contains("Tøyen"),
                    "{from}"
                );
            }
            assert_eq!(message["rcpt"], json!(["innbyggar@example.no"]));
            assert_eq!(message["content_type"], "multipart/alternative");
            let text = part(message, "text/plain");
            let html = part(message, "text/html");
            for body in [text, html] {
                assert!(body.contains(&reference), "{body}");
                assert!(body.contains(&format!("{}/min-side", app.base)), "{body}");
            }
            assert!(html.contains("lang=\"nn\""), "{html}");
            // No personal data: not the number, the name, the description or the reason.
            let raw = message["raw"].as_str().unwrap();
            for secret in [
                pid,
                name,
                description,
                "1234 5678 903",
                reason,
                "Ola Nordmann",
            ] {
                for body in [text, html, raw] {
                    assert!(!body.contains(secret), "`{secret}` in a message:\n{body}");
                }
            }
            // The Message-ID is derived from the outbox row.
            let message_id = message["message_id"].as_str().unwrap();
            assert!(
                rows.iter()
                    .any(|r| message_id == format!("<{}@dsar.example.no>", r.id.simple())),
                "{message_id}"
            );
        }
        // The server's acceptance comes just before the row is marked sent.
        let start = Instant::now();
        while !outbox_rows(&app, &id)
            .await
            .iter()
            .all(|r| r.status == OutboxStatus::Sent && r.sent_at.is_some())
        {
            assert!(start.elapsed() < Duration::from_secs(10), "not marked sent");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The stored address is encrypted.
        assert!(rows.iter().all(|r| !r.recipient.contains("example.no")));
        // A request without a contact address queues nothing.
        let other = app
            .create(
                &token,
                json!({ "kind": "retting", "description": "x", "service_area": "settlement" }),
            )
            .await;
        assert!(
            outbox_rows(&app, other["id"].as_str().unwrap())
                .await
                .is_empty()
        );
        app.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_gets_the_message_later_exactly_once() {
    const TEST: &str = "notifications::a_server_that_is_down_gets_the_message_later_exactly_once";
    if !smtp_available(TEST) {
        return;
    }
    for backend in backends(TEST) {
        let folder = tempfile::tempdir().unwrap();
        // Nothing listens on this port yet.
        let port = free_addr().port();
        let mut app = TestApp::spawn_with(backend, |s| smtp_settings(s, port)).await;
        let token = app.citizen(1).await;
        let req = app
            .create(
                &token,
                json!({ "kind": "innsyn", "description": "x", "language": "en",
                        "contact_email": "someone@example.no" }),
            )
            .await;
        let (id, reference) = (
            req["id"].as_str().unwrap().to_string(),
            req["reference"].as_str().unwrap().to_string(),
        );
        // Attempts fail and are recorded; the message stays queued.
        let start = Instant::now();
        loop {
            let rows = outbox_rows(&app, &id).await;
            assert_eq!(rows.len(), 1);
            let row = &rows[0];
            assert_ne!(row.status, OutboxStatus::Sent);
            if row.attempts >= 2 && row.status == OutboxStatus::Pending {
                assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
                assert!(row.sent_at.is_none());
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no retries: {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The server comes up: delivered once.
        let server = start_smtp(port, folder.path());
        wait_for("delivery after the server came back", || {
            about(&received(server.folder.as_path()), &reference).len() == 1
        })
        .await;
        let start = Instant::now();
        let sent = loop {
            let row = outbox_rows(&app, &id).await.remove(0);
            if row.status == OutboxStatus::Sent {
                break row;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{row:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(sent.sent_at.is_some() && sent.last_error.is_none());
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(about(&received(folder.path()), &reference).len(), 1);
        // A restart sends nothing again, and the new instance's worker does send new mail.
        app.restart().await;
        let token = app.citizen(1).await;
        let next = app
            .create(
                &token,
                json!({ "kind": "retting", "description": "x", "language": "en",
                        "contact_email": "someone@example.no" }),
            )
            .await;
        let next_ref = next["reference"].as_str().unwrap().to_string();
        wait_for("mail from the restarted instance", || {
            about(&received(folder.path()), &next_ref).len() == 1
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(about(&received(folder.path()), &reference).len(), 1);
        assert_eq!(outbox_rows(&app, &id).await[0].attempts, sent.attempts);
        drop(server);
        app.cleanup().await;
    }
}

db_test!(
    the_file_transport_writes_eml_files,
    setup = |s| {
        s.mail.worker = true;
        s.mail.poll_interval_ms = 100;
        s.mail.reminder_interval_seconds = 3600;
    },
    |app| {
        let token = app.citizen(0).await;
        let req = app
            .create(
                &token,
                json!({ "kind": "innsyn", "description": "x", "language": "en",
                        "contact_email": "person@example.no" }),
            )
            .await;
        let id = req["id"].as_str().unwrap().to_string();
        let reference = req["reference"].as_str().unwrap().to_string();
        let start = Instant::now();
        let eml = loop {
            let found = app
                .mail_to("person@example.no")
                .into_iter()
                .find(|text| text.contains(&reference));
            if let Some(text) = found {
                break text;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no .eml file");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let row = outbox_rows(&app, &id).await.remove(0);
        assert!(
            eml.contains(&format!(
                "Message-ID: <{}@dsar.example.no>",
                row.id.simple()
            )),
            "{eml}"
        );
        assert!(eml.contains("multipart/alternative") && eml.contains("text/html"));
        assert!(eml.contains("We have received your request"), "{eml}");
    }
);

/// The first date from today with exactly `n` working days left.
fn due_in_working_days(n: i64) -> NaiveDate {
    let today = today();
    (0..60)
        .map(|d| today + chrono::Duration::days(d))
        .find(|d| dsar::deadlines::working_days_between(today, *d) == n)
        .unwrap()
}

db_test!(reminders_and_escalations_are_queued_once, |app| {
    app.exec("UPDATE unit SET email = 'enhet@example.no'").await;
    app.exec("UPDATE controller SET dpo_email = 'personvernombud@example.no'")
        .await;
    let token = app.citizen(0).await;
    let mut ids = Vec::new();
    for due in [
        due_in_working_days(7),
        due_in_working_days(2),
        due_in_working_days(10),
        today() - chrono::Duration::days(3),
    ] {
        let req = app
            .create(
                &token,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
            )
            .await;
        let id = req["id"].as_str().unwrap().to_string();
        entity::request::Entity::update_many()
            .col_expr(
                entity::request::Column::DueOn,
                sea_orm::sea_query::Expr::value(due),
            )
            .filter(entity::request::Column::Id.eq(Uuid::parse_str(&id).unwrap()))
            .exec(&app.app.db)
            .await
            .unwrap();
        ids.push((id, due));
    }
    let queued = dsar::notifications::reminders::run(&app.app, today())
        .await
        .unwrap();
    assert!(queued >= 3, "{queued}");
    // A second pass, and the next day's pass, queue nothing new for these requests.
    assert_eq!(
        dsar::notifications::reminders::run(&app.app, today())
            .await
            .unwrap(),
        0
    );
    dsar::notifications::reminders::run(&app.app, today() + chrono::Duration::days(1))
        .await
        .unwrap();
    let expect = [
        Some(("reminder", 7, "enhet@example.no")),
        Some(("reminder", 2, "enhet@example.no")),
        None,
        Some(("escalation", 0, "personvernombud@example.no")),
    ];
    for ((id, due), expected) in ids.iter().zip(expect) {
        let rows = outbox_rows(&app, id).await;
        let Some((template, days, to)) = expected else {
            assert!(rows.is_empty(), "{rows:?}");
            continue;
        };
        assert_eq!(rows.len(), 1, "{template}: {rows:?}");
        let row = &rows[0];
        assert_eq!(row.template, template);
        assert_eq!(app.app.vault.open(&row.recipient).unwrap(), to);
        let key = match template {
            "reminder" => format!("reminder:{id}:{due}:{days}"),
            _ => format!("escalation:{id}:{due}"),
        };
        assert_eq!(row.dedupe_key, key);
        let params: Value = serde_json::from_str(&row.params).unwrap();
        assert_eq!(params["link"], format!("{}/office", app.base));
        if template == "reminder" {
            assert_eq!(params["days"], days);
        }
        // Each queued notice is audited once, without the address.
        let events = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq("notification.queued"))
            .filter(entity::audit_event::Column::RequestId.eq(Uuid::parse_str(id).unwrap()))
            .all(&app.app.db)
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        let details = &events[0].details;
        assert!(!details.contains("example.no"), "{details}");
    }
});

db_test!(the_same_dedupe_key_is_queued_once, |app| {
    use dsar::notifications::{Email, Params, Recipient, Template, enqueue};
    let vault = app.app.vault.clone();
    let email = Email {
        template: Template::AnswerReady,
        request_id: None,
        recipient: Recipient::Address("person@example.no".into()),
        language: dsar::i18n::Language::Uk,
        params: Params {
            reference: "DSAR-2026-000001".into(),
            link: "http://x/min-side".into(),
            ..Default::default()
        },
        dedupe_key: "answer_ready:test:1".into(),
    };
    let added = app
        .app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let first = enqueue(tx, &vault, email.clone()).await?;
                let second = enqueue(tx, &vault, email).await?;
                Ok((first, second))
            })
        })
        .await
        .unwrap();
    assert_eq!(added, (true, false));
    let rows = outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq("answer_ready:test:1"))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, OutboxStatus::Pending);
    assert_eq!(rows[0].language, dsar::i18n::Language::Uk);
    assert_eq!(
        app.app.vault.open(&rows[0].recipient).unwrap(),
        "person@example.no"
    );
});

db_test!(
    a_message_that_never_goes_through_ends_failed,
    setup = |s| {
        // Nothing listens on this port.
        smtp_settings(s, free_addr().port());
        s.mail.max_attempts = 2;
        s.mail.backoff_base_ms = 50;
    },
    |app| {
        let token = app.citizen(0).await;
        let req = app
            .create(
                &token,
                json!({ "kind": "innsyn", "description": "x", "contact_email": "p@example.no" }),
            )
            .await;
        let id = req["id"].as_str().unwrap().to_string();
        let start = Instant::now();
        let row = loop {
            let row = outbox_rows(&app, &id).await.remove(0);
            if row.status == OutboxStatus::Failed {
                break row;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "{row:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(row.attempts, 2);
        assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
        assert!(row.sent_at.is_none() && row.lease_owner.is_none());
        // The error names no address.
        assert!(!row.last_error.unwrap().contains("p@example.no"));
    }
);
