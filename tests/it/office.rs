//! The office pages through a real staff login: the queue with its counts, filters and search,
//! a case worked from start to answer (reveal audited, note kept from the person, extension,
//! decision with errors beside the fields and a letter preview, four-eyes approval by a second
//! person), registering a letter without duplicates, reports, and administration.
use reqwest::StatusCode;
use serde_json::json;

use crate::{browser::*, db_test, support::TestApp};

/// A logged-in staff browser and the office start page's HTML.
pub(crate) async fn staff_browser(app: &TestApp, username: &str) -> (Browser, String) {
    let browser = Browser::new();
    let (page, visited) = demo_staff_login(&browser, app, username).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    let html = page.text().await.unwrap();
    (browser, html)
}

pub(crate) async fn page(browser: &Browser, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = browser.get(&app.url(path)).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

/// Posts a form with the page's CSRF token; returns the status, the redirect target (if any)
/// and the body.
pub(crate) async fn post(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.into())];
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = browser.post_form(&app.url(path), &all).await;
    let status = r.status();
    let to = status.is_redirection().then(|| location(&r));
    (status, to, r.text().await.unwrap())
}

/// The draft whose letter the case page shows beside its approve (or send) button.
pub(crate) fn shown_draft(html: &str) -> String {
    let marker = "name=\"decision_id\" value=\"";
    let start = html.find(marker).expect("the letter and its button") + marker.len();
    html[start..start + 36].to_string()
}

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

