//! A request routed with reference and due date, every kind accepted, a letter registered with
//! its receipt date, routing's fallback and protection, and idempotent, concurrent intake.
use super::*;

db_test!(
    citizen_request_is_routed_with_reference_and_due_date,
    |app| {
        let token = app.citizen(0).await; // Amina, Gamle Oslo (030101)
        let body = app
        .create(&token, json!({ "kind": "innsyn", "description": "Alt dere har om meg", "service_area": "settlement" }))
        .await;
        assert_eq!(body["kind"], "innsyn");
        assert_eq!(body["status"], "received");
        assert_eq!(body["channel"], "api");
        assert_eq!(body["unit"]["name"], "Nav Gamle Oslo");
        assert_eq!(body["unit"]["code"], "0316");
        assert_eq!(body["controller"]["name"], "Bydel Gamle Oslo");
        assert_eq!(body["routing"]["reason"], "rule");
        let reference = body["reference"].as_str().unwrap();
        let year = chrono::Datelike::year(&today());
        assert!(
            reference.starts_with(&format!("PV-{year}-")) && reference.len() == 14,
            "{reference}"
        );
        assert_eq!(body["received_on"], today().to_string());
        assert_eq!(
            body["due_on"],
            dsar::deadlines::due_date(today()).to_string()
        );
        assert_eq!(
            body["extended_due_on"],
            dsar::deadlines::extended_due_date(today()).to_string()
        );
        // The same request, read back, has a timeline with its creation.
        let id = body["id"].as_str().unwrap();
        let (status, read) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
        assert_eq!(status, 200);
        assert_eq!(read["reference"], body["reference"]);
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &token)
            .await;
        assert_eq!(events[0]["action"], "created");
        assert_eq!(events[0]["actor_kind"], "citizen");
    }
);

db_test!(
    all_five_kinds_are_accepted_and_references_are_unique,
    |app| {
        let token = app.citizen(2).await; // Elverum
        let mut refs = std::collections::HashSet::new();
        for kind in ["innsyn", "retting", "sletting", "begrensning", "protest"] {
            let body = app
                .create(
                    &token,
                    json!({ "kind": kind, "description": "x", "language": "uk" }),
                )
                .await;
            assert_eq!(body["kind"], kind);
            assert_eq!(body["language"], "uk");
            assert_eq!(body["controller"]["name"], "Elverum kommune");
            assert!(refs.insert(body["reference"].as_str().unwrap().to_string()));
        }
    }
);

db_test!(staff_register_a_letter_with_its_receipt_date, |app| {
    let token = app.staff("saksbehandler.alna").await;
    let pid = app.citizen_pid(4).await; // Olena, Alna
    let received = today() - chrono::Days::new(10);
    let body = app
        .create(
            &token,
            json!({
                "kind": "retting", "description": "Feil adresse", "service_area": "settlement",
                "subject_pid": pid, "channel": "letter", "received_on": received.to_string()
            }),
        )
        .await;
    assert_eq!(body["channel"], "letter");
    assert_eq!(body["received_on"], received.to_string());
    assert_eq!(
        body["due_on"],
        dsar::deadlines::due_date(received).to_string()
    );
    assert_eq!(body["unit"]["name"], "Nav Alna");
    // The citizen sees it as their own.
    let citizen = app.citizen(4).await;
    let (status, _) = app
        .get(
            &format!("/api/v1/requests/{}", body["id"].as_str().unwrap()),
            &citizen,
        )
        .await;
    assert_eq!(status, 200);
});

