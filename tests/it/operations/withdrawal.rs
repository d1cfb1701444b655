//! Withdrawal on the person's recorded wish, the citizen withdrawing and answering a
//! clarification, and an extension refused after the first deadline.
use super::*;

db_test!(
    staff_withdraw_only_on_the_persons_recorded_withdrawal,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let received = today() - chrono::Days::new(3);
        let req = app
        .create(&kari, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": app.citizen_pid(0).await, "received_on": received.to_string() }))
        .await;
        let id = req["id"].as_str().unwrap();
        let refused = [
            // No record of the person's withdrawal at all.
            json!({ "action": "withdraw" }),
            json!({ "action": "withdraw", "note": "Ringte" }),
            // Received before the request, or in the future.
            json!({ "action": "withdraw", "withdrawal": { "channel": "letter", "received_on": (received - chrono::Days::new(1)).to_string() } }),
            json!({ "action": "withdraw", "withdrawal": { "channel": "phone", "received_on": (today() + chrono::Days::new(1)).to_string() } }),
            // A record with another step.
            json!({ "action": "start", "withdrawal": { "channel": "letter", "received_on": today().to_string() } }),
        ];
        for body in refused {
            let (status, problem) = act(&app, &kari, id, "transitions", body.clone()).await;
            assert_eq!(status, 422, "{body}: {problem}");
            assert_eq!(problem["field"], "withdrawal", "{problem}");
        }
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
        assert_eq!(view["status"], "received", "nothing was written");
        let (status, body) = act(&app, &kari, id, "transitions", json!({ "action": "withdraw", "withdrawal": { "channel": "letter", "received_on": today().to_string(), "reference": " 2026/123-4 " } })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "withdrawn");
        // The record is on the case's timeline.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &kari)
            .await;
        let last = events.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "withdraw");
        assert_eq!(last["details"]["withdrawal"]["channel"], "letter");
        assert_eq!(
            last["details"]["withdrawal"]["received_on"],
            today().to_string()
        );
        assert_eq!(last["details"]["withdrawal"]["reference"], "2026/123-4");
        // A citizen withdraws their own request without a record, and cannot give one.
        let citizen = app.citizen(0).await;
        let own = app
            .create(
                &citizen,
                json!({ "kind": "retting", "description": "x", "service_area": "settlement" }),
            )
            .await;
        let oid = own["id"].as_str().unwrap();
        let (status, _) = act(&app, &citizen, oid, "transitions", json!({ "action": "withdraw", "withdrawal": { "channel": "letter", "received_on": today().to_string() } })).await;
        assert_eq!(status, 422);
        let (status, body) = act(
            &app,
            &citizen,
            oid,
            "transitions",
            json!({ "action": "withdraw" }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
);

db_test!(citizen_withdraws_and_answers_clarification, |app| {
    let citizen = app.citizen(0).await;
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let req = app
        .create(
            &citizen,
            json!({ "kind": "retting", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    act(&app, &kari, id, "transitions", json!({ "action": "start" })).await;
    let (_, body) = act(
        &app,
        &kari,
        id,
        "transitions",
        json!({ "action": "ask_requester", "note": "Hvilken adresse er riktig?" }),
    )
    .await;
    assert_eq!(body["status"], "awaiting_requester");
    let (status, body) = act(
        &app,
        &citizen,
        id,
        "transitions",
        json!({ "action": "requester_answered" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["allowed_actions"], json!(["withdraw"]));
    let (status, body) = act(
        &app,
        &citizen,
        id,
        "transitions",
        json!({ "action": "withdraw" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "withdrawn");
});

db_test!(extension_is_refused_after_the_first_deadline, |app| {
    let alna = app.staff("saksbehandler.alna").await;
    let pid = app.citizen_pid(4).await;
    let old = today() - chrono::Days::new(45);
    let req = app
        .create(&alna, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": pid, "received_on": old.to_string() }))
        .await;
    let id = req["id"].as_str().unwrap();
    let (status, problem) = act(&app, &alna, id, "extend", json!({ "reason": "For sent" })).await;
    assert_eq!(status, 409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&dsar::deadlines::due_date(old).to_string()),
        "{problem}"
    );
    // Within the first month: beyond three months is refused, an earlier date is fine.
    let fresh = app.create(&alna, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": pid })).await;
    let fid = fresh["id"].as_str().unwrap();
    let too_far = dsar::deadlines::extended_due_date(today()) + chrono::Days::new(1);
    let (status, _) = act(
        &app,
        &alna,
        fid,
        "extend",
        json!({ "reason": "x", "due_on": too_far.to_string() }),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = act(&app, &alna, fid, "extend", json!({ "reason": " " })).await;
    assert_eq!(status, 422);
    let some = dsar::deadlines::due_date(today()) + chrono::Days::new(14);
    let (status, body) = act(
        &app,
        &alna,
        fid,
        "extend",
        json!({ "reason": "Komplisert", "due_on": some.to_string() }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["due_on"], some.to_string());
});
