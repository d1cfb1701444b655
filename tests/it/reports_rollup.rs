//! A public body's report rolls up its parts: Oslo kommune's privacy officer sees the figures of
//! every district and agency, with the breakdown per controller; a part's privacy officer sees
//! only their own; nobody sees another public body's.
use dsar::administration::{ControllerSettings, update_controller};
use serde_json::Value;
use uuid::Uuid;

use crate::{browser::*, db_test, support::*};

/// The demo controller named `name`.
async fn controller(app: &TestApp, name: &str) -> entity::controller::Model {
    let registry = app.app.registry.get(&app.app.db).await.unwrap();
    registry
        .controllers
        .values()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .clone()
}

fn summary(controller: Option<Uuid>) -> String {
    let from = today() - chrono::Duration::days(3000);
    let to = today();
    match controller {
        Some(c) => format!("/api/v1/reports/summary?from={from}&to={to}&controller={c}"),
        None => format!("/api/v1/reports/summary?from={from}&to={to}"),
    }
}

fn sum(rows: &Value, field: &str) -> i64 {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_i64().unwrap())
        .sum()
}

db_test!(a_public_body_report_rolls_up_its_parts, |app| {
    let oslo = controller(&app, "Oslo kommune").await.id;
    let gamle_oslo = controller(&app, "Bydel Gamle Oslo").await.id;
    let elverum = controller(&app, "Elverum kommune").await.id;
    let body_officer = app.staff("personvern.oslo").await;
    // The body's approver is named for the role it has (approving decisions), not as the data
    // protection officer, who is a separate contact and must not approve (GDPR art. 38(6)).
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let officer = entity::staff_user::Entity::find()
            .filter(entity::staff_user::Column::Username.eq("personvern.oslo"))
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(officer.display_name.contains("Personvernrådgiver"));
        assert!(!officer.display_name.contains("ombud"));
    }
    let part_officer = app.staff("personvern.gamleoslo").await;

    let (status, body) = app.get(&summary(None), &body_officer).await;
    assert_eq!(status, 200, "{body}");
    let parts = &body["controllers"];
    // The body first, then its 17 parts (15 districts and two agencies).
    assert_eq!(parts.as_array().unwrap().len(), 18, "{parts}");
    assert_eq!(parts[0]["controller"], "Oslo kommune");
    for field in [
        "received",
        "completed",
        "late",
        "withdrawn",
        "forwarded",
        "still_open",
    ] {
        assert_eq!(sum(parts, field), body[field].as_i64().unwrap(), "{field}");
    }
    assert!(
        body["received"].as_i64().unwrap() > 0,
        "the demo's Oslo requests are counted"
    );

    // A district's own report equals its row in the body's breakdown.
    let (status, own) = app.get(&summary(None), &part_officer).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(
        own["controllers"],
        serde_json::json!([]),
        "one controller, no breakdown"
    );
    let row = parts
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["controller"] == "Bydel Gamle Oslo")
        .unwrap();
    assert_eq!(row["received"], own["received"]);
    assert_eq!(row["still_open"], own["still_open"]);
    assert!(own["received"].as_i64().unwrap() > 0);

    // The body's officer may ask for one part; nobody for another body, and a part not for
    // its body.
    let (status, asked) = app.get(&summary(Some(gamle_oslo)), &body_officer).await;
    assert_eq!(status, 200, "{asked}");
    assert_eq!(asked["received"], own["received"]);
    let (status, _) = app.get(&summary(Some(elverum)), &body_officer).await;
    assert_eq!(status, 403);
    let (status, _) = app.get(&summary(Some(oslo)), &part_officer).await;
    assert_eq!(status, 403);

    // The office page shows the breakdown, and offers the parts to choose from.
    let browser = Browser::new();
    let (page, visited) = demo_staff_login(&browser, &app, "personvern.oslo").await;
    assert_eq!(page.status(), 200, "{visited:?}");
    let html = browser
        .get(&app.url(&format!(
            "/office/rapporter?from={}&to={}",
            today() - chrono::Duration::days(3000),
            today()
        )))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Per behandlingsansvarlig"), "{html}");
    assert!(html.contains(&format!("value=\"{gamle_oslo}\"")));
    assert!(!html.contains(&format!("value=\"{elverum}\"")));
});

db_test!(a_public_body_is_one_level_deep, |app| {
    let oslo = controller(&app, "Oslo kommune").await;
    let elverum = controller(&app, "Elverum kommune").await;
    let lillestrom = controller(&app, "Lillestrøm kommune").await;
    let district = controller(&app, "Bydel Alna").await;
    let admin = dsar::auth::resolve::resolve_staff(&app.app, "admin")
        .await
        .unwrap();
    let refused = |r: dsar::error::ServiceResult<()>| match r {
        Err(dsar::error::ServiceError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // Oslo kommune has parts: it cannot become part of another body.
    let set = |c: &entity::controller::Model, body: Uuid| ControllerSettings {
        public_body_id: Some(body),
        ..ControllerSettings::of(c)
    };
    assert_eq!(
        refused(update_controller(&app.app, &admin, oslo.id, set(&oslo, lillestrom.id)).await),
        "public_body_id"
    );
    // A part cannot be a body, nor a controller its own.
    assert_eq!(
        refused(update_controller(&app.app, &admin, elverum.id, set(&elverum, district.id)).await),
        "public_body_id"
    );
    assert_eq!(
        refused(update_controller(&app.app, &admin, elverum.id, set(&elverum, elverum.id)).await),
        "public_body_id"
    );
    // Elverum made part of Lillestrøm (an example): Lillestrøm's report now rolls it up.
    update_controller(&app.app, &admin, elverum.id, set(&elverum, lillestrom.id))
        .await
        .unwrap();
    let registry = app.app.registry.get(&app.app.db).await.unwrap();
    assert_eq!(
        registry.body_with_parts(lillestrom.id),
        vec![lillestrom.id, elverum.id]
    );
    assert_eq!(
        app.count("audit_event WHERE action = 'controller.updated'")
            .await,
        1
    );
});
