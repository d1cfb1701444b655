//! A citizen follows their own case: withdraws and downloads, answers a clarification request,
//! and sees which roles and units opened it and, where the controller allows it, the names.
use super::*;

db_test!(a_citizen_follows_withdraws_and_downloads, |app| {
    let start = app
        .client
        .get(app.url("/?lang=uk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(start.contains("lang=\"uk\""));
    assert!(start.contains("Доступ"), "the rights in plain words");
    assert!(start.contains("Bydel Gamle Oslo"), "who answers");

    // A request for citizen 2, extended with a reason, registered by Elverum.
    let staff = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app.create(&staff, json!({"kind": "retting", "description": "Feil adresse", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap().to_string();
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/extend"),
            &staff,
            json!({"reason": "Mange kilder må kontrolleres"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");

    let browser = Browser::new();
    let (page, _) = demo_citizen_login(&browser, &app, &pid).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains(created["reference"].as_str().unwrap()),
        "listed on Min side"
    );
    assert!(html.contains(&format!("/min-side/sak/{id}")));

    let r = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=en")))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let case = r.text().await.unwrap();
    assert!(
        case.contains("Mange kilder må kontrolleres"),
        "the extension's reason"
    );
    assert!(case.contains("Rectification"));
    assert!(case.contains("There is no answer yet."));

    // Withdrawing needs the CSRF token; with it, the request is withdrawn.
    let action = app.url(&format!("/min-side/sak/{id}/trekk?lang=en"));
    let r = browser
        .post_form(&action, &[("csrf_token".into(), "forged".into())])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .post_form(
            &action,
            &[
                ("csrf_token".into(), csrf_token(&case)),
                ("confirm".into(), "yes".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
    assert_eq!(view["status"], "withdrawn");
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=en")))
        .await
        .text()
        .await
        .unwrap();
    assert!(case.contains("Withdrawn") && !case.contains("Withdraw the request"));

    // Someone else's request is simply not found, and so is a malformed id.
    let other_request = app.create(&staff, json!({"kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": app.citizen_pid(3).await})).await;
    let r = browser
        .get(&app.url(&format!(
            "/min-side/sak/{}",
            other_request["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = browser.get(&app.url("/min-side/sak/not-a-uuid")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // An answered request: the documents are downloadable here.
    let created = app.create(&staff, json!({"kind": "protest", "description": "Ikke forskning", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&staff, &id).await;
    app.post(
        &format!("/api/v1/requests/{id}/transitions"),
        &staff,
        json!({"action": "start"}),
    )
    .await;
    app.collect_to_idle(&staff, &id).await;
    let approved = app
        .decide_and_approve(&staff, &staff, &id, json!({"outcome": "granted"}))
        .await;
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}")))
        .await
        .text()
        .await
        .unwrap();
    let doc = approved["documents"][0]["id"].as_str().unwrap();
    let href = format!("/min-side/sak/{id}/dokument/{doc}");
    assert!(case.contains(&href), "{case}");
    let r = browser.get(&app.url(&href)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    // Nobody else gets it by the address, and ids cannot be mixed: a document under another
    // request of one's own, or one's own document under someone else's request.
    let other = Browser::new();
    demo_citizen_login(&other, &app, &app.citizen_pid(3).await).await;
    let r = other.get(&app.url(&href)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let withdrawn_id = view["id"].as_str().unwrap();
    let r = browser
        .get(&app.url(&format!("/min-side/sak/{withdrawn_id}/dokument/{doc}")))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = browser
        .get(&app.url(&format!(
            "/min-side/sak/{}/dokument/{doc}",
            other_request["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Logged out, the pages send you to the login.
    let r = Browser::new()
        .get(&app.url(&format!("/min-side/sak/{id}")))
        .await;
    assert!(location(&r).contains("/login?return_to=/min-side/sak/"));
});

db_test!(a_citizen_answers_a_clarification_request, |app| {
    let staff = app.staff("saksbehandler.gamleoslo").await;
    let citizen = app.citizen(0).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "begrensning", "description": "Stopp bruken", "service_area": "settlement"}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/requests/{id}/transitions");
    let (s, _) = app.post(&path, &staff, json!({"action": "start"})).await;
    assert_eq!(s, 200);
    let (browser, _) = citizen_browser(&app, 0).await;
    let case_url = app.url(&format!("/min-side/sak/{id}?lang=en"));
    // Not waiting for the person: no form.
    let case = browser.get(&case_url).await.text().await.unwrap();
    assert!(!case.contains("/svar"));
    let (s, v) = app
        .post(
            &path,
            &staff,
            json!({"action": "ask_requester", "note": "Which <b>complaint</b> is it about?"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let case = browser.get(&case_url).await.text().await.unwrap();
    assert!(case.contains("We need more information from you"));
    assert!(
        case.contains("Which &lt;b&gt;complaint&lt;/b&gt; is it about?"),
        "the question, escaped"
    );
    assert!(case.contains("Waiting for your reply"));
    let answer_url = app.url(&format!("/min-side/sak/{id}/svar?lang=en"));
    let csrf = csrf_token(&case);
    // A forged form is refused; an empty answer is named next to the field.
    let r = browser
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), "forged".into()),
                ("answer".into(), "x".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), csrf.clone()),
                ("answer".into(), "   ".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Write your answer here.") && html.contains("aria-invalid=\"true\""));
    let long = "å".repeat(4001);
    let r = browser
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), csrf.clone()),
                ("answer".into(), long.clone()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().await.unwrap().contains(&long),
        "what was typed is kept"
    );
    // Someone else cannot answer it.
    let (other, other_home) = citizen_browser(&app, 1).await;
    let r = other
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), csrf_token(&other_home)),
                ("answer".into(), "Not mine".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The answer goes into the timeline and the request back to the caseworker.
    let r = browser
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), csrf.clone()),
                (
                    "answer".into(),
                    "  The complaint about housing benefit.  ".into(),
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("svar=sendt"));
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
    assert_eq!(view["status"], "in_progress");
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &staff)
        .await;
    let answered = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "requester_answered")
        .unwrap();
    assert_eq!(
        answered["details"]["note"],
        "The complaint about housing benefit."
    );
    assert_eq!(answered["actor_kind"], "citizen");
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=en&svar=sendt")))
        .await
        .text()
        .await
        .unwrap();
    assert!(case.contains("Your answer has been sent") && case.contains("You answered"));
    assert!(!case.contains("Send the answer"), "nothing more to answer");
    // A second answer is refused: the request is no longer waiting (409, as the API answers).
    let r = browser
        .post_form(
            &answer_url,
            &[
                ("csrf_token".into(), csrf),
                ("answer".into(), "Again".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
});

db_test!(the_case_page_shows_which_roles_and_units_opened_it, |app| {
    let citizen = app.citizen(0).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement"}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let (browser, _) = citizen_browser(&app, 0).await;
    let case_url = app.url(&format!("/min-side/sak/{id}?lang=en"));
    let case = browser.get(&case_url).await.text().await.unwrap();
    assert!(
        case.contains("No staff member has opened the case yet."),
        "the person's own reads are not listed"
    );
    // A caseworker of the unit reads the case twice (one entry) and its timeline; the privacy
    // officer of the controller reads it too; writes are not reads.
    let caseworker = app.staff("saksbehandler.gamleoslo").await;
    for _ in 0..2 {
        let (s, _) = app
            .get(&format!("/api/v1/requests/{id}"), &caseworker)
            .await;
        assert_eq!(s, 200);
    }
    let (s, _) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &caseworker,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(s, 200);
    let officer = app.staff("personvern.gamleoslo").await;
    let (s, _) = app
        .get(&format!("/api/v1/requests/{id}/events"), &officer)
        .await;
    assert_eq!(s, 200);
    let case = browser.get(&case_url).await.text().await.unwrap();
    let section = &case[case.find("Who has opened your case").unwrap()..];
    assert!(section.contains("Caseworker") && section.contains("Nav Gamle Oslo"));
    // The approving role is named for what it does, never as the data protection officer.
    assert!(section.contains("Approver (privacy adviser)"));
    assert!(!section.contains("Data protection officer"));
    assert_eq!(
        section.matches("Opened the case").count(),
        2,
        "one entry per person for reads close together: {section}"
    );
    for name in [
        "saksbehandler.gamleoslo",
        "personvern.gamleoslo",
        "Kari",
        "Ingrid",
    ] {
        assert!(!case.contains(name), "no staff names on the page: {name}");
    }
    // The same list through the service, for someone who may see the request; nobody else.
    let principal = dsar::auth::resolve::resolve_staff(&app.app, "saksbehandler.alna")
        .await
        .unwrap();
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    assert!(matches!(
        dsar::requests::opened::staff_reads(&app.app, &principal, uuid).await,
        Err(dsar::error::ServiceError::NotFound(_))
    ));
});

db_test!(
    the_case_page_names_staff_only_where_their_controller_allows_it,
    |app| {
        use dsar::administration::{ControllerSettings, update_controller};
        let citizen = app.citizen(0).await;
        let created = app
            .create(
                &citizen,
                json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement"}),
            )
            .await;
        let id = created["id"].as_str().unwrap().to_string();
        // Read by a caseworker of the unit (Bydel Gamle Oslo) and by an auditor, who works for no
        // controller.
        for reader in ["saksbehandler.gamleoslo", "revisor"] {
            let token = app.staff(reader).await;
            let (s, _) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
            assert_eq!(s, 200, "{reader}");
        }
        let (browser, _) = citizen_browser(&app, 0).await;
        let case_url = app.url(&format!("/min-side/sak/{id}?lang=en"));
        let opened =
            |html: String| html[html.find("Who has opened your case").unwrap()..].to_string();
        let section = opened(browser.get(&case_url).await.text().await.unwrap());
        assert!(section.contains("Caseworker") && section.contains("Auditor"));
        assert!(
            !section.contains("Kari") && !section.contains("<th scope=\"col\">Name</th>"),
            "off by default: {section}"
        );

        // The administrator turns the setting on for Bydel Gamle Oslo: the caseworker's display
        // name shows; the auditor's does not; usernames never.
        let admin = dsar::auth::resolve::resolve_staff(&app.app, "admin")
            .await
            .unwrap();
        let registry = app.app.registry.get(&app.app.db).await.unwrap();
        let gamle_oslo = registry
            .controllers
            .values()
            .find(|c| c.name == "Bydel Gamle Oslo")
            .unwrap()
            .clone();
        let set = |on: bool| ControllerSettings {
            show_staff_names_to_citizens: on,
            ..ControllerSettings::of(&gamle_oslo)
        };
        update_controller(&app.app, &admin, gamle_oslo.id, set(true))
            .await
            .unwrap();
        let section = opened(browser.get(&case_url).await.text().await.unwrap());
        assert!(
            section.contains("the staff member's name"),
            "the intro says so"
        );
        assert!(section.contains("<th scope=\"col\">Name</th>"));
        assert!(
            section.contains("Kari Saksbehandler (Nav Gamle Oslo)"),
            "{section}"
        );
        assert_eq!(
            section.matches("Not shown").count(),
            1,
            "the auditor: {section}"
        );
        assert!(!section.contains("Revisor (lesetilgang)"));
        assert!(!section.contains("saksbehandler.gamleoslo") && !section.contains("revisor"));
        // Another controller's setting does not name this controller's staff.
        update_controller(&app.app, &admin, gamle_oslo.id, set(false))
            .await
            .unwrap();
        let alna = registry
            .controllers
            .values()
            .find(|c| c.name == "Bydel Alna")
            .unwrap();
        update_controller(
            &app.app,
            &admin,
            alna.id,
            ControllerSettings {
                show_staff_names_to_citizens: true,
                ..ControllerSettings::of(alna)
            },
        )
        .await
        .unwrap();
        let section = opened(browser.get(&case_url).await.text().await.unwrap());
        assert!(
            !section.contains("Kari") && !section.contains("Not shown"),
            "{section}"
        );
        // Only an administrator changes the setting.
        let caseworker = dsar::auth::resolve::resolve_staff(&app.app, "saksbehandler.gamleoslo")
            .await
            .unwrap();
        assert!(matches!(
            update_controller(&app.app, &caseworker, gamle_oslo.id, set(true)).await,
            Err(dsar::error::ServiceError::Forbidden(_))
        ));
        assert_eq!(
            app.count("audit_event WHERE action = 'controller.updated'")
                .await,
            3
        );
    }
);
