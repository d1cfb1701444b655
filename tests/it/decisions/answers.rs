//! The answers a decision makes: an innsyn answer to the citizen's download, an erasure's
//! notices to recipients, a retting refused because the data is correct, and a NAV letter that
//! describes NAV's processing.
use super::*;

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
        let approved = app
            .decide_and_approve(&staff, &staff, &id, json!({"outcome": "partially_granted", "legal_bases": ["integreringsforskriften-60"], "text": "Noe må oppbevares i 15 år."}))
            .await;
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
        let approved = app
            .decide_and_approve(
                &staff,
                &staff,
                &id,
                json!({"outcome": "refused", "legal_bases": ["gdpr-16-correct"], "text": reasons}),
            )
            .await;
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
        let officer = app.staff("personvern.nav").await;
        let approved = app
            .decide_and_approve(
                &vera,
                &officer,
                &onward,
                json!({"outcome": "granted", "legal_bases": [], "text": ""}),
            )
            .await;
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
