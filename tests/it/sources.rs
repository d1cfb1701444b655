//! Source systems: collection from the simulated Norwegian sources through the real worker,
//! each fault a source can show, a restart in the middle, the service tokens as a source checks
//! them, the admin registry and re-routing from Folkeregisteret's answer.
use std::time::{Duration, Instant};

use dsar::{config::Settings, sources::simulator::Faults};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

/// The worker on, polling often, and a short lease so a restart test need not wait long.
fn worker_on(s: &mut Settings) {
    s.sources.worker = true;
    s.sources.poll_interval_ms = 50;
    s.sources.lease_margin_ms = 300;
}

const SIMULATED: [&str; 8] = [
    "folkeregisteret",
    "imdi",
    "kommune",
    "kompetanse-norge",
    "nav",
    "nir",
    "udi",
    "voksenopplaering",
];

/// An innsyn request from demo citizen 2 (Elverum: that unit does not collect by itself).
async fn elverum_request(app: &TestApp, kind: &str) -> (String, String) {
    let staff = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app
        .create(
            &staff,
            json!({"kind": kind, "description": "Alt dere har om meg", "service_area": "settlement", "subject_pid": pid}),
        )
        .await;
    (created["id"].as_str().unwrap().to_string(), staff)
}

fn task<'a>(tasks: &'a [Value], source: &str) -> &'a Value {
    tasks
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("no task for {source}"))
}

async fn register(app: &TestApp, source: &str, changes: Value) -> Value {
    let admin = app.staff("admin").await;
    let (_, list) = app.get("/api/v1/source-systems", &admin).await;
    let current = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == source)
        .cloned()
        .unwrap_or_else(|| json!({"name": source, "owner": "Test", "capabilities": ["access"], "service_areas": ["settlement"]}));
    let mut body = json!({});
    for key in [
        "name",
        "owner",
        "capabilities",
        "endpoint",
        "timeout_ms",
        "max_attempts",
        "backoff_ms",
        "service_areas",
    ] {
        if !current[key].is_null() {
            body[key] = current[key].clone();
        }
    }
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/source-systems/{source}"),
            Some(&admin),
            Some(body),
        )
        .await;
    let status = r.status().as_u16();
    let json: Value = r.json().await.unwrap();
    assert!(status == 200 || status == 201, "{status} {json}");
    json
}

/// Stored records of a request (optionally of one source), counted through the entity so the
/// uuid comparison works on both backends.
async fn records_of(app: &TestApp, id: &str, source: Option<&str>) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let id = uuid::Uuid::parse_str(id).unwrap();
    let mut q = entity::source_record::Entity::find()
        .filter(entity::source_record::Column::RequestId.eq(id));
    if let Some(s) = source {
        q = q.filter(entity::source_record::Column::SourceId.eq(s));
    }
    q.count(&app.app.db).await.unwrap()
}

/// Timeline events of a request with `action`.
async fn events_of(app: &TestApp, id: &str, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let id = uuid::Uuid::parse_str(id).unwrap();
    entity::request_event::Entity::find()
        .filter(entity::request_event::Column::RequestId.eq(id))
        .filter(entity::request_event::Column::Action.eq(action))
        .count(&app.app.db)
        .await
        .unwrap()
}

async fn faults(app: &TestApp, source: &str, f: Faults) {
    app.app
        .simulator
        .as_ref()
        .unwrap()
        .set_faults(source, f)
        .await;
}

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

