//! Closing a case without an answer under four eyes (withdrawal, forward_out, forward to another
//! controller), the manual art. 18(3) lift at a source that cannot lift over the protocol, and
//! corrected values given on the case page.
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    browser::csrf_token,
    db_test,
    decisions::started,
    office::{page, post, staff_browser},
    support::{TestApp, today},
};

fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

/// A started request at Utdanningsetaten (four eyes), registered by its caseworker.
async fn four_eyes_case(app: &TestApp, kind: &str) -> (String, String) {
    let jonas = app.staff("saksbehandler.ude").await;
    let created = app
        .create(
            &jonas,
            json!({"kind": kind, "description": "Norskkurset", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(1).await}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&jonas, &id).await;
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &jonas,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    (id, jonas)
}

fn withdrawal() -> Value {
    json!({"action": "withdraw", "note": "Trukket i brev", "withdrawal": {"channel": "letter", "received_on": today().to_string(), "reference": "2026/17-3"}})
}

async fn actions(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), token)
        .await;
    events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str().map(String::from))
        .collect()
}

db_test!(
    four_eyes_holds_a_staff_withdrawal_until_another_person_approves,
    |app| {
        let (id, jonas) = four_eyes_case(&app, "sletting").await;
        let base = format!("/api/v1/requests/{id}");
        // The caseworker's withdrawal is a proposal: the case stays open.
        let (status, step) = app
            .post(&format!("{base}/transitions"), &jonas, withdrawal())
            .await;
        assert_eq!(status, 202, "{step}");
        assert_eq!(step["action"], "withdraw");
        assert_eq!(step["status"], "pending");
        assert_eq!(step["proposed_by"], "saksbehandler.ude");
        assert_eq!(step["withdrawal"]["reference"], "2026/17-3");
        let (_, view) = app.get(&base, &jonas).await;
        assert_eq!(view["status"], "in_progress");
        // One proposal at a time; a bad withdrawal record is refused before anything is proposed.
        let (status, _) = app
            .post(
                &format!("{base}/transitions"),
                &jonas,
                json!({"action": "forward_out", "note": "Til IMDi"}),
            )
            .await;
        assert_eq!(status, 409);
        let mut future = withdrawal();
        future["withdrawal"]["received_on"] = json!((today() + chrono::Days::new(3)).to_string());
        let (status, _) = app
            .post(&format!("{base}/transitions"), &jonas, future)
            .await;
        assert_eq!(status, 422);
        // Only a privacy officer approves, and the citizen cannot see the proposal.
        for (token, want) in [(jonas.clone(), 403), (app.citizen(1).await, 403)] {
            let (status, body) = app
                .post(&format!("{base}/closing-step/approve"), &token, json!({}))
                .await;
            assert_eq!(status, want, "{body}");
        }
        let siri = app.staff("personvern.ude").await;
        let (status, seen) = app.get(&format!("{base}/closing-step"), &siri).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen["status"], "pending");
        let (status, done) = app
            .post(&format!("{base}/closing-step/approve"), &siri, json!({}))
            .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["status"], "withdrawn");
        let (_, seen) = app.get(&format!("{base}/closing-step"), &siri).await;
        assert_eq!(seen["status"], "approved");
        assert_eq!(seen["reviewed_by"], "personvern.ude");
        // Every step is on the timeline and in the audit trail.
        let trail = actions(&app, &siri, &id).await;
        let at = |a: &str| {
            trail
                .iter()
                .position(|x| x == a)
                .unwrap_or_else(|| panic!("{a}: {trail:?}"))
        };
        assert!(at("closing_proposed") < at("closing_approved"));
        assert!(at("closing_approved") < at("withdraw"));
        for action in ["request.closing_proposed", "request.closing_approved"] {
            assert_eq!(
                app.count(&format!("audit_event WHERE action = '{action}'"))
                    .await,
                1,
                "{action}"
            );
        }
        // Approved once.
        let (status, _) = app
            .post(&format!("{base}/closing-step/approve"), &siri, json!({}))
            .await;
        assert_eq!(status, 404);
    }
);

