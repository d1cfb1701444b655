//! Filing for someone else: a parent for a child, a registered representative, refusals of
//! what Folkeregisteret does not show, and the portal wizard's choice of whom to file for.
use super::*;

db_test!(parent_files_for_a_child_from_folkeregisteret, |app| {
    let parent = app.citizen(PARENT).await;
    let child_pid = app.citizen_pid(CHILD).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    // The parent sees the child's request on their list; so does the child, whose it is.
    assert!(ids(&app, &parent).await.contains(&id));
    let child = app.citizen(CHILD).await;
    assert!(ids(&app, &child).await.contains(&id));
    let (status, rep) = app
        .get(&format!("/api/v1/requests/{id}/representation"), &parent)
        .await;
    assert_eq!(status, 200, "{rep}");
    assert_eq!(rep["basis"], "parental_responsibility");
    assert_eq!(rep["evidence"], "Folkeregisteret");
    assert_eq!(rep["in_force"], true);
    assert_eq!(rep["verified_by"], Value::Null);
    assert!(!rep.to_string().contains(&child_pid), "{rep}");

    // The case shows who acted for whom: the created event names the basis.
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let (status, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &kari)
        .await;
    assert_eq!(status, 200, "{events}");
    let created_event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "created")
        .unwrap()
        .clone();
    assert_eq!(
        created_event["details"]["on_behalf"]["basis"], "parental_responsibility",
        "{created_event}"
    );
    let (status, rep) = app
        .get(&format!("/api/v1/requests/{id}/representation"), &kari)
        .await;
    assert_eq!(status, 200, "{rep}");
    // Leah is 12: great weight on her view (barnelova § 31).
    assert_eq!(rep["child_say"], "great_weight");

    // The caseworker records the child's own view; it is on the timeline.
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/child-view"),
            &kari,
            json!({ "view": "Leah vil at mamma skal få se opplysningene." }),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/child-view"),
            &kari,
            json!({ "view": "  " }),
        )
        .await;
    assert_eq!(status, 422, "{v}");
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &kari)
        .await;
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "child_view_recorded"
                && e["details"]["child_say"] == "great_weight"),
        "{events}"
    );

    // A parent asking again reuses the same representation.
    let (status, again) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{again}");
    let (_, rep2) = app
        .get(
            &format!(
                "/api/v1/requests/{}/representation",
                again["id"].as_str().unwrap()
            ),
            &parent,
        )
        .await;
    assert_eq!(rep2["id"], rep["id"]);

    // On the child's 18th birthday (the representation's end) the parent no longer sees it.
    entity::representation::Entity::update_many()
        .col_expr(
            entity::representation::Column::EndsOn,
            Expr::value(crate::support::today()),
        )
        .filter(entity::representation::Column::Basis.eq("parental_responsibility"))
        .exec(&app.app.db)
        .await
        .unwrap();
    assert!(!ids(&app, &parent).await.contains(&id));
    let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &parent).await;
    assert_eq!(status, 404);
    // The child still does.
    assert!(ids(&app, &child).await.contains(&id));
});

db_test!(representation_that_is_not_proven_is_refused, |app| {
    let child_pid = app.citizen_pid(CHILD).await;
    let stranger = app.citizen(STRANGER).await;
    // Not the parent in Folkeregisteret.
    let r = app
        .call(
            reqwest::Method::POST,
            "/api/v1/requests/on-behalf",
            Some(&stranger),
            Some(for_someone("parental_responsibility", &child_pid)),
        )
        .await;
    let problem = TestApp::expect_problem(r, 403).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("parental responsibility"),
        "{problem}"
    );
    // A verge nobody registered.
    let (status, v) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("verge", &child_pid),
        )
        .await;
    assert_eq!(status, 403, "{v}");
    // A citizen cannot name another representative.
    let mut body = for_someone("parental_responsibility", &child_pid);
    body["representative_pid"] = json!(app.citizen_pid(PARENT).await);
    let (status, v) = app
        .post("/api/v1/requests/on-behalf", &stranger, body)
        .await;
    assert_eq!(status, 403, "{v}");
    // Nothing was written for the child.
    let child = app.citizen(CHILD).await;
    assert!(ids(&app, &child).await.is_empty());
});