db_test!(a_source_checks_our_token_like_a_real_one, |app| {
    use dsar::{
        identity::{Pid, PidPolicy},
        sources::protocol::Operation,
    };
    let pid = Pid::parse(
        &app.citizen_pid(0).await,
        PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap();
    let other = Pid::parse(
        &app.citizen_pid(1).await,
        PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap();
    let keys = &app.app.service_keys;
    let sign = |source: &'static str, op: Operation, pid: Pid| {
        let app = app.app.clone();
        async move {
            app.service_keys
                .sign(&app.db, &app.vault, source, op, &pid)
                .await
                .unwrap()
        }
    };
    let body =
        |pid: &Pid| json!({"request_id": uuid::Uuid::now_v7(), "subject": {"pid": pid.as_str()}});
    let post = |path: &str, token: Option<String>, body: Value| {
        let mut r = app.client.post(app.url(path)).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move { r.send().await.unwrap() }
    };
    let good = sign("udi", Operation::Access, pid.clone()).await;
    let r = post("/sim/udi/dsar/v1/access", Some(good.clone()), body(&pid)).await;
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["protocol"], "1");
    let cases: Vec<(&str, Option<String>, Value, u16)> = vec![
        ("no token", None, body(&pid), 401),
        (
            "another source's token",
            Some(sign("nav", Operation::Access, pid.clone()).await),
            body(&pid),
            401,
        ),
        (
            "wrong scope",
            Some(sign("udi", Operation::Erase, pid.clone()).await),
            body(&pid),
            403,
        ),
        ("another person", Some(good.clone()), body(&other), 403),
        (
            "tampered",
            Some(format!("{}x", &good[..good.len() - 1])),
            body(&pid),
            401,
        ),
    ];
    for (what, token, b, expected) in cases {
        let r = post("/sim/udi/dsar/v1/access", token, b).await;
        assert_eq!(r.status().as_u16(), expected, "{what}");
    }
    // Discovery.
    let d: Value = app
        .client
        .get(app.url("/sim/nir/dsar/v1/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["protocol"], "1");
    let ops: Vec<&str> = d["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "access", "rectify", "erase", "restrict", "object", "notify", "lift"
        ]
    );

    // Rotation: the new key signs, the old stays published, both verify at the source.
    let old_kid = jsonwebtoken::decode_header(&good).unwrap().kid.unwrap();
    let new_kid = dsar::sources::rotate_service_key(&app.app).await.unwrap();
    assert_ne!(old_kid, new_kid);
    let jwks: Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(
        kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()),
        "{kids:?}"
    );
    let fresh = sign("udi", Operation::Access, pid.clone()).await;
    assert_eq!(
        jsonwebtoken::decode_header(&fresh).unwrap().kid.unwrap(),
        new_kid
    );
    tokio::time::sleep(Duration::from_millis(2100)).await; // the simulator refetches keys at most every 2 s
    assert_eq!(
        post("/sim/udi/dsar/v1/access", Some(fresh), body(&pid))
            .await
            .status(),
        200
    );
    assert_eq!(
        post("/sim/udi/dsar/v1/access", Some(good), body(&pid))
            .await
            .status(),
        200
    );
    let _ = keys;
});

db_test!(admins_manage_the_registry_of_sources, |app| {
    let admin = app.staff("admin").await;
    let body = json!({
        "name": "Skolens fagsystem", "owner": "Utdanningsetaten", "capabilities": ["access", "erase"],
        "endpoint": "https://fag.example/connector", "timeout_ms": 2000, "service_areas": ["norwegian-training"]
    });
    let r = app
        .call(
            Method::PUT,
            "/api/v1/source-systems/fagsystem",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .call(
            Method::PUT,
            "/api/v1/source-systems/fagsystem",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status(), 200);
    let caseworker = app.staff("saksbehandler.ude").await;
    let r = app
        .call(
            Method::PUT,
            "/api/v1/source-systems/fagsystem",
            Some(&caseworker),
            Some(body.clone()),
        )
        .await;
    TestApp::expect_problem(r, 403).await;
    let mut bad = body.clone();
    bad["endpoint"] = json!("file:///etc/passwd");
    let r = app
        .call(
            Method::PUT,
            "/api/v1/source-systems/fagsystem",
            Some(&admin),
            Some(bad),
        )
        .await;
    let problem = TestApp::expect_problem(r, 422).await;
    assert!(problem.to_string().contains("endpoint"), "{problem}");
    let r = app
        .call(
            Method::PUT,
            "/api/v1/source-systems/Bad%20Id",
            Some(&admin),
            Some(body),
        )
        .await;
    TestApp::expect_problem(r, 422).await;
    let (status, list) = app.get("/api/v1/source-systems", &caseworker).await;
    assert_eq!(status, 200);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "fagsystem" && s["timeout_ms"] == 2000)
    );
    let citizen = app.citizen(0).await;
    let (status, _) = app.get("/api/v1/source-systems", &citizen).await;
    assert_eq!(status, 403);
    assert!(
        app.count("audit_event WHERE action = 'source_system.created'")
            .await
            >= 1
    );
});

