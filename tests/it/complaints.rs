//! Complaints about a request's handling: an appeal of the decision (only once answered) and a
//! complaint to Datatilsynet (any request), sent on to the appeal body and closed with an
//! outcome; staff only; on the internal timeline; counted in the period report; and the same
//! through the case page.
use reqwest::StatusCode;
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

/// An Elverum innsyn request answered (granted) by its caseworker, who decides alone there.
async fn answered(app: &TestApp) -> (String, String) {
    let (id, staff) = started(
        app,
        "saksbehandler.elverum",
        2,
        json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        Some("access"),
    )
    .await;
    app.decide_and_approve(
        &staff,
        &staff,
        &id,
        json!({"outcome": "granted", "legal_bases": [], "text": ""}),
    )
    .await;
    (id, staff)
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
    complaints_are_registered_sent_on_decided_and_reported,
    setup = worker_on,
    |app| {
        let (id, staff) = answered(&app).await;
        let (open_id, _) = started(
            &app,
            "saksbehandler.elverum",
            2,
            json!({"kind": "sletting", "description": "Slett", "service_area": "settlement"}),
            None,
        )
        .await;
        let day = today().to_string();
        let base = format!("/api/v1/requests/{id}/complaints");

        // An appeal needs a decision; a complaint to Datatilsynet does not.
        let (status, p) = app
            .post(
                &format!("/api/v1/requests/{open_id}/complaints"),
                &staff,
                json!({"kind": "appeal", "received_on": day}),
            )
            .await;
        assert_eq!(status, 409, "{p}");
        let (status, dt) = app
            .post(
                &format!("/api/v1/requests/{open_id}/complaints"),
                &staff,
                json!({"kind": "supervisory_authority", "received_on": day, "note": "Datatilsynets sak 26/01234"}),
            )
            .await;
        assert_eq!(status, 201, "{dt}");
        assert_eq!(dt["status"], "open");
        assert_eq!(dt["days_after_answer"], Value::Null);

        // Dates: not in the future, not before the request; a wrong kind is a 422.
        let tomorrow = (today() + chrono::Duration::days(1)).to_string();
        for (body, field) in [
            (
                json!({"kind": "appeal", "received_on": tomorrow}),
                "received_on",
            ),
            (
                json!({"kind": "appeal", "received_on": "2020-01-01"}),
                "received_on",
            ),
        ] {
            let r = app
                .call(reqwest::Method::POST, &base, Some(&staff), Some(body))
                .await;
            let p = TestApp::expect_problem(r, 422).await;
            assert_eq!(p["field"], field, "{p}");
        }
        let r = app
            .call(
                reqwest::Method::POST,
                &base,
                Some(&staff),
                Some(json!({"kind": "klage", "received_on": day})),
            )
            .await;
        assert!(r.status().is_client_error());

        let (status, appeal) = app
            .post(&base, &staff, json!({"kind": "appeal", "received_on": day, "note": "Mener svaret er ufullstendig"}))
            .await;
        assert_eq!(status, 201, "{appeal}");
        assert_eq!(appeal["days_after_answer"], 0);
        assert_eq!(appeal["registered_by"], "saksbehandler.elverum");
        let appeal_id = appeal["id"].as_str().unwrap();

        // Only an open appeal is sent on, once.
        let dt_id = dt["id"].as_str().unwrap();
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{open_id}/complaints/{dt_id}/appeal-body"),
                &staff,
                json!({"sent_on": day}),
            )
            .await;
        assert_eq!(status, 409);
        let sent_path = format!("{base}/{appeal_id}/appeal-body");
        let (status, sent) = app.post(&sent_path, &staff, json!({"sent_on": day})).await;
        assert_eq!(status, 200, "{sent}");
        assert_eq!(sent["status"], "with_appeal_body");
        assert_eq!(sent["sent_to_appeal_body_on"], day);
        let (status, _) = app.post(&sent_path, &staff, json!({"sent_on": day})).await;
        assert_eq!(status, 409);

        // The outcome closes it; a closed complaint takes no other.
        let outcome_path = format!("{base}/{appeal_id}/outcome");
        let (status, closed) = app
            .post(
                &outcome_path,
                &staff,
                json!({"outcome": "upheld", "decided_on": day, "note": "Statsforvalteren stadfestet"}),
            )
            .await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["status"], "closed");
        assert_eq!(closed["outcome"], "upheld");
        assert_eq!(
            closed["note"],
            "Mener svaret er ufullstendig\n\nStatsforvalteren stadfestet"
        );
        let (status, _) = app
            .post(
                &outcome_path,
                &staff,
                json!({"outcome": "reversed", "decided_on": day}),
            )
            .await;
        assert_eq!(status, 409);
        // A complaint of another request is not found through this one.
        let (status, _) = app
            .post(
                &format!("{base}/{dt_id}/outcome"),
                &staff,
                json!({"outcome": "withdrawn", "decided_on": day}),
            )
            .await;
        assert_eq!(status, 404);

        let (status, list) = app.get(&base, &staff).await;
        assert_eq!(status, 200);
        assert_eq!(list.as_array().map(Vec::len), Some(1));

        // Staff of the case only; the person sees none of it on their timeline.
        let citizen = app.citizen(2).await;
        let (status, _) = app.get(&base, &citizen).await;
        assert_eq!(status, 403);
        let other = app.staff("saksbehandler.ude").await;
        let (status, _) = app.get(&base, &other).await;
        assert_eq!(status, 404);
        let staff_actions = actions(&app, &staff, &id).await;
        for a in [
            "complaint_registered",
            "complaint_sent_to_appeal_body",
            "complaint_decided",
        ] {
            assert!(
                staff_actions.iter().any(|x| x == a),
                "{a} in {staff_actions:?}"
            );
        }
        let citizen_actions = actions(&app, &citizen, &id).await;
        assert!(
            !citizen_actions.iter().any(|a| a.starts_with("complaint")),
            "{citizen_actions:?}"
        );

        // The period report counts them by kind and outcome.
        let (_, request) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
        let controller = request["controller"]["id"].as_str().unwrap();
        let revisor = app.staff("revisor").await;
        let (status, s) = app
            .get(
                &format!("/api/v1/reports/summary?from={day}&to={day}&controller={controller}"),
                &revisor,
            )
            .await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(
            s["complaints"],
            json!({
                "received": 2,
                "by_kind": {"appeal": 1, "supervisory_authority": 1},
                "outcomes": {"upheld": 1},
                "open": 1,
            })
        );
        // Every controller at once (no condition on whose requests): the same complaints.
        let (status, all) = app
            .get(
                &format!("/api/v1/reports/summary?from={day}&to={day}"),
                &revisor,
            )
            .await;
        assert_eq!(status, 200, "{all}");
        assert_eq!(all["complaints"], s["complaints"]);
        let csv = app
            .call(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/reports/summary?from={day}&to={day}&controller={controller}&format=csv"
                ),
                Some(&revisor),
                None,
            )
            .await
            .text()
            .await
            .unwrap();
        for line in [
            "Klager mottatt i perioden;2",
            "Klage på vedtaket;1",
            "Klage til Datatilsynet;1",
            "Vedtaket står fast;1",
            "Klager som ikke er avsluttet;1",
        ] {
            assert!(csv.lines().any(|l| l == line), "{line} missing in\n{csv}");
        }
    }
);