db_test!(
    four_eyes_returns_a_forward_out_and_approves_a_forward_to_another_controller,
    |app| {
        let (id, jonas) = four_eyes_case(&app, "innsyn").await;
        let base = format!("/api/v1/requests/{id}");
        let siri = app.staff("personvern.ude").await;
        let (status, step) = app
            .post(
                &format!("{base}/transitions"),
                &jonas,
                json!({"action": "forward_out", "note": "Sendt til IMDi"}),
            )
            .await;
        assert_eq!(status, 202, "{step}");
        // Returned: the case stays as it was, the proposer reads why.
        let (status, _) = app
            .post(
                &format!("{base}/closing-step/return"),
                &siri,
                json!({"comment": " "}),
            )
            .await;
        assert_eq!(status, 422);
        let (status, returned) = app
            .post(
                &format!("{base}/closing-step/return"),
                &siri,
                json!({"comment": "IMDi har ikke kurset; send det til bydelen."}),
            )
            .await;
        assert_eq!(status, 200, "{returned}");
        assert_eq!(returned["status"], "returned");
        let (_, seen) = app.get(&format!("{base}/closing-step"), &jonas).await;
        assert_eq!(
            seen["review_comment"],
            "IMDi har ikke kurset; send det til bydelen."
        );
        let (_, view) = app.get(&base, &jonas).await;
        assert_eq!(view["status"], "in_progress");
        assert!(
            !actions(&app, &jonas, &id)
                .await
                .contains(&"forward_out".to_string())
        );

        // A forward to another controller waits too; approved, it closes here with the letter.
        let registry = app.app.registry.get(&app.app.db).await.unwrap();
        let alna = registry
            .units
            .values()
            .find(|u| {
                registry
                    .controllers
                    .get(&u.controller_id)
                    .is_some_and(|c| c.name == "Bydel Alna")
            })
            .unwrap()
            .id;
        let (status, step) = app
            .post(
                &format!("{base}/forward"),
                &jonas,
                json!({"unit_id": alna, "note": "Kurset drives av bydelen."}),
            )
            .await;
        assert_eq!(status, 202, "{step}");
        assert_eq!(step["action"], "forward");
        assert_eq!(step["unit_id"], alna.to_string());
        let kinds = |docs: Value| -> Vec<String> {
            docs.as_array()
                .unwrap()
                .iter()
                .map(|d| d["kind"].as_str().unwrap().to_string())
                .collect()
        };
        let (_, docs) = app.get(&format!("{base}/documents"), &siri).await;
        assert!(kinds(docs).is_empty(), "no letter before the approval");
        let (status, done) = app
            .post(&format!("{base}/closing-step/approve"), &siri, json!({}))
            .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["status"], "forwarded");
        let (_, docs) = app.get(&format!("{base}/documents"), &siri).await;
        assert!(kinds(docs).contains(&"forwarded_html".to_string()));
        let (_, events) = app.get(&format!("{base}/events"), &siri).await;
        let forwarded = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "forwarded")
            .unwrap();
        assert_eq!(forwarded["actor"], "personvern.ude");
        assert!(forwarded["details"]["onward_request_id"].is_string());

        // The period report counts withdrawals and forwards apart from answered requests.
        let (other, _) = four_eyes_case(&app, "retting").await;
        app.post(
            &format!("/api/v1/requests/{other}/transitions"),
            &jonas,
            withdrawal(),
        )
        .await;
        app.post(
            &format!("/api/v1/requests/{other}/closing-step/approve"),
            &siri,
            json!({}),
        )
        .await;
        let controller = done["controller"]["id"].as_str().unwrap();
        let from = today() - chrono::Days::new(1);
        let (status, s) = app
            .get(
                &format!(
                    "/api/v1/reports/summary?from={from}&to={}&controller={controller}",
                    today()
                ),
                &siri,
            )
            .await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(s["withdrawn"], 1, "{s}");
        assert_eq!(s["forwarded"], 1, "{s}");
        assert_eq!(s["completed"], 0, "{s}");
    }
);

