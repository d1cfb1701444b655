//! Protection of a strictly confidential address: set by the population register only, never
//! lifted by it, applied to all of the person's requests, and kept with the body they wrote to.
use super::*;

/// Demo citizen 5 as before the register reported the protection: an ordinary person with two
/// requests in Nav Gamle Oslo, one of them closed.
async fn unprotected_person_with_two_requests(app: &TestApp) -> (String, String, String) {
    app.exec("UPDATE person SET strictly_confidential = FALSE, geography = '030101'")
        .await;
    let pid = app.citizen_pid(5).await;
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let closed = app.create(&kari, json!({ "kind": "retting", "description": "x", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    let closed = closed["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/requests/{closed}/transitions"),
            &kari,
            json!({ "action": "withdraw", "note": "sent by mistake", "withdrawal": { "channel": "phone", "received_on": today().to_string() } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let open = app.create(&kari, json!({ "kind": "innsyn", "description": "y", "subject_pid": pid, "geography": "030101", "service_area": "settlement" })).await;
    assert_eq!(open["unit"]["name"], "Nav Gamle Oslo");
    (kari, open["id"].as_str().unwrap().to_string(), closed)
}

db_test!(
    protection_from_the_register_moves_all_the_persons_requests,
    setup = worker_on,
    |app| {
        let (kari, open, closed) = unprotected_person_with_two_requests(&app).await;
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        collected(&app).await;
        for id in [&open, &closed] {
            let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
            assert_eq!(status, 404, "the ordinary unit no longer sees {id}");
            let (status, body) = app.get(&format!("/api/v1/requests/{id}"), &sara).await;
            assert_eq!(status, 200);
            assert_eq!(body["unit"]["name"], "Oslo kommune – skjermede personer");
            let (status, _) = app
                .get(&format!("/api/v1/requests/{id}/records"), &kari)
                .await;
            assert_eq!(status, 404);
        }
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        let protected: Vec<_> = persons.iter().filter(|p| p.strictly_confidential).collect();
        assert_eq!(protected.len(), 1);
        assert_eq!(
            protected[0].geography, None,
            "the stored address is cleared"
        );
    }
);

db_test!(
    only_the_population_register_sets_protection_and_never_lifts_it,
    setup = worker_on,
    |app| {
        // Folkeregisteret not flagged: its answer is data, not authority.
        app.exec("UPDATE source_system SET is_population_register = FALSE")
            .await;
        app.app.registry.invalidate().await;
        let (kari, open, _) = unprotected_person_with_two_requests(&app).await;
        collected(&app).await;
        let (status, body) = app.get(&format!("/api/v1/requests/{open}"), &kari).await;
        assert_eq!(status, 200);
        assert_eq!(body["unit"]["name"], "Nav Gamle Oslo");
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(persons.iter().all(|p| !p.strictly_confidential));
        // The register answering "ugradert" for a protected person does not lift the protection.
        app.exec(
            "UPDATE source_system SET is_population_register = TRUE WHERE id = 'folkeregisteret'",
        )
        .await;
        app.app.registry.invalidate().await;
        app.exec("UPDATE person SET strictly_confidential = TRUE")
            .await;
        let amina = app.citizen(0).await;
        let req = app
            .create(
                &amina,
                json!({ "kind": "innsyn", "description": "z", "service_area": "settlement" }),
            )
            .await;
        let id = req["id"].as_str().unwrap();
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        let (status, _) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &sara, json!({}))
            .await;
        assert_eq!(status, 202);
        collected(&app).await;
        let persons = entity::person::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(
            persons.iter().all(|p| p.strictly_confidential),
            "never lifted automatically"
        );
    }
);

/// The unit a request is in, by its reference (read from the database: the registrant is told
/// the reference only).
async fn unit_of(app: &TestApp, reference: &str) -> (String, Value) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = entity::request::Entity::find()
        .filter(entity::request::Column::Reference.eq(reference))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let unit = entity::unit::Entity::find_by_id(row.unit_id)
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    (unit.name, serde_json::from_str(&row.routing).unwrap())
}

db_test!(protected_persons_stay_with_the_body_they_wrote_to, |app| {
    // A protected person writes to Elverum: Elverum's own protected unit, never Nav's 2103
    // and never an ordinary Elverum unit.
    let eli = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(5).await;
    let body = app.create(&eli, json!({ "kind": "innsyn", "description": "brev", "subject_pid": pid, "geography": "3420", "service_area": "settlement" })).await;
    let reference = body["reference"].as_str().unwrap();
    assert_eq!(
        body["unit"]["name"], "",
        "the registrant does not see it: {body}"
    );
    let (unit, routing) = unit_of(&app, reference).await;
    assert_eq!(unit, "Elverum kommune – skjermede personer");
    assert_eq!(routing, json!({ "reason": "protected_address" }));

    // An administrator cannot name an ordinary unit for protected persons.
    let registry = app.app.registry.get(&app.app.db).await.unwrap();
    let lillestrom = registry
        .controllers
        .values()
        .find(|c| c.name == "Lillestrøm kommune")
        .unwrap()
        .clone();
    let ordinary = registry
        .units
        .values()
        .find(|u| u.controller_id == lillestrom.id && !u.is_protected)
        .unwrap()
        .id;
    let admin_principal = dsar::auth::resolve::resolve_staff(&app.app, "admin")
        .await
        .unwrap();
    let set = |unit| dsar::administration::ControllerSettings {
        protected_unit_id: unit,
        ..dsar::administration::ControllerSettings::of(&lillestrom)
    };
    let refused = dsar::administration::update_controller(
        &app.app,
        &admin_principal,
        lillestrom.id,
        set(Some(ordinary)),
    )
    .await;
    assert!(
        matches!(&refused, Err(dsar::error::ServiceError::Invalid { field, .. }) if *field == "protected_unit_id"),
        "{refused:?}"
    );
    // A controller naming none: the fallback controller's protected unit, and the route says so.
    dsar::administration::update_controller(&app.app, &admin_principal, lillestrom.id, set(None))
        .await
        .unwrap();
    let lars = app.staff("saksbehandler.lillestrom").await;
    let body = app.create(&lars, json!({ "kind": "innsyn", "description": "brev", "subject_pid": pid, "geography": "3205" })).await;
    let (unit, routing) = unit_of(&app, body["reference"].as_str().unwrap()).await;
    assert_eq!(unit, "Oslo kommune – skjermede personer");
    assert_eq!(routing, json!({ "reason": "protected_address_no_unit" }));
});
