//! Linking numbers and merging persons: limited, approved by someone else than who asked, and a
//! merge with a protected person moving every request to the protected unit.
use super::*;

db_test!(
    linking_numbers_is_limited_and_a_merge_needs_a_privacy_officer,
    |app| {
        let d_number = synthetic(14, 2, 90, true);
        let fnr = synthetic(14, 2, 90, false);
        let other_birthday = synthetic(15, 2, 90, false);
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": d_number, "geography": "030101", "service_area": "settlement" })).await;
        let citizen = app.token(json!({ "pid": fnr })).await;
        let new = app
            .create(&citizen, json!({ "kind": "retting", "description": "y" }))
            .await;
        let link = |pid: &str, other: &str| json!({ "pid": pid, "other_pid": other });
        // A caseworker who sees no case of either person: not found, nothing written.
        let before = app.count("person_identifier").await;
        let lars = app.staff("saksbehandler.lillestrom").await;
        let (status, _) = app
            .post("/api/v1/persons/link-numbers", &lars, link(&fnr, &d_number))
            .await;
        assert_eq!(status, 404);
        // Only a d-nummer with a fødselsnummer of the same birth date.
        let (status, body) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                link(&d_number, &other_birthday),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                link(&fnr, &other_birthday),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(app.count("person_identifier").await, before);
        // Both numbers are persons: the merge waits for approval and nothing moves yet.
        let (status, body) = app
            .post("/api/v1/persons/link-numbers", &kari, link(&fnr, &d_number))
            .await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["status"], "awaiting_approval");
        let link_id = body["link_id"].as_str().unwrap().to_string();
        let old_id = old["id"].as_str().unwrap();
        let (status, _) = app
            .get(&format!("/api/v1/requests/{old_id}"), &citizen)
            .await;
        assert_eq!(status, 404, "not merged before approval");
        assert_eq!(
            audits(&app, "person.merge_requested").await,
            2,
            "one per affected request"
        );
        // Not by a caseworker, not by one who cannot see the persons' cases.
        let approve = format!("/api/v1/persons/links/{link_id}/approve");
        let (status, _) = app.post(&approve, &kari, json!({})).await;
        assert_eq!(status, 403);
        let siri = app.staff("personvern.ude").await;
        let (status, _) = app.post(&approve, &siri, json!({})).await;
        assert_eq!(status, 404);
        // The privacy officer of the controller approves: merged, audited on both requests.
        let ingrid = app.staff("personvern.gamleoslo").await;
        let (status, body) = app.post(&approve, &ingrid, json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["merged"], true);
        assert_eq!(body["numbers"], 2);
        assert_eq!(audits(&app, "person.numbers_linked").await, 2);
        for id in [old_id, new["id"].as_str().unwrap()] {
            let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &citizen).await;
            assert_eq!(status, 200);
        }
        // Approved once only.
        let (status, _) = app.post(&approve, &ingrid, json!({})).await;
        assert_eq!(status, 404);
    }
);

db_test!(a_privacy_officer_does_not_approve_their_own_merge, |app| {
    let d_number = synthetic(3, 4, 92, true);
    let fnr = synthetic(3, 4, 92, false);
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for pid in [&d_number, &fnr] {
        app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    }
    let ingrid = app.staff("personvern.gamleoslo").await;
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &ingrid,
            json!({ "pid": d_number, "other_pid": fnr }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let (status, _) = app
        .post(
            &format!(
                "/api/v1/persons/links/{}/approve",
                body["link_id"].as_str().unwrap()
            ),
            &ingrid,
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
});

db_test!(
    a_merge_with_a_protected_person_moves_every_request_to_the_protected_unit,
    |app| {
        // Demo citizen 5 has a strictly confidential address; their earlier d-nummer had a case in
        // an ordinary unit.
        let d_number = synthetic(30, 9, 80, true);
        let fnr = app.citizen_pid(5).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": d_number, "geography": "030101", "service_area": "settlement" })).await;
        let old_id = old["id"].as_str().unwrap();
        assert_eq!(old["unit"]["name"], "Nav Gamle Oslo");
        let (status, body) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                json!({ "pid": d_number, "other_pid": fnr }),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        let ingrid = app.staff("personvern.gamleoslo").await;
        let (status, body) = app
            .post(
                &format!(
                    "/api/v1/persons/links/{}/approve",
                    body["link_id"].as_str().unwrap()
                ),
                &ingrid,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.get(&format!("/api/v1/requests/{old_id}"), &kari).await;
        assert_eq!(status, 404, "the ordinary unit no longer sees it");
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        let (status, body) = app.get(&format!("/api/v1/requests/{old_id}"), &sara).await;
        assert_eq!(status, 200);
        assert_eq!(body["unit"]["name"], "Oslo kommune – skjermede personer");
    }
);
