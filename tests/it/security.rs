//! Who may see and change what (docs/security.md): each attack reproduced and refused. Linking
//! numbers and merging persons, protection from the population register only and applied to
//! all of a person's requests, what a registrant is told, the citizen's projection of a request
//! and its timeline, and the auditor's read-only case page.
use std::time::Duration;

use dsar::config::Settings;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    support::{TestApp, today},
};

fn worker_on(s: &mut Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

pub fn synthetic(day: u32, month: u32, year: u32, d_number: bool) -> String {
    (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .unwrap()
        .as_str()
        .to_string()
}

/// Waits until the worker has planned and finished every source task.
async fn collected(app: &TestApp) {
    let start = std::time::Instant::now();
    loop {
        let waiting = app.count("collection_queue").await
            + app
                .count("source_task WHERE status IN ('pending', 'running')")
                .await;
        if waiting == 0 && app.count("source_task").await > 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "collection did not settle"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

db_test!(
    linking_numbers_is_limited_and_a_merge_needs_a_privacy_officer,
    |app| {
        let d_number = synthetic(14, 2, 90, true);
        let fnr = synthetic(14, 2, 90, false);
        let other_birthday = synthetic(15, 2, 90, false);
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": d_number, "geography": "030101", "service_area": "settlement" })).await;
        let citizen = app.token(json!({ "pid": fnr })).await;
        let new = app
            .create(&citizen, json!({ "kind": "retting", "description": "y" }))
            .await;
        let link = |pid: &str, other: &str| json!({ "pid": pid, "other_pid": other });
        // A caseworker who sees no case of either person: not found, nothing written.
        let before = app.count("person_identifier").await;
        let lars = app.staff("saksbehandler.lillestrom").await;
        let (status, _) = app
            .post("/api/v1/persons/link-numbers", &lars, link(&fnr, &d_number))
            .await;
        assert_eq!(status, 404);
        // Only a d-nummer with a fødselsnummer of the same birth date.
        let (status, body) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                link(&d_number, &other_birthday),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                link(&fnr, &other_birthday),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(app.count("person_identifier").await, before);
        // Both numbers are persons: the merge waits for approval and nothing moves yet.
        let (status, body) = app
            .post("/api/v1/persons/link-numbers", &kari, link(&fnr, &d_number))
            .await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["status"], "awaiting_approval");
        let link_id = body["link_id"].as_str().unwrap().to_string();
        let old_id = old["id"].as_str().unwrap();
        let (status, _) = app
            .get(&format!("/api/v1/requests/{old_id}"), &citizen)
            .await;
        assert_eq!(status, 404, "not merged before approval");
        assert_eq!(
            audits(&app, "person.merge_requested").await,
            2,
            "one per affected request"
        );
        // Not by a caseworker, not by one who cannot see the persons' cases.
        let approve = format!("/api/v1/persons/links/{link_id}/approve");
        let (status, _) = app.post(&approve, &kari, json!({})).await;
        assert_eq!(status, 403);
        let siri = app.staff("personvern.ude").await;
        let (status, _) = app.post(&approve, &siri, json!({})).await;
        assert_eq!(status, 404);
        // The privacy officer of the controller approves: merged, audited on both requests.
        let ingrid = app.staff("personvern.gamleoslo").await;
        let (status, body) = app.post(&approve, &ingrid, json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["merged"], true);
        assert_eq!(body["numbers"], 2);
        assert_eq!(audits(&app, "person.numbers_linked").await, 2);
        for id in [old_id, new["id"].as_str().unwrap()] {
            let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &citizen).await;
            assert_eq!(status, 200);
        }
        // Approved once only.
        let (status, _) = app.post(&approve, &ingrid, json!({})).await;
        assert_eq!(status, 404);
    }
);

db_test!(a_privacy_officer_does_not_approve_their_own_merge, |app| {
    let d_number = synthetic(3, 4, 92, true);
    let fnr = synthetic(3, 4, 92, false);
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for pid in [&d_number, &fnr] {
        app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    }
    let ingrid = app.staff("personvern.gamleoslo").await;
    let (status, body) = app
        .post(
            "/api/v1/persons/link-numbers",
            &ingrid,
            json!({ "pid": d_number, "other_pid": fnr }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let (status, _) = app
        .post(
            &format!(
                "/api/v1/persons/links/{}/approve",
                body["link_id"].as_str().unwrap()
            ),
            &ingrid,
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
});

/// Demo citizen 5 as before the register reported the protection: an ordinary person with two
/// requests in Nav Gamle Oslo, one of them closed.
async fn unprotected_person_with_two_requests(app: &TestApp) -> (String, String, String) {
    app.exec("UPDATE person SET strictly_confidential = FALSE, geography = '030101'")
        .await;
    let pid = app.citizen_pid(5).await;
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let closed = app.create(&kari, json!({ "kind": "retting", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    let closed = closed["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/requests/{closed}/transitions"),
            &kari,
            json!({ "action": "withdraw", "note": "sent by mistake", "withdrawal": { "channel": "phone", "received_on": today().to_string() } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let open = app.create(&kari, json!({ "kind": "innsyn", "description": "y", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    assert_eq!(open["unit"]["name"], "Nav Gamle Oslo");
    (kari, open["id"].as_str().unwrap().to_string(), closed)
}

db_test!(
    protection_from_the_register_moves_all_the_persons_requests,
    setup = worker_on,
    |app| {
        let (kari, open, closed) = unprotected_person_with_two_requests(&app).await;
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        collected(&app).await;
        for id in [&open, &closed] {
            let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
            assert_eq!(status, 404, "the ordinary unit no longer sees {id}");
            let (status, body) = app.get(&format!("/api/v1/requests/{id}"), &sara).await;
            assert_eq!(status, 200);
            assert_eq!(body["unit"]["name"], "Oslo kommune – skjermede personer");
            let (status, _) = app
                .get(&format!("/api/v1/requests/{id}/records"), &kari)
                .await;
            assert_eq!(status, 404);
        }
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        let protected: Vec<_> = persons.iter().filter(|p| p.strictly_confidential).collect();
        assert_eq!(protected.len(), 1);
        assert_eq!(
            protected[0].geography, None,
            "the stored address is cleared"
        );
    }
);

db_test!(
    only_the_population_register_sets_protection_and_never_lifts_it,
    setup = worker_on,
    |app| {
        // Folkeregisteret not flagged: its answer is data, not authority.
        app.exec("UPDATE source_system SET is_population_register = FALSE")
            .await;
        app.app.registry.invalidate().await;
        let (kari, open, _) = unprotected_person_with_two_requests(&app).await;
        collected(&app).await;
        let (status, body) = app.get(&format!("/api/v1/requests/{open}"), &kari).await;
        assert_eq!(status, 200);
        assert_eq!(body["unit"]["name"], "Nav Gamle Oslo");
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(persons.iter().all(|p| !p.strictly_confidential));
        // The register answering "ugradert" for a protected person does not lift the protection.
        app.exec(
            "UPDATE source_system SET is_population_register = TRUE WHERE id = 'folkeregisteret'",
        )
        .await;
        app.app.registry.invalidate().await;
        app.exec("UPDATE person SET strictly_confidential = TRUE")
            .await;
        let amina = app.citizen(0).await;
        let req = app
            .create(
                &amina,
                json!({ "kind": "innsyn", "description": "z", "service_area": "settlement" }),
            )
            .await;
        let id = req["id"].as_str().unwrap();
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &sara, json!({}))
            .await;
        assert_eq!(status, 202);
        collected(&app).await;
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(
            persons.iter().all(|p| p.strictly_confidential),
            "never lifted automatically"
        );
    }
);

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
                Some(i) => dsar::auth::principal::resolve_citizen(
                    &app.app,
                    &app.citizen_pid(i.parse().unwrap()).await,
                )
                .unwrap(),
                None => dsar::auth::principal::resolve_staff(&app.app, &user)
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

db_test!(
    a_merge_with_a_protected_person_moves_every_request_to_the_protected_unit,
    |app| {
        // Demo citizen 5 has a strictly confidential address; their earlier d-nummer had a case in
        // an ordinary unit.
        let d_number = synthetic(30, 9, 80, true);
        let fnr = app.citizen_pid(5).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let old = app.create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": d_number, "geography": "030101", "service_area": "settlement" })).await;
        let old_id = old["id"].as_str().unwrap();
        assert_eq!(old["unit"]["name"], "Nav Gamle Oslo");
        let (status, body) = app
            .post(
                "/api/v1/persons/link-numbers",
                &kari,
                json!({ "pid": d_number, "other_pid": fnr }),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        let ingrid = app.staff("personvern.gamleoslo").await;
        let (status, body) = app
            .post(
                &format!(
                    "/api/v1/persons/links/{}/approve",
                    body["link_id"].as_str().unwrap()
                ),
                &ingrid,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.get(&format!("/api/v1/requests/{old_id}"), &kari).await;
        assert_eq!(status, 404, "the ordinary unit no longer sees it");
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        let (status, body) = app.get(&format!("/api/v1/requests/{old_id}"), &sara).await;
        assert_eq!(status, 200);
        assert_eq!(body["unit"]["name"], "Oslo kommune – skjermede personer");
    }
);

/// The unit a request is in, by its reference (read from the database: the registrant is told
/// the reference only).
async fn unit_of(app: &TestApp, reference: &str) -> (String, Value) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = entity::request::Entity::find()
        .filter(entity::request::Column::Reference.eq(reference))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let unit = entity::unit::Entity::find_by_id(row.unit_id)
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    (unit.name, serde_json::from_str(&row.routing).unwrap())
}

db_test!(protected_persons_stay_with_the_body_they_wrote_to, |app| {
    // A protected person writes to Elverum: Elverum's own protected unit, never Nav's 2103
    // and never an ordinary Elverum unit.
    let eli = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(5).await;
    let body = app.create(&eli, json!({ "kind": "innsyn", "description": "brev", "subject_pid": pid, "geography": "3420", "service_area": "settlement" })).await;
    let reference = body["reference"].as_str().unwrap();
    assert_eq!(
        body["unit"]["name"], "",
        "the registrant does not see it: {body}"
    );
    let (unit, routing) = unit_of(&app, reference).await;
    assert_eq!(unit, "Elverum kommune – skjermede personer");
    assert_eq!(routing, json!({ "reason": "protected_address" }));

    // An administrator cannot name an ordinary unit for protected persons.
    let registry = app.app.registry.get(&app.app.db).await.unwrap();
    let lillestrom = registry
        .controllers
        .values()
        .find(|c| c.name == "Lillestrøm kommune")
        .unwrap()
        .clone();
    let ordinary = registry
        .units
        .values()
        .find(|u| u.controller_id == lillestrom.id && !u.is_protected)
        .unwrap()
        .id;
    let admin_principal = dsar::auth::principal::resolve_staff(&app.app, "admin")
        .await
        .unwrap();
    let set = |unit| dsar::administration::ControllerSettings {
        protected_unit_id: unit,
        ..dsar::administration::ControllerSettings::of(&lillestrom)
    };
    let refused = dsar::administration::update_controller(
        &app.app,
        &admin_principal,
        lillestrom.id,
        set(Some(ordinary)),
    )
    .await;
    assert!(
        matches!(&refused, Err(dsar::error::ServiceError::Invalid { field, .. }) if *field == "protected_unit_id"),
        "{refused:?}"
    );
    // A controller naming none: the fallback controller's protected unit, and the route says so.
    dsar::administration::update_controller(&app.app, &admin_principal, lillestrom.id, set(None))
        .await
        .unwrap();
    let lars = app.staff("saksbehandler.lillestrom").await;
    let body = app.create(&lars, json!({ "kind": "innsyn", "description": "brev", "subject_pid": pid, "geography": "3205" })).await;
    let (unit, routing) = unit_of(&app, body["reference"].as_str().unwrap()).await;
    assert_eq!(unit, "Oslo kommune – skjermede personer");
    assert_eq!(routing, json!({ "reason": "protected_address_no_unit" }));
});
