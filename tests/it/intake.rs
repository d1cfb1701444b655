use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::*};

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

db_test!(a_person_with_two_numbers_sees_requests_under_both, |app| {
    let personas = app.personas().await;
    let current = personas["citizens"][1]["pid"].as_str().unwrap().to_string();
    let earlier = personas["citizens"][1]["earlier_pid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(current, earlier);
    // Registered by letter under the old d-nummer...
    let staff = app.staff("saksbehandler.grunerlokka").await;
    let body = app
        .create(&staff, json!({ "kind": "sletting", "description": "x", "service_area": "settlement", "subject_pid": earlier }))
        .await;
    // ...seen by the person logged in with the new fødselsnummer.
    let citizen = app.token(json!({ "pid": current })).await;
    let (status, _) = app
        .get(
            &format!("/api/v1/requests/{}", body["id"].as_str().unwrap()),
            &citizen,
        )
        .await;
    assert_eq!(status, 200);
});

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

db_test!(staff_link_a_d_number_to_the_later_fodselsnummer, |app| {
    let d_number = (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(14, 2, 90, i, true, true))
        .unwrap();
    let fnr = (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(14, 2, 90, i, true, false))
        .unwrap();
    let kari = app.staff("saksbehandler.gamleoslo").await;
    // A letter registered under the d-nummer, and the person's own request under the new number.
    let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": d_number.as_str(), "geography": "030101", "service_area": "settlement" })).await;
    let citizen = app.token(json!({ "pid": fnr.as_str() })).await;
    let new = app
        .create(&citizen, json!({ "kind": "retting", "description": "y" }))
        .await;
    let (status, _) = app
        .get(
            &format!("/api/v1/requests/{}", old["id"].as_str().unwrap()),
            &citizen,
        )
        .await;
    assert_eq!(status, 404, "not linked yet");
    // Citizens cannot link; bad numbers are refused; staff can.
    let (status, _) = app
        .post(
            "/api/v1/persons/link-numbers",
            &citizen,
            json!({ "pid": fnr.as_str(), "other_pid": d_number.as_str() }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "pid": fnr.as_str(), "other_pid": "12345678901" }),
        )
        .await;
    assert_eq!(status, 422);
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "pid": fnr.as_str(), "other_pid": d_number.as_str() }),
        )
        .await;
    // Both numbers already are persons: a privacy officer approves the merge.
    assert_eq!(status, 202, "{body}");
    let approve = format!(
        "/api/v1/persons/links/{}/approve",
        body["link_id"].as_str().unwrap()
    );
    let ingrid = app.staff("personvern.gamleoslo").await;
    let (status, body) = app.post(&approve, &ingrid, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "status": "linked", "numbers": 2, "merged": true, "link_id": null })
    );
    // Now both numbers see both requests.
    for token in [
        citizen.clone(),
        app.token(json!({ "pid": d_number.as_str() })).await,
    ] {
        for id in [old["id"].as_str().unwrap(), new["id"].as_str().unwrap()] {
            let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
            assert_eq!(status, 200);
        }
    }
    // Linking again is harmless.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "pid": d_number.as_str(), "other_pid": fnr.as_str() }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "status": "linked", "numbers": 2, "merged": false, "link_id": null })
    );
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

/// Requests, persons and person identifiers.
async fn identity_counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("request").await,
        app.count("person").await,
        app.count("person_identifier").await,
    )
}

