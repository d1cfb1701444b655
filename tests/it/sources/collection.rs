//! What is collected and when: every simulated source answers, intake starts or queues
//! collection where the unit wants it, a decided erasure is carried out per record, and a
//! person known by their DUF number is asked about by it.
use super::*;

db_test!(
    collects_from_every_simulated_source,
    setup = worker_on,
    |app| {
        let (id, staff) = elverum_request(&app, "innsyn").await;
        let (status, started) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        assert_eq!(status, 202, "{started}");
        assert_eq!(
            started.as_array().unwrap().len(),
            9,
            "eight simulated sources and the paper archive"
        );
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        for source in SIMULATED {
            let t = task(&tasks, source);
            assert_eq!(t["status"], "done", "{t}");
            assert_eq!(t["attempts"], 1, "{t}");
            assert!(t["record_count"].as_i64().unwrap() > 0, "{t}");
        }
        assert_eq!(task(&tasks, "papirarkiv")["status"], "manual");

        // The records, decrypted for the caseworker, with the flags the letters need.
        let before = app.count("audit_event").await;
        let (status, records) = app
            .get(&format!("/api/v1/requests/{id}/records"), &staff)
            .await;
        assert_eq!(status, 200);
        let records = records.as_array().unwrap();
        let total: i64 = tasks
            .iter()
            .map(|t| t["record_count"].as_i64().unwrap())
            .sum();
        assert_eq!(records.len() as i64, total);
        assert!(records.iter().any(|r| r["third_party"] == true));
        assert!(
            records
                .iter()
                .any(|r| r["special_category"] == true && r["category"] == "health")
        );
        assert!(
            records
                .iter()
                .any(|r| r["record"]["value"] == "Mariam Haidari")
        );
        assert_eq!(
            app.count("audit_event").await,
            before + 1,
            "the read is audited"
        );
        // At rest, nothing is in clear.
        let clear = app
            .count("source_record WHERE payload LIKE '%Mariam%'")
            .await;
        assert_eq!(clear, 0);

        // The manual source: the caseworker enters what the paper archive holds.
        let manual = json!({"records": [{
            "id": "mappe-2019-17", "category": "case_file", "label": "Saksmappe", "value": "Bosettingssak 2019/17",
            "recorded_at": "2019-03-01", "purpose": "Bosetting", "legal_basis": "integreringsloven § 41",
            "recipients": [], "retention": "Arkiveres", "special_category": false, "third_party": false
        }]});
        let (status, t) = app
            .post(
                &format!("/api/v1/requests/{id}/sources/papirarkiv/manual"),
                &staff,
                manual.clone(),
            )
            .await;
        assert_eq!(status, 200, "{t}");
        assert_eq!(t["status"], "done");
        assert_eq!(t["record_count"], 1);
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{id}/sources/papirarkiv/manual"),
                &staff,
                manual,
            )
            .await;
        assert_eq!(status, 409, "only once, and only for a manual task");
        let (status, bad) = app
            .post(
                &format!("/api/v1/requests/{id}/sources/udi/manual"),
                &staff,
                json!({"records": [{"id": "x"}]}),
            )
            .await;
        assert_eq!(status, 422, "{bad}");

        // Fetching a done source again replaces its records: nothing doubles.
        let nav_before = records_of(&app, &id, Some("nav")).await;
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{id}/sources/nav/retry"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(status, 202);
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        assert_eq!(task(&tasks, "nav")["attempts"], 2);
        let nav_after = records_of(&app, &id, Some("nav")).await;
        assert_eq!(nav_before, nav_after);

        // The timeline tells the story.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &staff)
            .await;
        let actions: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(actions.contains(&"collection_started"));
        assert!(actions.contains(&"source_answered"));
        assert!(actions.contains(&"source_entered"));

        // Who may not: a citizen, another unit's caseworker.
        let citizen = app.citizen(2).await;
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/records"), &citizen)
            .await;
        assert_eq!(status, 403);
        let other = app.staff("saksbehandler.lillestrom").await;
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &other, json!({}))
            .await;
        assert_eq!(status, 404);
    }
);