db_test!(
    a_complaint_is_registered_and_decided_on_the_case_page,
    setup = worker_on,
    |app| {
        let (id, _) = answered(&app).await;
        let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
        let path = format!("/office/sak/{id}");
        let (status, html) = page(&browser, &app, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Ingen klager er registrert i denne saken."),
            "{html}"
        );
        let csrf = csrf_token(&html);

        // A date in the future: refused beside the field, what was typed kept.
        let tomorrow = (today() + chrono::Duration::days(1)).to_string();
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{path}/klage"),
            &csrf,
            &[
                ("complaint_id", ""),
                ("kind", "appeal"),
                ("received_on", &tomorrow),
                ("note", "Klage i brev"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("ikke fram i tid"), "{html}");
        assert!(html.contains(">Klage i brev</textarea>"), "{html}");

        let day = today().to_string();
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("{path}/klage"),
            &csrf,
            &[
                ("complaint_id", ""),
                ("kind", "appeal"),
                ("received_on", &day),
                ("note", "Klage i brev"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            to.unwrap()
                .contains(&format!("{path}?done=complaint_registered"))
        );
        let (_, html) = page(&browser, &app, &format!("{path}?done=complaint_registered")).await;
        assert!(html.contains("Klagen er registrert."));
        assert!(
            html.contains("Klage på vedtaket – under behandling hos oss"),
            "{html}"
        );
        assert!(
            html.contains("0 dager etter at saken ble besvart"),
            "{html}"
        );
        let complaint = html
            .split("/klage/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_string();

        // No outcome chosen: refused beside the field.
        let outcome = format!("{path}/klage/{complaint}/utfall");
        let (status, _, html) = post(
            &browser,
            &app,
            &outcome,
            &csrf,
            &[
                ("complaint_id", &complaint),
                ("outcome", ""),
                ("decided_on", &day),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Velg utfallet av klagen."), "{html}");

        let (status, to, _) = post(
            &browser,
            &app,
            &outcome,
            &csrf,
            &[
                ("complaint_id", &complaint),
                ("outcome", "reversed"),
                ("decided_on", &day),
                ("note", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("?done=complaint_decided"));
        let (_, html) = page(&browser, &app, &format!("{path}?done=complaint_decided")).await;
        assert!(html.contains("Utfallet av klagen er registrert."));
        assert!(html.contains("Klage på vedtaket – avsluttet"), "{html}");
        assert!(html.contains("Omgjort"), "{html}");
        // Closed: no forms for it any more.
        assert!(!html.contains(&format!("/klage/{complaint}/utfall")));
    }
);
