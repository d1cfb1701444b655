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
        .post_form(&action, &[("csrf_token".into(), csrf_token(&case))])
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
    let other = app.create(&staff, json!({"kind": "innsyn", "description": "x", "service_area": "settlement", "subject_pid": app.citizen_pid(3).await})).await;
    let r = browser
        .get(&app.url(&format!("/min-side/sak/{}", other["id"].as_str().unwrap())))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = browser.get(&app.url("/min-side/sak/not-a-uuid")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // An answered request: the documents are downloadable here.
    let created = app.create(&staff, json!({"kind": "protest", "description": "Ikke forskning", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/requests/{id}/transitions"),
        &staff,
        json!({"action": "start"}),
    )
    .await;
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
