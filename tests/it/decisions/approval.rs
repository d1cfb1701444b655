//! Four eyes: someone else approves or returns; and a decision waits for collection or the
//! caseworker's waiver.
use super::*;

db_test!(four_eyes_means_someone_else_approves, |app| {
    let (id, caseworker) = started(&app, "saksbehandler.ude", 0, json!({"kind": "sletting", "description": "Slett kartleggingen", "service_area": "norwegian-training"}), Some("access")).await;
    let refusal = json!({"outcome": "refused", "legal_bases": ["arkivloven-arkivplikt"], "text": "Opplysningene må arkiveres."});
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": [], "text": "Nei"}),
        )
        .await;
    assert_eq!(status, 422, "a refusal names its legal basis: {p}");
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": ["no-such-basis"], "text": "Nei"}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": ["gdpr-15-4"], "text": "Nei"}),
        )
        .await;
    assert_eq!(
        status, 422,
        "art. 15(4) is not a ground to refuse erasure: {p}"
    );
    let (status, d) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            refusal.clone(),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["four_eyes"], true);
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "awaiting_approval");
    // The caseworker may not approve; the privacy officer returns it with a comment.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            &caseworker,
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let officer = app.staff("personvern.ude").await;
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/return"),
            &officer,
            json!({"comment": " "}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    let (status, returned) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/return"),
            &officer,
            json!({"comment": "Vis til arkivloven og forklar kassasjon."}),
        )
        .await;
    assert_eq!(status, 200, "{returned}");
    assert_eq!(returned["status"], "returned");
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "in_progress");
    // Redrafted, then approved by the officer.
    let approved = app
        .decide_and_approve(&caseworker, &officer, &id, refusal)
        .await;
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "completed");
    assert_eq!(r["outcome"], "refused");
    let html = document_text(&app, &approved, "answer_html", &caseworker).await;
    assert!(html.contains("arkiv"), "the refusal cites the archive duty");
    assert!(html.contains("Datatilsynet"), "the right to complain");

    // A privacy officer cannot approve their own draft.
    let (id2, _) = started(
        &app,
        "personvern.ude",
        1,
        json!({"kind": "protest", "description": "Protest", "service_area": "norwegian-training"}),
        Some("access"),
    )
    .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id2}/decision"),
            &officer,
            json!({"outcome": "granted"}),
        )
        .await;
    assert_eq!(status, 201);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id2}/decision/approve"),
            Some(&officer),
            Some(json!({})),
        )
        .await;
    let p = TestApp::expect_problem(r, 403).await;
    assert!(
        p["detail"].as_str().unwrap().contains("someone other"),
        "{p}"
    );
});

db_test!(
    a_decision_waits_for_collection_or_the_caseworkers_waiver,
    |app| {
        // Elverum decides alone; innsyn in Norwegian bokmål, nothing collected yet.
        let (id, staff) = started(
        &app,
        "saksbehandler.elverum",
        2,
        json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "language": "nb"}),
        None,
    )
    .await;
        let granted = json!({"outcome": "granted", "legal_bases": [], "text": ""});
        let decisions_before = app.count("decision").await;
        let (status, p) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &staff,
                granted.clone(),
            )
            .await;
        assert_eq!(status, 409, "{p}");
        assert!(
            p["detail"].as_str().unwrap().contains("collection/waive"),
            "{p}"
        );
        assert_eq!(app.count("decision").await, decisions_before);

        // A waiver needs a reason, and only staff who work cases give one.
        let waive = format!("/api/v1/requests/{id}/collection/waive");
        let (status, p) = app.post(&waive, &staff, json!({"reason": " "})).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["field"], "reason", "{p}");
        let auditor = app.staff("revisor").await;
        let (status, _) = app
            .post(&waive, &auditor, json!({"reason": "Revisor"}))
            .await;
        assert!(status == 403 || status == 404, "{status}");
        let reason = "Kildene svarer ikke i påsken; personen ønsker svar nå.";
        let (status, v) = app.post(&waive, &staff, json!({ "reason": reason })).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["state"], "waived");
        // On the timeline with its reason, and in the audit trail.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &staff)
            .await;
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "collection_waived" && e.to_string().contains(reason)),
            "{events}"
        );
        assert!(
            app.count("audit_event WHERE action LIKE '%collection_waived%'")
                .await
                >= 1
        );

        // The letter does not say the systems were searched.
        let approved = app.decide_and_approve(&staff, &staff, &id, granted).await;
        let html = document_text(&app, &approved, "answer_html", &staff).await;
        assert!(
            html.contains("Vi har ikke søkt i alle systemene våre"),
            "{html}"
        );
        assert!(!html.contains("i systemene vi har søkt i"), "{html}");
    }
);
