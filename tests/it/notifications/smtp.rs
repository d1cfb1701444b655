//! Delivery through a real SMTP server: notices in the person's language without personal data,
//! and a server that was down getting the message later, exactly once.
use super::*;

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
