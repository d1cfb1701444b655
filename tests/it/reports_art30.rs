//! The record of processing activities (art. 30) as exported for privacy officers.
use sea_orm::EntityTrait;
use serde_json::Value;
use uuid::Uuid;

use crate::{db_test, reports::cli, reports::seed, support::*};

db_test!(art30_record_is_exported_for_privacy_officers, |app| {
    let po = app.staff("personvern.gamleoslo").await;
    let (status, json) = app.get("/api/v1/reports/processing-activities", &po).await;
    assert_eq!(status, 200, "{json}");
    let entries = json.as_array().unwrap();
    let registry = dsar::processing_activities::Registry::built_in().unwrap();
    // Their own controller's (a district: `oslo-bydel`); an auditor of no controller gets all.
    assert_eq!(
        entries.len(),
        registry.for_controller("oslo-bydel", None).count()
    );
    let revisor = app.staff("revisor").await;
    let (_, all) = app
        .get("/api/v1/reports/processing-activities", &revisor)
        .await;
    assert_eq!(all.as_array().unwrap().len(), registry.activities.len());
    assert!(
        entries
            .iter()
            .all(|e| !e["retention"].as_str().unwrap().is_empty())
    );
    let key = registry.activities[0].controller_key.clone();
    let r = app
        .call(
            reqwest::Method::GET,
            &format!(
                "/api/v1/reports/processing-activities?format=csv&lang=en&controller_key={key}"
            ),
            Some(&po),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let expected = registry.for_controller(&key, None).count();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), expected);
    assert!(csv.starts_with("id,controller_key,service_area,name,purposes,categories"));
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let r = app
        .call(
            reqwest::Method::GET,
            "/api/v1/reports/processing-activities",
            Some(&kari),
            None,
        )
        .await;
    TestApp::expect_problem(r, 403).await;
    let audited = entity::audit_event::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "report.processing_activities")
        .count();
    assert_eq!(audited, 3);
});

db_test!(
    art30_export_for_a_controller_matches_its_processing_key,
    |app| {
        use entity::controller;
        use sea_orm::{ColumnTrait, QueryFilter};
        let registry = dsar::processing_activities::Registry::built_in().unwrap();
        // The demo registry's controllers and their keys: every key group is non-empty, and each
        // controller gets exactly its group's activities.
        let controllers = controller::Entity::find().all(&app.app.db).await.unwrap();
        let revisor = app.staff("revisor").await;
        let mut checked = std::collections::BTreeSet::new();
        for c in &controllers {
            let Some(key) = &c.processing_key else {
                continue;
            };
            if !checked.insert(key.clone()) {
                continue;
            }
            let (status, json) = app
                .get(
                    &format!("/api/v1/reports/processing-activities?controller={}", c.id),
                    &revisor,
                )
                .await;
            assert_eq!(status, 200, "{json}");
            let got: Vec<&str> = json
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap())
                .collect();
            let want: Vec<&str> = registry
                .activities
                .iter()
                .filter(|a| &a.controller_key == key)
                .map(|a| a.id.as_str())
                .collect();
            assert!(!want.is_empty(), "{key}: the registry has entries");
            assert_eq!(got, want, "{}", c.name);
        }
        assert!(checked.len() >= 3, "{checked:?}");

        // A privacy officer gets their own controller's entries without asking, and not another's.
        let po = app.staff("personvern.gamleoslo").await;
        let (_, own) = app.get("/api/v1/reports/processing-activities", &po).await;
        let own = own.as_array().unwrap();
        assert!(!own.is_empty());
        assert!(
            own.iter().all(|e| e["controller_key"] == "oslo-bydel"),
            "{own:?}"
        );
        let elverum = controller::Entity::find()
            .filter(controller::Column::ProcessingKey.eq("elverum"))
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        let r = app
            .call(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    elverum.id
                ),
                Some(&po),
                None,
            )
            .await;
        TestApp::expect_problem(r, 403).await;
        // Asking for the controller and another registry group at once is refused.
        let r = app
            .call(
                reqwest::Method::GET,
                "/api/v1/reports/processing-activities?controller_key=elverum",
                Some(&po),
                None,
            )
            .await;
        TestApp::expect_problem(r, 422).await;

        // A controller without a processing key has no entries (the fixture's), an unknown one 404.
        let f = seed(&app).await;
        let (status, none) = app
            .get(
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    f.controller
                ),
                &revisor,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(none, serde_json::json!([]));
        let r = app
            .call(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    Uuid::now_v7()
                ),
                Some(&revisor),
                None,
            )
            .await;
        TestApp::expect_problem(r, 404).await;

        // The command line filters the same way.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("art30.json");
        let id = elverum.id.to_string();
        let (ok, log) = cli(
            &app,
            &[
                "export",
                "processing-activities",
                "--format",
                "json",
                "--controller",
                &id,
                "--out",
                out.to_str().unwrap(),
            ],
            "",
        );
        assert!(ok, "{log}");
        let list: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let n = registry.for_controller("elverum", None).count();
        assert_eq!(list.as_array().unwrap().len(), n);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|e| e["controller_key"] == "elverum")
        );
    }
);