db_test!(
    routing_falls_back_and_protects_confidential_addresses,
    |app| {
        // No service area, Oslo district: no rule matches -> the fallback unit, never dropped.
        let token = app.citizen(0).await;
        let body = app
            .create(&token, json!({ "kind": "protest", "description": "x" }))
            .await;
        assert_eq!(body["unit"]["name"], "Personvernombudet – ufordelt");
        assert_eq!(body["routing"]["reason"], "fallback");
        // Norwegian training in Oslo goes to Utdanningsetaten.
        let body = app.create(&token, json!({ "kind": "innsyn", "description": "x", "service_area": "norwegian-training" })).await;
        assert_eq!(body["controller"]["name"], "Utdanningsetaten");
        // A strictly confidential address is never routed by address.
        let hidden = app.citizen(5).await;
        let body = app
            .create(
                &hidden,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
            )
            .await;
        // Oslo's bodies share Oslo kommune's protected unit; Nav's 2103 is for Nav only.
        assert_eq!(body["unit"]["name"], "Oslo kommune – skjermede personer");
        assert_eq!(body["controller"]["name"], "Oslo kommune");
        assert_eq!(body["routing"]["reason"], "protected_address");
        assert!(
            body["routing"].get("rule_id").is_none(),
            "the rule would tell where they live"
        );
        // The person's choice of address is used when none is registered.
        let staff = app.staff("saksbehandler.gamleoslo").await;
        let new_person = dsar::identity::synthetic_pid(5, 5, 95, 321, true, false)
            .or_else(|| dsar::identity::synthetic_pid(5, 5, 95, 322, true, false))
            .unwrap();
        let body = app
            .create(
                &staff,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement",
            "subject_pid": new_person.as_str(), "geography": "030111" }),
            )
            .await;
        // The registrant does not work there: told the reference only; it went to Stovner.
        assert_eq!(body["unit"]["name"], "");
        let auditor = app.staff("revisor").await;
        let (_, seen) = app
            .get(
                &format!("/api/v1/requests/{}", body["id"].as_str().unwrap()),
                &auditor,
            )
            .await;
        assert_eq!(seen["unit"]["name"], "Nav Stovner");
    }
);

db_test!(idempotency_key_returns_the_first_result, |app| {
    let token = app.citizen(3).await;
    let body = json!({ "kind": "innsyn", "description": "Én gang" });
    let before = app.count("request").await;
    let send = |key: &'static str, body: serde_json::Value| {
        let req = app
            .client
            .post(app.url("/api/v1/requests"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send("key-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let again = send("key-1", body.clone()).await;
    assert_eq!(again.status(), 201);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["reference"], again["reference"]);
    assert_eq!(app.count("request").await, before + 1);
    // The same key with another body is refused, and nothing is written.
    let other = send(
        "key-1",
        json!({ "kind": "retting", "description": "Annet" }),
    )
    .await;
    TestApp::expect_problem(other, 409).await;
    assert_eq!(app.count("request").await, before + 1);
    // Another citizen may use the same key independently.
    let other_token = app.citizen(0).await;
    let r = app
        .client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&other_token)
        .header("Idempotency-Key", "key-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let _ = Method::GET;
});

db_test!(concurrent_intake_gives_distinct_references, |app| {
    let token = app.citizen(3).await;
    let mut handles = Vec::new();
    for i in 0..40 {
        let client = app.client.clone();
        let url = app.url("/api/v1/requests");
        let token = token.clone();
        handles.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "kind": "innsyn", "description": format!("nr {i}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()["reference"]
                .as_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut refs = std::collections::HashSet::new();
    for h in handles {
        assert!(refs.insert(h.await.unwrap()));
    }
    assert_eq!(refs.len(), 40);
    let report = dsar::audit::verify(&app.app.db, &app.app.audit_key)
        .await
        .unwrap();
    assert!(report.intact, "{:?}", report.first_break);
});

db_test!(concurrent_retries_with_one_key_create_one_request, |app| {
    let token = app.citizen(2).await;
    let before = app.count("request").await;
    let mut handles = Vec::new();
    for _ in 0..12 {
        let req = app
            .client
            .post(app.url("/api/v1/requests"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "same-key")
            .json(&json!({ "kind": "innsyn", "description": "retried" }));
        handles.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for h in handles {
        ids.insert(h.await.unwrap());
    }
    assert_eq!(ids.len(), 1, "every retry got the first result");
    assert_eq!(app.count("request").await, before + 1);
});
