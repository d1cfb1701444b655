//! Decisions: draft, four-eyes approval or return, the generated answer in the person's language,
//! the citizen's download, and the legal-basis catalogue.
use std::{io::Read, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

fn worker_on(s: &mut dsar::config::Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
}

/// A request registered by `staff` for demo citizen `citizen`, the requester's identity verified
/// (passport seen), started, collected from every source, and (when `collect`) settled.
pub(crate) async fn started(
    app: &TestApp,
    staff: &str,
    citizen: usize,
    body: Value,
    collect: Option<&str>,
) -> (String, String) {
    let token = app.staff(staff).await;
    let mut body = body;
    body["subject_pid"] = json!(app.citizen_pid(citizen).await);
    let created = app.create(&token, body).await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&token, &id).await;
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &token,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    if let Some(op) = collect {
        app.collect_to_idle(&token, &id).await;
        if op != "access" {
            let (status, v) = app
                .post(
                    &format!("/api/v1/requests/{id}/collect"),
                    &token,
                    json!({"operation": op}),
                )
                .await;
            assert_eq!(status, 202, "{v}");
            app.settled(&token, &id, Duration::from_secs(20)).await;
        }
    }
    (id, token)
}

/// Drafts a decision on request `id` and returns the draft.
async fn draft(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    let (status, v) = app
        .post(&format!("/api/v1/requests/{id}/decision"), token, body)
        .await;
    assert_eq!(status, 201, "{v}");
    v
}

/// The text of the approved decision's document of `kind`, fetched with `token`.
async fn document_text(app: &TestApp, approved: &Value, kind: &str, token: &str) -> String {
    let href = approved["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {approved}"))["href"]
        .as_str()
        .unwrap()
        .to_string();
    app.call(Method::GET, &href, Some(token), None)
        .await
        .text()
        .await
        .unwrap()
}

db_test!(
    an_innsyn_answer_goes_from_decision_to_the_citizens_download,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "language": "nn", "contact_email": "mariam@example.no"}), Some("access")).await;
        let (status, draft) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &staff,
                json!({"outcome": "granted", "legal_bases": [], "text": ""}),
            )
            .await;
        assert_eq!(status, 201, "{draft}");
        assert_eq!(draft["status"], "draft");
        assert_eq!(
            draft["four_eyes"], false,
            "Elverum decides without a second person"
        );
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        assert_eq!(approved["decision"]["status"], "approved");
        let kinds: Vec<&str> = approved["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["answer_pdf", "answer_html", "data_package"]);
        let (_, request) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
        assert_eq!(request["status"], "completed");
        assert_eq!(request["outcome"], "granted");

        // The citizen downloads the letter and the package; the checksum holds.
        let citizen = app.citizen(2).await;
        let (status, docs) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &citizen)
            .await;
        assert_eq!(status, 200);
        assert_eq!(docs.as_array().unwrap().len(), 3);
        let mut html = String::new();
        let mut zip_bytes = Vec::new();
        for d in docs.as_array().unwrap() {
            let r = app
                .call(
                    Method::GET,
                    d["href"].as_str().unwrap(),
                    Some(&citizen),
                    None,
                )
                .await;
            assert_eq!(r.status(), 200);
            let sha = r.headers()["x-content-sha256"]
                .to_str()
                .unwrap()
                .to_string();
            let bytes = r.bytes().await.unwrap().to_vec();
            assert_eq!(dsar::documents::sha256_hex(&bytes), sha);
            assert_eq!(sha, d["sha256"].as_str().unwrap());
            match d["kind"].as_str().unwrap() {
                "answer_pdf" => assert!(bytes.starts_with(b"%PDF")),
                "answer_html" => html = String::from_utf8(bytes).unwrap(),
                _ => zip_bytes = bytes,
            }
        }
        assert!(html.contains("lang=\"nn\""), "the person's language");
        assert!(html.contains("Mariam Haidari"), "addressed by name");
        assert!(
            html.contains("Legeerklæring"),
            "special-category data is in their own copy"
        );
        // Third parties' data is never in the person's copy.
        assert!(!html.contains("(ektefelle)") && !html.contains("(barn,"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
        let mut data = String::new();
        zip.by_name("data.json")
            .unwrap()
            .read_to_string(&mut data)
            .unwrap();
        assert!(data.contains("Legeerklæring") && !data.contains("(ektefelle)"));
        // Nobody else's.
        let other = app.citizen(0).await;
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &other)
            .await;
        assert_eq!(status, 404);
        let r = app
            .call(
                Method::GET,
                docs[0]["href"].as_str().unwrap(),
                Some(&other),
                None,
            )
            .await;
        assert_eq!(r.status(), 404);
        assert!(
            app.count(
                "audit_event WHERE action = 'request.decision_approved' AND details LIKE '%sha256%'"
            )
            .await
                >= 1
        );
    }
);

