//! Intake limited per client address and per person, receipts to one address limited, and the
//! limits shared by instances over one database (or counted per instance without sharing).
use super::*;

db_test!(
    intake_is_limited_per_client_address,
    setup = |s: &mut Settings| {
        s.intake.per_address_burst = 3;
        s.intake.per_address_per_hour = 1;
    },
    |app| {
        let before = app.count("request").await;
        let (amina, ola, third) = (
            app.citizen(0).await,
            app.citizen(1).await,
            app.citizen(2).await,
        );
        app.create(&amina, intake_body()).await;
        app.create(&amina, intake_body()).await;
        app.create(&ola, intake_body()).await;
        // A fourth person from the same address: refused with a time to come back.
        let r = app
            .call(
                Method::POST,
                "/api/v1/requests",
                Some(&third),
                Some(intake_body()),
            )
            .await;
        let wait: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=3600).contains(&wait), "{wait}");
        TestApp::expect_problem(r, 429).await;
        assert_eq!(app.count("request").await, before + 3);
        // Staff registering letters from the same office address are not counted here.
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let mut body = intake_body();
        body["subject_pid"] = json!(app.citizen_pid(2).await);
        app.create(&kari, body).await;
    }
);

db_test!(
    intake_is_limited_per_person,
    setup = |s: &mut Settings| {
        s.intake.per_person_burst = 3;
        s.intake.per_person_per_hour = 1;
    },
    |app| {
        let amina = app.citizen(0).await;
        let before = app.count("request").await;
        for _ in 0..3 {
            app.create(&amina, intake_body()).await;
        }
        // The flood: refused, and nothing written.
        for _ in 0..20 {
            let r = app
                .call(
                    Method::POST,
                    "/api/v1/requests",
                    Some(&amina),
                    Some(intake_body()),
                )
                .await;
            assert!(r.headers().get("retry-after").is_some());
            TestApp::expect_problem(r, 429).await;
        }
        assert_eq!(app.count("request").await, before + 3);
        // Registering for the same person through staff counts for that person too.
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let mut body = intake_body();
        body["subject_pid"] = json!(app.citizen_pid(0).await);
        let r = app
            .call(
                Method::POST,
                "/api/v1/requests",
                Some(&kari),
                Some(body.clone()),
            )
            .await;
        TestApp::expect_problem(r, 429).await;
        // Another person is not affected.
        body["subject_pid"] = json!(app.citizen_pid(1).await);
        app.create(&kari, body).await;
        app.create(&app.citizen(1).await, intake_body()).await;
    }
);

db_test!(
    receipts_to_one_address_are_limited_but_requests_registered,
    setup = |s: &mut Settings| {
        s.intake.receipts_per_address_per_hour = 2;
    },
    |app| {
        let receipts = || app.count("outbox WHERE template = 'receipt'");
        let before = (app.count("request").await, receipts().await);
        // Someone types a victim's address into request after request.
        let amina = app.citizen(0).await;
        for (i, address) in ["offer@example.no", "Offer@Example.no", " OFFER@example.no "]
            .into_iter()
            .chain(["offer@example.no"; 5])
            .enumerate()
        {
            let mut body = intake_body();
            body["contact_email"] = json!(address);
            let created = app.create(&amina, body).await;
            assert!(created["reference"].is_string(), "{i}");
        }
        assert_eq!(app.count("request").await, before.0 + 8, "all registered");
        assert_eq!(receipts().await, before.1 + 2, "two receipts to the victim");
        // The requests are on Min side, with or without a receipt e-mail.
        let (status, list) = app.get("/api/v1/requests", &amina).await;
        assert_eq!(status, 200);
        assert!(
            list.to_string().matches("\"reference\"").count() >= 8,
            "{list}"
        );
        // Another address still gets its receipt.
        let mut body = intake_body();
        body["contact_email"] = json!("amina@example.no");
        app.create(&amina, body).await;
        assert_eq!(receipts().await, before.1 + 3);
    }
);