db_test!(
    a_case_awaiting_decision_approval_is_not_closed_by_one_caseworker,
    |app| {
        let (id, jonas) = four_eyes_case(&app, "sletting").await;
        app.collect_to_idle(&jonas, &id).await;
        let base = format!("/api/v1/requests/{id}");
        let (status, v) = app
            .post(
                &format!("{base}/decision"),
                &jonas,
                json!({"outcome": "granted", "legal_bases": [], "text": ""}),
            )
            .await;
        assert_eq!(status, 201, "{v}");
        let (_, view) = app.get(&base, &jonas).await;
        assert_eq!(view["status"], "awaiting_approval");
        let (status, step) = app
            .post(&format!("{base}/transitions"), &jonas, withdrawal())
            .await;
        assert_eq!(status, 202, "{step}");
        let (_, view) = app.get(&base, &jonas).await;
        assert_eq!(view["status"], "awaiting_approval");
        // The privacy officer's own proposal needs someone else too.
        let siri = app.staff("personvern.ude").await;
        let (status, _) = app
            .post(
                &format!("{base}/closing-step/return"),
                &siri,
                json!({"comment": "Vent"}),
            )
            .await;
        assert_eq!(status, 200);
        let (status, _) = app
            .post(&format!("{base}/transitions"), &siri, withdrawal())
            .await;
        assert_eq!(status, 202);
        let (status, _) = app
            .post(&format!("{base}/closing-step/approve"), &siri, json!({}))
            .await;
        assert_eq!(status, 403);
        // The person's own withdrawal is never held back; the proposal can then not be carried out.
        let citizen = app.citizen(1).await;
        let (status, view) = app
            .post(
                &format!("{base}/transitions"),
                &citizen,
                json!({"action": "withdraw"}),
            )
            .await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["status"], "withdrawn");
    }
);

db_test!(
    the_case_page_shows_a_proposed_forward_and_another_officer_approves_it,
    |app| {
        let (id, _) = four_eyes_case(&app, "innsyn").await;
        let registry = app.app.registry.get(&app.app.db).await.unwrap();
        let alna = registry
            .units
            .values()
            .find(|u| {
                registry
                    .controllers
                    .get(&u.controller_id)
                    .is_some_and(|c| c.name == "Bydel Alna")
            })
            .unwrap()
            .id
            .to_string();
        let (browser, _) = staff_browser(&app, "saksbehandler.ude").await;
        let case_path = format!("/office/sak/{id}?lang=en");
        let (_, html) = page(&browser, &app, &case_path).await;
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/videresend"),
            &csrf_token(&html),
            &[("unit_id", &alna), ("note", "Kurset drives av bydelen.")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("done=closing_proposed"));
        // The proposer sees it waiting, without approve buttons.
        let (_, html) = page(&browser, &app, &case_path).await;
        assert!(
            html.contains("Withdrawal or forward awaiting approval"),
            "{html}"
        );
        assert!(html.contains("Forward to another controller"));
        assert!(!html.contains(&format!("/office/sak/{id}/avslutning/godkjenn")));
        // The privacy officer: return needs a comment, in the page's language beside the field.
        let (officer, html) = staff_browser(&app, "personvern.ude").await;
        let csrf = csrf_token(&html);
        let (_, html) = page(&officer, &app, &case_path).await;
        assert!(html.contains(&format!("/office/sak/{id}/avslutning/godkjenn")));
        assert!(html.contains(&format!("/office/sak/{id}/avslutning/returner")));
        let (status, _, html) = post(
            &officer,
            &app,
            &format!("/office/sak/{id}/avslutning/returner?lang=en"),
            &csrf,
            &[("comment", " ")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("closing-comment-error"), "{html}");
        let (status, to, _) = post(
            &officer,
            &app,
            &format!("/office/sak/{id}/avslutning/godkjenn"),
            &csrf,
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("done=closing_approved"));
        let siri = app.staff("personvern.ude").await;
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &siri).await;
        assert_eq!(view["status"], "forwarded");
    }
);

