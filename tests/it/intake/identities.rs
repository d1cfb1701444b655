//! The numbers and names a person is known by: requests under two numbers, a D-nummer or DUF
//! number linked to the later fødselsnummer, and a person registered by DUF number or by name
//! and birth date.
use super::*;

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