db_test!(staff_register_a_representative_who_then_files, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let minor_pid = app.citizen_pid(MINOR).await;
    let stranger_pid = app.citizen_pid(STRANGER).await;
    let stranger = app.citizen(STRANGER).await;

    // The demo registered Yonas as Ahmad's representative: he files and sees it.
    let yonas = app.citizen(MINOR_REPRESENTATIVE).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &yonas,
            for_someone("asylum_representative", &minor_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &yonas)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );

    // Olena is not registered yet: refused; then a caseworker registers her power of attorney.
    let (status, _) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("fullmakt", &minor_pid),
        )
        .await;
    assert_eq!(status, 403);
    let registration = json!({
        "basis": "fullmakt",
        "representative_pid": stranger_pid,
        "represented_pid": minor_pid,
        "evidence": "Skriftlig fullmakt datert 2026-11-20",
    });
    let (status, v) = app
        .post("/api/v1/representations", &stranger, registration.clone())
        .await;
    assert_eq!(status, 403, "a citizen cannot register: {v}");
    let (status, rep) = app
        .post("/api/v1/representations", &kari, registration)
        .await;
    assert_eq!(status, 201, "{rep}");
    assert_eq!(rep["verified_by"], "saksbehandler.gamleoslo");
    assert_eq!(rep["in_force"], true);
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("fullmakt", &minor_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &stranger)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );

    // What cannot be registered.
    let adult_pid = app.citizen_pid(ADULT).await;
    for (body, field) in [
        (
            json!({ "basis": "parental_responsibility", "representative_pid": stranger_pid,
                    "represented_pid": minor_pid, "evidence": "Brev" }),
            "basis",
        ),
        (
            json!({ "basis": "asylum_representative", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": "Oppnevning" }),
            "represented_pid",
        ),
        (
            json!({ "basis": "fullmakt", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": "Fullmakt",
                    "valid_until": crate::support::today() - chrono::Days::new(1) }),
            "valid_until",
        ),
        (
            json!({ "basis": "verge", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": " " }),
            "evidence",
        ),
        (
            json!({ "basis": "verge", "representative_pid": adult_pid,
                    "represented_pid": adult_pid, "evidence": "Oppnevning" }),
            "represented_pid",
        ),
    ] {
        let r = app
            .call(
                reqwest::Method::POST,
                "/api/v1/representations",
                Some(&kari),
                Some(body.clone()),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert_eq!(problem["field"], field, "{body} → {problem}");
    }

    // Staff register the representative's letter: the representative is named.
    let mut letter = for_someone("asylum_representative", &minor_pid);
    letter["request"]["channel"] = json!("letter");
    let (status, v) = app
        .post("/api/v1/requests/on-behalf", &kari, letter.clone())
        .await;
    assert_eq!(status, 422, "{v}");
    letter["representative_pid"] = json!(app.citizen_pid(MINOR_REPRESENTATIVE).await);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, letter).await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &yonas)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );
    // Ahmad's registered address is in Lillestrøm: the request went there.
    let lillestrom = app.staff("saksbehandler.lillestrom").await;
    let (status, rep) = app
        .get(
            &format!(
                "/api/v1/requests/{}/representation",
                created["id"].as_str().unwrap()
            ),
            &lillestrom,
        )
        .await;
    assert_eq!(status, 200, "{rep}");
    assert_eq!(rep["basis"], "asylum_representative");
    assert_eq!(rep["verified_by"], "saksbehandler.lillestrom");
});

// The portal wizard offers the signed-in parent their child from Folkeregisteret, and the
// registered representative the person they represent; sent for the child, the request is on
// the parent's Min side and is the child's.
db_test!(
    the_wizard_files_for_a_child_and_a_represented_minor,
    |app| {
        use crate::browser::{Browser, csrf_token, demo_citizen_login};
        let child_pid = app.citizen_pid(CHILD).await;
        let browser = Browser::new();
        let parent_pid = app.citizen_pid(PARENT).await;
        demo_citizen_login(&browser, &app, &parent_pid).await;
        let url = app.url("/min-side/ny?lang=en");
        let page = browser.get(&url).await.text().await.unwrap();
        assert!(page.contains("Who is the request for?"), "{page}");
        assert!(
            page.contains("Leah Yusuf, my child (I have parental responsibility)"),
            "{page}"
        );
        let csrf = csrf_token(&page);
        let on_behalf = format!("parental_responsibility:{child_pid}");
        let fields: Vec<(String, String)> = [
            ("csrf_token", csrf.as_str()),
            ("step", "5"),
            ("go", "send"),
            ("on_behalf", on_behalf.as_str()),
            ("kind", "innsyn"),
            ("service_area", "settlement"),
            ("description", "Hva har dere om datteren min?"),
            ("language", "en"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = browser.post_form(&url, &fields).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        let html = r.text().await.unwrap();
        assert!(html.contains("We have received your request"), "{html}");
        // The request is the child's, and on the parent's list beside their own.
        let child = app.citizen(CHILD).await;
        let mine = ids(&app, &child).await;
        assert_eq!(mine.len(), 1);
        let parent = app.citizen(PARENT).await;
        assert!(ids(&app, &parent).await.contains(&mine[0]));
        let mine_page = browser
            .get(&app.url("/min-side?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        let (_, view) = app
            .get(&format!("/api/v1/requests/{}", mine[0]), &parent)
            .await;
        assert!(
            mine_page.contains(view["reference"].as_str().unwrap()),
            "{mine_page}"
        );

        // Yonas is offered Ahmad, whom the demo registered him as representing.
        let yonas = Browser::new();
        let yonas_pid = app.citizen_pid(MINOR_REPRESENTATIVE).await;
        demo_citizen_login(&yonas, &app, &yonas_pid).await;
        let page = yonas.get(&url).await.text().await.unwrap();
        assert!(
            page.contains("(I am their representative (unaccompanied minor asylum seeker))"),
            "{page}"
        );
        // Someone who represents nobody is not asked.
        let stranger = Browser::new();
        let stranger_pid = app.citizen_pid(STRANGER).await;
        demo_citizen_login(&stranger, &app, &stranger_pid).await;
        let page = stranger.get(&url).await.text().await.unwrap();
        assert!(!page.contains("Who is the request for?"));
    }
);