db_test!(four_eyes_means_someone_else_approves, |app| {
    let (id, caseworker) = started(&app, "saksbehandler.ude", 0, json!({"kind": "sletting", "description": "Slett kartleggingen", "service_area": "norwegian-training"}), Some("access")).await;
    let refusal = json!({"outcome": "refused", "legal_bases": ["arkivloven-arkivplikt"], "text": "Opplysningene må arkiveres."});
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": [], "text": "Nei"}),
        )
        .await;
    assert_eq!(status, 422, "a refusal names its legal basis: {p}");
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": ["no-such-basis"], "text": "Nei"}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            json!({"outcome": "refused", "legal_bases": ["gdpr-15-4"], "text": "Nei"}),
        )
        .await;
    assert_eq!(
        status, 422,
        "art. 15(4) is not a ground to refuse erasure: {p}"
    );
    let (status, d) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            refusal.clone(),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["four_eyes"], true);
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "awaiting_approval");
    // The caseworker may not approve; the privacy officer returns it with a comment.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            &caseworker,
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let officer = app.staff("personvern.ude").await;
    let (status, p) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/return"),
            &officer,
            json!({"comment": " "}),
        )
        .await;
    assert_eq!(status, 422, "{p}");
    let (status, returned) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/return"),
            &officer,
            json!({"comment": "Vis til arkivloven og forklar kassasjon."}),
        )
        .await;
    assert_eq!(status, 200, "{returned}");
    assert_eq!(returned["status"], "returned");
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "in_progress");
    // Redrafted, then approved by the officer.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &caseworker,
            refusal,
        )
        .await;
    assert_eq!(status, 201);
    let (status, approved) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            &officer,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    let (_, r) = app
        .get(&format!("/api/v1/requests/{id}"), &caseworker)
        .await;
    assert_eq!(r["status"], "completed");
    assert_eq!(r["outcome"], "refused");
    let html = document_text(&app, &approved, "answer_html", &caseworker).await;
    assert!(html.contains("arkiv"), "the refusal cites the archive duty");
    assert!(html.contains("Datatilsynet"), "the right to complain");

    // A privacy officer cannot approve their own draft.
    let (id2, _) = started(
        &app,
        "personvern.ude",
        1,
        json!({"kind": "protest", "description": "Protest", "service_area": "norwegian-training"}),
        Some("access"),
    )
    .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id2}/decision"),
            &officer,
            json!({"outcome": "granted"}),
        )
        .await;
    assert_eq!(status, 201);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id2}/decision/approve"),
            Some(&officer),
            Some(json!({})),
        )
        .await;
    let p = TestApp::expect_problem(r, 403).await;
    assert!(
        p["detail"].as_str().unwrap().contains("someone other"),
        "{p}"
    );
});

