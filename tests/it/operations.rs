//! The case lifecycle end to end: assign, start, extend, complete; withdraw; forward.
use serde_json::{Value, json};

use crate::{db_test, support::*};

/// The kinds of the request's documents the caller sees (sorted), and the text of the one of
/// `kind`, if any.
async fn documents(app: &TestApp, token: &str, id: &str, kind: &str) -> (Vec<String>, String) {
    let (status, docs) = app
        .get(&format!("/api/v1/requests/{id}/documents"), token)
        .await;
    assert_eq!(status, 200, "{docs}");
    let docs = docs.as_array().unwrap();
    let mut kinds: Vec<String> = docs
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    let text = match docs.iter().find(|d| d["kind"] == kind) {
        Some(d) => app
            .call(
                reqwest::Method::GET,
                d["href"].as_str().unwrap(),
                Some(token),
                None,
            )
            .await
            .text()
            .await
            .unwrap(),
        None => String::new(),
    };
    (kinds, text)
}

async fn act(app: &TestApp, token: &str, id: &str, op: &str, body: Value) -> (u16, Value) {
    app.post(&format!("/api/v1/requests/{id}/{op}"), token, body)
        .await
}

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

db_test!(forwarding_within_and_across_controllers, |app| {
    let alna = app.staff("saksbehandler.alna").await;
    let pid = app.citizen_pid(4).await;
    let received = today() - chrono::Days::new(5);
    let req = app
        .create(&alna, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": pid, "received_on": received.to_string() }))
        .await;
    let id = req["id"].as_str().unwrap();
    let personas = app.personas().await;
    let unit_of = |user: &str| {
        personas["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == user)
            .unwrap()["unit_ids"][0]
            .as_str()
            .unwrap()
            .to_string()
    };
    // To another controller, a reason for the person is required.
    let ude_unit = unit_of("saksbehandler.ude");
    let (status, body) = act(&app, &alna, id, "forward", json!({ "unit_id": ude_unit })).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "note", "{body}");
    // To another controller (Utdanningsetaten): the case here closes as forwarded, its receipt
    // date kept; Utdanningsetaten gets its own request, received today.
    let (status, body) = act(
        &app,
        &alna,
        id,
        "forward",
        json!({ "unit_id": ude_unit, "note": "Kravet gjelder norskopplæringen, som Utdanningsetaten har ansvaret for." }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "forwarded");
    assert_eq!(body["controller"]["name"], "Bydel Alna");
    assert_eq!(body["received_on"], received.to_string());
    let (status, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &alna)
        .await;
    assert_eq!(status, 200);
    let forwarded = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "forwarded")
        .unwrap_or_else(|| panic!("{events}"));
    let onward_id = forwarded["details"]["onward_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let onward_reference = forwarded["details"]["onward_reference"]
        .as_str()
        .unwrap()
        .to_string();
    let ude = app.staff("saksbehandler.ude").await;
    let (status, onward) = app
        .get(&format!("/api/v1/requests/{onward_id}"), &ude)
        .await;
    assert_eq!(status, 200, "{onward}");
    assert_eq!(onward["controller"]["name"], "Utdanningsetaten");
    assert_eq!(onward["reference"], onward_reference);
    assert_eq!(onward["status"], "received");
    assert_eq!(onward["received_on"], today().to_string());
    assert_eq!(
        onward["due_on"],
        dsar::deadlines::due_date(today()).to_string()
    );
    // Each body sees its own case only.
    let (status, _) = app
        .get(&format!("/api/v1/requests/{onward_id}"), &alna)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &ude).await;
    assert_eq!(status, 404);
    // The person sees both, and the letter tells where, why and under which number.
    let citizen = app.citizen(4).await;
    for rid in [id, onward_id.as_str()] {
        let (status, _) = app.get(&format!("/api/v1/requests/{rid}"), &citizen).await;
        assert_eq!(status, 200);
    }
    let (kinds, letter) = documents(&app, &citizen, id, "forwarded_html").await;
    assert_eq!(kinds, ["forwarded_html", "forwarded_pdf"]);
    for expected in [
        "Vi har sendt kravet ditt videre",
        "Utdanningsetaten",
        "Kravet gjelder norskopplæringen",
        onward_reference.as_str(),
        "forvaltningsloven § 7",
        "Saken din hos oss er avsluttet",
    ] {
        assert!(letter.contains(expected), "{expected}: {letter}");
    }
    // A closed case is not forwarded again.
    let (status, _) = act(
        &app,
        &alna,
        id,
        "forward",
        json!({ "unit_id": unit_of("saksbehandler.gamleoslo"), "note": "x" }),
    )
    .await;
    assert_eq!(status, 409);
    let id = onward_id.as_str();
    // Forwarding to an unknown unit is an input error.
    let (status, _) = act(
        &app,
        &ude,
        id,
        "forward",
        json!({ "unit_id": uuid::Uuid::now_v7() }),
    )
    .await;
    assert_eq!(status, 422);
    // Within one controller the first receipt date is kept.
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let req = app
        .create(&kari, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": app.citizen_pid(0).await, "received_on": received.to_string() }))
        .await;
    let officer_unit = unit_of("personvern.gamleoslo");
    assert_eq!(
        officer_unit,
        req["unit"]["id"].as_str().unwrap(),
        "officer works the district's unit"
    );
    let (status, _) = act(
        &app,
        &kari,
        req["id"].as_str().unwrap(),
        "forward",
        json!({ "unit_id": officer_unit }),
    )
    .await;
    assert_eq!(status, 409, "already with that unit");
    // Forward out of the system closes it and the trail shows where.
    let (status, body) = act(
        &app,
        &kari,
        req["id"].as_str().unwrap(),
        "transitions",
        json!({ "action": "forward_out", "note": "Sendt til IMDi" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "forwarded");
    assert_eq!(body["received_on"], received.to_string());
    // …and the person gets a letter that says where and why.
    let citizen = app.citizen(0).await;
    let (_, letter) = documents(
        &app,
        &citizen,
        req["id"].as_str().unwrap(),
        "forwarded_html",
    )
    .await;
    assert!(letter.contains("Sendt til IMDi"), "{letter}");
    assert!(
        letter.contains("Saken din hos oss er avsluttet"),
        "{letter}"
    );
});

fn collection_worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

db_test!(
    the_address_never_undoes_a_manual_forward,
    setup = collection_worker_on,
    |app| {
        // A person Folkeregisteret places in Alna, registered there.
        let kari = app.staff("saksbehandler.alna").await;
        let pid = app.citizen_pid(4).await;
        let req = app
            .create(&kari, json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": pid }))
            .await;
        let id = req["id"].as_str().unwrap();
        assert_eq!(req["unit"]["name"], "Nav Alna");
        // To Utdanningsetaten: the onward request is where a person sent it; Folkeregisteret's
        // address (Alna) does not bounce it to Bydel Alna.
        let personas = app.personas().await;
        let ude_unit = personas["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == "saksbehandler.ude")
            .unwrap()["unit_ids"][0]
            .as_str()
            .unwrap()
            .to_string();
        let (status, body) = act(
            &app,
            &kari,
            id,
            "forward",
            json!({ "unit_id": ude_unit, "note": "Gjelder norskopplæringen" }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &kari)
            .await;
        let onward_id = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "forwarded")
            .unwrap()["details"]["onward_request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let ude = app.staff("saksbehandler.ude").await;
        let (status, _) = act(&app, &ude, &onward_id, "collect", json!({})).await;
        assert_eq!(status, 202);
        // Until every source has answered (or the request has left Utdanningsetaten).
        let start = std::time::Instant::now();
        loop {
            let (status, tasks) = app
                .get(&format!("/api/v1/requests/{onward_id}/sources"), &ude)
                .await;
            let tasks = tasks.as_array().cloned().unwrap_or_default();
            if status != 200
                || (!tasks.is_empty()
                    && tasks
                        .iter()
                        .all(|t| t["status"] != "pending" && t["status"] != "running"))
            {
                break;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "collection did not finish: {tasks:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (status, onward) = app
            .get(&format!("/api/v1/requests/{onward_id}"), &ude)
            .await;
        assert_eq!(status, 200, "{onward}");
        assert_eq!(onward["controller"]["name"], "Utdanningsetaten");
        let (_, events) = app
            .get(&format!("/api/v1/requests/{onward_id}/events"), &ude)
            .await;
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["action"] != "rerouted"),
            "{events}"
        );
    }
);
