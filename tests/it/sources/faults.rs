//! Faults a source can show: each fails alone and can be retried, a recovering source is
//! retried with backoff, one request's fault is not used up by another, and a restart in the
//! middle neither loses nor duplicates.
use super::*;

db_test!(
    every_fault_fails_alone_and_can_be_retried,
    setup = worker_on,
    |app| {
        let sim = format!("{}/sim", app.base);
        let quick = json!({"timeout_ms": 800, "max_attempts": 2, "backoff_ms": 20});
        for source in SIMULATED {
            register(&app, source, quick.clone()).await;
        }
        // Connection refused: nothing listens there.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let closed_url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        register(&app, "udi", json!({"endpoint": closed_url})).await;
        // A bad token: UDI's registration points at NAV's connector, which refuses a token for UDI.
        register(&app, "imdi", json!({"endpoint": format!("{sim}/nav")})).await;
        faults(
            &app,
            "kommune",
            Faults {
                hang: true,
                ..Default::default()
            },
        )
        .await;
        faults(
            &app,
            "nir",
            Faults {
                failure_rate: 1.0,
                ..Default::default()
            },
        )
        .await;
        faults(
            &app,
            "voksenopplaering",
            Faults {
                malformed: true,
                ..Default::default()
            },
        )
        .await;
        faults(
            &app,
            "kompetanse-norge",
            Faults {
                trickle: true,
                ..Default::default()
            },
        )
        .await;

        let (id, staff) = elverum_request(&app, "innsyn").await;
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        assert_eq!(status, 202);
        let tasks = app.settled(&staff, &id, Duration::from_secs(30)).await;
        let expect_failed = [
            ("udi", "could not connect"),
            ("imdi", "refused our token (HTTP 401)"),
            ("kommune", "did not answer within 800 ms"),
            ("nir", "HTTP 500"),
            ("voksenopplaering", "malformed answer"),
            ("kompetanse-norge", "did not answer within 800 ms"),
        ];
        for (source, why) in expect_failed {
            let t = task(&tasks, source);
            assert_eq!(t["status"], "failed", "{t}");
            assert_eq!(t["attempts"], 2, "bounded retries: {t}");
            assert!(t["error"].as_str().unwrap().contains(why), "{source}: {t}");
            assert_eq!(t["record_count"], 0);
        }
        for source in ["folkeregisteret", "nav"] {
            assert_eq!(
                task(&tasks, source)["status"],
                "done",
                "the healthy sources answered"
            );
        }
        let kept = records_of(&app, &id, None).await;
        assert!(kept > 0);

        // Fix everything and retry each failed source: they answer, the others are untouched.
        register(&app, "udi", json!({"endpoint": format!("{sim}/udi")})).await;
        register(&app, "imdi", json!({"endpoint": format!("{sim}/imdi")})).await;
        for (source, _) in expect_failed {
            faults(&app, source, Faults::default()).await;
            let (status, t) = app
                .post(
                    &format!("/api/v1/requests/{id}/sources/{source}/retry"),
                    &staff,
                    json!({}),
                )
                .await;
            assert_eq!(status, 202, "{t}");
            assert_eq!(t["status"], "pending");
        }
        let tasks = app.settled(&staff, &id, Duration::from_secs(30)).await;
        for source in SIMULATED {
            let t = task(&tasks, source);
            assert_eq!(t["status"], "done", "{t}");
            assert!(t["error"].is_null());
        }
        assert_eq!(
            task(&tasks, "folkeregisteret")["attempts"],
            1,
            "not asked twice"
        );
        // Every record once: the count equals the sum of what each source answered.
        let total: i64 = tasks
            .iter()
            .map(|t| t["record_count"].as_i64().unwrap())
            .sum();
        assert_eq!(records_of(&app, &id, None).await as i64, total);
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &staff)
            .await;
        let failed = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "source_failed")
            .count();
        assert_eq!(failed, 6);
    }
);

db_test!(
    a_source_that_recovers_is_retried_with_backoff,
    setup = worker_on,
    |app| {
        register(&app, "nav", json!({"max_attempts": 3, "backoff_ms": 50})).await;
        let (id, staff) = elverum_request(&app, "innsyn").await;
        // The two failures belong to this request: no other collection can use them up.
        faults(
            &app,
            "nav",
            Faults {
                fail_next: 2,
                request_id: Some(id.parse().unwrap()),
                ..Default::default()
            },
        )
        .await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let nav = task(&tasks, "nav");
        assert_eq!(nav["status"], "done", "{nav}");
        assert_eq!(nav["attempts"], 3);
        assert!(nav["error"].is_null());
    }
);

db_test!(
    a_fault_for_one_request_is_not_used_up_by_another,
    setup = worker_on,
    |app| {
        register(&app, "nav", json!({"max_attempts": 3, "backoff_ms": 50})).await;
        let (mine, staff) = elverum_request(&app, "innsyn").await;
        let (other, _) = elverum_request(&app, "innsyn").await;
        faults(
            &app,
            "nav",
            Faults {
                fail_next: 2,
                request_id: Some(mine.parse().unwrap()),
                ..Default::default()
            },
        )
        .await;
        // Another collection runs first and meets no fault.
        app.post(
            &format!("/api/v1/requests/{other}/collect"),
            &staff,
            json!({}),
        )
        .await;
        let tasks = app.settled(&staff, &other, Duration::from_secs(20)).await;
        assert_eq!(task(&tasks, "nav")["attempts"], 1);
        // The faults are still there for the request they were meant for.
        app.post(
            &format!("/api/v1/requests/{mine}/collect"),
            &staff,
            json!({}),
        )
        .await;
        let tasks = app.settled(&staff, &mine, Duration::from_secs(20)).await;
        let nav = task(&tasks, "nav");
        assert_eq!(nav["status"], "done", "{nav}");
        assert_eq!(nav["attempts"], 3);
    }
);

db_test!(
    a_restart_in_the_middle_neither_loses_nor_duplicates,
    setup = worker_on,
    |app| {
        register(&app, "nav", json!({"timeout_ms": 3000, "max_attempts": 3})).await;
        faults(
            &app,
            "nav",
            Faults {
                latency_ms: 1500,
                ..Default::default()
            },
        )
        .await;
        let (id, staff) = elverum_request(&app, "innsyn").await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        // Wait until the fast sources are done and NAV is being asked.
        let start = Instant::now();
        loop {
            let (_, tasks) = app
                .get(&format!("/api/v1/requests/{id}/sources"), &staff)
                .await;
            let tasks = tasks.as_array().unwrap().clone();
            let others_done = SIMULATED
                .iter()
                .filter(|s| **s != "nav")
                .all(|s| task(&tasks, s)["status"] == "done");
            if others_done && task(&tasks, "nav")["status"] == "running" {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "{tasks:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before = records_of(&app, &id, None).await;
        app.restart().await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(30)).await;
        let nav = task(&tasks, "nav");
        assert_eq!(nav["status"], "done", "{nav}");
        assert_eq!(
            nav["attempts"], 2,
            "the abandoned attempt counts, the new one answered"
        );
        for source in SIMULATED.iter().filter(|s| **s != "nav") {
            assert_eq!(
                task(&tasks, source)["attempts"],
                1,
                "{source} was not asked again"
            );
        }
        let after = records_of(&app, &id, None).await;
        assert_eq!(
            (after - before) as i64,
            nav["record_count"].as_i64().unwrap()
        );
        let answered = events_of(&app, &id, "source_answered").await;
        assert_eq!(answered, 8, "one answer per source, none twice");
    }
);
