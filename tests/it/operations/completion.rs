//! A caseworker works a request to completion, and four-eyes controllers need approval.
use super::*;

db_test!(a_caseworker_works_a_request_to_completion, |app| {
    let citizen = app.citizen(0).await;
    let req = app
        .create(
            &citizen,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let kari = app.staff("saksbehandler.gamleoslo").await;
    // Completing straight from received is an illegal transition.
    let (status, problem) = act(
        &app,
        &kari,
        id,
        "transitions",
        json!({ "action": "complete", "outcome": "granted" }),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    // Assigning to someone outside the unit is refused; to a colleague it works.
    let (status, _) = act(
        &app,
        &kari,
        id,
        "assign",
        json!({ "assignee": "saksbehandler.ude" }),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) = act(
        &app,
        &kari,
        id,
        "assign",
        json!({ "assignee": "saksbehandler2.gamleoslo" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["assignee"], "saksbehandler2.gamleoslo");
    let (status, body) = act(&app, &kari, id, "transitions", json!({ "action": "start" })).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "in_progress");
    // Extend with a reason: the default is the latest allowed date.
    let (status, body) = act(
        &app,
        &kari,
        id,
        "extend",
        json!({ "reason": "Mange kilder må hentes" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["due_on"], body["extended_due_on"]);
    assert_eq!(body["extension_reason"], "Mange kilder må hentes");
    // The person gets the extension letter with the reasons and the new date on Min side, in
    // their language, whether or not they gave an e-mail address.
    let (kinds, letter) = documents(&app, &citizen, id, "extension_html").await;
    assert_eq!(kinds, ["extension_html", "extension_pdf"]);
    assert!(letter.contains("Mange kilder må hentes"), "{letter}");
    let due_on =
        chrono::NaiveDate::parse_from_str(body["due_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert!(
        letter.contains(&dsar::letters::format_date(
            dsar::i18n::Language::Nb,
            due_on
        )),
        "the letter names the new date"
    );
    // The transitions endpoint never closes a request as answered: the exact attack (a
    // one-word refusal by one caseworker) and every other decision step are refused with a
    // problem that points to the decision endpoint, and nothing is written.
    let documents_before = app.count("document").await;
    for body in [
        json!({ "action": "complete", "outcome": "refused", "note": "Nei" }),
        json!({ "action": "complete", "outcome": "granted" }),
        json!({ "action": "complete" }),
        json!({ "action": "approve", "outcome": "granted" }),
        json!({ "action": "submit_for_approval" }),
        json!({ "action": "send_back" }),
    ] {
        let (status, problem) = act(&app, &kari, id, "transitions", body.clone()).await;
        assert_eq!(status, 409, "{body}: {problem}");
        assert_eq!(
            problem["type"], "https://dsar.example/problems/decision-required",
            "{problem}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains("/decision"),
            "{problem}"
        );
    }
    // An outcome with an ordinary step is an input error, not a silent extra.
    let (status, problem) = act(
        &app,
        &kari,
        id,
        "transitions",
        json!({ "action": "ask_requester", "note": "?", "outcome": "granted" }),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "outcome");
    let (_, body) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["outcome"], Value::Null);
    assert_eq!(app.count("document").await, documents_before);
    // The decision closes it: outcome, legal basis, reasons, and the letter stored.
    app.collect_to_idle(&kari, id).await;
    let (status, body) = act(&app, &kari, id, "decision", json!({ "outcome": "partially_granted", "legal_bases": ["gdpr-15-4"], "text": "Tredjeparts opplysninger er holdt tilbake." })).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = act(&app, &kari, id, "decision/approve", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["documents"].as_array().unwrap().len() >= 2,
        "the answer letter is stored: {body}"
    );
    let (_, body) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    assert_eq!(body["status"], "completed");
    assert_eq!(body["outcome"], "partially_granted");
    assert!(body["closed_at"].is_string());
    // Closed is closed.
    let (status, _) = act(
        &app,
        &citizen,
        id,
        "transitions",
        json!({ "action": "withdraw" }),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = act(&app, &kari, id, "extend", json!({ "reason": "x" })).await;
    assert_eq!(status, 409);
    // The timeline tells the story in order, naming the staff member.
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &kari)
        .await;
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Collection's own lines (started, each source's answer) come between.
    let at = actions.iter().position(|a| *a == "collection_started");
    let collected = at.map(|at| {
        actions[at..]
            .iter()
            .take_while(|a| a.starts_with("collection_") || a.starts_with("source_"))
            .count()
    });
    assert!(collected.is_some_and(|n| n > 1), "{actions:?}");
    let actions: Vec<&str> = actions
        .into_iter()
        .filter(|a| !a.starts_with("collection_") && !a.starts_with("source_"))
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "assigned",
            "start",
            "extended",
            "decision_drafted",
            "decision_approved"
        ]
    );
    assert_eq!(events[2]["actor"], "saksbehandler.gamleoslo");
    assert_eq!(events[2]["from_status"], "received");
    assert_eq!(events[2]["to_status"], "in_progress");
    assert_eq!(events[3]["details"]["reason"], "Mange kilder må hentes");
});

db_test!(four_eyes_controllers_need_approval, |app| {
    // Utdanningsetaten requires a second person's approval.
    let citizen = app.citizen(0).await;
    let req = app
        .create(
            &citizen,
            json!({ "kind": "sletting", "description": "x", "service_area": "norwegian-training" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let jonas = app.staff("saksbehandler.ude").await;
    act(
        &app,
        &jonas,
        id,
        "transitions",
        json!({ "action": "start" }),
    )
    .await;
    app.collect_to_idle(&jonas, id).await;
    let (status, body) = act(
        &app,
        &jonas,
        id,
        "decision",
        json!({ "outcome": "granted" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &jonas).await;
    assert_eq!(view["status"], "awaiting_approval");
    // The drafter cannot approve, not even by the old generic step.
    let (status, _) = act(&app, &jonas, id, "decision/approve", json!({})).await;
    assert_eq!(status, 403, "a caseworker cannot approve");
    let siri = app.staff("personvern.ude").await;
    let (status, problem) = act(
        &app,
        &siri,
        id,
        "transitions",
        json!({ "action": "approve", "outcome": "granted" }),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    let (status, body) = act(&app, &siri, id, "decision/approve", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &siri).await;
    assert_eq!(view["status"], "completed");
    assert_eq!(view["outcome"], "granted");
});
