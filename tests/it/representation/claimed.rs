//! A representation claimed but not proven: registered and refused by decision, proven later
//! and going on as represented, and the office registering a representative's letter.
use super::*;

// A letter from someone who says they act for the person but has not shown it: staff register
// it (it must be answered), nothing of the person's is collected or shown to anyone outside
// the office, and the only answer is the decision refusing the representation, with reasons,
// posted to the writer.
db_test!(
    an_unproven_representation_is_registered_and_refused_by_decision,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        let leah_pid = app.citizen_pid(CHILD).await;
        let mut body = for_someone("parental_responsibility", &leah_pid);
        body["request"]["channel"] = json!("letter");
        body["request"]["contact_email"] = json!("skribent@example.no");
        body["representative_pid"] = json!(olena_pid);
        body["representative_name"] = json!("Olena Skribent");
        body["representative_address"] = json!(["Storgata 1", "0155 Oslo"]);
        // Bad address input is refused before anything is written.
        let mut bad = body.clone();
        bad["representative_address"] = json!(["Storgata 1"]);
        let r = app
            .call(
                reqwest::Method::POST,
                "/api/v1/requests/on-behalf",
                Some(&kari),
                Some(bad),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert_eq!(problem["field"], "representative_address");
        let before = app.count("request").await;
        let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, body).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(app.count("request").await, before + 1);
        let id = created["id"].as_str().unwrap().to_string();

        let (status, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(status, 200, "{claim}");
        assert_eq!(claim["status"], "open");
        assert_eq!(claim["basis"], "parental_responsibility");
        assert_eq!(claim["representative_name"], "Olena Skribent");
        assert!(
            claim["reason"]
                .as_str()
                .unwrap()
                .contains("Folkeregisteret"),
            "{claim}"
        );
        // Neither the writer nor the child sees it; no proven representation stands behind it.
        let olena = app.citizen(STRANGER).await;
        let leah = app.citizen(CHILD).await;
        assert!(!ids(&app, &olena).await.contains(&id));
        assert!(!ids(&app, &leah).await.contains(&id));
        let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &leah).await;
        assert_eq!(status, 404);
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/representation"), &kari)
            .await;
        assert_eq!(status, 404);
        // Nothing is collected for a writer who has not shown they may see it, and no receipt
        // points them to a Min side they cannot read.
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let queued = entity::collection_queue::Entity::find()
            .filter(entity::collection_queue::Column::RequestId.eq(uuid))
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(queued.is_empty(), "{queued:?}");
        assert!(mailed_to(&app, &id, "receipt").await.is_empty());

        let (status, started) = app
            .post(
                &format!("/api/v1/requests/{id}/transitions"),
                &kari,
                json!({ "action": "start" }),
            )
            .await;
        assert_eq!(status, 200, "{started}");
        let (status, collect) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &kari, json!({}))
            .await;
        assert_eq!(status, 409, "{collect}");
        // No other letter goes to the writer while the representation is unproven.
        let (status, extended) = app
            .post(
                &format!("/api/v1/requests/{id}/extend"),
                &kari,
                json!({ "reason": "Mange kilder" }),
            )
            .await;
        assert_eq!(status, 409, "{extended}");
        // Only a refusal, with reasons, and without the catalogue's legal bases.
        for (body, field) in [
            (
                json!({ "outcome": "granted", "legal_bases": [], "text": "" }),
                "outcome",
            ),
            (
                json!({ "outcome": "refused", "legal_bases": ["gdpr-12-5"], "text": "Ikke vist" }),
                "legal_bases",
            ),
            (
                json!({ "outcome": "refused", "legal_bases": [], "text": " " }),
                "text",
            ),
        ] {
            let r = app
                .call(
                    reqwest::Method::POST,
                    &format!("/api/v1/requests/{id}/decision"),
                    Some(&kari),
                    Some(body.clone()),
                )
                .await;
            let problem = TestApp::expect_problem(r, 422).await;
            assert_eq!(problem["field"], field, "{body} → {problem}");
        }
        let reasons = "Folkeregisteret viser ikke at du har foreldreansvar for personen.";
        let (status, draft) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &kari,
                json!({ "outcome": "refused", "legal_bases": [], "text": reasons }),
            )
            .await;
        assert_eq!(status, 201, "{draft}");
        let approver = match draft["four_eyes"].as_bool() {
            Some(true) => app.staff("personvern.gamleoslo").await,
            _ => kari.clone(),
        };
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                &approver,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");

        let html = letter(&app, &kari, &id, "answer_html").await;
        assert!(html.contains("Hei, Olena Skribent!"), "{html}");
        assert!(
            html.contains("Du skrev at du har foreldreansvar for personen kravet gjelder."),
            "{html}"
        );
        assert!(html.contains(reasons), "{html}");
        assert!(html.contains("forvaltningsloven § 12"), "{html}");
        assert!(html.contains("artikkel 12 nr. 4"), "{html}");
        // Nothing about the child: not their name, and no confirmation of who they are.
        assert!(!html.contains("Leah"), "{html}");
        assert!(!html.contains("Du får brevet fordi"), "{html}");
        assert_eq!(
            recipient_block(&html),
            ["Olena Skribent", "Storgata 1", "0155 Oslo"]
        );
        // Posted to the writer, never e-mailed (they cannot read Min side).
        assert_eq!(
            printed(&app, &id).await,
            [(
                "answer".to_string(),
                Some(vec!["Storgata 1".to_string(), "0155 Oslo".to_string()])
            )]
        );
        assert!(mailed_to(&app, &id, "answer_ready").await.is_empty());
        let (_, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(claim["status"], "refused");
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
        assert_eq!(view["outcome"], "refused", "{view}");
        assert!(!ids(&app, &leah).await.contains(&id));
    }
);