db_test!(
    folkeregisteret_moves_a_request_to_where_the_person_lives,
    setup = worker_on,
    |app| {
        use dsar::sources::simulator::data;
        // A person the demo does not know, whose registered address the simulator puts in an Oslo
        // district; the letter said Lillestrøm.
        let pid = (1..28)
            .flat_map(|day| {
                (100..999).filter_map(move |ind| {
                    dsar::identity::synthetic_pid(day, 6, 92, ind, true, false)
                })
            })
            .map(|p| p.as_str().to_string())
            .find(|p| {
                data::records("folkeregisteret", p)
                    .unwrap()
                    .iter()
                    .any(|r| r.id == data::DISTRICT_RECORD && r.value == "030101")
            })
            .unwrap();
        let lillestrom = app.staff("saksbehandler.lillestrom").await;
        let created = app
        .create(&lillestrom, json!({"kind": "innsyn", "description": "Innsyn", "service_area": "settlement", "geography": "3205", "subject_pid": pid}))
        .await;
        let id = created["id"].as_str().unwrap().to_string();
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &lillestrom,
                json!({}),
            )
            .await;
        assert_eq!(status, 202);
        let gamle_oslo = app.staff("saksbehandler.gamleoslo").await;
        let start = Instant::now();
        loop {
            let (status, view) = app
                .get(&format!("/api/v1/requests/{id}"), &gamle_oslo)
                .await;
            if status == 200 {
                assert!(view["unit"].to_string().contains("Gamle Oslo"), "{view}");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "not moved");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}"), &lillestrom)
            .await;
        assert_eq!(status, 404, "no longer Lillestrøm's");
        assert_eq!(events_of(&app, &id, "rerouted").await, 1);
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

/// A Maskinporten stand-in: checks our JWT grant as Maskinporten documents it (RS256 with a `kid`
/// from our JWKS, `aud` = its issuer, `iss` = our client id, the scope, `exp` ≤ 120 s after
/// `iat`, a `jti`) and issues an access token that its connector then demands.
mod maskinporten_peer {
    use std::sync::{Arc, Mutex};

    use axum::{Form, Json, Router, extract::State, http::HeaderMap, routing::post};
    use serde_json::{Value, json};

    pub const AUDIENCE: &str = "https://test.maskinporten.no/";
    pub const CLIENT_ID: &str = "dsar-test-client";
    pub const SCOPE: &str = "nav:dsar/innsyn";

    #[derive(Clone, Default)]
    pub struct Peer {
        pub jwks_url: String,
        pub grants: Arc<Mutex<Vec<String>>>,
        pub issued: Arc<Mutex<Vec<String>>>,
        /// (connector, bearer token) of every call a connector received.
        pub seen: Arc<Mutex<Vec<(String, String)>>>,
        /// The `resource` of every grant (absent: none asked for).
        pub resources: Arc<Mutex<Vec<Option<String>>>>,
        /// The audience each issued token is restricted to, by token.
        pub audiences: Arc<Mutex<std::collections::HashMap<String, Option<String>>>>,
        /// Connectors that take only tokens restricted to their own audience.
        pub demands: Arc<Mutex<std::collections::HashMap<String, String>>>,
    }

    async fn token(
        State(peer): State<Peer>,
        Form(form): Form<std::collections::HashMap<String, String>>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        let bad = |why: &str| {
            (
                axum::http::StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant", "error_description": why})),
            )
        };
        if form.get("grant_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return bad("grant_type");
        }
        let Some(assertion) = form.get("assertion") else {
            return bad("assertion");
        };
        let Ok(header) = jsonwebtoken::decode_header(assertion) else {
            return bad("header");
        };
        if header.alg != jsonwebtoken::Algorithm::RS256 {
            return bad("alg");
        }
        let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(&peer.jwks_url)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(jwk) = header.kid.as_deref().and_then(|k| jwks.find(k)) else {
            return bad("kid");
        };
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.set_audience(&[AUDIENCE]);
        v.set_issuer(&[CLIENT_ID]);
        let Ok(data) = jsonwebtoken::decode::<Value>(assertion, &key, &v) else {
            return bad("signature or claims");
        };
        let c = data.claims;
        if c["scope"] != SCOPE || c["jti"].as_str().is_none_or(str::is_empty) {
            return bad("scope or jti");
        }
        if c["exp"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(c["iat"].as_u64().unwrap_or(0))
            > 120
        {
            return bad("lifetime");
        }
        peer.grants
            .lock()
            .unwrap()
            .push(c["jti"].as_str().unwrap().to_string());
        let token = format!("mp-{}", uuid::Uuid::new_v4());
        peer.issued.lock().unwrap().push(token.clone());
        let resource = c["resource"].as_str().map(str::to_string);
        peer.resources.lock().unwrap().push(resource.clone());
        peer.audiences
            .lock()
            .unwrap()
            .insert(token.clone(), resource);
        (
            axum::http::StatusCode::OK,
            Json(
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 120, "scope": SCOPE}),
            ),
        )
    }

    async fn access(
        State(peer): State<Peer>,
        axum::extract::Path(connector): axum::extract::Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        peer.seen
            .lock()
            .unwrap()
            .push((connector.clone(), bearer.to_string()));
        let demanded = peer.demands.lock().unwrap().get(&connector).cloned();
        if let Some(audience) = demanded
            && peer.audiences.lock().unwrap().get(bearer) != Some(&Some(audience))
        {
            return (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({"error": "token not meant for this API"})),
            );
        }
        if !peer.issued.lock().unwrap().iter().any(|t| t == bearer) {
            return (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({"error": "unknown token"})),
            );
        }
        (
            axum::http::StatusCode::OK,
            Json(
                json!({"protocol": "1", "request_id": body["request_id"], "records": [{
                    "id": "ytelse-1", "category": "benefits", "label": "Ytelse", "value": "Introduksjonsstønad",
                    "recorded_at": null, "purpose": "Oppfølging", "legal_basis": "NAV-loven § 14 a",
                    "recipients": [], "retention": "10 år", "special_category": false, "third_party": false
                }]}),
            ),
        )
    }

    pub async fn start(peer: Peer, listener: tokio::net::TcpListener) {
        let router = Router::new()
            .route("/token", post(token))
            .route("/{connector}/dsar/v1/access", post(access))
            .with_state(peer);
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
}