db_test!(
    staff_register_a_person_by_duf_number_or_by_name_and_birth_date,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let base = json!({ "kind": "innsyn", "description": "Brev", "geography": "030101", "service_area": "settlement" });
        let with = |extra: Value| {
            let mut body = base.clone();
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        let before = identity_counts(&app).await;
        let future = (today() + chrono::Days::new(1)).to_string();
        // (what, body, field at fault)
        let refused = [
            (
                "too short",
                with(json!({ "subject_duf": "2012 58697" })),
                "subject_duf",
            ),
            (
                "year before 1980",
                with(json!({ "subject_duf": "1970 586975 61" })),
                "subject_duf",
            ),
            (
                "spaces in the wrong places",
                with(json!({ "subject_duf": "20125 86975 61" })),
                "subject_duf",
            ),
            (
                "a number and a DUF number",
                with(
                    json!({ "subject_pid": app.citizen_pid(0).await, "subject_duf": "201258697561" }),
                ),
                "subject",
            ),
            (
                "a DUF number and a name",
                with(
                    json!({ "subject_duf": "201258697561", "subject_name": "Amina Yusuf", "subject_birth_date": "1991-03-12" }),
                ),
                "subject",
            ),
            (
                "a name without a date",
                with(json!({ "subject_name": "Ola Nordmann" })),
                "subject_birth_date",
            ),
            (
                "a date without a name",
                with(json!({ "subject_birth_date": "1990-01-31" })),
                "subject_name",
            ),
            (
                "digits in the name",
                with(json!({ "subject_name": "Ola 123", "subject_birth_date": "1990-01-31" })),
                "subject_name",
            ),
            (
                "born tomorrow",
                with(json!({ "subject_name": "Ola Nordmann", "subject_birth_date": future })),
                "subject_birth_date",
            ),
            (
                "a name by e-mail",
                with(
                    json!({ "subject_name": "Ola Nordmann", "subject_birth_date": "1990-01-31", "channel": "email" }),
                ),
                "subject_name",
            ),
            ("nothing", base.clone(), "subject_pid"),
        ];
        for (what, body, field) in refused {
            let (status, problem) = app.post("/api/v1/requests", &kari, body).await;
            assert_eq!(status, 422, "{what}: {problem}");
            assert_eq!(problem["field"], field, "{what}: {problem}");
        }
        // A citizen is identified by the login, never by a number in the body.
        let citizen = app.citizen(0).await;
        let (status, problem) = app
            .post(
                "/api/v1/requests",
                &citizen,
                json!({ "kind": "innsyn", "description": "x", "subject_duf": "201258697561" }),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(problem["field"], "subject_duf");
        assert_eq!(
            identity_counts(&app).await,
            before,
            "nothing written on error"
        );

        // By DUF number, as UDI writes it.
        let by_duf = app
            .create(&kari, with(json!({ "subject_duf": "2012 586975 61" })))
            .await;
        assert_eq!(by_duf["channel"], "letter");
        assert_eq!(by_duf["unit"]["name"], "Nav Gamle Oslo");
        // The same number without spaces is the same person.
        app.create(&kari, with(json!({ "subject_duf": "201258697561" })))
            .await;
        // A paper request by name and date of birth; the same name and date again is a second
        // person: two people can share both, and a guess must never give one the other's data.
        let by_name = app
            .create(
                &kari,
                with(json!({ "subject_name": "Ola Nordmann", "subject_birth_date": "1990-01-31" })),
            )
            .await;
        assert_eq!(by_name["status"], "received");
        app.create(&kari, with(json!({ "subject_name": " ola  nordmann ", "subject_birth_date": "1990-01-31", "channel": "letter" })))
            .await;
        let after = identity_counts(&app).await;
        assert_eq!(after.0, before.0 + 4);
        assert_eq!(
            after.1,
            before.1 + 3,
            "one person by DUF number, two by name"
        );
        assert_eq!(after.2, before.2 + 3, "one identifier each");
        assert_eq!(app.count("person_identifier WHERE kind = 'duf'").await, 1);
        assert_eq!(
            app.count("person_identifier WHERE kind = 'name_birth_date'")
                .await,
            2
        );
        // Neither the number nor the name is stored in clear.
        assert_eq!(
            app.count("person_identifier WHERE pid_ciphertext LIKE '%201258697561%' OR pid_ciphertext LIKE '%Nordmann%'").await,
            0
        );
    }
);

db_test!(staff_link_a_duf_number_to_the_later_fodselsnummer, |app| {
    let fnr = (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(3, 4, 95, i, true, false))
        .unwrap();
    let duf = "2019 123456 78";
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_duf": duf, "geography": "030101", "service_area": "settlement" })).await;
    let citizen = app.token(json!({ "pid": fnr.as_str() })).await;
    let new = app
        .create(&citizen, json!({ "kind": "retting", "description": "y" }))
        .await;
    let old_path = format!("/api/v1/requests/{}", old["id"].as_str().unwrap());
    let (status, _) = app.get(&old_path, &citizen).await;
    assert_eq!(status, 404, "not linked yet");
    // (what, body, field at fault)
    for (what, body, field) in [
        (
            "bad DUF number",
            json!({ "duf": "2019 12345", "other_pid": fnr.as_str() }),
            "duf",
        ),
        (
            "both",
            json!({ "pid": fnr.as_str(), "duf": duf, "other_pid": fnr.as_str() }),
            "duf",
        ),
        ("neither", json!({ "other_pid": fnr.as_str() }), "pid"),
        (
            "bad other number",
            json!({ "duf": duf, "other_pid": "12345678901" }),
            "other_pid",
        ),
    ] {
        let (status, problem) = app.post("/api/v1/persons/link-numbers", &kari, body).await;
        assert_eq!(status, 422, "{what}: {problem}");
        assert_eq!(problem["field"], field, "{what}: {problem}");
    }
    let (status, _) = app
        .post(
            "/api/v1/persons/link-numbers",
            &citizen,
            json!({ "duf": duf, "other_pid": fnr.as_str() }),
        )
        .await;
    assert_eq!(status, 403, "citizens do not link");
    assert_eq!(app.count("person_link").await, 0);
    // Both are persons already: the merge waits for a privacy officer, not the one who asked.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "duf": duf, "other_pid": fnr.as_str() }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let approve = format!(
        "/api/v1/persons/links/{}/approve",
        body["link_id"].as_str().unwrap()
    );
    let (status, _) = app.post(&approve, &kari, json!({})).await;
    assert_eq!(status, 403, "four eyes");
    let (status, _) = app.get(&old_path, &citizen).await;
    assert_eq!(status, 404, "still apart while the merge waits");
    let ingrid = app.staff("personvern.gamleoslo").await;
    let (status, body) = app.post(&approve, &ingrid, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "status": "linked", "numbers": 2, "merged": true, "link_id": null })
    );
    // The person's cases are found under the fødselsnummer now.
    for id in [old["id"].as_str().unwrap(), new["id"].as_str().unwrap()] {
        let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &citizen).await;
        assert_eq!(status, 200);
    }
    // A DUF number with a number nobody has yet: added to the person at once.
    let later = (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(9, 9, 97, i, true, false))
        .unwrap();
    let other = app.create(&kari, json!({ "kind": "innsyn", "description": "z", "subject_duf": "202012345678", "geography": "030101", "service_area": "settlement" })).await;
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "duf": "2020 123456 78", "other_pid": later.as_str() }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "status": "linked", "numbers": 2, "merged": false, "link_id": null })
    );
    let token = app.token(json!({ "pid": later.as_str() })).await;
    let (status, _) = app
        .get(
            &format!("/api/v1/requests/{}", other["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(status, 200);
});
