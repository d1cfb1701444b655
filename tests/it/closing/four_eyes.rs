//! Closing without an answer under four eyes: a withdrawal held until another person approves,
//! a forward out returned or approved, a case awaiting decision approval not closed by one
//! caseworker, and the proposed forward on the case page.
use super::*;

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
