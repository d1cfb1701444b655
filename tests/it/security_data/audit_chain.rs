//! The keyed audit chain: verified incrementally, a recomputation without the key detected, and
//! a trail from before the key sealed once (by the operator).
use super::*;

async fn do_some_work(app: &TestApp, n: usize) {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for _ in 0..n {
        let r = app
            .create(&kari, json!({ "kind": "innsyn", "description": "x", "subject_pid": app.citizen_pid(1).await, "geography": "030101", "service_area": "settlement" }))
            .await;
        let id = r["id"].as_str().unwrap();
        app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    }
}

async fn full(app: &TestApp) -> dsar::audit::Verification {
    dsar::audit::verify(&app.app.db, &app.app.audit_key)
        .await
        .unwrap()
}

async fn incremental(app: &TestApp) -> dsar::audit::Verification {
    dsar::audit::verify_incremental(&app.app.db, &app.app.audit_key)
        .await
        .unwrap()
}

/// What someone with write access to the database but not the key can do: rewrite the events
/// from `from` on with plain SHA-256 hashes and move the head along.
async fn recompute_without_the_key(app: &TestApp, from: i64) {
    use sea_orm::{IntoActiveModel, QueryOrder};
    let events = entity::audit_event::Entity::find()
        .order_by_asc(entity::audit_event::Column::Seq)
        .all(&app.app.db)
        .await
        .unwrap();
    let mut prev = dsar::audit::GENESIS_HASH.to_string();
    for ev in events {
        if ev.seq < from {
            prev = ev.hash.clone();
            continue;
        }
        let hash = dsar::audit::unkeyed_event_hash(
            &prev,
            ev.seq,
            ev.at,
            &ev.actor,
            &ev.action,
            ev.request_id,
            &ev.details,
        );
        let mut row = ev.into_active_model();
        row.prev_hash = Set(prev.clone());
        row.hash = Set(hash.clone());
        row.update(&app.app.db).await.unwrap();
        prev = hash;
    }
    app.exec(&format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ))
    .await;
}

db_test!(the_audit_chain_is_keyed_and_verified_incrementally, |app| {
    do_some_work(&app, 2).await;
    let first = full(&app).await;
    assert!(first.intact, "{:?}", first.first_break);
    assert_eq!(first.checked, first.events, "a full walk reads every event");
    do_some_work(&app, 1).await;
    let next = incremental(&app).await;
    assert!(next.intact, "{:?}", next.first_break);
    assert_eq!(
        next.checked,
        next.events - first.events,
        "only what follows the last verification is read"
    );
    assert!(next.checked > 0);
    // A row changed in the database after it was verified: the incremental run does not read
    // it again (so it cannot see it); the full run finds it.
    app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 3")
        .await;
    let again = incremental(&app).await;
    assert!(again.intact && again.checked == 0, "{again:?}");
    assert_eq!(
        full(&app).await.first_break,
        Some(dsar::audit::ChainBreak::Content { seq: 3 })
    );
});

db_test!(
    an_audit_chain_recomputed_without_the_key_is_detected,
    |app| {
        do_some_work(&app, 1).await;
        assert!(full(&app).await.intact);
        let checkpoint = full(&app).await.events;
        // An event changed and every hash after it recomputed, head included, as the unkeyed chain
        // allowed: the keyed hash of the changed event no longer matches.
        app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 5")
            .await;
        recompute_without_the_key(&app, 5).await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Content { seq: 5 })
        );
        // The whole trail rewritten as a plain chain: no seal, so it does not count as intact.
        recompute_without_the_key(&app, 1).await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { seq: checkpoint })
        );
        // The incremental run sees that the event at its checkpoint is not the one it verified.
        assert_eq!(
            incremental(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Checkpoint { seq: checkpoint })
        );
        // And production does not start on it.
        app.exec("UPDATE source_system SET active = FALSE WHERE endpoint LIKE 'http://%'")
            .await;
        let refused = build_error(production(&app.settings)).await;
        assert!(refused.contains("seal-audit"), "{refused}");
    }
);

db_test!(
    a_trail_from_before_the_key_is_sealed_once,
    setup = |_| {},
    |app| {
        do_some_work(&app, 1).await;
        // The trail as an older version wrote it: plain hashes, no checkpoint.
        recompute_without_the_key(&app, 1).await;
        app.exec("DELETE FROM audit_checkpoint").await;
        let before = full(&app).await;
        assert!(matches!(
            before.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { .. })
        ));
        // Outside production the next start seals it; the seal links to the last plain event.
        app.restart().await;
        let sealed = full(&app).await;
        assert!(sealed.intact, "{:?}", sealed.first_break);
        let seals = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq(dsar::audit::SEAL_ACTION))
            .all(&app.app.db)
            .await
            .unwrap();
        assert_eq!(seals.len(), 1);
        assert_eq!(seals[0].seq, before.events + 1);
        assert_eq!(
            seals[0].details,
            json!({ "unkeyed_events": before.events }).to_string()
        );
        // New events after the seal are keyed; another start does not seal again.
        do_some_work(&app, 1).await;
        app.restart().await;
        assert!(full(&app).await.intact);
        assert_eq!(
            app.count(&format!(
                "audit_event WHERE action = '{}'",
                dsar::audit::SEAL_ACTION
            ))
            .await,
            1
        );
        // A plain event before the seal changed: its plain hash no longer matches.
        app.exec("UPDATE audit_event SET actor = 'staff:someone-else' WHERE seq = 2")
            .await;
        assert_eq!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Content { seq: 2 })
        );
        // Recomputed without the key from there on, the seal included: no keyed seal remains.
        recompute_without_the_key(&app, 2).await;
        assert!(matches!(
            full(&app).await.first_break,
            Some(dsar::audit::ChainBreak::Unsealed { .. })
        ));
    }
);

db_test!(an_operator_seals_a_trail_from_before_the_key, |app| {
    do_some_work(&app, 1).await;
    recompute_without_the_key(&app, 1).await;
    let events = full(&app).await.events;
    let seal = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
            .args(args)
            .env_remove("DSAR_CONFIG")
            .env("DSAR_DATABASE_URL", &app.database_url)
            .env("DSAR_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (ok, out) = seal(&["verify-audit", "--full"]);
    assert!(!ok && out.contains("not sealed"), "{out}");
    let (ok, out) = seal(&["seal-audit"]);
    assert!(
        ok && out.contains(&format!("sealed after {events} events")),
        "{out}"
    );
    assert!(full(&app).await.intact);
    let (ok, out) = seal(&["seal-audit"]);
    assert!(ok && out.contains("needs no seal"), "{out}");
    let (ok, out) = seal(&["verify-audit"]);
    assert!(ok && out.contains("intact"), "{out}");
});
