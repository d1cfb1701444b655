//! Sending a request through the wizard, the drafts kept of unfinished ones, and their
//! deletion three months after the last change.
use super::*;

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
