//! A source is asked about the fødselsnummer even when a newer D-nummer exists, and production
//! does not start with a plain-HTTP source.
use super::*;

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
