//! The office is for logged-in staff only, and its queue counts, filters, searches and assigns
//! in bulk.
use super::*;

db_test!(the_office_is_for_logged_in_staff_only, |app| {
    // Not logged in: sent to the staff login, for every office page.
    for path in [
        "/office",
        "/office/registrer",
        "/office/rapporter",
        "/office/admin",
    ] {
        let r = Browser::new().get(&app.url(path)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).ends_with("/office/login"), "{path}");
    }
    // A citizen's session does not open the office.
    let citizen = Browser::new();
    demo_citizen_login(&citizen, &app, &app.citizen_pid(2).await).await;
    let r = citizen.get(&app.url("/office")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A caseworker has no reports or administration.
    let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
    for path in ["/office/rapporter", "/office/admin"] {
        let (status, _) = page(&browser, &app, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // Forms without the session's CSRF token are refused.
    let (status, _, _) = post(
        &browser,
        &app,
        "/office/registrer",
        "forged",
        &[("kind", "innsyn")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

db_test!(
    the_queue_counts_filters_searches_and_assigns_in_bulk,
    |app| {
        let token = app.staff("saksbehandler.elverum").await;
        let mut created = vec![];
        for (kind, citizen) in [("innsyn", 2), ("retting", 2), ("sletting", 2)] {
            let body = json!({"kind": kind, "description": "Fra brev", "service_area": "settlement", "subject_pid": app.citizen_pid(citizen).await});
            created.push(app.create(&token, body).await);
        }
        let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
        assert!(
            html.contains("<nav class=\"office-nav\""),
            "the office navigation"
        );
        for c in &created {
            assert!(
                html.contains(c["reference"].as_str().unwrap()),
                "listed: {}",
                c["reference"]
            );
        }
        // The counts agree with the API's listing of the same queue.
        let yesterday = crate::support::today().pred_opt().unwrap();
        let week = crate::support::today() + chrono::Days::new(7);
        for (query, label) in [
            ("assignee=none".to_string(), "Ikke tildelt"),
            (format!("due_before={yesterday}"), "Fristen er passert"),
            ("status=received".to_string(), "Mottatt"),
        ] {
            let (_, listed) = app
                .get(
                    &format!("/api/v1/requests?open=true&limit=100&{query}"),
                    &token,
                )
                .await;
            let n = listed["items"].as_array().unwrap().len();
            assert!(
                html.contains(&format!("<span class=\"count-n\">{n}</span> {label}")),
                "{label}: {n}"
            );
        }
        let (_, listed) = app
            .get(
                &format!("/api/v1/requests?open=true&limit=100&due_before={week}"),
                &token,
            )
            .await;
        let (_, overdue) = app
            .get(
                &format!("/api/v1/requests?open=true&limit=100&due_before={yesterday}"),
                &token,
            )
            .await;
        let this_week =
            listed["items"].as_array().unwrap().len() - overdue["items"].as_array().unwrap().len();
        assert!(html.contains(&format!(
            "<span class=\"count-n\">{this_week}</span> Frist innen 7 dager"
        )));
        // Only the unit's own requests: Utdanningsetaten's are not here.
        let ude = app.staff("saksbehandler.ude").await;
        let theirs = app.create(&ude, json!({"kind": "innsyn", "description": "x", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(0).await})).await;
        let (_, html) = page(&browser, &app, "/office").await;
        assert!(!html.contains(theirs["reference"].as_str().unwrap()));

        // Filter by kind; search by reference (typed in lower case with spaces).
        let (status, html) = page(&browser, &app, "/office?kind=retting").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(created[1]["reference"].as_str().unwrap()));
        assert!(!html.contains(created[0]["reference"].as_str().unwrap()));
        let wanted = created[2]["reference"].as_str().unwrap();
        let (_, html) = page(
            &browser,
            &app,
            &format!("/office?q=+{}", wanted.to_lowercase()),
        )
        .await;
        assert!(html.contains(wanted) && !html.contains(created[1]["reference"].as_str().unwrap()));
        // A malformed filter value is a readable 400 page, not a crash.
        let (status, _) = page(&browser, &app, "/office?cursor=%FF%FE").await;
        assert!(
            status == StatusCode::OK
                || status == StatusCode::SEE_OTHER
                || status == StatusCode::BAD_REQUEST
        );

        // Assign two at once to oneself.
        let csrf = csrf_token(&html);
        let ids: Vec<&str> = created
            .iter()
            .take(2)
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/tildel",
            &csrf,
            &[
                ("ids", ids[0]),
                ("ids", ids[1]),
                ("assignee", "saksbehandler.elverum"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&browser, &app, &to.unwrap().replace(&app.url(""), "")).await;
        assert!(html.contains("2 saker er tildelt."), "confirmation");
        for id in &ids {
            let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
            assert_eq!(v["assignee"], "saksbehandler.elverum");
        }
        let (_, html) = page(&browser, &app, "/office?assignee=none").await;
        assert!(html.contains(created[2]["reference"].as_str().unwrap()));
        assert!(!html.contains(created[0]["reference"].as_str().unwrap()));
    }
);