db_test!(
    intake_starts_collection_where_the_unit_wants_it,
    setup = worker_on,
    |app| {
        let citizen = app.citizen(0).await;
        let created = app
        .create(&citizen, json!({"kind": "innsyn", "description": "Hva har dere om meg?", "service_area": "settlement"}))
        .await;
        let id = created["id"].as_str().unwrap().to_string();
        let staff = app.staff("saksbehandler.gamleoslo").await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        assert!(
            SIMULATED
                .iter()
                .all(|s| task(&tasks, s)["status"] == "done"),
            "{tasks:?}"
        );
        // A retting request is not collected by itself.
        let created = app
        .create(&citizen, json!({"kind": "retting", "description": "Adressen er feil", "service_area": "settlement"}))
        .await;
        let (_, tasks) = app
            .get(
                &format!(
                    "/api/v1/requests/{}/sources",
                    created["id"].as_str().unwrap()
                ),
                &staff,
            )
            .await;
        assert_eq!(tasks.as_array().unwrap().len(), 0);
    }
);

db_test!(intake_queues_collection_and_the_worker_plans_it, |app| {
    // The worker is off: the intake only queues; planning is the worker's step, run here by hand.
    let citizen = app.citizen(0).await;
    let staff = app.staff("saksbehandler.gamleoslo").await;
    let (queued0, tasks0) = (
        app.count("collection_queue").await,
        app.count("source_task").await,
    );
    let mut ids = Vec::new();
    for _ in 0..3 {
        let created = app
            .create(&citizen, json!({"kind": "innsyn", "description": "Hva har dere om meg?", "service_area": "settlement"}))
            .await;
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    app.create(
        &citizen,
        json!({"kind": "retting", "description": "Adressen er feil", "service_area": "settlement"}),
    )
    .await;
    assert_eq!(
        app.count("collection_queue").await,
        queued0 + 3,
        "innsyn only"
    );
    assert_eq!(app.count("source_task").await, tasks0, "no task at intake");
    // One of them is withdrawn before the worker comes round: it leaves the queue unplanned.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{}/transitions", ids[2]),
            &citizen,
            json!({ "action": "withdraw" }),
        )
        .await;
    assert_eq!(status, 200);
    let mut planned = 0;
    loop {
        let n = dsar::sources::collection::plan_queued(&app.app)
            .await
            .unwrap();
        planned += n;
        if n < dsar::sources::collection::PLAN_BATCH {
            break;
        }
    }
    assert_eq!(planned as i64, queued0 + 3);
    assert_eq!(app.count("collection_queue").await, 0);
    for (i, id) in ids.iter().enumerate() {
        let (_, tasks) = app
            .get(&format!("/api/v1/requests/{id}/sources"), &staff)
            .await;
        let tasks = tasks.as_array().unwrap().clone();
        if i == 2 {
            assert!(tasks.is_empty(), "withdrawn: {tasks:?}");
            continue;
        }
        for source in SIMULATED {
            assert_eq!(task(&tasks, source)["status"], "pending", "{tasks:?}");
        }
        assert_eq!(task(&tasks, "papirarkiv")["status"], "manual");
    }
    // Planning again finds nothing and adds nothing.
    let tasks = app.count("source_task").await;
    assert_eq!(
        dsar::sources::collection::plan_queued(&app.app)
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.count("source_task").await, tasks);
});

db_test!(
    a_decided_erasure_is_carried_out_per_record,
    setup = worker_on,
    |app| {
        let (id, staff) = elverum_request(&app, "sletting").await;
        let (status, problem) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &staff,
                json!({"operation": "rectify"}),
            )
            .await;
        assert_eq!(status, 422, "{problem}");
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &staff,
                json!({"operation": "erase"}),
            )
            .await;
        assert_eq!(status, 202);
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        assert!(
            SIMULATED
                .iter()
                .all(|s| task(&tasks, s)["status"] == "done"),
            "{tasks:?}"
        );
        let (_, records) = app
            .get(&format!("/api/v1/requests/{id}/records"), &staff)
            .await;
        let results: Vec<&Value> = records
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r.get("result").filter(|v| !v.is_null()))
            .collect();
        assert!(results.iter().any(|r| r["outcome"] == "erased"));
        let kept: Vec<&&Value> = results.iter().filter(|r| r["outcome"] == "kept").collect();
        assert!(!kept.is_empty());
        assert!(
            kept.iter()
                .all(|r| r["legal_basis"].is_string() && r["reason"].is_string())
        );
        assert!(kept.iter().any(|r| {
            r["legal_basis"]
                .as_str()
                .unwrap()
                .contains("integreringsforskriften § 60")
        }));
    }
);