db_test!(
    an_office_registration_over_the_person_limit_gets_a_true_page,
    setup = |s: &mut Settings| {
        s.intake.per_person_burst = 1;
        s.intake.per_person_per_hour = 1;
    },
    |app| {
        let browser = Browser::new();
        let (page, _) = demo_staff_login(&browser, &app, "saksbehandler.elverum").await;
        assert_eq!(page.status(), 200);
        let pid = app.citizen_pid(2).await;
        let register = || async {
            let html = browser
                .get(&app.url("/office/registrer"))
                .await
                .text()
                .await
                .unwrap();
            let marker = "name=\"form_id\" value=\"";
            let start = html.find(marker).unwrap() + marker.len();
            let fields: Vec<(String, String)> = [
                ("csrf_token", csrf_token(&html)),
                ("form_id", html[start..start + 36].to_string()),
                ("kind", "innsyn".into()),
                ("subject_pid", pid.clone()),
                ("received_on", crate::support::today().to_string()),
                ("channel", "letter".into()),
                ("service_area", "settlement".into()),
                ("language", "nb".into()),
                ("description", "Brev".into()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            browser
                .post_form(&app.url("/office/registrer"), &fields)
                .await
        };
        let first = register().await;
        assert_eq!(
            first.status(),
            StatusCode::SEE_OTHER,
            "{}",
            first.text().await.unwrap()
        );
        let r = register().await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let html = r.text().await.unwrap();
        assert!(html.contains("For mange forespørsler"), "{html}");
        assert!(!html.contains("innlogging"), "not a login limit: {html}");
    }
);

fn shared_low_limits(s: &mut Settings) {
    s.intake.shared = Some(true);
    s.intake.per_address_burst = 3;
    s.intake.per_address_per_hour = 1;
    s.intake.per_person_burst = 3;
    s.intake.per_person_per_hour = 1;
    s.intake.receipts_per_address_per_hour = 2;
}

db_test!(
    instances_over_one_database_share_the_intake_limits,
    setup = shared_low_limits,
    |app| {
        // A second instance behind the same load balancer: same database, same token issuer.
        let issuer = app.base.clone();
        let (second, _) = app
            .another_instance(|s| {
                shared_low_limits(s);
                s.base_url = Some(issuer);
            })
            .await;
        let post = |base: String, token: String, body: Value| {
            let client = app.client.clone();
            async move {
                client
                    .post(format!("{base}/api/v1/requests"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let before = app.count("request").await;
        // Per client address: three citizens from one address, spread over both instances.
        let citizens = [
            app.citizen(0).await,
            app.citizen(1).await,
            app.citizen(2).await,
            app.citizen(3).await,
        ];
        for (base, token) in [
            (&app.base, &citizens[0]),
            (&second, &citizens[1]),
            (&app.base, &citizens[2]),
        ] {
            let r = post(base.clone(), token.clone(), intake_body()).await;
            assert_eq!(r.status(), 201);
        }
        for base in [&second, &app.base] {
            let r = post(base.clone(), citizens[3].clone(), intake_body()).await;
            assert!(r.headers().get("retry-after").is_some());
            TestApp::expect_problem(r, 429).await;
        }
        // Per person: staff register letters for one person on both instances.
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let mut body = intake_body();
        body["subject_pid"] = json!(app.citizen_pid(4).await);
        for base in [&second, &second, &app.base] {
            assert_eq!(
                post(base.clone(), kari.clone(), body.clone())
                    .await
                    .status(),
                201
            );
        }
        for base in [&app.base, &second] {
            let r = post(base.clone(), kari.clone(), body.clone()).await;
            TestApp::expect_problem(r, 429).await;
        }
        assert_eq!(app.count("request").await, before + 6);
        // Receipts to one address: two in all, whichever instance takes the request.
        let receipts = || app.count("outbox WHERE template = 'receipt'");
        let sent_before = receipts().await;
        for (i, base) in [&app.base, &second, &second].into_iter().enumerate() {
            let mut body = intake_body();
            body["subject_pid"] = json!(crate::security::synthetic(1 + i as u32, 3, 85, false));
            body["contact_email"] = json!("offer@example.no");
            assert_eq!(post(base.clone(), kari.clone(), body).await.status(), 201);
        }
        assert_eq!(receipts().await, sent_before + 2);
        // The keys are stored hashed: no address or number in the table.
        assert!(app.count("rate_limit_bucket").await >= 3);
        assert_eq!(
            app.count("rate_limit_bucket WHERE bucket LIKE '%@%' OR bucket LIKE '%127.0.0.1%'")
                .await,
            0
        );
    }
);

db_test!(
    without_sharing_each_instance_counts_its_own,
    setup = |s: &mut Settings| {
        shared_low_limits(s);
        s.intake.shared = Some(false);
    },
    |app| {
        let issuer = app.base.clone();
        let (second, _) = app
            .another_instance(|s| {
                shared_low_limits(s);
                s.intake.shared = Some(false);
                s.base_url = Some(issuer);
            })
            .await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let mut body = intake_body();
        body["subject_pid"] = json!(app.citizen_pid(4).await);
        for base in [&app.base, &app.base, &app.base, &second] {
            let r = app
                .client
                .post(format!("{base}/api/v1/requests"))
                .bearer_auth(&kari)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201, "{base}");
        }
        assert_eq!(app.count("rate_limit_bucket").await, 0);
    }
);
