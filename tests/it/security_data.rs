//! Sources, the audit chain and merge approval (docs/security.md): the number a source is asked
//! about, plain-HTTP source endpoints in production, Maskinporten tokens per source, the keyed
//! audit chain and the office page where a privacy officer approves merges.
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::{db_test, support::TestApp};

fn synthetic(day: u32, month: u32, year: u32, d_number: bool) -> String {
    (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .unwrap()
        .as_str()
        .to_string()
}

fn pid(s: &str) -> dsar::identity::Pid {
    dsar::identity::Pid::parse(
        s,
        dsar::identity::PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap()
}

/// The person a number belongs to.
async fn person_of(app: &TestApp, number: &str) -> uuid::Uuid {
    entity::person_identifier::Entity::find()
        .filter(
            entity::person_identifier::Column::PidHash.eq(app.app.vault.lookup_hash(&pid(number))),
        )
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .person_id
}

db_test!(
    a_source_is_asked_about_the_fodselsnummer_even_when_a_newer_d_nummer_exists,
    |app| {
        let fnr = synthetic(9, 9, 91, false);
        let d_number = synthetic(9, 9, 91, true);
        let kari = app.staff("saksbehandler.gamleoslo").await;
        app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": fnr, "geography": "030101", "service_area": "settlement" })).await;
        let person = person_of(&app, &fnr).await;
        // A d-nummer recorded after the fødselsnummer, stored as every writer stores it.
        let d = pid(&d_number);
        entity::person_identifier::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            person_id: Set(person),
            pid_hash: Set(app.app.vault.lookup_hash(&d)),
            pid_ciphertext: Set(app.app.vault.encrypt(&d)),
            kind: Set(entity::values::IdentifierKind::DNummer),
            created_at: Set(chrono::Utc::now() + chrono::Duration::seconds(5)),
        }
        .insert(&app.app.db)
        .await
        .unwrap();
        let chosen = dsar::sources::collection::person_pid(&app.app.db, &app.app.vault, person)
            .await
            .unwrap();
        assert_eq!(
            chosen.as_str(),
            fnr,
            "the fødselsnummer, not the newer d-nummer"
        );
    }
);

/// The settings of `app` as a production instance would have them (no demo features).
fn production(s: &dsar::config::Settings) -> dsar::config::Settings {
    let mut p = s.clone();
    p.environment = dsar::config::Environment::Production;
    p.demo = false;
    p.allow_synthetic_pids = false;
    p.sources.simulator = Some(false);
    p.metrics.token = dsar::config::Secret::new("scrape");
    p.mail.transport = "smtp".into();
    p.mail.smtp_host = "smtp.example.no".into();
    p
}

async fn build_error(settings: dsar::config::Settings) -> String {
    match dsar::app::App::build(settings).await {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

db_test!(production_does_not_start_with_a_plain_http_source, |app| {
    // The demo's simulated sources answer on http://127.0.0.1: loopback is no exception.
    let refused = build_error(production(&app.settings)).await;
    assert!(
        refused.contains("http://") && refused.contains("production"),
        "{refused}"
    );
    app.exec("UPDATE source_system SET active = FALSE WHERE endpoint LIKE 'http://%'")
        .await;
    let prod = dsar::app::App::build(production(&app.settings))
        .await
        .unwrap();
    // The registry refuses plain HTTP there too: registering one, or taking one back into use
    // (the office's admin form).
    let admin = dsar::auth::Principal::Staff(dsar::auth::Staff {
        id: uuid::Uuid::new_v4(),
        username: "admin".into(),
        display_name: "Admin".into(),
        role: dsar::lifecycle::Role::Admin,
        unit_ids: vec![],
        controller_id: None,
    });
    let input = |endpoint: &str| dsar::sources::SourceSystemInput {
        name: "NAV".into(),
        owner: "NAV".into(),
        capabilities: vec![dsar::sources::protocol::Operation::Access],
        endpoint: Some(endpoint.into()),
        auth_mode: Default::default(),
        maskinporten_scope: None,
        maskinporten_resource: None,
        timeout_ms: None,
        max_attempts: None,
        backoff_ms: None,
        service_areas: vec![],
        active: None,
        population_register: false,
        finds_by_duf: false,
    };
    let refused =
        dsar::sources::put(&prod, &admin, "nav-plain", input("http://nav.example/dsar")).await;
    assert!(
        matches!(
            refused,
            Err(dsar::error::ServiceError::Invalid {
                field: "endpoint",
                ..
            })
        ),
        "{refused:?}"
    );
    let refused = dsar::administration::set_source_active(&prod, &admin, "nav", true).await;
    assert!(
        matches!(
            refused,
            Err(dsar::error::ServiceError::Invalid {
                field: "endpoint",
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(
        dsar::sources::put(&prod, &admin, "nav-tls", input("https://nav.example/dsar"))
            .await
            .is_ok()
    );
});

async fn do_some_work(app: &TestApp, n: usize) {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for _ in 0..n {
        let r = app
            .create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": app.citizen_pid(1).await, "geography": "030101", "service_area": "settlement" }))
            .await;
        let id = r["id"].as_str().unwrap();
        app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    }
}

async fn full(app: &TestApp) -> dsar::audit::Verification {
    dsar::audit::verify(&app.app.db, &app.app.audit_key)
        .await
        .unwrap()
}

async fn incremental(app: &TestApp) -> dsar::audit::Verification {
    dsar::audit::verify_incremental(&app.app.db, &app.app.audit_key)
        .await
        .unwrap()
}

/// What someone with write access to the database but not the key can do: rewrite the events
/// from `from` on with plain SHA-256 hashes and move the head along.
async fn recompute_without_the_key(app: &TestApp, from: i64) {
    use sea_orm::{IntoActiveModel, QueryOrder};
    let events = entity::audit_event::Entity::find()
        .order_by_asc(entity::audit_event::Column::Seq)
        .all(&app.app.db)
        .await
        .unwrap();
    let mut prev = dsar::audit::GENESIS_HASH.to_string();
    for ev in events {
        if ev.seq < from {
            prev = ev.hash.clone();
            continue;
        }
        let hash = dsar::audit::unkeyed_event_hash(
            &prev,
            ev.seq,
            ev.at,
            &ev.actor,
            &ev.action,
            ev.request_id,
            &ev.details,
        );
        let mut row = ev.into_active_model();
        row.prev_hash = Set(prev.clone());
        row.hash = Set(hash.clone());
        row.update(&app.app.db).await.unwrap();
        prev = hash;
    }
    app.exec(&format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ))
    .await;
}

db_test!(the_audit_chain_is_keyed_and_verified_incrementally, |app| {
    do_some_work(&app, 2).await;
    let first = full(&app).await;
    assert!(first.intact, "{:?}", first.first_break);
    assert_eq!(first.checked, first.events, "a full walk reads every event");
    do_some_work(&app, 1).await;
    let next = incremental(&app).await;
    assert!(next.intact, "{:?}", next.first_break);
    assert_eq!(
        next.checked,
        next.events - first.events,
        "only what follows the last verification is read"
    );
    assert!(next.checked > 0);
    // A row changed in the database after it was verified: the incremental run does not read
    // it again (so it cannot see it); the full run finds it.
    app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 3")
        .await;
    let again = incremental(&app).await;
    assert!(again.intact && again.checked == 0, "{again:?}");
    assert_eq!(
        full(&app).await.first_break,
        Some(dsar::audit::ChainBreak::Content { seq: 3 })
    );
});

db_test!(
    an_audit_chain_recomputed_without_the_key_is_detected,
    |app| {
        do_some_work(&app, 1).await;
        assert!(full(&app).await.intact);
        let checkpoint = full(&app).await.events;
        // An event changed and every hash after it recomputed, head included, as the unkeyed chain
        // allowed: the keyed hash of the changed event no longer matches.
        app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 5")
            .await;
        recompute_without_the_key(&app, 5).await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Content { seq: 5 })
        );
        // The whole trail rewritten as a plain chain: no seal, so it does not count as intact.
        recompute_without_the_key(&app, 1).await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { seq: checkpoint })
        );
        // The incremental run sees that the event at its checkpoint is not the one it verified.
        assert_eq!(
            incremental(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Checkpoint { seq: checkpoint })
        );
        // And production does not start on it.
        app.exec("UPDATE source_system SET active = FALSE WHERE endpoint LIKE 'http://%'")
            .await;
        let refused = build_error(production(&app.settings)).await;
        assert!(refused.contains("seal-audit"), "{refused}");
    }
);

db_test!(
    a_trail_from_before_the_key_is_sealed_once,
    setup = |_| {},
    |app| {
        do_some_work(&app, 1).await;
        // The trail as an older version wrote it: plain hashes, no checkpoint.
        recompute_without_the_key(&app, 1).await;
        app.exec("DELETE FROM audit_checkpoint").await;
        let before = full(&app).await;
        assert!(matches!(
            before.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { .. })
        ));
        // Outside production the next start seals it; the seal links to the last plain event.
        app.restart().await;
        let sealed = full(&app).await;
        assert!(sealed.intact, "{:?}", sealed.first_break);
        let seals = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq(dsar::audit::SEAL_ACTION))
            .all(&app.app.db)
            .await
            .unwrap();
        assert_eq!(seals.len(), 1);
        assert_eq!(seals[0].seq, before.events + 1);
        assert_eq!(
            seals[0].details,
            json!({ "unkeyed_events": before.events }).to_string()
        );
        // New events after the seal are keyed; another start does not seal again.
        do_some_work(&app, 1).await;
        app.restart().await;
        assert!(full(&app).await.intact);
        assert_eq!(
            app.count(&format!(
                "audit_event WHERE action = '{}'",
                dsar::audit::SEAL_ACTION
            ))
            .await,
            1
        );
        // A plain event before the seal changed: its plain hash no longer matches.
        app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 2")
            .await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Content { seq: 2 })
        );
        // Recomputed without the key from there on, the seal included: no keyed seal remains.
        recompute_without_the_key(&app, 2).await;
        assert!(matches!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { .. })
        ));
    }
);