/// An app (collection worker on) whose Maskinporten client talks to a started stand-in; returns
/// the app, the stand-in and its base URL (connectors live under it).
async fn maskinporten_app() -> (TestApp, maskinporten_peer::Peer, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let peer_url = format!("http://{}", listener.local_addr().unwrap());
    let token_url = format!("{peer_url}/token");
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, move |s| {
        worker_on(s);
        s.sources.maskinporten = Some(dsar::config::MaskinportenSettings {
            token_url,
            audience: maskinporten_peer::AUDIENCE.into(),
            client_id: maskinporten_peer::CLIENT_ID.into(),
        });
    })
    .await;
    let peer = maskinporten_peer::Peer {
        jwks_url: app.url("/.well-known/jwks.json"),
        ..Default::default()
    };
    maskinporten_peer::start(peer.clone(), listener).await;
    (app, peer, peer_url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maskinporten_source_gets_a_maskinporten_token() {
    let (app, peer, peer_url) = maskinporten_app().await;
    register(
        &app,
        "nav-mp",
        json!({"name": "NAV via Maskinporten", "owner": "NAV", "capabilities": ["access"],
               "endpoint": format!("{peer_url}/connector"), "auth_mode": "maskinporten",
               "maskinporten_scope": maskinporten_peer::SCOPE, "service_areas": ["settlement"]}),
    )
    .await;
    for _ in 0..2 {
        let (id, staff) = elverum_request(&app, "innsyn").await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let t = task(&tasks, "nav-mp");
        assert_eq!(t["status"], "done", "{t}");
        assert_eq!(t["record_count"], 1);
    }
    assert_eq!(
        peer.grants.lock().unwrap().len(),
        1,
        "the token is cached until it expires"
    );
}

/// Two sources that ask Maskinporten for the same scope: each gets a token fetched for it, and
/// neither is ever sent the other's (a source could replay a token it was given).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maskinporten_tokens_are_not_shared_between_sources_of_one_scope() {
    let (app, peer, peer_url) = maskinporten_app().await;
    for (id, connector) in [("nav-mp-a", "connector-a"), ("nav-mp-b", "connector-b")] {
        register(
            &app,
            id,
            json!({"name": id, "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/{connector}"), "auth_mode": "maskinporten",
                   "maskinporten_scope": maskinporten_peer::SCOPE, "service_areas": ["settlement"]}),
        )
        .await;
    }
    for _ in 0..2 {
        let (id, staff) = elverum_request(&app, "innsyn").await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        for source in ["nav-mp-a", "nav-mp-b"] {
            assert_eq!(task(&tasks, source)["status"], "done");
        }
    }
    let seen = peer.seen.lock().unwrap().clone();
    let tokens_of = |connector: &str| -> std::collections::HashSet<String> {
        seen.iter()
            .filter(|(c, _)| c == connector)
            .map(|(_, t)| t.clone())
            .collect()
    };
    let (a, b) = (tokens_of("connector-a"), tokens_of("connector-b"));
    assert_eq!(
        (a.len(), b.len()),
        (1, 1),
        "one cached token per source: {seen:?}"
    );
    assert!(a.is_disjoint(&b), "a token went to both sources: {seen:?}");
    assert_eq!(peer.grants.lock().unwrap().len(), 2, "one grant per source");
}

