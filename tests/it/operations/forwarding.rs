//! Forwarding within and across controllers, and the address never undoing a manual forward.
use super::*;

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
        app.run_jobs_to_idle().await;
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