db_test!(
    an_erasure_answer_tells_recipients_and_keeps_notices_for_staff,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "sletting", "description": "Slett alt", "service_area": "settlement", "language": "uk"}), Some("access")).await;
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &staff,
                json!({"operation": "erase"}),
            )
            .await;
        assert_eq!(status, 202);
        app.settled(&staff, &id, Duration::from_secs(20)).await;
        let (status, _) = app.post(&format!("/api/v1/requests/{id}/decision"), &staff, json!({"outcome": "partially_granted", "legal_bases": ["integreringsforskriften-60"], "text": "Noe må oppbevares i 15 år."})).await;
        assert_eq!(status, 201);
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        let docs = approved["documents"].as_array().unwrap();
        assert!(
            docs.iter().any(|d| d["kind"] == "recipient_notice"),
            "art. 19 notices: {docs:?}"
        );
        let html_href = docs.iter().find(|d| d["kind"] == "answer_html").unwrap()["href"]
            .as_str()
            .unwrap();
        let html = app
            .call(Method::GET, html_href, Some(&staff), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("lang=\"uk\""));
        let citizen = app.citizen(2).await;
        let (_, visible) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &citizen)
            .await;
        assert!(
            visible
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["kind"] != "recipient_notice")
        );
        assert_eq!(visible.as_array().unwrap().len(), 2);
    }
);

db_test!(the_catalogue_lists_and_admins_add, |app| {
    let r = app
        .client
        .get(app.url("/api/v1/legal-bases?kind=sletting&lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "arkivloven-arkivplikt")
    );
    assert!(list.as_array().unwrap().iter().all(|b| {
        b["applies_to"]
            .as_array()
            .unwrap()
            .contains(&json!("sletting"))
    }));
    let admin = app.staff("admin").await;
    let entry = json!({
        "id": "barnevernsloven-13-2",
        "citation": {"nb": "Barnevernsloven § 13-2", "en": "Child Welfare Act s. 13-2"},
        "title": {"nb": "Taushetsplikt i barnevernet", "en": "Confidentiality in child welfare"},
        "explanation": {"nb": "Noen opplysninger er taushetsbelagt.", "en": "Some information is confidential."},
        "applies_to": ["innsyn"]
    });
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&admin),
            Some(entry.clone()),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&admin),
            Some(entry.clone()),
        )
        .await;
    assert!(r.status() == 409 || r.status() == 422, "{}", r.status());
    let caseworker = app.staff("saksbehandler.elverum").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-bases",
            Some(&caseworker),
            Some(entry),
        )
        .await;
    TestApp::expect_problem(r, 403).await;
    let list: Value = app
        .client
        .get(app.url("/api/v1/legal-bases?kind=innsyn"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "barnevernsloven-13-2" && b["origin"] == "custom")
    );
});

db_test!(complaint_and_court_are_information_not_a_basis, |app| {
    // The attack: an erasure refused "on" art. 77 alone. Refused as input; nothing drafted.
    let (id, staff) = started(
        &app,
        "saksbehandler.gamleoslo",
        0,
        json!({"kind": "sletting", "description": "Slett alt", "service_area": "settlement"}),
        Some("access"),
    )
    .await;
    let decisions_before = app.count("decision").await;
    for ids in [
        json!(["gdpr-77"]),
        json!(["gdpr-79"]),
        json!(["gdpr-17-3-b", "gdpr-77"]),
    ] {
        let (status, problem) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &staff,
                json!({"outcome": "refused", "legal_bases": ids, "text": "Nei"}),
            )
            .await;
        assert_eq!(status, 422, "{ids}: {problem}");
        assert_eq!(problem["field"], "legal_bases");
        assert!(
            problem["detail"].as_str().unwrap().contains("not a reason"),
            "{problem}"
        );
    }
    assert_eq!(app.count("decision").await, decisions_before);
    // Neither is offered in the catalogue; integreringsloven § 41 is not offered for protest.
    let (_, list) = app.get("/api/v1/legal-bases", &staff).await;
    let list = list.as_array().unwrap();
    assert!(
        list.iter()
            .all(|b| b["id"] != "gdpr-77" && b["id"] != "gdpr-79")
    );
    let il41 = list
        .iter()
        .find(|b| b["id"] == "integreringsloven-41")
        .unwrap();
    assert!(
        !il41["applies_to"]
            .as_array()
            .unwrap()
            .contains(&json!("protest"))
    );
    // A refusal on a real basis still carries the complaint information in its letter.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            &staff,
            json!({"outcome": "refused", "legal_bases": ["gdpr-17-3-b"], "text": "Vi har plikt til å lagre opplysningene."}),
        )
        .await;
    assert_eq!(status, 201);
});

