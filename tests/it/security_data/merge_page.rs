//! A privacy officer decides merges on an office page.
use super::*;

/// The `n`-th synthetic number of a birth date (several persons born the same day).
fn synthetic_nth(day: u32, month: u32, year: u32, d_number: bool, n: usize) -> String {
    (100..999)
        .filter_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .nth(n)
        .unwrap()
        .as_str()
        .to_string()
}

async fn office_browser(app: &TestApp, username: &str) -> crate::browser::Browser {
    let browser = crate::browser::Browser::new();
    let (page, visited) = crate::browser::demo_staff_login(&browser, app, username).await;
    assert_eq!(page.status(), 200, "{visited:?}");
    browser
}

async fn office_page(b: &crate::browser::Browser, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(&app.url(path)).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn office_post(
    b: &crate::browser::Browser,
    app: &TestApp,
    path: &str,
    csrf: Option<&str>,
) -> (u16, String) {
    let fields: Vec<(String, String)> = csrf
        .map(|c| vec![("csrf_token".to_string(), c.to_string())])
        .unwrap_or_default();
    let r = b.post_form(&app.url(path), &fields).await;
    let status = r.status().as_u16();
    let to = if r.status().is_redirection() {
        crate::browser::location(&r)
    } else {
        String::new()
    };
    (status, to)
}

async fn link_status(app: &TestApp, id: &str) -> String {
    entity::person_link::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .status
        .to_string()
}

db_test!(a_privacy_officer_decides_merges_on_an_office_page, |app| {
    let d_number = synthetic_nth(14, 2, 90, true, 0);
    let other_d_number = synthetic_nth(14, 2, 90, true, 1);
    let fnr = synthetic_nth(14, 2, 90, false, 0);
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for pid in [&d_number, &other_d_number, &fnr] {
        app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    }
    let link = |a: &str, b: &str| json!({ "pid": a, "other_pid": b });
    let (status, body) = app
        .post("/api/v1/persons/link-numbers", &kari, link(&d_number, &fnr))
        .await;
    assert_eq!(status, 202, "{body}");
    let first = body["link_id"].as_str().unwrap().to_string();
    // While that merge waits, a second merge of the same person is refused.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(app.count("person_link").await, 1);

    // The office page: only for privacy officers; numbers masked.
    let caseworker = office_browser(&app, "saksbehandler.gamleoslo").await;
    let (status, _) = office_page(&caseworker, &app, "/office/sammenslaing").await;
    assert_eq!(status, 403);
    let ingrid = office_browser(&app, "personvern.gamleoslo").await;
    let (status, html) = office_page(&ingrid, &app, "/office/sammenslaing").await;
    assert_eq!(status, 200);
    for number in [&d_number, &fnr] {
        assert!(!html.contains(number.as_str()), "a number in full");
        assert!(html.contains(&pid(number).masked()), "{html}");
    }
    let csrf = crate::browser::csrf_token(&html);
    let approve = format!("/office/sammenslaing/{first}/godkjenn");
    // Without the CSRF token nothing happens.
    let (status, _) = office_post(&ingrid, &app, &approve, None).await;
    assert_ne!(status, 303);
    assert_eq!(link_status(&app, &first).await, "pending");
    // A caseworker cannot decide it.
    let (status, _) = office_post(&caseworker, &app, &approve, Some(&csrf)).await;
    assert_ne!(status, 303);
    assert_eq!(link_status(&app, &first).await, "pending");
    // The officer approves: merged, audited on both requests.
    let (status, to) = office_post(&ingrid, &app, &approve, Some(&csrf)).await;
    assert_eq!(status, 303);
    assert!(to.ends_with("?done=approved"), "{to}");
    assert_eq!(link_status(&app, &first).await, "approved");
    assert_eq!(
        app.count("audit_event WHERE action = 'person.numbers_linked'")
            .await,
        2
    );

    // The next merge of that person may now be asked for; the officer refuses it.
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let second = body["link_id"].as_str().unwrap().to_string();
    let (status, to) = office_post(
        &ingrid,
        &app,
        &format!("/office/sammenslaing/{second}/avvis"),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.ends_with("?done=refused"), "{to}");
    assert_eq!(link_status(&app, &second).await, "refused");
    assert_eq!(
        app.count("audit_event WHERE action = 'person.merge_refused'")
            .await,
        3,
        "on every request of both persons"
    );
    assert_ne!(
        person_of(&app, &other_d_number).await,
        person_of(&app, &fnr).await
    );
    let (_, html) = office_page(&ingrid, &app, "/office/sammenslaing?done=refused").await;
    assert!(!html.contains("/avvis\""), "nothing left to decide");

    // A merge the officer asked for herself is shown without the buttons and cannot be decided
    // by her.
    let ingrid_api = app.staff("personvern.gamleoslo").await;
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &ingrid_api,
            link(&other_d_number, &fnr),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let own = body["link_id"].as_str().unwrap().to_string();
    let (_, html) = office_page(&ingrid, &app, "/office/sammenslaing").await;
    assert!(!html.contains(&format!("{own}/godkjenn")));
    let (status, _) = office_post(
        &ingrid,
        &app,
        &format!("/office/sammenslaing/{own}/godkjenn"),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(link_status(&app, &own).await, "pending");
});
