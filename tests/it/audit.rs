//! The hash-chained audit trail: intact after real work; editing, deleting, reordering or
//! cutting off events is detected, by the library and by `dsar verify-audit`.
use serde_json::json;

use crate::{db_test, support::*};

async fn do_some_work(app: &TestApp) {
    let citizen = app.citizen(0).await;
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for _ in 0..3 {
        let r = app
            .create(
                &citizen,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
            )
            .await;
        let id = r["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/requests/{id}/transitions"),
            &kari,
            json!({ "action": "start" }),
        )
        .await;
        app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    }
}

fn verify_cli(app: &TestApp) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .args(["verify-audit", "--full"])
        .env("DSAR_DATABASE_URL", &app.database_url)
        .env("DSAR_DATA_DIR", app.data_dir.path())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

async fn verify(app: &TestApp) -> dsar::audit::Verification {
    dsar::audit::verify(&app.app.db, &app.app.audit_key)
        .await
        .unwrap()
}

db_test!(audit_chain_is_intact_and_records_who_did_what, |app| {
    do_some_work(&app).await;
    let report = verify(&app).await;
    assert!(report.intact, "{:?}", report.first_break);
    assert!(report.events > 150);
    let (ok, out) = verify_cli(&app);
    assert!(ok, "{out}");
    assert!(out.contains("intact"));
    // No identity number in clear anywhere in the trail or the timeline.
    use sea_orm::EntityTrait;
    let pids: Vec<String> = app.personas().await["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pid"].as_str().unwrap().to_string())
        .collect();
    for ev in entity::audit_event::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
    {
        for pid in &pids {
            assert!(!ev.details.contains(pid.as_str()) && !ev.actor.contains(pid.as_str()));
        }
    }
    let ids = entity::person_identifier::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap();
    for i in ids {
        for pid in &pids {
            assert!(!i.pid_ciphertext.contains(pid.as_str()) && !i.pid_hash.contains(pid.as_str()));
        }
    }
});

db_test!(an_edited_event_is_detected, |app| {
    do_some_work(&app).await;
    app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 20")
        .await;
    let report = verify(&app).await;
    assert_eq!(
        report.first_break,
        Some(dsar::audit::ChainBreak::Content { seq: 20 })
    );
    let (ok, out) = verify_cli(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN") && out.contains("event 20"), "{out}");
});

db_test!(a_deleted_event_is_detected, |app| {
    do_some_work(&app).await;
    app.exec("DELETE FROM audit_event WHERE seq = 30").await;
    assert_eq!(
        verify(&app).await.first_break,
        Some(dsar::audit::ChainBreak::Gap {
            expected_seq: 30,
            found_seq: 31
        })
    );
    assert!(!verify_cli(&app).0);
});

db_test!(reordered_events_are_detected, |app| {
    do_some_work(&app).await;
    // Swap the contents of events 10 and 11 (keeping their numbers).
    app.exec("UPDATE audit_event SET seq = -1 WHERE seq = 10")
        .await;
    app.exec("UPDATE audit_event SET seq = 10 WHERE seq = 11")
        .await;
    app.exec("UPDATE audit_event SET seq = 11 WHERE seq = -1")
        .await;
    let report = verify(&app).await;
    assert!(
        matches!(
            report.first_break,
            Some(
                dsar::audit::ChainBreak::Link { seq: 10 }
                    | dsar::audit::ChainBreak::Content { seq: 10 }
            )
        ),
        "{:?}",
        report.first_break
    );
    assert!(!verify_cli(&app).0);
});

db_test!(a_cut_off_tail_is_detected, |app| {
    do_some_work(&app).await;
    let report = verify(&app).await;
    app.exec(&format!(
        "DELETE FROM audit_event WHERE seq > {}",
        report.events - 3
    ))
    .await;
    assert_eq!(
        verify(&app).await.first_break,
        Some(dsar::audit::ChainBreak::Head {
            head_seq: report.events,
            last_seq: report.events - 3
        })
    );
    assert!(!verify_cli(&app).0);
});