db_test!(
    a_restriction_is_lifted_only_after_the_person_is_told,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "begrensning", "description": "Ikke bruk opplysningene mens jeg klager", "service_area": "settlement", "language": "nn", "contact_email": "mariam@example.no"}), Some("access")).await;
        let base = format!("/api/v1/requests/{id}");
        let (status, _) = app
            .post(
                &format!("{base}/collect"),
                &staff,
                json!({"operation": "restrict"}),
            )
            .await;
        assert_eq!(status, 202);
        app.settled(&staff, &id, Duration::from_secs(20)).await;
        draft(
            &app,
            &staff,
            &id,
            json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        )
        .await;
        let (status, v) = app
            .post(&format!("{base}/decision/approve"), &staff, json!({}))
            .await;
        assert_eq!(status, 200, "{v}");

        // The case page offers the notice, not the lift.
        let browser = crate::browser::Browser::new();
        crate::browser::demo_staff_login(&browser, &app, "saksbehandler.elverum").await;
        let page = browser
            .get(&app.url(&format!("/office/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("/office/sak/{id}/begrensning/varsel")));
        assert!(!page.contains(&format!("/office/sak/{id}/begrensning/opphev")));

        // Lifting without telling the person first is impossible, by any route.
        let r = app
            .call(
                Method::POST,
                &format!("{base}/restriction/lift"),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        let p = TestApp::expect_problem(r, 409).await;
        assert!(p["detail"].as_str().unwrap().contains("told"), "{p}");
        let (status, _) = app
            .post(
                &format!("{base}/collect"),
                &staff,
                json!({"operation": "lift"}),
            )
            .await;
        assert_ne!(status, 202, "the collection endpoint does not lift");
        // A date before today is no notice "before".
        let yesterday = crate::support::today().pred_opt().unwrap();
        let r = app
            .call(
                Method::POST,
                &format!("{base}/restriction/lift-notice"),
                Some(&staff),
                Some(json!({"reason": "Klagen er avgjort.", "lift_on": yesterday})),
            )
            .await;
        TestApp::expect_problem(r, 422).await;
        let mails_before = app.count("outbox WHERE template = 'new_letter'").await;

        // The notice: a letter on Min side, an e-mail without its content.
        let (status, notice) = app
            .post(
                &format!("{base}/restriction/lift-notice"),
                &staff,
                json!({"reason": "Klagen din er avgjort.", "lift_on": crate::support::today()}),
            )
            .await;
        assert_eq!(status, 201, "{notice}");
        assert_eq!(
            app.count("outbox WHERE template = 'new_letter'").await,
            mails_before + 1
        );
        let citizen = app.citizen(2).await;
        let (_, docs) = app.get(&format!("{base}/documents"), &citizen).await;
        let letter = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "restriction_lift_html")
            .expect("the notice is on Min side")
            .clone();
        let html = app
            .call(
                Method::GET,
                letter["href"].as_str().unwrap(),
                Some(&citizen),
                None,
            )
            .await
            .text()
            .await
            .unwrap();
        let nn = dsar::i18n::Language::Nn;
        assert!(html.contains(dsar::i18n::t(nn, "letters.restriction_lift.legal")));
        assert!(html.contains("Klagen din er avgjort."));
        // Told once.
        let r = app
            .call(
                Method::POST,
                &format!("{base}/restriction/lift-notice"),
                Some(&staff),
                Some(json!({"reason": "Igjen", "lift_on": crate::support::today()})),
            )
            .await;
        TestApp::expect_problem(r, 409).await;

        let page = browser
            .get(&app.url(&format!("/office/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("/office/sak/{id}/begrensning/opphev")));

        // Then the lift, at the sources that restricted records.
        let (status, lifted) = app
            .post(&format!("{base}/restriction/lift"), &staff, json!({}))
            .await;
        assert_eq!(status, 200, "{lifted}");
        assert!(!lifted["sources"].as_array().unwrap().is_empty());
        let (_, events) = app.get(&format!("{base}/events"), &staff).await;
        let actions: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        let told = actions
            .iter()
            .position(|a| *a == "restriction_lift_notified")
            .unwrap();
        let done = actions
            .iter()
            .position(|a| *a == "restriction_lifted")
            .unwrap();
        assert!(told < done, "the notice comes before the lift: {actions:?}");
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let lifts: Vec<&Value> = tasks.iter().filter(|t| t["operation"] == "lift").collect();
        assert_eq!(lifts.len(), lifted["sources"].as_array().unwrap().len());
        assert!(lifts.iter().all(|t| t["status"] == "done"), "{lifts:?}");
        let (_, records) = app.get(&format!("{base}/records"), &staff).await;
        let lifted_records = records
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["operation"] == "lift" && r["result"]["outcome"] == "lifted")
            .count();
        assert!(lifted_records > 0, "{records}");
        // Lifted once.
        let r = app
            .call(
                Method::POST,
                &format!("{base}/restriction/lift"),
                Some(&staff),
                Some(json!({})),
            )
            .await;
        TestApp::expect_problem(r, 409).await;
    }
);

db_test!(
    a_retting_refused_because_the_data_is_correct_says_so_in_the_letter,
    setup = worker_on,
    |app| {
        let (id, staff) = started(&app, "saksbehandler.elverum", 2, json!({"kind": "retting", "description": "Fraværet er feil", "service_area": "settlement", "language": "en"}), Some("access")).await;
        let path = format!("/api/v1/requests/{id}/decision");
        // "The data is correct" is a reason not to correct: never beside a grant, never without
        // reasons.
        for body in [
            json!({"outcome": "granted", "legal_bases": ["gdpr-16-correct"], "text": "Riktig."}),
            json!({"outcome": "refused", "legal_bases": ["gdpr-16-correct"], "text": " "}),
        ] {
            let (status, v) = app.post(&path, &staff, body.clone()).await;
            assert_eq!(status, 422, "{body}: {v}");
        }
        let reasons = "Fraværet er registrert av læreren og stemmer med protokollen.";
        let (status, v) = app
            .post(
                &path,
                &staff,
                json!({"outcome": "refused", "legal_bases": ["gdpr-16-correct"], "text": reasons}),
            )
            .await;
        assert_eq!(status, 201, "{v}");
        let (status, approved) = app
            .post(&format!("{path}/approve"), &staff, json!({}))
            .await;
        assert_eq!(status, 200, "{approved}");
        let href = approved["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "answer_html")
            .unwrap()["href"]
            .as_str()
            .unwrap()
            .to_string();
        let html = app
            .call(Method::GET, &href, Some(&staff), None)
            .await
            .text()
            .await
            .unwrap();
        let lang = dsar::i18n::Language::En;
        for key in ["letters.correct.refused", "letters.correct.statement"] {
            assert!(html.contains(dsar::i18n::t(lang, key)), "{key}: {html}");
        }
        assert!(html.contains(reasons), "the caseworker's reasons");
        assert!(!html.contains(dsar::i18n::t(lang, "letters.answer.retting.refused")));
    }
);

db_test!(
    a_nav_innsyn_letter_describes_navs_processing_not_oslos,
    setup = worker_on,
    |app| {
        // An Elverum request forwarded to Nav Vikafossen becomes Nav's own request.
        let eli = app.staff("saksbehandler.elverum").await;
        let pid = app.citizen_pid(2).await;
        let req = app
            .create(&eli, json!({"kind": "innsyn", "description": "Alt Nav har om meg", "service_area": "settlement", "language": "en", "subject_pid": pid}))
            .await;
        let id = req["id"].as_str().unwrap();
        let vikafossen_unit = app.unit_of("saksbehandler.vikafossen").await;
        let (status, body) = app
            .post(
                &format!("/api/v1/requests/{id}/forward"),
                &eli,
                json!({"unit_id": vikafossen_unit, "note": "Kravet gjelder det Nav har om deg."}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let onward = app.onward_request(&eli, id).await;

        let vera = app.staff("saksbehandler.vikafossen").await;
        app.verify_identity(&vera, &onward).await;
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{onward}/transitions"),
                &vera,
                json!({"action": "start"}),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        app.collect_to_idle(&vera, &onward).await;
        draft(
            &app,
            &vera,
            &onward,
            json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        )
        .await;
        let officer = app.staff("personvern.nav").await;
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{onward}/decision/approve"),
                &officer,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        let html = document_text(&app, &approved, "answer_html", &vera).await;
        let registry = dsar::processing_activities::Registry::built_in().unwrap();
        let en = dsar::i18n::Language::En;
        let nav = registry.get("nav-introduksjon").unwrap();
        let oslo = registry.get("oslo-bydel-bosetting").unwrap();
        let esc = |s: &str| maud::html! { (s) }.into_string();
        assert!(html.contains(&esc(nav.name.get(en))), "Nav's processing");
        assert!(html.contains(&esc(nav.purposes[0].get(en))));
        assert!(html.contains(&esc(nav.retention.get(en))));
        assert!(!html.contains(&esc(oslo.name.get(en))), "not Oslo's");
        assert!(!html.contains(&esc(oslo.retention.get(en))));
        // Nav's own list of categories is labelled as what it covers for everyone in the service.
        assert!(html.contains(&esc(dsar::i18n::t(
            en,
            "letters.innsyn.activity_categories_note"
        ))));
        assert!(html.contains(&esc(dsar::i18n::t(en, "letters.innsyn.automated_none"))));
    }
);

db_test!(
    a_decision_waits_for_collection_or_the_caseworkers_waiver,
    |app| {
        // Elverum decides alone; innsyn in Norwegian bokmål, nothing collected yet.
        let (id, staff) = started(
        &app,
        "saksbehandler.elverum",
        2,
        json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "language": "nb"}),
        None,
    )
    .await;
        let granted = json!({"outcome": "granted", "legal_bases": [], "text": ""});
        let decisions_before = app.count("decision").await;
        let (status, p) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &staff,
                granted.clone(),
            )
            .await;
        assert_eq!(status, 409, "{p}");
        assert!(
            p["detail"].as_str().unwrap().contains("collection/waive"),
            "{p}"
        );
        assert_eq!(app.count("decision").await, decisions_before);

        // A waiver needs a reason, and only staff who work cases give one.
        let waive = format!("/api/v1/requests/{id}/collection/waive");
        let (status, p) = app.post(&waive, &staff, json!({"reason": " "})).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["field"], "reason", "{p}");
        let auditor = app.staff("revisor").await;
        let (status, _) = app
            .post(&waive, &auditor, json!({"reason": "Revisor"}))
            .await;
        assert!(status == 403 || status == 404, "{status}");
        let reason = "Kildene svarer ikke i påsken; personen ønsker svar nå.";
        let (status, v) = app.post(&waive, &staff, json!({ "reason": reason })).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["state"], "waived");
        // On the timeline with its reason, and in the audit trail.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &staff)
            .await;
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "collection_waived" && e.to_string().contains(reason)),
            "{events}"
        );
        assert!(
            app.count("audit_event WHERE action LIKE '%collection_waived%'")
                .await
                >= 1
        );

        // The letter does not say the systems were searched.
        draft(&app, &staff, &id, granted).await;
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        let html = document_text(&app, &approved, "answer_html", &staff).await;
        assert!(
            html.contains("Vi har ikke søkt i alle systemene våre"),
            "{html}"
        );
        assert!(!html.contains("i systemene vi har søkt i"), "{html}");
    }
);