db_test!(a_letter_is_registered_once_with_its_receipt_date, |app| {
    let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
    let (status, html) = page(&browser, &app, "/office/registrer").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_token(&html);
    let marker = "name=\"form_id\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let form_id = html[start..start + 36].to_string();
    let pid = app.citizen_pid(2).await;
    // Missing kind and a future date: both shown, the typed description kept.
    let (status, _, html) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("subject_pid", &pid),
            ("received_on", "2999-01-01"),
            ("description", "Brev datert 1. mars"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Velg hvilken rettighet") && html.contains("kan ikke være i framtiden"));
    assert!(html.contains("Brev datert 1. mars"));
    // An invalid number: the domain's check, beside the field.
    let (status, _, html) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("kind", "innsyn"),
            ("subject_pid", "12345678901"),
            ("received_on", "2026-11-02"),
            ("description", "Brev"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("register-subject_pid-error"));

    let fields = [
        ("form_id", form_id.as_str()),
        ("kind", "innsyn"),
        ("subject_pid", pid.as_str()),
        ("received_on", "2026-11-02"),
        ("channel", "letter"),
        ("service_area", "settlement"),
        ("language", "en"),
        ("description", "Brev datert 1. november"),
    ];
    let (status, to, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = to.unwrap();
    // The same form again (a double click) leads to the same request.
    let (_, again, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
    assert_eq!(again.as_deref(), Some(to.as_str()));
    assert_eq!(
        app.count("request WHERE description = 'Brev datert 1. november'")
            .await,
        1
    );
    let id = to
        .split("/office/sak/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    let token = app.staff("saksbehandler.elverum").await;
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["received_on"], "2026-11-02");
    assert_eq!(v["channel"], "letter");
    assert_eq!(v["due_on"], "2026-12-02");

    // A person registered elsewhere by the rules: the registrant is told the reference only.
    let (_, html) = page(&browser, &app, "/office/registrer").await;
    let start = html.find(marker).unwrap() + marker.len();
    let form_id = html[start..start + 36].to_string();
    let other = app.citizen_pid(3).await;
    let (status, to, _) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("kind", "protest"),
            ("subject_pid", &other),
            ("received_on", "2026-11-02"),
            ("service_area", "settlement"),
            ("description", "Protest per brev"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&browser, &app, &to.unwrap().replace(&app.url(""), "")).await;
    assert!(html.contains("PV-"), "the reference");
    assert!(!html.contains("Lillestrøm"), "where it went is not told");
});

db_test!(reports_are_read_and_downloaded_from_the_office, |app| {
    let (browser, _) = staff_browser(&app, "personvern.ude").await;
    let (status, html) = page(
        &browser,
        &app,
        "/office/rapporter?from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Besvart innen fristen") && html.contains("Per enhet"));
    let r =
        browser
            .get(&app.url(
                "/office/rapporter/last-ned?what=cases&from=2026-01-01&to=2026-12-31&format=csv",
            ))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let r = browser
        .get(&app.url(
            "/office/rapporter/last-ned?what=summary&from=2026-01-01&to=2026-12-31&format=xlsx",
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.bytes().await.unwrap().starts_with(b"PK"),
        "an XLSX (zip) file"
    );
    // A reversed period is shown as an error beside the field.
    let (status, html) = page(
        &browser,
        &app,
        "/office/rapporter?from=2026-12-31&to=2026-01-01",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Sluttdatoen er før startdatoen"));
    assert!(app.count("audit_event WHERE action = 'report.cases'").await >= 1);
});

/// The registry's controller and unit rows, read straight from the database.
async fn controller_row(app: &TestApp, org_number: &str) -> entity::controller::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::controller::Entity::find()
        .filter(entity::controller::Column::OrgNumber.eq(org_number))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn unit_row(app: &TestApp, name: &str) -> entity::unit::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::unit::Entity::find()
        .filter(entity::unit::Column::Name.eq(name))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The details of the one audit event with `action`.
async fn only_audit_details(app: &TestApp, action: &str) -> serde_json::Value {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "{action}: {events:?}");
    assert_eq!(events[0].actor, "staff:admin");
    serde_json::from_str(&events[0].details).unwrap()
}

db_test!(the_admin_edits_a_controller_and_a_unit, |app| {
    let elverum = controller_row(&app, "944117784").await;
    let (browser, html) = staff_browser(&app, "admin").await;
    let csrf = csrf_token(&html);
    let controller_page = format!("/office/admin/behandlingsansvarlige/{}", elverum.id);
    let (_, admin) = page(&browser, &app, "/office/admin/behandlingsansvarlige").await;
    assert!(
        admin.contains(&format!("href=\"{controller_page}\"")),
        "the administration's controllers page links to the controller's page"
    );

    // The controller's page: the stored values in the form, the org number shown, not editable.
    let (status, html) = page(&browser, &app, &format!("{controller_page}?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("944117784") && html.contains("cannot be changed"));
    assert!(!html.contains("name=\"org_number\""));
    assert!(html.contains(&format!(
        "value=\"{}\"",
        elverum.contact_email.as_deref().unwrap()
    )));
    assert!(html.contains("Nav Elverum"), "its units are listed");

    // A bad e-mail address: 422, the typed values kept, the error beside the field, nothing
    // changed and nothing audited.
    // The unit for protected persons is a select: a browser sends what is selected.
    let protected_unit = elverum.protected_unit_id.unwrap().to_string();
    let typed = [
        ("name", "Elverum kommune"),
        ("protected_unit_id", protected_unit.as_str()),
        ("contact_email", "postmottak@elverum"),
        ("address", "Postboks 403\n2418 Elverum"),
        ("phone", "62 43 30 00"),
        ("dpo_name", "Kari Nordmann"),
        ("dpo_email", "personvernombud@elverum.kommune.no"),
        ("processing_key", "elverum"),
        ("four_eyes", "true"),
        ("show_staff_names_to_citizens", "true"),
    ];
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("{controller_page}?lang=en"),
        &csrf,
        &typed,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("The e-mail address does not look right."));
    assert!(html.contains("id=\"controller-contact_email-error\""));
    assert!(html.contains("aria-describedby=\"controller-contact_email-error\""));
    assert!(
        html.contains("href=\"#controller-contact_email\""),
        "the summary links the field"
    );
    assert!(
        html.contains("value=\"postmottak@elverum\""),
        "the typed value is kept"
    );
    assert!(html.contains("value=\"62 43 30 00\"") && html.contains("Postboks 403"));
    assert_eq!(
        controller_row(&app, "944117784").await,
        elverum,
        "nothing changed"
    );
    assert_eq!(
        app.count("audit_event WHERE action = 'controller.updated'")
            .await,
        0
    );
    // A telephone number with letters and a name left empty are refused the same way.
    for (field, value, error) in [
        ("phone", "ring oss", "8 to 15 digits"),
        ("name", " ", "Enter a name"),
    ] {
        let mut fields: Vec<(&str, &str)> = typed.to_vec();
        fields.retain(|(k, _)| *k != field && *k != "contact_email");
        fields.push((field, value));
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{controller_page}?lang=en"),
            &csrf,
            &fields,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(html.contains(error), "{field}");
        assert!(html.contains(&format!("id=\"controller-{field}-error\"")));
    }
    assert_eq!(controller_row(&app, "944117784").await, elverum);

    // Right: saved (an org number sent along is ignored), one audit event naming the fields
    // that changed and not the DPO's name, then back on the page with the new values.
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.retain(|(k, _)| *k != "contact_email");
    fields.push(("contact_email", "postmottak@elverum.kommune.no"));
    fields.push(("org_number", "974633574"));
    let (status, to, _) = post(&browser, &app, &controller_page, &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.unwrap()
            .ends_with(&format!("{controller_page}?done=controller"))
    );
    let saved = controller_row(&app, "944117784").await;
    assert_eq!(saved.org_number, "944117784");
    assert_eq!(
        saved.contact_email.as_deref(),
        Some("postmottak@elverum.kommune.no")
    );
    assert_eq!(saved.address.as_deref(), Some("Postboks 403\n2418 Elverum"));
    assert_eq!(saved.phone.as_deref(), Some("62 43 30 00"));
    assert_eq!(saved.dpo_name.as_deref(), Some("Kari Nordmann"));
    assert!(saved.four_eyes && saved.show_staff_names_to_citizens);
    let details = only_audit_details(&app, "controller.updated").await;
    assert_eq!(details["org_number"], "944117784");
    assert_eq!(details["show_staff_names_to_citizens"], true);
    assert_eq!(details["four_eyes"], true);
    let changed: Vec<&str> = details["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        [
            "four_eyes",
            "contact_email",
            "address",
            "phone",
            "dpo_name",
            "dpo_email",
            "show_staff_names_to_citizens",
            "appeal_body",
        ]
    );
    assert!(!details.to_string().contains("Kari"), "no personal data");
    let (_, html) = page(
        &browser,
        &app,
        &format!("{controller_page}?done=controller&lang=en"),
    )
    .await;
    assert!(html.contains("The controller is saved."));
    assert!(html.contains("value=\"postmottak@elverum.kommune.no\""));
    // The registry was refreshed: the administration page shows the new settings now.
    let (_, admin) = page(
        &browser,
        &app,
        "/office/admin/behandlingsansvarlige?lang=en",
    )
    .await;
    let row = &admin[admin.find(">Elverum kommune</a>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    // The last column: "Show staff names to citizens".
    assert!(row.ends_with("<td>Yes</td>"), "{row}");
    // The same again changes nothing and records nothing.
    let (status, _, _) = post(&browser, &app, &controller_page, &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("audit_event WHERE action = 'controller.updated'")
            .await,
        1
    );

    // A unit: a NAV office's number has 4 digits, and one unit has a number.
    let nav = unit_row(&app, "Nav Elverum").await;
    let unit_page = format!("/office/admin/enheter/{}", nav.id);
    assert!(html.contains(&format!("href=\"{unit_page}\"")));
    let (status, html) = page(&browser, &app, &format!("{unit_page}?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"0427\""));
    for code in ["427", "0316"] {
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{unit_page}?lang=en"),
            &csrf,
            &[
                ("name", "Nav Elverum og Våler"),
                ("code", code),
                ("email", "nav.elverum@nav.no"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(html.contains("A NAV office's unit number has 4 digits"));
        assert!(html.contains("id=\"unit-code-error\""));
        assert!(html.contains("aria-describedby=\"unit-code-hint unit-code-error\""));
        assert!(html.contains(&format!("value=\"{code}\"")));
        assert!(html.contains("value=\"Nav Elverum og Våler\""));
    }
    assert_eq!(unit_row(&app, "Nav Elverum").await, nav, "nothing changed");
    let (status, to, _) = post(
        &browser,
        &app,
        &unit_page,
        &csrf,
        &[
            ("name", "Nav Elverum og Våler"),
            ("code", "0428"),
            ("email", "nav.elverum@nav.no"),
            ("auto_collect", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.unwrap()
            .ends_with(&format!("{controller_page}?done=unit"))
    );
    let saved = unit_row(&app, "Nav Elverum og Våler").await;
    assert_eq!(saved.id, nav.id);
    assert_eq!(saved.code.as_deref(), Some("0428"));
    assert_eq!(saved.email.as_deref(), Some("nav.elverum@nav.no"));
    assert!(saved.auto_collect);
    let details = only_audit_details(&app, "unit.updated").await;
    assert_eq!(details["unit_id"], nav.id.to_string());
    assert_eq!(
        details["changed"],
        json!(["name", "code", "email", "auto_collect"])
    );
    let (_, html) = page(
        &browser,
        &app,
        &format!("{controller_page}?done=unit&lang=en"),
    )
    .await;
    assert!(html.contains("The unit is saved."));
    assert!(html.contains("Nav Elverum og Våler") && html.contains("0428"));

    // Anyone but an administrator is refused, reading and writing; nothing changes.
    let (other, other_html) = staff_browser(&app, "personvern.ude").await;
    let other_csrf = csrf_token(&other_html);
    for path in [&controller_page, &unit_page] {
        let (status, _) = page(&other, &app, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _, _) = post(
        &other,
        &app,
        &controller_page,
        &other_csrf,
        &[("name", "Kapret kommune")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(
        &other,
        &app,
        &unit_page,
        &other_csrf,
        &[("name", "Kapret enhet")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        controller_row(&app, "944117784").await.name,
        "Elverum kommune"
    );
    assert_eq!(unit_row(&app, "Nav Elverum og Våler").await.id, nav.id);
    // Unknown or malformed ids are not found.
    for path in [
        "/office/admin/behandlingsansvarlige/nope".to_string(),
        format!("/office/admin/enheter/{}", uuid::Uuid::now_v7()),
    ] {
        let (status, _) = page(&browser, &app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
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

db_test!(
    a_letter_from_a_person_known_by_duf_number_or_by_name_is_registered_and_shown_masked,
    |app| {
        // Without a number nor an address, the request goes to the fallback unit.
        let (browser, _) = staff_browser(&app, "personvern.oslo").await;
        let (status, html) = page(&browser, &app, "/office/registrer").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("register-subject_duf") && html.contains("register-subject_name"));
        let csrf = csrf_token(&html);
        let marker = "name=\"form_id\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let form_id = html[start..start + 36].to_string();
        let form = |extra: &[(&'static str, &'static str)]| {
            let mut fields = vec![
                ("form_id", form_id.clone()),
                ("kind", "innsyn".to_string()),
                ("received_on", crate::support::today().to_string()),
                (
                    "description",
                    "Brev fra en person uten fødselsnummer".to_string(),
                ),
            ];
            fields.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
            fields
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let browser = &browser;
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post(browser, app, "/office/registrer", &csrf, &fields).await
            }
        };
        let before = app.count("request").await;
        // (fields, the field the error is shown beside)
        for (extra, field) in [
            (vec![], "subject"),
            (
                vec![
                    ("subject_duf", "201697430255"),
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "1999-11-23"),
                ],
                "subject",
            ),
            (vec![("subject_duf", "2016 97430")], "subject_duf"),
            (
                vec![
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "1999-11-23"),
                    ("channel", "email"),
                ],
                "subject_name",
            ),
            (
                vec![
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "23.11.1999"),
                ],
                "subject_birth_date",
            ),
        ] {
            let (status, _, html) = send(form(&extra)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra:?}");
            assert!(
                html.contains(&format!("id=\"register-{field}-error\"")),
                "{extra:?}"
            );
        }
        assert_eq!(
            app.count("request").await,
            before,
            "nothing written on error"
        );

        // By DUF number: the case page names the kind and hides the number until revealed.
        let (status, to, _) = send(form(&[
            ("subject_duf", "2016 974302 55"),
            ("channel", "letter"),
        ]))
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let case = &to[to.find("/office/sak/").unwrap()..];
        let (_, html) = page(&browser, &app, case).await;
        assert!(html.contains("DUF-nummer"), "the kind is shown");
        assert!(html.contains("2016 ****** **"), "masked");
        assert!(!html.contains("974302"), "never in full before the reveal");
        let id = case
            .split("/office/sak/")
            .nth(1)
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        let (status, _, html) =
            post(&browser, &app, &format!("/office/sak/{id}/fnr"), &csrf, &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("2016 974302 55"), "revealed, audited");

        // By name and date of birth (a new form).
        let (_, html) = page(&browser, &app, "/office/registrer").await;
        let start = html.find(marker).unwrap() + marker.len();
        let mut fields = form(&[
            ("subject_name", "Ola Nordmann"),
            ("subject_birth_date", "1990-01-31"),
            ("channel", "letter"),
        ]);
        fields[0].1 = html[start..start + 36].to_string();
        let (status, to, _) = send(fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let (_, html) = page(&browser, &app, &to[to.find("/office/sak/").unwrap()..]).await;
        assert!(html.contains("Navn og fødselsdato (uten nummer)"));
        assert!(html.contains("O. N., 1990"));
        assert!(!html.contains("Nordmann"));
        assert_eq!(app.count("request").await, before + 2);
    }
);
