//! The legal-basis catalogue: listed, added to by administrators; complaint and court are
//! information, not a basis.
use super::*;

db_test!(the_catalogue_lists_and_admins_add, |app| {
    let r = app
        .client
        .get(app.url("/api/v1/legal-bases?kind=sletting&lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "arkivloven-arkivplikt")
    );
    assert!(list.as_array().unwrap().iter().all(|b| {
        b["applies_to"]
            .as_array()
            .unwrap()
            .contains(&json!("sletting"))
    }));
    let admin = app.staff("admin").await;
    let entry = json!({
        "id": "barnevernsloven-13-2",
        "citation": {"nb": "Barnevernsloven § 13-2", "en": "Child Welfare Act s. 13-2"},
        "title": {"nb": "Taushetsplikt i barnevernet", "en": "Confidentiality in child welfare"},
        "explanation": {"nb": "Noen opplysninger er taushetsbelagt.", "en": "Some information is confidential."},
        "applies_to": ["innsyn"]
    });
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&admin),
            Some(entry.clone()),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&admin),
            Some(entry.clone()),
        )
        .await;
    assert!(r.status() == 409 || r.status() == 422, "{}", r.status());
    let caseworker = app.staff("saksbehandler.elverum").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&caseworker),
            Some(entry),
        )
        .await;
    TestApp::expect_problem(r, 403).await;
    let list: Value = app
        .client
        .get(app.url("/api/v1/legal-bases?kind=innsyn"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "barnevernsloven-13-2" && b["origin"] == "custom")
    );
});

db_test!(complaint_and_court_are_information_not_a_basis, |app| {
    // The attack: an erasure refused "on" art. 77 alone. Refused as input; nothing drafted.
    let (id, staff) = started(
        &app,
        "saksbehandler.gamleoslo",
        0,
        json!({"kind": "sletting", "description": "Slett alt", "service_area": "settlement"}),
        Some("access"),
    )
    .await;
    let decisions_before = app.count("decision").await;
    for ids in [
        json!(["gdpr-77"]),
        json!(["gdpr-79"]),
        json!(["gdpr-17-3-b", "gdpr-77"]),
    ] {
        let (status, problem) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &staff,
                json!({"outcome": "refused", "legal_bases": ids, "text": "Nei"}),
            )
            .await;
        assert_eq!(status, 422, "{ids}: {problem}");
        assert_eq!(problem["field"], "legal_bases");
        assert!(
            problem["detail"].as_str().unwrap().contains("not a reason"),
            "{problem}"
        );
    }
    assert_eq!(app.count("decision").await, decisions_before);
    // Neither is offered in the catalogue; integreringsloven § 41 is not offered for protest.
    let (_, list) = app.get("/api/v1/legal-bases", &staff).await;
    let list = list.as_array().unwrap();
    assert!(
        list.iter()
            .all(|b| b["id"] != "gdpr-77" && b["id"] != "gdpr-79")
    );
    let il41 = list
        .iter()
        .find(|b| b["id"] == "integreringsloven-41")
        .unwrap();
    assert!(
        !il41["applies_to"]
            .as_array()
            .unwrap()
            .contains(&json!("protest"))
    );
    // A refusal on a real basis still carries the complaint information in its letter.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &staff,
            json!({"outcome": "refused", "legal_bases": ["gdpr-17-3-b"], "text": "Vi har plikt til å lagre opplysningene."}),
        )
        .await;
    assert_eq!(status, 201);
});
