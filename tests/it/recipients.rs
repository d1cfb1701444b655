//! Art. 19: one notice per recipient with only what that recipient received, delivered over the
//! recipient's source protocol or left as a printed letter for a caseworker; the person's letter
//! names the recipients and tells them they may ask who they are.
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{browser::*, db_test, support::TestApp};

fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

async fn post_ok(app: &TestApp, path: &str, token: &str, body: Value, want: u16) -> Value {
    let (status, v) = app.post(path, token, body).await;
    assert_eq!(status, want, "{path}: {v}");
    v
}

/// A retting for demo citizen 2 at Elverum (no four eyes), collected, then rectified at
/// `record_ids` (when given).
async fn retting(app: &TestApp, access: bool, record_ids: &[&str]) -> (String, String) {
    let staff = app.staff("saksbehandler.elverum").await;
    let created = app
        .create(
            &staff,
            json!({"kind": "retting", "description": "Fraværet og bosettingskommunen er feil", "service_area": "settlement", "language": "en", "subject_pid": app.citizen_pid(2).await}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&staff, &id).await;
    let base = format!("/api/v1/requests/{id}");
    post_ok(
        app,
        &format!("{base}/transitions"),
        &staff,
        json!({"action": "start"}),
        200,
    )
    .await;
    if access {
        app.collect_to_idle(&staff, &id).await;
    } else {
        // Decided without asking the sources what they hold: the caseworker waives that.
        post_ok(
            app,
            &format!("{base}/collection/waive"),
            &staff,
            json!({"reason": "Personen har sendt dokumentasjon på riktig verdi."}),
            200,
        )
        .await;
    }
    post_ok(
        app,
        &format!("{base}/collect"),
        &staff,
        json!({"operation": "rectify", "record_ids": record_ids}),
        202,
    )
    .await;
    app.settled(&staff, &id, Duration::from_secs(20)).await;
    post_ok(
        app,
        &format!("{base}/decision"),
        &staff,
        json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        201,
    )
    .await;
    (id, staff)
}

async fn text_of(app: &TestApp, href: &str, token: &str) -> String {
    app.call(Method::GET, href, Some(token), None)
        .await
        .text()
        .await
        .unwrap()
}

db_test!(
    a_retting_at_two_sources_tells_each_recipient_only_its_own_changes,
    setup = worker_on,
    |app| {
        // kommune's "fravaer" went to NAV; imdi's "bosetting" went to Kommunen.
        let (id, staff) = retting(&app, true, &["fravaer", "bosetting"]).await;
        let approved = post_ok(
            &app,
            &format!("/api/v1/requests/{id}/decision/approve"),
            &staff,
            json!({}),
            200,
        )
        .await;
        let docs = approved["documents"].as_array().unwrap();
        assert_eq!(
            docs.iter()
                .filter(|d| d["kind"] == "recipient_notice")
                .count(),
            2,
            "one notice per recipient: {docs:?}"
        );

        // The person's letter names the recipients and the right to ask who they are.
        let html_href = docs.iter().find(|d| d["kind"] == "answer_html").unwrap()["href"]
            .as_str()
            .unwrap();
        let html = text_of(&app, html_href, &staff).await;
        let lang = dsar::i18n::Language::En;
        let told = dsar::i18n::tf(
            lang,
            "letters.operations.recipients_told",
            &[("recipients", "Kommunen, NAV")],
        );
        assert!(html.contains(&told), "{told}");
        assert!(html.contains(dsar::i18n::t(lang, "letters.operations.recipients_ask")));
        assert!(!html.contains(dsar::i18n::t(lang, "letters.operations.recipients_none")));

        // NAV takes notices over the protocol; Kommunen has no such system: a printed letter.
        let (status, notices) = app
            .get(&format!("/api/v1/requests/{id}/notices"), &staff)
            .await;
        assert_eq!(status, 200, "{notices}");
        let notices = notices.as_array().unwrap().clone();
        let by = |r: &str| {
            notices
                .iter()
                .find(|n| n["recipient"] == r)
                .unwrap()
                .clone()
        };
        let (kommunen, nav) = (by("Kommunen"), by("NAV"));
        assert_eq!(notices.len(), 2);
        assert_eq!(kommunen["channel"], "manual");
        assert_eq!(kommunen["status"], "manual");
        assert_eq!(kommunen["changes"], 1);
        assert_eq!(nav["channel"], "protocol");
        assert_eq!(nav["source"], "nav");
        assert_eq!(nav["changes"], 1);

        // The printable letter to Kommunen holds only what Kommunen received.
        let bytes = app
            .call(
                Method::GET,
                kommunen["document_href"].as_str().unwrap(),
                Some(&staff),
                None,
            )
            .await
            .bytes()
            .await
            .unwrap();
        let pdf = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        assert!(pdf.contains("Bosatt i kommune"), "{pdf}");
        assert!(
            !pdf.contains("Fravær"),
            "NAV's change is not Kommunen's: {pdf}"
        );

        // NAV's notice is delivered through the protocol and its status moves to delivered.
        app.run_jobs_to_idle().await;
        let (_, list) = app
            .get(&format!("/api/v1/requests/{id}/notices"), &staff)
            .await;
        let nav = list
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["recipient"] == "NAV")
            .unwrap()
            .clone();
        assert_eq!(nav["status"], "delivered", "{nav}");
        assert!(nav["delivered_at"].is_string());
        let received: Value = app
            .client
            .get(app.url("/sim/_notices"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let received = received.as_array().unwrap();
        assert_eq!(
            received.len(),
            1,
            "only NAV's system takes notices: {received:?}"
        );
        assert_eq!(received[0]["source"], "nav");
        let changes = received[0]["notice"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0]["source"], "kommune");
        assert_eq!(changes[0]["record_id"], "fravaer");
        assert_eq!(changes[0]["outcome"], "corrected");
        assert_eq!(received[0]["notice"]["operation"], "rectify");

        // The case page lists both with their status; the caseworker sends Kommunen's letter
        // and records it there.
        let browser = Browser::new();
        demo_staff_login(&browser, &app, "saksbehandler.elverum").await;
        let html = browser
            .get(&app.url(&format!("/office/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Notices to recipients (GDPR Art. 19)"),
            "{html}"
        );
        assert!(html.contains("To be sent as a letter") && html.contains("Received"));
        let kid = kommunen["id"].as_str().unwrap();
        let r = browser
            .post_form(
                &app.url(&format!("/office/sak/{id}/melding/{kid}/sendt")),
                &[("csrf_token".to_string(), csrf_token(&html))],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, list) = app
            .get(&format!("/api/v1/requests/{id}/notices"), &staff)
            .await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|n| n["status"] == "delivered"),
            "{list}"
        );
        // A second time is refused.
        let r = app
            .call(
                Method::POST,
                &format!(
                    "/api/v1/requests/{id}/notices/{}/sent",
                    kommunen["id"].as_str().unwrap()
                ),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        TestApp::expect_problem(r, 409).await;
        // A delivered protocol notice cannot be "retried".
        let r = app
            .call(
                Method::POST,
                &format!(
                    "/api/v1/requests/{id}/notices/{}/retry",
                    nav["id"].as_str().unwrap()
                ),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        TestApp::expect_problem(r, 409).await;

        // Both deliveries are on the case's history.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &staff)
            .await;
        let actions: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(
            actions.contains(&"recipient_notice_delivered"),
            "{actions:?}"
        );
        assert!(actions.contains(&"recipient_notice_sent"), "{actions:?}");

        // Notices are for staff: the person neither lists them nor reads them.
        let citizen = app.citizen(2).await;
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/notices"), &citizen)
            .await;
        assert_eq!(status, 403);
        let r = app
            .call(
                Method::GET,
                kommunen["document_href"].as_str().unwrap(),
                Some(&citizen),
                None,
            )
            .await;
        assert_eq!(r.status(), 404);
    }
);

db_test!(
    a_change_nobody_received_is_said_so_and_no_notice_is_made,
    setup = worker_on,
    |app| {
        // NAV's "kontor" record was disclosed to nobody.
        let (id, staff) = retting(&app, true, &["kontor"]).await;
        let approved = post_ok(
            &app,
            &format!("/api/v1/requests/{id}/decision/approve"),
            &staff,
            json!({}),
            200,
        )
        .await;
        let docs = approved["documents"].as_array().unwrap();
        assert!(docs.iter().all(|d| d["kind"] != "recipient_notice"));
        let html_href = docs.iter().find(|d| d["kind"] == "answer_html").unwrap()["href"]
            .as_str()
            .unwrap();
        let html = text_of(&app, html_href, &staff).await;
        let lang = dsar::i18n::Language::En;
        assert!(html.contains(dsar::i18n::t(lang, "letters.operations.recipients_none")));
        assert!(html.contains(dsar::i18n::t(lang, "letters.operations.recipients_ask")));
        let (_, notices) = app
            .get(&format!("/api/v1/requests/{id}/notices"), &staff)
            .await;
        assert_eq!(notices, json!([]));
    }
);

db_test!(
    recipients_must_be_known_before_a_change_is_answered,
    setup = worker_on,
    |app| {
        // Rectified without ever asking the sources what they hold: whom they disclosed the
        // data to is unknown, so the answer cannot truthfully say who was told.
        let (id, staff) = retting(&app, false, &["fravaer"]).await;
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/requests/{id}/decision/approve"),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        let p = TestApp::expect_problem(r, 409).await;
        assert!(
            p["detail"].as_str().unwrap().contains("collect access"),
            "{p}"
        );
        let (_, request) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
        assert_eq!(request["status"], "in_progress", "nothing half-written");
    }
);

db_test!(
    a_retting_records_the_corrected_value_sends_it_and_shows_before_and_after,
    setup = worker_on,
    |app| {
        let staff = app.staff("saksbehandler.elverum").await;
        let created = app
            .create(
                &staff,
                json!({"kind": "retting", "description": "Fraværet er feil", "service_area": "settlement", "language": "en", "subject_pid": app.citizen_pid(2).await}),
            )
            .await;
        let id = created["id"].as_str().unwrap().to_string();
        app.verify_identity(&staff, &id).await;
        let base = format!("/api/v1/requests/{id}");
        post_ok(
            &app,
            &format!("{base}/transitions"),
            &staff,
            json!({"action": "start"}),
            200,
        )
        .await;
        app.collect_to_idle(&staff, &id).await;
        let (status, records) = app.get(&format!("{base}/records"), &staff).await;
        assert_eq!(status, 200, "{records}");
        let (source, old) = records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["record"]["id"] == "fravaer")
            .map(|r| {
                (
                    r["source"].clone(),
                    r["record"]["value"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("fravaer collected: {records}"));

        // A corrected value goes only with rectify, and is never empty.
        let (status, body) = app
            .post(
                &format!("{base}/collect"),
                &staff,
                json!({"operation": "access", "corrections": [{"record_id": "fravaer", "value": "0 dager"}]}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = app
            .post(
                &format!("{base}/collect"),
                &staff,
                json!({"operation": "rectify", "record_ids": ["fravaer"], "corrections": [{"record_id": "fravaer", "value": " "}]}),
            )
            .await;
        assert_eq!(status, 422, "{body}");

        let new = "0 dager ugyldig fravær i mars";
        post_ok(
            &app,
            &format!("{base}/collect"),
            &staff,
            json!({"operation": "rectify", "record_ids": ["fravaer"], "corrections": [{"record_id": "fravaer", "value": new}]}),
            202,
        )
        .await;
        app.settled(&staff, &id, Duration::from_secs(20)).await;
        // The source's answer records the value it holds now.
        let (_, records) = app.get(&format!("{base}/records"), &staff).await;
        let result = records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["source"] == source && r["result"]["record_id"] == "fravaer")
            .unwrap_or_else(|| panic!("rectify result: {records}"))
            .clone();
        assert_eq!(result["result"]["outcome"], "corrected");
        assert_eq!(result["result"]["new_value"], new);

        let approved = app
            .decide_and_approve(
                &staff,
                &staff,
                &id,
                json!({"outcome": "granted", "legal_bases": [], "text": ""}),
            )
            .await;
        let docs = approved["documents"].as_array().unwrap();
        let href = docs.iter().find(|d| d["kind"] == "answer_html").unwrap()["href"]
            .as_str()
            .unwrap();
        let html = text_of(&app, href, &staff).await;
        let lang = dsar::i18n::Language::En;
        for (key, value) in [
            ("letters.operations.old_value", old.as_str()),
            ("letters.operations.new_value", new),
        ] {
            let line = dsar::i18n::tf(lang, key, &[("value", value)]);
            assert!(html.contains(&line), "{line}: {html}");
        }
    }
);
