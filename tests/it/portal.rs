//! The citizen's pages through a real login: the rights explained, their requests with status
//! and deadline, one request's page with the extension reason, withdrawing with CSRF, the answer
//! downloaded; never someone else's request.
use reqwest::StatusCode;
use serde_json::json;

use crate::{browser::*, db_test};

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
    let (s, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &staff,
            json!({"outcome": "granted"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, approved) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{approved}");
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

db_test!(a_citizen_sends_a_request_through_the_wizard, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(2).await;
    let (page, _) = demo_citizen_login(&browser, &app, &pid).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("/min-side/ny"));
    let page = browser
        .get(&app.url("/min-side/ny?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Step 1 of 5"));
    let csrf = csrf_token(&page);
    let url = app.url("/min-side/ny?lang=en");
    let post = |fields: Vec<(&str, &str)>| {
        let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
        all.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let browser = &browser;
        let url = url.clone();
        async move { browser.post_form(&url, &all).await }
    };
    // No choice: the error sits next to the question.
    let r = post(vec![("step", "1"), ("go", "next")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Choose what you want to ask for.")
    );
    let r = post(vec![("step", "1"), ("go", "next"), ("kind", "retting")]).await;
    assert!(r.text().await.unwrap().contains("Step 2 of 5"));
    let r = post(vec![
        ("step", "2"),
        ("go", "next"),
        ("kind", "retting"),
        ("service_area", "settlement"),
    ])
    .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("What is wrong?") && html.contains("What is right?"));
    // Half filled: what was typed is kept, the missing one is named.
    let r = post(vec![
        ("step", "3"),
        ("go", "next"),
        ("kind", "retting"),
        ("service_area", "settlement"),
        ("wrong", "Adressen min"),
        ("right", ""),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Adressen min") && html.contains("Write a few words here."));
    let filled = [
        ("kind", "retting"),
        ("service_area", "settlement"),
        ("wrong", "Adressen min"),
        ("right", "Storgata 1, 2406 Elverum"),
    ];
    let with = |extra: Vec<(&'static str, &'static str)>| {
        let mut v: Vec<(&str, &str)> = filled.to_vec();
        v.extend(extra);
        v
    };
    let r = post(with(vec![("step", "3"), ("go", "next")])).await;
    assert!(r.text().await.unwrap().contains("Step 4 of 5"));
    let r = post(with(vec![
        ("step", "4"),
        ("go", "next"),
        ("contact_email", "not-an-address"),
        ("language", "en"),
    ]))
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(with(vec![
        ("step", "4"),
        ("go", "next"),
        ("contact_email", "amina@example.no"),
        ("language", "en"),
    ]))
    .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Step 5 of 5") && html.contains("Storgata 1, 2406 Elverum"));
    let before = app.count("request").await;
    let r = post(with(vec![
        ("step", "5"),
        ("go", "send"),
        ("contact_email", "amina@example.no"),
        ("language", "en"),
    ]))
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = r.text().await.unwrap();
    assert!(html.contains("We have received your request") && html.contains("PV-"));
    assert_eq!(app.count("request").await, before + 1);
    // Forged CSRF is refused and nothing is created.
    let r = browser
        .post_form(
            &url,
            &[
                ("csrf_token".into(), "x".into()),
                ("step".into(), "5".into()),
                ("go".into(), "send".into()),
                ("kind".into(), "innsyn".into()),
                ("description".into(), "x".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("request").await, before + 1);
});

db_test!(the_chosen_language_is_remembered, |app| {
    let browser = Browser::new();
    let r = browser.get(&app.url("/?lang=nn")).await;
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("dsar_lang=nn"))
    );
    assert!(r.text().await.unwrap().contains("lang=\"nn\""));
    // Without ?lang= the cookie decides, over the browser's preference.
    let html = browser.get(&app.url("/")).await.text().await.unwrap();
    assert!(html.contains("lang=\"nn\""), "{html}");
});

db_test!(pages_for_people_and_problems_for_programs, |app| {
    // A browser asking for an address nobody serves gets a page in its language...
    let r = app
        .client
        .get(app.url("/no-such-page?lang=en"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Page not found") && html.contains("Error code:"));
    // ...the API and other clients get problem+json.
    for (path, accept) in [
        ("/no-such-page", "application/json"),
        ("/api/v1/no-such-thing", "text/html"),
    ] {
        let r = app
            .client
            .get(app.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    // The footer's statements exist in every language, and pages may not be framed.
    for lang in ["nb", "nn", "en", "uk"] {
        for path in ["/personvern", "/tilgjengelighet"] {
            let r = app
                .client
                .get(app.url(&format!("{path}?lang={lang}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["x-frame-options"], "DENY");
            let html = r.text().await.unwrap();
            assert!(html.contains(&format!("lang=\"{lang}\"")));
            assert!(
                html.contains("WCAG 2.1") || html.contains("Datatilsynet"),
                "{path} {lang}"
            );
            assert!(
                html.contains("aria-current=\"true\""),
                "the language switcher marks {lang}"
            );
        }
    }
});

/// Logs citizen `index` in; returns the browser and Min side's HTML.
async fn citizen_browser(app: &crate::support::TestApp, index: usize) -> (Browser, String) {
    let browser = Browser::new();
    let pid = app.citizen_pid(index).await;
    let (page, _) = demo_citizen_login(&browser, app, &pid).await;
    let html = page.text().await.unwrap();
    (browser, html)
}

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
    let principal = dsar::auth::principal::resolve_staff(&app.app, "saksbehandler.alna")
        .await
        .unwrap();
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    assert!(matches!(
        dsar::requests::opened::staff_reads(&app.app, &principal, uuid).await,
        Err(dsar::error::ServiceError::NotFound(_))
    ));
});

db_test!(unfinished_requests_are_kept_as_drafts, |app| {
    let (browser, home) = citizen_browser(&app, 0).await;
    let csrf = csrf_token(&home);
    let url = app.url("/min-side/ny?lang=en");
    let post = |fields: Vec<(&str, &str)>| {
        let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
        all.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let browser = &browser;
        let url = url.clone();
        async move { browser.post_form(&url, &all).await }
    };
    // Nothing chosen yet: nothing to keep.
    let r = post(vec![("step", "1"), ("go", "next")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("portal_draft").await, 0);
    // A choice and a text: one draft, updated as the person goes on, its content sealed.
    let r = post(vec![("step", "1"), ("go", "next"), ("kind", "sletting")]).await;
    let html = r.text().await.unwrap();
    assert_eq!(app.count("portal_draft").await, 1);
    let draft = field_value(&html, "draft");
    assert_eq!(draft.len(), 36, "the form carries the draft's id");
    let r = post(vec![
        ("step", "3"),
        ("go", "next"),
        ("draft", &draft),
        ("kind", "sletting"),
        ("service_area", "settlement"),
        ("description", "Slett den gamle adressen min"),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("Step 4 of 5"));
    assert_eq!(app.count("portal_draft").await, 1);
    assert_eq!(
        app.count("portal_draft WHERE data LIKE '%gamle adressen%'")
            .await,
        0,
        "the text is not stored in clear"
    );
    // Min side offers to continue where the person left off.
    let mine = browser
        .get(&app.url("/min-side?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Requests you have not sent") && mine.contains("Erasure"));
    assert!(mine.contains(&format!("/min-side/ny?utkast={draft}")));
    let resumed = browser
        .get(&app.url(&format!("/min-side/ny?utkast={draft}&lang=en")))
        .await;
    assert_eq!(resumed.status(), StatusCode::OK);
    let html = resumed.text().await.unwrap();
    assert!(html.contains("Step 4 of 5") && html.contains("Slett den gamle adressen min"));
    // Nobody else can see, continue or delete it.
    let (other, other_home) = citizen_browser(&app, 1).await;
    assert!(!other_home.contains(&draft));
    let r = other
        .get(&app.url(&format!("/min-side/ny?utkast={draft}")))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = other
        .post_form(
            &app.url(&format!("/min-side/utkast/{draft}/slett")),
            &[("csrf_token".into(), csrf_token(&other_home))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Another citizen posting with this draft id gets a draft of their own.
    let r = other
        .post_form(
            &app.url("/min-side/ny?lang=en"),
            &[
                ("csrf_token".into(), csrf_token(&other_home)),
                ("step".into(), "1".into()),
                ("go".into(), "next".into()),
                ("kind".into(), "innsyn".into()),
                ("draft".into(), draft.clone()),
            ],
        )
        .await;
    assert_ne!(field_value(&r.text().await.unwrap(), "draft"), draft);
    assert_eq!(app.count("portal_draft").await, 2);
    // Sending the request ends the draft.
    let before = app.count("request").await;
    let r = post(vec![
        ("step", "5"),
        ("go", "send"),
        ("draft", &draft),
        ("kind", "sletting"),
        ("service_area", "settlement"),
        ("description", "Slett den gamle adressen min"),
        ("language", "en"),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(app.count("request").await, before + 1);
    assert_eq!(
        app.count("portal_draft").await,
        1,
        "only the other person's is left"
    );
    // Deleting one's own draft (with CSRF).
    let r = post(vec![("step", "1"), ("go", "next"), ("kind", "protest")]).await;
    let second = field_value(&r.text().await.unwrap(), "draft");
    let delete = app.url(&format!("/min-side/utkast/{second}/slett?lang=en"));
    let r = browser
        .post_form(&delete, &[("csrf_token".into(), "forged".into())])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .post_form(&delete, &[("csrf_token".into(), csrf.clone())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (page, _) = browser.follow(r).await;
    assert!(page.text().await.unwrap().contains("The draft is deleted."));
    assert_eq!(app.count("portal_draft").await, 1);
    // A person keeps at most ten: the oldest go.
    for _ in 0..12 {
        post(vec![("step", "1"), ("go", "next"), ("kind", "innsyn")]).await;
    }
    assert_eq!(app.count("portal_draft").await, 1 + 10);
});

db_test!(
    retention_deletes_drafts_three_months_after_their_last_change,
    |app| {
        let (browser, home) = citizen_browser(&app, 0).await;
        let r = browser
            .post_form(
                &app.url("/min-side/ny"),
                &[
                    ("csrf_token".into(), csrf_token(&home)),
                    ("step".into(), "1".into()),
                    ("go".into(), "next".into()),
                    ("kind".into(), "innsyn".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(app.count("portal_draft").await, 1);
        let now = chrono::Utc::now();
        let almost = now + chrono::Duration::days(88);
        let expired =
            now.checked_add_months(chrono::Months::new(3)).unwrap() + chrono::Duration::hours(1);
        dsar::retention::run(&app.app, almost, false).await.unwrap();
        assert_eq!(app.count("portal_draft").await, 1, "not yet three months");
        assert_eq!(
            dsar::drafts::expire(&app.app, expired, true).await.unwrap(),
            1,
            "the dry run counts it"
        );
        assert_eq!(app.count("portal_draft").await, 1, "and deletes nothing");
        dsar::retention::run(&app.app, expired, false)
            .await
            .unwrap();
        assert_eq!(app.count("portal_draft").await, 0);
        assert_eq!(
        app.count("audit_event WHERE action = 'retention.drafts_deleted' AND details LIKE '%\"drafts\":1%'")
            .await,
        1
    );
        // The chain still verifies after the deletion's audit event.
        assert!(
            dsar::audit::verify(&app.app.db, &app.app.audit_key)
                .await
                .unwrap()
                .intact
        );
    }
);

/// The value of a hidden or text input in a page.
fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

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
        let admin = dsar::auth::principal::resolve_staff(&app.app, "admin")
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
        let caseworker = dsar::auth::principal::resolve_staff(&app.app, "saksbehandler.gamleoslo")
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

/// The stylesheet is built into the binary (the durability test starts the server from another
/// directory and reads it); a configured `static_dir` replaces the built-in files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_static_folder_replaces_the_built_in_stylesheet() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("dsar.css"), "/* trying a change */").unwrap();
    let path = folder.path().to_path_buf();
    let app = crate::support::TestApp::spawn_with(crate::support::Backend::Sqlite, move |s| {
        s.static_dir = Some(path)
    })
    .await;
    let css = app
        .client
        .get(app.url("/static/dsar.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.text().await.unwrap(), "/* trying a change */");
    let missing = app
        .client
        .get(app.url("/static/office.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let built_in = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await;
    let css = built_in
        .client
        .get(built_in.url("/static/office.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let missing = built_in
        .client
        .get(built_in.url("/static/nothing.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// The `href` of the link in the notice that the Norwegian text is binding.
fn bokmal_link(html: &str) -> String {
    let notice = &html[html.find("notice--translation").expect("the notice")..];
    let start = notice.find("href=\"").unwrap() + 6;
    notice[start..start + notice[start..].find('"').unwrap()].replace("&amp;", "&")
}

// On a page in an unreviewed language that answers a form post (a wizard step, the receipt), the
// link to bokmål (and the language switcher) opens the same page by GET: the wizard's draft at
// the step shown, the receipt's case page; not a fresh wizard.
db_test!(the_link_to_bokmal_keeps_the_page_after_a_form_post, |app| {
    let (browser, home) = citizen_browser(&app, 2).await;
    let csrf = csrf_token(&home);
    let post = |fields: Vec<(&str, &str)>| {
        let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
        all.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let browser = &browser;
        let url = app.url("/min-side/ny?lang=ar");
        async move { browser.post_form(&url, &all).await }
    };
    // Nothing answered yet: no draft, the first step.
    let r = post(vec![("step", "1"), ("go", "next")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bokmal_link(&r.text().await.unwrap()),
        "/min-side/ny?lang=nb"
    );
    // A step further: the draft, which opens at that step in bokmål with the answers.
    let r = post(vec![("step", "1"), ("go", "next"), ("kind", "retting")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let draft = field_value(&html, "draft");
    let link = bokmal_link(&html);
    assert_eq!(link, format!("/min-side/ny?utkast={draft}&lang=nb"));
    assert!(
        html.contains(&format!("href=\"/min-side/ny?utkast={draft}&amp;lang=en\"")),
        "the language switcher too"
    );
    let nb = browser.get(&app.url(&link)).await;
    assert_eq!(nb.status(), StatusCode::OK);
    let nb = nb.text().await.unwrap();
    assert!(
        nb.contains("<html lang=\"nb\"") && nb.contains("Steg 2 av 5"),
        "{nb}"
    );
    assert_eq!(field_value(&nb, "kind"), "retting");
    assert!(!nb.contains("notice--translation"));
    // The receipt: the request's page.
    let r = post(vec![
        ("step", "5"),
        ("go", "send"),
        ("draft", &draft),
        ("kind", "retting"),
        ("service_area", "settlement"),
        ("wrong", "Adressen min"),
        ("right", "Storgata 1, 2406 Elverum"),
        ("language", "ar"),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = r.text().await.unwrap();
    let at = html.find("href=\"/min-side/sak/").unwrap() + "href=\"/min-side/sak/".len();
    let id = &html[at..at + 36];
    let link = bokmal_link(&html);
    assert_eq!(link, format!("/min-side/sak/{id}?lang=nb"));
    let nb = browser.get(&app.url(&link)).await;
    assert_eq!(nb.status(), StatusCode::OK);
    let nb = nb.text().await.unwrap();
    assert!(
        nb.contains("<html lang=\"nb\"") && nb.contains("Adressen min"),
        "{nb}"
    );
    // A page reached by GET links to itself.
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=ar")))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bokmal_link(&case), format!("/min-side/sak/{id}?lang=nb"));
    let start = browser
        .get(&app.url("/?lang=ar"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bokmal_link(&start), "?lang=nb");
});