/// The `n`-th synthetic number of a birth date (several persons born the same day).
fn synthetic_nth(day: u32, month: u32, year: u32, d_number: bool, n: usize) -> String {
    (100..999)
        .filter_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .nth(n)
        .unwrap()
        .as_str()
        .to_string()
}

async fn office_browser(app: &TestApp, username: &str) -> crate::browser::Browser {
    let browser = crate::browser::Browser::new();
    let (page, visited) = crate::browser::demo_staff_login(&browser, app, username).await;
    assert_eq!(page.status(), 200, "{visited:?}");
    browser
}

async fn office_page(b: &crate::browser::Browser, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(&app.url(path)).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn office_post(
    b: &crate::browser::Browser,
    app: &TestApp,
    path: &str,
    csrf: Option<&str>,
) -> (u16, String) {
    let fields: Vec<(String, String)> = csrf
        .map(|c| vec![("csrf_token".to_string(), c.to_string())])
        .unwrap_or_default();
    let r = b.post_form(&app.url(path), &fields).await;
    let status = r.status().as_u16();
    let to = if r.status().is_redirection() {
        crate::browser::location(&r)
    } else {
        String::new()
    };
    (status, to)
}

async fn link_status(app: &TestApp, id: &str) -> String {
    entity::person_link::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .status
        .to_string()
}

db_test!(a_privacy_officer_decides_merges_on_an_office_page, |app| {
    let d_number = synthetic_nth(14, 2, 90, true, 0);
    let other_d_number = synthetic_nth(14, 2, 90, true, 1);
    let fnr = synthetic_nth(14, 2, 90, false, 0);
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for pid in [&d_number, &other_d_number, &fnr] {
        app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    }
    let link = |a: &str, b: &str| json!({ "pid": a, "other_pid": b });
    let (status, body) = app
        .post("/api/v1/persons/link-numbers", &kari, link(&d_number, &fnr))
        .await;
    assert_eq!(status, 202, "{body}");
    let first = body["link_id"].as_str().unwrap().to_string();
    // While that merge waits, a second merge of the same person is refused.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(app.count("person_link").await, 1);

    // The office page: only for privacy officers; numbers masked.
    let caseworker = office_browser(&app, "saksbehandler.gamleoslo").await;
    let (status, _) = office_page(&caseworker, &app, "/office/sammenslaing").await;
    assert_eq!(status, 403);
    let ingrid = office_browser(&app, "personvern.gamleoslo").await;
    let (status, html) = office_page(&ingrid, &app, "/office/sammenslaing").await;
    assert_eq!(status, 200);
    for number in [&d_number, &fnr] {
        assert!(!html.contains(number.as_str()), "a number in full");
        assert!(html.contains(&pid(number).masked()), "{html}");
    }
    let csrf = crate::browser::csrf_token(&html);
    let approve = format!("/office/sammenslaing/{first}/godkjenn");
    // Without the CSRF token nothing happens.
    let (status, _) = office_post(&ingrid, &app, &approve, None).await;
    assert_ne!(status, 303);
    assert_eq!(link_status(&app, &first).await, "pending");
    // A caseworker cannot decide it.
    let (status, _) = office_post(&caseworker, &app, &approve, Some(&csrf)).await;
    assert_ne!(status, 303);
    assert_eq!(link_status(&app, &first).await, "pending");
    // The officer approves: merged, audited on both requests.
    let (status, to) = office_post(&ingrid, &app, &approve, Some(&csrf)).await;
    assert_eq!(status, 303);
    assert!(to.ends_with("?done=approved"), "{to}");
    assert_eq!(link_status(&app, &first).await, "approved");
    assert_eq!(
        app.count("audit_event WHERE action = 'person.numbers_linked'")
            .await,
        2
    );

    // The next merge of that person may now be asked for; the officer refuses it.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let second = body["link_id"].as_str().unwrap().to_string();
    let (status, to) = office_post(
        &ingrid,
        &app,
        &format!("/office/sammenslaing/{second}/avvis"),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.ends_with("?done=refused"), "{to}");
    assert_eq!(link_status(&app, &second).await, "refused");
    assert_eq!(
        app.count("audit_event WHERE action = 'person.merge_refused'")
            .await,
        3,
        "on every request of both persons"
    );
    assert_ne!(
        person_of(&app, &other_d_number).await,
        person_of(&app, &fnr).await
    );
    let (_, html) = office_page(&ingrid, &app, "/office/sammenslaing?done=refused").await;
    assert!(!html.contains("/avvis\""), "nothing left to decide");

    // A merge the officer asked for herself is shown without the buttons and cannot be decided
    // by her.
    let ingrid_api = app.staff("personvern.gamleoslo").await;
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &ingrid_api,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let own = body["link_id"].as_str().unwrap().to_string();
    let (_, html) = office_page(&ingrid, &app, "/office/sammenslaing").await;
    assert!(!html.contains(&format!("{own}/godkjenn")));
    let (status, _) = office_post(
        &ingrid,
        &app,
        &format!("/office/sammenslaing/{own}/godkjenn"),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(link_status(&app, &own).await, "pending");
});

db_test!(an_operator_seals_a_trail_from_before_the_key, |app| {
    do_some_work(&app, 1).await;
    recompute_without_the_key(&app, 1).await;
    let events = full(&app).await.events;
    let seal = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
            .args(args)
            .env_remove("DSAR_CONFIG")
            .env("DSAR_DATABASE_URL", &app.database_url)
            .env("DSAR_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (ok, out) = seal(&["verify-audit", "--full"]);
    assert!(!ok && out.contains("not sealed"), "{out}");
    let (ok, out) = seal(&["seal-audit"]);
    assert!(
        ok && out.contains(&format!("sealed after {events} events")),
        "{out}"
    );
    assert!(full(&app).await.intact);
    let (ok, out) = seal(&["seal-audit"]);
    assert!(ok && out.contains("needs no seal"), "{out}");
    let (ok, out) = seal(&["verify-audit"]);
    assert!(ok && out.contains("intact"), "{out}");
});
