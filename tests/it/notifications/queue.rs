//! The outbox: the file transport writes `.eml` files, reminders and escalations and one dedupe
//! key are queued once, and a message that never goes through ends failed.
use super::*;

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