// A claimed representation proven later (staff register the power of attorney that came
// afterwards): the request goes on as a represented request, the representative sees it.
db_test!(
    a_claimed_representation_proven_later_goes_on_as_represented,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        // Amina lives in Gamle Oslo, where Kari works.
        let amina_pid = app.citizen_pid(PARENT).await;
        let mut body = for_someone("fullmakt", &amina_pid);
        body["request"]["channel"] = json!("letter");
        body["representative_pid"] = json!(olena_pid);
        let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, body).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let check = format!("/api/v1/requests/{id}/claimed-representation/check");
        // Not yet proven: the reason, nothing changed.
        let r = app
            .call(reqwest::Method::POST, &check, Some(&kari), Some(json!({})))
            .await;
        let problem = TestApp::expect_problem(r, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("still not proven"),
            "{problem}"
        );
        // A citizen cannot check it.
        let olena = app.citizen(STRANGER).await;
        let r = app
            .call(reqwest::Method::POST, &check, Some(&olena), Some(json!({})))
            .await;
        TestApp::expect_problem(r, 403).await;

        let (status, rep) = app
        .post(
            "/api/v1/representations",
            &kari,
            json!({ "basis": "fullmakt", "representative_pid": olena_pid,
                    "represented_pid": amina_pid, "evidence": "Skriftlig fullmakt datert 2026-12-01" }),
        )
        .await;
        assert_eq!(status, 201, "{rep}");
        let (status, proven) = app.post(&check, &kari, json!({})).await;
        assert_eq!(status, 200, "{proven}");
        assert_eq!(proven["basis"], "fullmakt");
        assert!(ids(&app, &olena).await.contains(&id));
        let (_, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(claim["status"], "proven");
        let (status, rep) = app
            .get(&format!("/api/v1/requests/{id}/representation"), &kari)
            .await;
        assert_eq!(status, 200, "{rep}");
        // Collection starts now that someone entitled asked.
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let queued = entity::collection_queue::Entity::find()
            .filter(entity::collection_queue::Column::RequestId.eq(uuid))
            .count(&app.app.db)
            .await
            .unwrap();
        let tasks = entity::source_task::Entity::find()
            .filter(entity::source_task::Column::RequestId.eq(uuid))
            .count(&app.app.db)
            .await
            .unwrap();
        assert!(queued + tasks > 0, "collection was not started");
        // Checked once: a second check has nothing to do.
        let r = app
            .call(reqwest::Method::POST, &check, Some(&kari), Some(json!({})))
            .await;
        TestApp::expect_problem(r, 409).await;
    }
);