db_test!(
    a_person_known_by_duf_number_is_asked_about_by_it_where_the_source_finds_by_it,
    setup = worker_on,
    |app| {
        let staff = app.staff("saksbehandler.elverum").await;
        // Mariam Haidari (Elverum), registered from a letter that gives only her DUF number.
        let created = app
            .create(&staff, json!({"kind": "innsyn", "description": "Alt dere har om meg", "service_area": "settlement", "subject_duf": "2016 974302 55", "geography": "3420"}))
            .await;
        let id = created["id"].as_str().unwrap().to_string();
        let (status, started) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        assert_eq!(status, 202, "{started}");
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let by_duf = ["imdi", "kommune", "udi"];
        for source in SIMULATED {
            let t = task(&tasks, source);
            if by_duf.contains(&source) {
                assert_eq!(t["status"], "done", "{t}");
                assert!(t["record_count"].as_i64().unwrap() > 0, "{t}");
            } else {
                // Never asked: a caseworker looks the person up there by hand.
                assert_eq!(t["status"], "manual", "{t}");
                assert!(
                    t["error"]
                        .as_str()
                        .unwrap()
                        .contains("national identity number only"),
                    "{t}"
                );
                assert_eq!(t["attempts"], 0, "{t}");
                assert_eq!(records_of(&app, &id, Some(source)).await, 0);
            }
        }
        assert!(task(&tasks, "papirarkiv")["error"].is_null());
        // The simulator knew her by the DUF number: IMDi settled her in Elverum.
        let (_, records) = app
            .get(&format!("/api/v1/requests/{id}/records"), &staff)
            .await;
        let settled_in = records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["source"] == "imdi" && r["record"]["id"] == "bosetting")
            .unwrap();
        assert_eq!(settled_in["record"]["value"], "3420");

        // NAV cannot be asked again until the person has a number NAV knows.
        let retry = format!("/api/v1/requests/{id}/sources/nav/retry");
        let (status, _) = app.post(&retry, &staff, json!({})).await;
        assert_eq!(status, 409);
        // The fødselsnummer she was given later (not one of the demo's).
        let pid = (100..999)
            .find_map(|i| dsar::identity::synthetic_pid(23, 11, 98, i, true, false))
            .unwrap();
        let pid = pid.as_str();
        let (status, linked) = app
            .post(
                "/api/v1/persons/link-numbers",
                &staff,
                json!({"duf": "201697430255", "other_pid": pid}),
            )
            .await;
        assert_eq!(status, 200, "{linked}");
        let (status, v) = app.post(&retry, &staff, json!({})).await;
        assert_eq!(status, 202, "{v}");
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let nav = task(&tasks, "nav");
        assert_eq!(nav["status"], "done", "{nav}");
        assert!(nav["error"].is_null(), "{nav}");
        assert!(records_of(&app, &id, Some("nav")).await > 0);

        // A paper request by name and date of birth: no source can be asked; every one is manual.
        let created = app
            .create(&staff, json!({"kind": "innsyn", "description": "Brev", "service_area": "settlement", "subject_name": "Ola Nordmann", "subject_birth_date": "1990-01-31", "geography": "3420"}))
            .await;
        let id = created["id"].as_str().unwrap().to_string();
        let (status, started) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        assert_eq!(status, 202, "{started}");
        for t in started.as_array().unwrap() {
            assert_eq!(t["status"], "manual", "{t}");
        }
        for source in SIMULATED {
            assert!(
                task(started.as_array().unwrap(), source)["error"]
                    .as_str()
                    .unwrap()
                    .contains("no number a source can find them by")
            );
        }
        // The caseworker enters what each holds; the collection is then complete.
        let tasks = app.collect_to_idle(&staff, &id).await;
        assert!(tasks.iter().all(|t| t["error"].is_null()), "{tasks:?}");
        assert_eq!(records_of(&app, &id, None).await, 0, "nothing was asked");
    }
);
