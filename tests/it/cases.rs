//! Who sees what: citizens their own; caseworkers their units'; privacy officers their
//! controller's; every staff read is audited.
use reqwest::Method;
use serde_json::json;

use crate::db_test;

db_test!(citizens_see_only_their_own_requests, |app| {
    let amina = app.citizen(0).await;
    let yonas = app.citizen(3).await;
    let mine = app
        .create(
            &amina,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = mine["id"].as_str().unwrap();
    let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &yonas).await;
    assert_eq!(status, 404, "no existence leak");
    let (status, _) = app
        .get(&format!("/api/v1/requests/{id}/events"), &yonas)
        .await;
    assert_eq!(status, 404);
    let (_, page) = app.get("/api/v1/requests?limit=100", &yonas).await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != mine["id"])
    );
    let (_, page) = app.get("/api/v1/requests?limit=100", &amina).await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == mine["id"])
    );
    // A citizen cannot withdraw someone else's request.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &yonas,
            json!({ "action": "withdraw" }),
        )
        .await;
    assert_eq!(status, 404);
});

db_test!(staff_see_their_units_and_controllers_only, |app| {
    let amina = app.citizen(0).await;
    let req = app
        .create(
            &amina,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let path = format!("/api/v1/requests/{id}");
    for (who, expected) in [
        ("saksbehandler.gamleoslo", 200),
        ("personvern.gamleoslo", 200),
        ("revisor", 200),
        ("saksbehandler.grunerlokka", 404),
        ("saksbehandler.ude", 404),
        ("personvern.ude", 404),
        ("admin", 403),
    ] {
        let token = app.staff(who).await;
        let (status, _) = app.get(&path, &token).await;
        assert_eq!(status, expected, "{who}");
    }
    // Every staff read left an audit event naming the reader; the citizen's own reads do not.
    let before = app.count("audit_event").await;
    app.get(&path, &amina).await;
    assert_eq!(app.count("audit_event").await, before);
    let token = app.staff("saksbehandler.gamleoslo").await;
    app.get(&path, &token).await;
    app.get(&format!("{path}/events"), &token).await;
    assert_eq!(app.count("audit_event").await, before + 2);
    // Queue reads are audited with the ids shown.
    app.get("/api/v1/requests", &token).await;
    assert_eq!(app.count("audit_event").await, before + 3);
});

db_test!(auditors_and_citizens_cannot_change_cases, |app| {
    let amina = app.citizen(0).await;
    let req = app
        .create(
            &amina,
            json!({ "kind": "retting", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let auditor = app.staff("revisor").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &auditor,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 403, "auditor may not transition");
    for (op, body) in [
        ("assign", json!({ "assignee": "saksbehandler.gamleoslo" })),
        ("extend", json!({ "reason": "x" })),
    ] {
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/{op}"), &amina, body.clone())
            .await;
        assert_eq!(status, 403, "citizen {op}");
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/{op}"), &auditor, body)
            .await;
        assert_eq!(status, 403, "auditor {op}");
    }
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &amina,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 403);
    let _ = Method::GET;
});