/// A source that names a Maskinporten `resource` gets a token restricted to that audience (the
/// grant carries `resource`); a source without one asks for none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maskinporten_resource_restricts_the_token_to_the_sources_audience() {
    const RESOURCE: &str = "https://api.nav.example/dsar";
    let (app, peer, peer_url) = maskinporten_app().await;
    peer.demands
        .lock()
        .unwrap()
        .insert("connector-a".into(), RESOURCE.into());
    for (id, connector, resource) in [
        ("nav-mp-a", "connector-a", Some(RESOURCE)),
        ("nav-mp-b", "connector-b", None),
    ] {
        let body = register(
            &app,
            id,
            json!({"name": id, "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/{connector}"), "auth_mode": "maskinporten",
                   "maskinporten_scope": maskinporten_peer::SCOPE,
                   "maskinporten_resource": resource, "service_areas": ["settlement"]}),
        )
        .await;
        assert_eq!(body["maskinporten_resource"], json!(resource));
    }
    let (id, staff) = elverum_request(&app, "innsyn").await;
    app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
        .await;
    let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
    for source in ["nav-mp-a", "nav-mp-b"] {
        assert_eq!(task(&tasks, source)["status"], "done", "{tasks:?}");
    }
    let mut resources = peer.resources.lock().unwrap().clone();
    resources.sort();
    assert_eq!(resources, vec![None, Some(RESOURCE.to_string())]);
    // A resource is for Maskinporten sources only, and an https:// URI.
    let admin = app.staff("admin").await;
    for (auth, resource) in [
        ("dsar", RESOURCE),
        ("maskinporten", "http://api.nav.example/dsar"),
    ] {
        let r = app
            .call(
                reqwest::Method::PUT,
                "/api/v1/source-systems/nav-mp-c",
                Some(&admin),
                Some(
                    json!({"name": "c", "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/connector-c"), "auth_mode": auth,
                   "maskinporten_scope": maskinporten_peer::SCOPE,
                   "maskinporten_resource": resource}),
                ),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert!(
            problem.to_string().contains("maskinporten_resource"),
            "{problem}"
        );
    }
}

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