// In the office: a letter written for a child by someone Folkeregisteret does not record as a
// parent is registered from the form with the writer's details; the case says the
// representation is not proven and how to go on; the document registered on the
// representatives page brings the caseworker back to the case, and checking again links it.
db_test!(
    the_office_registers_a_representatives_letter_and_proves_it_later,
    |app| {
        use crate::{
            browser::csrf_token,
            office::{page, post, staff_browser},
        };
        use reqwest::StatusCode;
        let (browser, _) = staff_browser(&app, "saksbehandler.gamleoslo").await;
        let (_, html) = page(&browser, &app, "/office/registrer").await;
        assert!(html.contains("Skrevet for en annen"), "{html}");
        let csrf = csrf_token(&html);
        let marker = "name=\"form_id\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let form_id = html[start..start + 36].to_string();
        let amina_pid = app.citizen_pid(PARENT).await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        let base = [
            ("form_id", form_id.as_str()),
            ("kind", "innsyn"),
            ("received_on", "2026-11-02"),
            ("channel", "letter"),
            ("service_area", "settlement"),
            ("language", "nb"),
            ("description", "Brev fra fullmektig"),
            ("rep_basis", "fullmakt"),
            ("rep_name", "Olena Skribent"),
        ];
        // The person's number and the writer's are needed; a one-line address is refused.
        let (status, _, html) = post(&browser, &app, "/office/registrer", &csrf, &base).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("register-subject_pid-error"), "{html}");
        assert!(html.contains("register-rep_pid-error"), "{html}");
        let mut fields = base.to_vec();
        fields.extend([
            ("subject_pid", amina_pid.as_str()),
            ("rep_pid", olena_pid.as_str()),
            ("rep_address", "Storgata 1"),
        ]);
        let (status, _, html) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("register-rep_address-error"), "{html}");
        fields.pop();
        fields.push(("rep_address", "Storgata 1\n0155 Oslo"));
        let (status, to, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let id = to
            .split("/office/sak/")
            .nth(1)
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(
            html.contains("Representasjon som ikke er dokumentert"),
            "{html}"
        );
        assert!(html.contains("Olena Skribent"), "{html}");
        assert!(html.contains("Det er ikke registrert noen oppnevning eller fullmakt"));
        // The decision form is there (nothing to collect for an unproven claim), and a grant is
        // refused beside the outcome.
        let csrf = csrf_token(&html);
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/steg"),
            &csrf,
            &[("action", "start")],
        )
        .await;
        assert!(status.is_redirection(), "{status} {html}");
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(html.contains("id=\"decision-form\""), "{html}");
        assert!(html.contains("Ingenting hentes inn før representasjonen er dokumentert."));
        assert!(!html.contains("Identiteten er ikke bekreftet"), "{html}");
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/vedtak"),
            &csrf,
            &[("outcome", "granted"), ("text", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("saken kan bare avslås"), "{html}");
        // Checked before the document is registered: said beside the button.
        let csrf = csrf_token(&html);
        let check = format!("/office/sak/{id}/representasjon/sjekk");
        let (status, _, html) = post(&browser, &app, &check, &csrf, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Representasjonen er fortsatt ikke dokumentert"),
            "{html}"
        );

        // The power of attorney came: registered from the case's link, back to the case.
        let (status, html) = page(
            &browser,
            &app,
            &format!("/office/representanter/ny?sak={id}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("basis-parental_responsibility"), "{html}");
        let csrf = csrf_token(&html);
        let document = [
            ("sak", id.as_str()),
            ("basis", "fullmakt"),
            ("represented_pid", amina_pid.as_str()),
            ("representative_pid", olena_pid.as_str()),
            ("representative_name", "Olena Skribent"),
            ("representative_address", "Storgata 1\n0155 Oslo"),
        ];
        // Without the document's description: refused beside the field, nothing registered.
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/representanter/ny",
            &csrf,
            &document,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("representative-evidence-error"), "{html}");
        assert_eq!(
            app.count("representation WHERE evidence LIKE 'Skriftlig fullmakt%'")
                .await,
            0
        );
        let mut document = document.to_vec();
        document.push(("evidence", "Skriftlig fullmakt datert 2026-10-30"));
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/representanter/ny",
            &csrf,
            &document,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        assert!(
            to.contains(&format!("/office/sak/{id}?done=representation_registered")),
            "{to}"
        );
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        let csrf = csrf_token(&html);
        let (status, to, _) = post(&browser, &app, &check, &csrf, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to:?}");
        let to = to.unwrap();
        let (_, html) = page(&browser, &app, &to[to.find("/office").unwrap()..]).await;
        assert!(html.contains("Representasjonen er dokumentert"), "{html}");
        assert!(
            html.contains("Skriftlig fullmakt datert 2026-10-30"),
            "{html}"
        );
        let olena = app.citizen(STRANGER).await;
        assert!(ids(&app, &olena).await.contains(&id));
    }
);
