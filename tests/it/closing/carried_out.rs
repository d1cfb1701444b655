//! What staff carry out by hand: the manual lift at a source that cannot lift over the
//! protocol, and corrected values given on the case page.
use super::*;

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
        app.decide_and_approve(
            &staff,
            &staff,
            &id,
            json!({"outcome": "granted", "legal_bases": [], "text": ""}),
        )
        .await;
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
