//! A case worked from the case page: reveal, note, extension, decision with its letter
//! preview, four-eyes approval by a second person, and forwarding to another controller.
use super::*;

db_test!(a_case_is_worked_from_the_case_page, |app| {
    let token = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app.create(&token, json!({"kind": "retting", "description": "Feil adresse i introduksjonsprogrammet", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap();
    app.verify_identity(&token, id).await;
    let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
    let case_path = format!("/office/sak/{id}?lang=en");
    let (status, html) = page(&browser, &app, &case_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Feil adresse i introduksjonsprogrammet"));
    assert!(!html.contains(&pid), "the number is masked");
    assert!(html.contains(&format!("{}*****", &pid[..6])));
    let csrf = csrf_token(&html);

    // Revealing the number shows it on that one answer and leaves an audit event.
    let before = app
        .count("audit_event WHERE action = 'person.pid_revealed'")
        .await;
    let (status, _, html) =
        post(&browser, &app, &format!("/office/sak/{id}/fnr"), &csrf, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&pid));
    assert_eq!(
        app.count("audit_event WHERE action = 'person.pid_revealed'")
            .await,
        before + 1
    );

    // Start; an internal note the person never sees.
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/steg"),
        &csrf,
        &[("action", "start")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/notat"),
        &csrf,
        &[("text", "Ringte kommunen, venter svar")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&browser, &app, &case_path).await;
    assert!(html.contains("Ringte kommunen, venter svar") && html.contains("Internal note"));
    let citizen = app.citizen(2).await;
    let (status, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &citizen)
        .await;
    assert_eq!(status, 200);
    assert!(
        !events.to_string().contains("Ringte kommunen"),
        "not for the person: {events}"
    );

    // An extension without a reason is refused beside the field, with the typed date kept.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/frist"),
        &csrf,
        &[("reason", " "), ("due_on", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Write the reason for the extension"),
        "the error beside the field"
    );
    assert!(html.contains("id=\"extend-errors\""), "the error summary");
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/frist"),
        &csrf,
        &[("reason", "Mange kilder"), ("due_on", "")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["extension_reason"], "Mange kilder");
    assert_eq!(v["due_on"], v["extended_due_on"]);

    // Before the sources have answered there is nothing to decide on: the page says so instead
    // of the decision form, and a decision posted anyway is refused beside the waiver's reason.
    let (_, html) = page(&browser, &app, &case_path).await;
    assert!(
        html.contains("id=\"collection-blocked\""),
        "the block is shown"
    );
    assert!(
        !html.contains("id=\"decision-form\""),
        "no decision form yet"
    );
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", ""), ("go", "preview")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("The decision waits until every source has answered"));
    assert!(
        html.contains("id=\"waive-reason-error\""),
        "beside the field"
    );
    // A waiver needs a reason; the refusal is beside the field.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/innhenting/frafall"),
        &csrf,
        &[("reason", "  ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Say why the decision can be made without collection."));
    let waivers = app
        .count("request_event WHERE action = 'collection_waived'")
        .await;
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &token)
        .await;
    assert!(
        !events.to_string().contains("collection_waived"),
        "nothing waived: {waivers} waivers in all"
    );
    app.collect_to_idle(&token, id).await;
    let (_, html) = page(&browser, &app, &case_path).await;
    assert!(
        !html.contains("id=\"collection-blocked\""),
        "collected: no block"
    );

    // A refusal without a legal basis is refused; what was typed stays.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[
            ("outcome", "refused"),
            ("text", "Adressen er riktig registrert"),
            ("go", "save"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("must cite at least one legal basis"));
    assert!(
        html.contains("Adressen er riktig registrert"),
        "the text is kept"
    );
    // The preview is the letter, in the person's language, and saves nothing.
    let decisions_before = app.count("decision").await;
    let (status, _, letter) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", ""), ("go", "preview")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        letter.contains(created["reference"].as_str().unwrap()),
        "the letter names the case"
    );
    assert_eq!(
        app.count("decision").await,
        decisions_before,
        "a preview saves nothing"
    );
    // Elverum decides alone (no four eyes): save, then send the answer.
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", ""), ("go", "save")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Sent from beside the letter it sends (the form names the draft shown).
    let (_, html) = page(&browser, &app, &case_path).await;
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &csrf,
        &[("decision_id", &shown_draft(&html))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "completed");
    let (_, html) = page(&browser, &app, &case_path).await;
    let doc_link = html
        .split(&format!("/office/sak/{id}/dokument/"))
        .nth(1)
        .expect("a document link");
    let doc_id = &doc_link[..36];
    let r = browser
        .get(&app.url(&format!("/office/sak/{id}/dokument/{doc_id}")))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // Another unit's case is not found.
    let ude = app.staff("saksbehandler.ude").await;
    let theirs = app.create(&ude, json!({"kind": "innsyn", "description": "x", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(0).await})).await;
    let (status, _) = page(
        &browser,
        &app,
        &format!("/office/sak/{}", theirs["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(&browser, &app, "/office/sak/not-an-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

db_test!(four_eyes_approval_needs_a_second_person, |app| {
    let token = app.staff("saksbehandler.ude").await;
    let created = app.create(&token, json!({"kind": "sletting", "description": "Slett kursdata", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(0).await})).await;
    let id = created["id"].as_str().unwrap();
    app.verify_identity(&token, id).await;
    let (caseworker, html) = staff_browser(&app, "saksbehandler.ude").await;
    let csrf = csrf_token(&html);
    post(
        &caseworker,
        &app,
        &format!("/office/sak/{id}/steg"),
        &csrf,
        &[("action", "start")],
    )
    .await;
    app.collect_to_idle(&token, id).await;
    let (status, _, _) = post(
        &caseworker,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", ""), ("go", "save")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "awaiting_approval");

    // The privacy officer sends it back with a comment, which the caseworker then reads.
    let (officer, html) = staff_browser(&app, "personvern.ude").await;
    let ocsrf = csrf_token(&html);
    let (_, html) = page(&officer, &app, "/office?status=awaiting_approval").await;
    assert!(
        html.contains(created["reference"].as_str().unwrap()),
        "the approval queue"
    );
    let (status, _, html) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/returner"),
        &ocsrf,
        &[("comment", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let (status, _, _) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/returner"),
        &ocsrf,
        &[("comment", "Nevn arkivplikten")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&caseworker, &app, &format!("/office/sak/{id}")).await;
    assert!(html.contains("Nevn arkivplikten"));
    post(
        &caseworker,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[
            ("outcome", "granted"),
            ("text", "Alt slettes"),
            ("go", "save"),
        ],
    )
    .await;
    // The caseworker cannot approve; the officer can.
    let (status, _, _) = post(
        &caseworker,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &csrf,
        &[],
    )
    .await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&officer, &app, &format!("/office/sak/{id}")).await;
    let (status, _, _) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &ocsrf,
        &[("decision_id", &shown_draft(&html))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "completed");
});

db_test!(forwarding_to_another_controller_from_the_case_page, |app| {
    let token = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app
        .create(
            &token,
            json!({"kind": "innsyn", "description": "Alt om meg", "subject_pid": pid}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let registry = app.app.registry.get(&app.app.db).await.unwrap();
    let lillestrom = registry
        .units
        .values()
        .find(|u| u.name == "Lillestrøm kommune – personvern")
        .unwrap()
        .id
        .to_string();
    let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
    let case_path = format!("/office/sak/{id}?lang=en");
    let (_, html) = page(&browser, &app, &case_path).await;
    let csrf = csrf_token(&html);
    // Without a reason: refused beside the note, in words that say what is missing.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/videresend"),
        &csrf,
        &[("unit_id", &lillestrom), ("note", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Write why the case goes to another controller"),
        "{html}"
    );
    // With one: the case stays here, closed as forwarded, the letter among its documents.
    let (status, to, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/videresend"),
        &csrf,
        &[
            ("unit_id", &lillestrom),
            ("note", "Du bor i Lillestrøm nå."),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().contains("done=forwarded"));
    let (status, view) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(view["status"], "forwarded");
    assert_eq!(view["controller"]["name"], "Elverum kommune");
});
