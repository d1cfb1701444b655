//! The audit extract with its chain check, retention (a dry run, the run claimed by one
//! instance), and the command line's exports.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::{db_test, reports::Fixture, reports::at, reports::cli, reports::seed, support::*};

db_test!(
    audit_extract_shows_the_case_trail_and_verifies_the_chain,
    |app| {
        let citizen = app.citizen(0).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let r = app
        .create(
            &citizen,
            serde_json::json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
        let id = r["id"].as_str().unwrap().to_string();
        app.post(
            &format!("/api/v1/requests/{id}/transitions"),
            &kari,
            serde_json::json!({ "action": "start" }),
        )
        .await;
        let path = format!("/api/v1/requests/{id}/audit");
        // Caseworkers do not get extracts; privacy officers of the controller do.
        let r = app
            .call(reqwest::Method::GET, &path, Some(&kari), None)
            .await;
        TestApp::expect_problem(r, 403).await;
        let po = app.staff("personvern.gamleoslo").await;
        let (status, x) = app.get(&path, &po).await;
        assert_eq!(status, 200, "{x}");
        assert_eq!(x["request_id"], id.as_str());
        assert_eq!(x["verification"]["intact"], true);
        let actions: Vec<&str> = x["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"report.audit_extract"), "{actions:?}");
        assert!(actions.len() >= 3, "{actions:?}");
        assert!(x["timeline"].as_array().unwrap().len() >= 2);
        // Another controller's privacy officer does not see it at all.
        let ude = app.staff("personvern.ude").await;
        let r = app
            .call(reqwest::Method::GET, &path, Some(&ude), None)
            .await;
        TestApp::expect_problem(r, 404).await;
        // A tampered trail shows in the extract.
        let first = entity::audit_event::Entity::find_by_id(1i64)
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        let mut edit: entity::audit_event::ActiveModel = first.into();
        edit.actor = Set("staff:someone-else".into());
        edit.update(&app.app.db).await.unwrap();
        let (_, x) = app.get(&path, &po).await;
        assert_eq!(x["verification"]["intact"], false);
        assert_eq!(x["verification"]["first_break"]["problem"], "content");
    }
);

/// Collected records for the fixture: two for R1, one for R4 (both closed more than six months
/// ago), one for R10 (closed in July) and one for the open R7.
async fn seed_records(app: &TestApp, f: &Fixture) {
    use entity::{source_record, source_system, source_task};
    let db = &app.app.db;
    let source = source_system::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = Utc::now();
    for (req, n) in [(f.ids[0], 2), (f.ids[3], 1), (f.ids[9], 1), (f.ids[6], 1)] {
        let task = Uuid::now_v7();
        source_task::ActiveModel {
            id: Set(task),
            request_id: Set(req),
            source_id: Set(source.clone()),
            operation: Set("access".into()),
            status: Set(entity::values::TaskStatus::Done),
            attempts: Set(1),
            round_attempts: Set(1),
            error: Set(None),
            record_count: Set(n),
            next_attempt_at: Set(now),
            lease_owner: Set(None),
            lease_until: Set(None),
            params: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            finished_at: Set(Some(now)),
            last_duration_ms: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        for i in 0..n {
            source_record::ActiveModel {
                id: Set(Uuid::now_v7()),
                task_id: Set(task),
                request_id: Set(req),
                source_id: Set(source.clone()),
                operation: Set("access".into()),
                record_key: Set(format!("k{i}")),
                category: Set("c".into()),
                special_category: Set(false),
                third_party: Set(false),
                outcome: Set(None),
                payload: Set("sealed".into()),
                created_at: Set(now),
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
}

db_test!(
    retention_dry_run_deletes_nothing_and_the_run_exactly_the_expired,
    setup = |s: &mut dsar::config::Settings| {
        s.retention.controllers.insert("999999999".into(), 6);
    },
    |app| {
        use entity::{decision, source_record};
        let f = seed(&app).await;
        seed_records(&app, &f).await;
        // "Now" fixed at 23 November 2026: six months back is 23 May; R1 (7 April) and R4
        // (20 February) are past it, R10 (20 July) is not, R7 is open.
        let now = at("2026-11-23T12:00:00Z");
        let before = app.count("source_record").await;
        let decisions = app.count("decision").await;
        let planned = dsar::retention::run(&app.app, now, true).await.unwrap();
        let mut got: Vec<(String, i64, u32)> = planned
            .iter()
            .map(|e| (e.reference.clone(), e.records, e.retention_months))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("RAPP-0000".to_string(), 2, 6),
                ("RAPP-0003".to_string(), 1, 6)
            ]
        );
        assert_eq!(
            app.count("source_record").await,
            before,
            "dry run deletes nothing"
        );

        let done = dsar::retention::run(&app.app, now, false).await.unwrap();
        assert_eq!(done, planned);
        assert_eq!(app.count("source_record").await, before - 3);
        let left: Vec<Uuid> = source_record::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.request_id)
            .filter(|r| f.ids.contains(r))
            .collect();
        assert_eq!(left.len(), 2);
        assert!(left.contains(&f.ids[9]) && left.contains(&f.ids[6]));
        assert_eq!(app.count("decision").await, decisions, "decisions are kept");
        assert_eq!(
            decision::Entity::find()
                .all(&app.app.db)
                .await
                .unwrap()
                .len() as i64,
            decisions
        );
        let audited: Vec<(Option<Uuid>, Value)> = entity::audit_event::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "retention.source_records_deleted")
            .map(|e| (e.request_id, serde_json::from_str(&e.details).unwrap()))
            .collect();
        assert_eq!(audited.len(), 2);
        for (req, details) in &audited {
            let want = if *req == Some(f.ids[0]) { 2 } else { 1 };
            assert_eq!(details["records"], want);
            assert_eq!(details["retention_months"], 6);
        }
        assert!(
            dsar::audit::verify(&app.app.db, &app.app.audit_key)
                .await
                .unwrap()
                .intact
        );
        // A second run finds nothing more.
        assert!(
            dsar::retention::run(&app.app, now, false)
                .await
                .unwrap()
                .is_empty()
        );
        // With the default twelve months nothing of this fixture would have gone.
        assert_eq!(
            dsar::retention::months_for(&dsar::config::RetentionSettings::default(), "999999999"),
            12
        );
    }
);

db_test!(retention_run_is_claimed_by_one_instance_at_a_time, |app| {
    let (_, other) = app.another_instance(|_| {}).await;
    let now = Utc::now();
    assert!(
        dsar::jobs::retention::claim(&app.app, "a", now)
            .await
            .unwrap()
    );
    // The other instance finds the lease held, also a moment later.
    assert!(
        !dsar::jobs::retention::claim(&other, "b", now)
            .await
            .unwrap()
    );
    let later = now + chrono::Duration::minutes(5);
    assert!(
        !dsar::jobs::retention::claim(&other, "b", later)
            .await
            .unwrap()
    );
    // Finished: not due again until the next day.
    dsar::jobs::retention::finish(&app.app, "a", later)
        .await
        .unwrap();
    assert!(
        !dsar::jobs::retention::claim(&other, "b", later)
            .await
            .unwrap()
    );
    let tomorrow = later + chrono::Duration::hours(24);
    assert!(
        dsar::jobs::retention::claim(&other, "b", tomorrow)
            .await
            .unwrap()
    );
    // A lease whose instance died runs out after an hour.
    let after_crash = tomorrow + chrono::Duration::minutes(61);
    assert!(
        dsar::jobs::retention::claim(&app.app, "a", after_crash)
            .await
            .unwrap()
    );
});

db_test!(cli_exports_and_retention_dry_run, |app| {
    let f = seed(&app).await;
    seed_records(&app, &f).await;
    let dir = tempfile::tempdir().unwrap();
    let controller = f.controller.to_string();
    let period = [
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--controller",
        &controller,
    ];

    let out = dir.path().join("cases.csv");
    let mut args = vec!["export", "cases", "--format", "csv", "--quiet", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(period);
    let (ok, text) = cli(&app, &args, "");
    assert!(ok, "{text}");
    assert!(text.contains("exported 7 row(s)"), "{text}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 8);
    // The same pseudonyms as the API gives (same key).
    let revisor = app.staff("revisor").await;
    let (_, api) = app
        .get(
            &format!("/api/v1/reports/cases?from=2026-01-01&to=2026-06-30&controller={controller}"),
            &revisor,
        )
        .await;
    let first_person = api[0]["person"].as_str().unwrap();
    assert!(csv.lines().nth(1).unwrap().ends_with(first_person));

    let out = dir.path().join("summary.json");
    let mut args = vec!["export", "summary", "--format", "json", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(period);
    let (ok, text) = cli(&app, &args, "");
    assert!(ok, "{text}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        (s["received"].clone(), s["late"].clone()),
        (7.into(), 1.into())
    );

    let out = dir.path().join("audit.json");
    let id = f.ids[0].to_string();
    let (ok, text) = cli(
        &app,
        &[
            "export",
            "audit",
            "--request",
            &id,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{text}");
    let x: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(x["verification"]["intact"], true);

    let out = dir.path().join("art30.csv");
    let (ok, text) = cli(
        &app,
        &[
            "export",
            "processing-activities",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{text}");
    let activities = dsar::processing_activities::Registry::built_in()
        .unwrap()
        .activities
        .len();
    assert!(
        text.contains(&format!("exported {activities} row(s)")),
        "{text}"
    );

    // Missing period: a clear error, non-zero exit.
    let (ok, _) = cli(
        &app,
        &["export", "cases", "--out", out.to_str().unwrap()],
        "",
    );
    assert!(!ok);

    // Retention dry run with a six-month override: lists R1 and R4 (whose closing is more than
    // six months before today, 23 Nov 2026 or later), deletes nothing.
    let before = app.count("source_record").await;
    let (ok, text) = cli(
        &app,
        &["retention", "--dry-run"],
        "[retention.controllers]\n\"999999999\" = 6\n",
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("would delete 2 record(s) of RAPP-0000"),
        "{text}"
    );
    assert!(
        text.contains("would delete 1 record(s) of RAPP-0003"),
        "{text}"
    );
    assert_eq!(app.count("source_record").await, before);
});