db_test!(
    a_source_that_cannot_lift_gets_a_manual_lift_task_after_the_notice,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "begrensning", "description": "Ikke bruk opplysningene", "service_area": "settlement"}), None).await;
        let base = format!("/api/v1/requests/{id}");
        app.collect_to_idle(&staff, &id).await;
        let (status, v) = app
            .post(
                &format!("{base}/collect"),
                &staff,
                json!({"operation": "restrict"}),
            )
            .await;
        assert_eq!(status, 202, "{v}");
        app.settled(&staff, &id, Duration::from_secs(20)).await;
        app.post(
            &format!("{base}/decision"),
            &staff,
            json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        )
        .await;
        let (status, v) = app
            .post(&format!("{base}/decision/approve"), &staff, json!({}))
            .await;
        assert_eq!(status, 200, "{v}");
        // No source lifts over the protocol any more.
        app.exec("UPDATE source_system SET capabilities = REPLACE(capabilities, ',\"lift\"', '')")
            .await;
        app.app.registry.invalidate().await;
        // The notice still comes first.
        let r = app
            .call(
                Method::POST,
                &format!("{base}/restriction/lift"),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        TestApp::expect_problem(r, 409).await;
        let (status, _) = app
            .post(
                &format!("{base}/restriction/lift-notice"),
                &staff,
                json!({"reason": "Klagen er avgjort.", "lift_on": today()}),
            )
            .await;
        assert_eq!(status, 201);
        let (status, lifted) = app
            .post(&format!("{base}/restriction/lift"), &staff, json!({}))
            .await;
        assert_eq!(status, 200, "{lifted}");
        let sources: Vec<String> = lifted["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert!(
            !sources.is_empty(),
            "a manual task per source, never nothing"
        );
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let lifts: Vec<&Value> = tasks.iter().filter(|t| t["operation"] == "lift").collect();
        assert_eq!(lifts.len(), sources.len());
        assert!(lifts.iter().all(|t| t["status"] == "manual"), "{lifts:?}");
        // The case page offers to record each as done.
        let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
        let case_path = format!("/office/sak/{id}?lang=en");
        let (_, html) = page(&browser, &app, &case_path).await;
        let first = &sources[0];
        assert!(
            html.contains(&format!("/office/sak/{id}/begrensning/opphevet/{first}")),
            "{html}"
        );
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/begrensning/opphevet/{first}"),
            &csrf_token(&html),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("done=lift_done"));
        for source in &sources[1..] {
            let (status, v) = app
                .post(
                    &format!("{base}/restriction/lift/{source}/done"),
                    &staff,
                    json!({}),
                )
                .await;
            assert_eq!(status, 200, "{v}");
            assert_eq!(v["status"], "done");
        }
        let (status, _) = app
            .post(
                &format!("{base}/restriction/lift/{first}/done"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(status, 409, "done once");
        let (_, records) = app.get(&format!("{base}/records"), &staff).await;
        let restricted = records
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["operation"] == "restrict" && r["result"]["outcome"] == "restricted")
            .count();
        let lifted_records = records
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["operation"] == "lift" && r["result"]["outcome"] == "lifted")
            .count();
        assert_eq!(lifted_records, restricted, "{records}");
        let trail = actions(&app, &staff, &id).await;
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "restriction_lift_manual_done")
                .count(),
            sources.len()
        );
    }
);

db_test!(
    corrected_values_are_given_on_the_case_page_with_errors_beside_the_field,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "retting", "description": "Fraværet er feil", "service_area": "settlement"}), Some("access")).await;
        let base = format!("/api/v1/requests/{id}");
        let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(html.contains("Nye verdier (retting)"), "{html}");
        assert!(html.contains("name=\"correction_value_0\""));
        assert!(
            html.contains("value=\"fravaer\""),
            "the record is named in the form"
        );
        let csrf = csrf_token(&html);
        let path = format!("/office/sak/{id}/innhenting");
        let fields = |operation: &'static str, value: String| {
            vec![
                ("operation", operation.to_string()),
                ("correction_record_0", "fravaer".to_string()),
                ("correction_value_0", value),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let browser = &browser;
            let app = &app;
            let path = path.clone();
            let csrf = csrf.clone();
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post(browser, app, &path, &csrf, &fields).await
            }
        };
        // With access, a new value is refused beside its field (nb, the page's language).
        let (status, _, html) = send(fields("access", "0 dager".into())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"collect-correction_value_0-error\""),
            "{html}"
        );
        assert!(
            html.contains("Nye verdier hører bare til retting"),
            "{html}"
        );
        assert!(html.contains("value=\"0 dager\""), "what was typed is kept");
        // Too long.
        let (status, _, html) = send(fields("rectify", "x".repeat(2001))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Den nye verdien kan ha høyst 2000 tegn."),
            "{html}"
        );
        let (_, tasks) = app.get(&format!("{base}/sources"), &staff).await;
        assert!(
            !tasks
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["operation"] == "rectify"),
            "nothing sent: {tasks}"
        );
        // Accepted: the same input as the API's `corrections`, sent to the source.
        let new = "0 dager ugyldig fravær i mars";
        let (status, to, _) = send(fields("rectify", new.into())).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("done=collecting"));
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        assert!(
            tasks.iter().any(|t| t["operation"] == "rectify"),
            "{tasks:?}"
        );
        let (_, records) = app.get(&format!("{base}/records"), &staff).await;
        let result = records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["operation"] == "rectify"
                    && r["source"] == "kommune"
                    && r["result"]["record_id"] == "fravaer"
            })
            .unwrap_or_else(|| panic!("rectify result: {records}"))
            .clone();
        assert_eq!(result["result"]["outcome"], "corrected");
        assert_eq!(result["result"]["new_value"], new);
    }
);
