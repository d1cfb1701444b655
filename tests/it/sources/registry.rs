//! The admin registry of sources, and a request moved to where Folkeregisteret says the person
//! lives.
use super::*;

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
