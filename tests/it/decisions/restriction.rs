//! A restriction is lifted only after the person is told.
use super::*;

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
        app.decide_and_approve(
            &staff,
            &staff,
            &id,
            json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        )
        .await;

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
