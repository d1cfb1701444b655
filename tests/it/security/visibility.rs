//! Who sees what of a case: what a registrant is told, the citizen's own projection of a request
//! and its timeline, the auditor's read-only case page, and the access table row by row.
use super::*;

db_test!(
    a_registrant_is_told_the_reference_only_where_they_cannot_see,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        // A protected person, and a person of another district.
        for (index, geography) in [(5, "030101"), (4, "030112")] {
            let pid = app.citizen_pid(index).await;
            let body = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": geography, "service_area": "settlement" })).await;
            assert!(body["reference"].as_str().unwrap().starts_with("PV-"));
            assert_eq!(body["unit"]["name"], "", "{body}");
            assert_eq!(body["controller"]["name"], "");
            assert_eq!(body["routing"], Value::Null);
            let text = body.to_string();
            assert!(
                !text.contains("skjermede") && !text.contains("Alna"),
                "{text}"
            );
        }
        // Where the registrant works, the unit is named.
        let pid = app.citizen_pid(0).await;
        let body = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
        assert_eq!(body["unit"]["name"], "Nav Gamle Oslo");
        // The office register page redirects with the reference only.
        let browser = Browser::new();
        demo_staff_login(&browser, &app, "saksbehandler.gamleoslo").await;
        let html = browser
            .get(&app.url("/office/registrer"))
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_token(&html);
        let form_id = html
            .split("name=\"form_id\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_string();
        let pid = app.citizen_pid(5).await;
        let fields: Vec<(String, String)> = [
            ("csrf_token", csrf.as_str()),
            ("form_id", form_id.as_str()),
            ("kind", "innsyn"),
            ("subject_pid", pid.as_str()),
            ("channel", "letter"),
            ("received_on", &crate::support::today().to_string()),
            ("service_area", "settlement"),
            ("language", "nb"),
            ("description", "brev"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = browser
            .post_form(&app.url("/office/registrer"), &fields)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = location(&r);
        assert!(to.contains("registered_elsewhere"), "{to}");
        assert!(!to.contains("unit=") && !to.contains("skjermede"), "{to}");
    }
);

db_test!(
    citizens_get_their_own_projection_of_a_request_and_its_timeline,
    |app| {
        let amina = app.citizen(0).await;
        let req = app
            .create(
                &amina,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
            )
            .await;
        let id = req["id"].as_str().unwrap();
        let kari = app.staff("saksbehandler.gamleoslo").await;
        for (op, body) in [
            ("assign", json!({ "assignee": "saksbehandler.gamleoslo" })),
            (
                "notes",
                json!({ "text": "internal: check the old archive" }),
            ),
            ("transitions", json!({ "action": "start" })),
            (
                "transitions",
                json!({ "action": "ask_requester", "note": "Which years?" }),
            ),
        ] {
            let (status, b) = app
                .post(&format!("/api/v1/requests/{id}/{op}"), &kari, body)
                .await;
            assert_eq!(status, 200, "{op}: {b}");
        }
        // Staff see everything.
        let (_, staff_view) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
        assert_eq!(staff_view["assignee"], "saksbehandler.gamleoslo");
        let (_, staff_events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &kari)
            .await;
        assert!(staff_events.to_string().contains("internal: check"));
        // The citizen, by token and by the login cookie on the same URLs, sees the whitelist.
        let browser = Browser::new();
        demo_citizen_login(&browser, &app, &app.citizen_pid(0).await).await;
        let by_cookie = |path: String| {
            let browser = &browser;
            let url = app.url(&path);
            async move {
                let r = browser.get(&url).await;
                assert_eq!(r.status(), StatusCode::OK, "{url}");
                r.json::<Value>().await.unwrap()
            }
        };
        for (view, events) in [
            (
                app.get(&format!("/api/v1/requests/{id}"), &amina).await.1,
                app.get(&format!("/api/v1/requests/{id}/events"), &amina)
                    .await
                    .1,
            ),
            (
                by_cookie(format!("/api/v1/requests/{id}")).await,
                by_cookie(format!("/api/v1/requests/{id}/events")).await,
            ),
        ] {
            assert_eq!(view["assignee"], Value::Null);
            let text = format!("{view}{events}");
            assert!(!text.contains("saksbehandler"), "{text}");
            assert!(!text.contains("internal: check"), "{text}");
            let actions: Vec<&str> = events
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["action"].as_str().unwrap())
                .collect();
            assert!(
                !actions.contains(&"assigned") && !actions.contains(&"internal_note"),
                "{actions:?}"
            );
            assert!(
                text.contains("Which years?"),
                "the question is the citizen's to read"
            );
        }
    }
);

db_test!(auditors_read_case_pages_without_forms_or_actions, |app| {
    let amina = app.citizen(0).await;
    let req = app
        .create(
            &amina,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let browser = Browser::new();
    let (page, _) = demo_staff_login(&browser, &app, "revisor").await;
    let html = page.text().await.unwrap();
    let csrf = csrf_token(&html);
    let r = browser.get(&app.url(&format!("/office/sak/{id}"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(req["reference"].as_str().unwrap()));
    assert!(
        !html.contains(&format!("action=\"/office/sak/{id}")),
        "no forms on the case"
    );
    // Posting a case form anyway is refused, and nothing changes.
    for path in ["fnr", "notat", "steg"] {
        let r = browser
            .post_form(
                &app.url(&format!("/office/sak/{id}/{path}")),
                &[
                    ("csrf_token".into(), csrf.clone()),
                    ("action".into(), "start".into()),
                    ("text".into(), "x".into()),
                ],
            )
            .await;
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
    }
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &amina).await;
    assert_eq!(view["status"], "received");
    assert_eq!(audits(&app, "person.pid_revealed").await, 0);
    assert_eq!(audits(&app, "request.internal_note").await, 0);
});

// Walks the table of docs/security.md (`dsar::access`) for the actions on a case: for each
// role, a user in the required relation to the case may act exactly when the table says so,
// and a user of the same role outside that relation never may.
db_test!(the_access_table_is_enforced_row_by_row, |app| {
    use dsar::access::{Act, ROLES, Scope, scope};
    use dsar::lifecycle::Role;
    let amina_pid = app.citizen_pid(0).await;
    let amina = app.citizen(0).await;
    let req = app
        .create(
            &amina,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
    let id = req["id"].as_str().unwrap().to_string();
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/assign"),
            &kari,
            json!({ "assignee": "saksbehandler.gamleoslo" }),
        )
        .await;
    assert_eq!(status, 200);
    let d_number = {
        let date = dsar::identity::Pid::parse(
            &amina_pid,
            dsar::identity::PidPolicy {
                allow_synthetic: true,
            },
        )
        .unwrap()
        .birth_date()
        .unwrap();
        use chrono::Datelike;
        synthetic(date.day(), date.month(), (date.year() % 100) as u32, true)
    };
    // (role, the user in relation to the case, one of the same role outside it)
    let users: [(Role, &str, Option<&str>); 5] = [
        (Role::Citizen, "citizen:0", Some("citizen:2")),
        (
            Role::Caseworker,
            "saksbehandler.gamleoslo",
            Some("saksbehandler.alna"),
        ),
        (
            Role::PrivacyOfficer,
            "personvern.gamleoslo",
            Some("personvern.ude"),
        ),
        // The demo auditor belongs to no controller: every case is in relation.
        (Role::Auditor, "revisor", None),
        (Role::Admin, "admin", None),
    ];
    let token = |user: &str| {
        let user = user.to_string();
        let app = &app;
        async move {
            match user.strip_prefix("citizen:") {
                Some(i) => app.citizen(i.parse().unwrap()).await,
                None => app.staff(&user).await,
            }
        }
    };
    let principal = |user: &str| {
        let user = user.to_string();
        let app = &app;
        async move {
            match user.strip_prefix("citizen:") {
                Some(i) => dsar::auth::resolve::resolve_citizen(
                    &app.app,
                    &app.citizen_pid(i.parse().unwrap()).await,
                )
                .unwrap(),
                None => dsar::auth::resolve::resolve_staff(&app.app, &user)
                    .await
                    .unwrap(),
            }
        }
    };
    for act in [
        Act::ReadCase,
        Act::ReadInternal,
        Act::WorkCase,
        Act::RevealPid,
        Act::LinkNumbers,
    ] {
        for role in ROLES {
            let (_, inside, outside) = users.iter().find(|(r, _, _)| *r == role).unwrap();
            let allowed_inside = scope(role, act) != Scope::Never;
            for (user, want) in [(Some(*inside), allowed_inside), (*outside, false)] {
                let Some(user) = user else { continue };
                let t = token(user).await;
                let done = match act {
                    Act::ReadCase => app.get(&format!("/api/v1/requests/{id}"), &t).await.0 == 200,
                    Act::ReadInternal => {
                        let (status, events) =
                            app.get(&format!("/api/v1/requests/{id}/events"), &t).await;
                        status == 200 && events.to_string().contains("saksbehandler.gamleoslo")
                    }
                    Act::WorkCase => {
                        app.post(
                            &format!("/api/v1/requests/{id}/notes"),
                            &t,
                            json!({ "text": "walk" }),
                        )
                        .await
                        .0 == 200
                    }
                    Act::RevealPid => {
                        let p = principal(user).await;
                        let case = uuid::Uuid::parse_str(&id).unwrap();
                        dsar::persons::reveal(&app.app, &p, case).await.is_ok()
                    }
                    Act::LinkNumbers => {
                        let body = json!({ "pid": amina_pid, "other_pid": d_number });
                        app.post("/api/v1/persons/link-numbers", &t, body).await.0 == 200
                    }
                    _ => unreachable!(),
                };
                assert_eq!(done, want, "{} by {user} ({role:?})", act.as_str());
            }
        }
    }
});
