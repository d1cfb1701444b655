//! Reports read and downloaded from the office, and the administrator editing a controller
//! and a unit.
use super::*;

db_test!(reports_are_read_and_downloaded_from_the_office, |app| {
    let (browser, _) = staff_browser(&app, "personvern.ude").await;
    let (status, html) = page(
        &browser,
        &app,
        "/office/rapporter?from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Besvart innen fristen") && html.contains("Per enhet"));
    let r =
        browser
            .get(&app.url(
                "/office/rapporter/last-ned?what=cases&from=2026-01-01&to=2026-12-31&format=csv",
            ))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let r = browser
        .get(&app.url(
            "/office/rapporter/last-ned?what=summary&from=2026-01-01&to=2026-12-31&format=xlsx",
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.bytes().await.unwrap().starts_with(b"PK"),
        "an XLSX (zip) file"
    );
    // A reversed period is shown as an error beside the field.
    let (status, html) = page(
        &browser,
        &app,
        "/office/rapporter?from=2026-12-31&to=2026-01-01",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Sluttdatoen er før startdatoen"));
    assert!(app.count("audit_event WHERE action = 'report.cases'").await >= 1);
});

/// The registry's controller and unit rows, read straight from the database.
async fn controller_row(app: &TestApp, org_number: &str) -> entity::controller::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::controller::Entity::find()
        .filter(entity::controller::Column::OrgNumber.eq(org_number))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn unit_row(app: &TestApp, name: &str) -> entity::unit::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::unit::Entity::find()
        .filter(entity::unit::Column::Name.eq(name))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The details of the one audit event with `action`.
async fn only_audit_details(app: &TestApp, action: &str) -> serde_json::Value {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "{action}: {events:?}");
    assert_eq!(events[0].actor, "staff:admin");
    serde_json::from_str(&events[0].details).unwrap()
}

db_test!(the_admin_edits_a_controller_and_a_unit, |app| {
    let elverum = controller_row(&app, "944117784").await;
    let (browser, html) = staff_browser(&app, "admin").await;
    let csrf = csrf_token(&html);
    let controller_page = format!("/office/admin/behandlingsansvarlige/{}", elverum.id);
    let (_, admin) = page(&browser, &app, "/office/admin/behandlingsansvarlige").await;
    assert!(
        admin.contains(&format!("href=\"{controller_page}\"")),
        "the administration's controllers page links to the controller's page"
    );

    // The controller's page: the stored values in the form, the org number shown, not editable.
    let (status, html) = page(&browser, &app, &format!("{controller_page}?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("944117784") && html.contains("cannot be changed"));
    assert!(!html.contains("name=\"org_number\""));
    assert!(html.contains(&format!(
        "value=\"{}\"",
        elverum.contact_email.as_deref().unwrap()
    )));
    assert!(html.contains("Nav Elverum"), "its units are listed");

    // A bad e-mail address: 422, the typed values kept, the error beside the field, nothing
    // changed and nothing audited.
    // The unit for protected persons is a select: a browser sends what is selected.
    let protected_unit = elverum.protected_unit_id.unwrap().to_string();
    let typed = [
        ("name", "Elverum kommune"),
        ("protected_unit_id", protected_unit.as_str()),
        ("contact_email", "postmottak@elverum"),
        ("address", "Postboks 403\n2418 Elverum"),
        ("phone", "62 43 30 00"),
        ("dpo_name", "Kari Nordmann"),
        ("dpo_email", "personvernombud@elverum.kommune.no"),
        ("processing_key", "elverum"),
        ("four_eyes", "true"),
        ("show_staff_names_to_citizens", "true"),
    ];
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("{controller_page}?lang=en"),
        &csrf,
        &typed,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("The e-mail address does not look right."));
    assert!(html.contains("id=\"controller-contact_email-error\""));
    assert!(html.contains("aria-describedby=\"controller-contact_email-error\""));
    assert!(
        html.contains("href=\"#controller-contact_email\""),
        "the summary links the field"
    );
    assert!(
        html.contains("value=\"postmottak@elverum\""),
        "the typed value is kept"
    );
    assert!(html.contains("value=\"62 43 30 00\"") && html.contains("Postboks 403"));
    assert_eq!(
        controller_row(&app, "944117784").await,
        elverum,
        "nothing changed"
    );
    assert_eq!(
        app.count("audit_event WHERE action = 'controller.updated'")
            .await,
        0
    );
    // A telephone number with letters and a name left empty are refused the same way.
    for (field, value, error) in [
        ("phone", "ring oss", "8 to 15 digits"),
        ("name", " ", "Enter a name"),
    ] {
        let mut fields: Vec<(&str, &str)> = typed.to_vec();
        fields.retain(|(k, _)| *k != field && *k != "contact_email");
        fields.push((field, value));
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{controller_page}?lang=en"),
            &csrf,
            &fields,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(html.contains(error), "{field}");
        assert!(html.contains(&format!("id=\"controller-{field}-error\"")));
    }
    assert_eq!(controller_row(&app, "944117784").await, elverum);

    // Right: saved (an org number sent along is ignored), one audit event naming the fields
    // that changed and not the DPO's name, then back on the page with the new values.
    let mut fields: Vec<(&str, &str)> = typed.to_vec();
    fields.retain(|(k, _)| *k != "contact_email");
    fields.push(("contact_email", "postmottak@elverum.kommune.no"));
    fields.push(("org_number", "974633574"));
    let (status, to, _) = post(&browser, &app, &controller_page, &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.unwrap()
            .ends_with(&format!("{controller_page}?done=controller"))
    );
    let saved = controller_row(&app, "944117784").await;
    assert_eq!(saved.org_number, "944117784");
    assert_eq!(
        saved.contact_email.as_deref(),
        Some("postmottak@elverum.kommune.no")
    );
    assert_eq!(saved.address.as_deref(), Some("Postboks 403\n2418 Elverum"));
    assert_eq!(saved.phone.as_deref(), Some("62 43 30 00"));
    assert_eq!(saved.dpo_name.as_deref(), Some("Kari Nordmann"));
    assert!(saved.four_eyes && saved.show_staff_names_to_citizens);
    let details = only_audit_details(&app, "controller.updated").await;
    assert_eq!(details["org_number"], "944117784");
    assert_eq!(details["show_staff_names_to_citizens"], true);
    assert_eq!(details["four_eyes"], true);
    let changed: Vec<&str> = details["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        [
            "four_eyes",
            "contact_email",
            "address",
            "phone",
            "dpo_name",
            "dpo_email",
            "show_staff_names_to_citizens",
            "appeal_body",
        ]
    );
    assert!(!details.to_string().contains("Kari"), "no personal data");
    let (_, html) = page(
        &browser,
        &app,
        &format!("{controller_page}?done=controller&lang=en"),
    )
    .await;
    assert!(html.contains("The controller is saved."));
    assert!(html.contains("value=\"postmottak@elverum.kommune.no\""));
    // The registry was refreshed: the administration page shows the new settings now.
    let (_, admin) = page(
        &browser,
        &app,
        "/office/admin/behandlingsansvarlige?lang=en",
    )
    .await;
    let row = &admin[admin.find(">Elverum kommune</a>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    // The last column: "Show staff names to citizens".
    assert!(row.ends_with("<td>Yes</td>"), "{row}");
    // The same again changes nothing and records nothing.
    let (status, _, _) = post(&browser, &app, &controller_page, &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("audit_event WHERE action = 'controller.updated'")
            .await,
        1
    );

    // A unit: a NAV office's number has 4 digits, and one unit has a number.
    let nav = unit_row(&app, "Nav Elverum").await;
    let unit_page = format!("/office/admin/enheter/{}", nav.id);
    assert!(html.contains(&format!("href=\"{unit_page}\"")));
    let (status, html) = page(&browser, &app, &format!("{unit_page}?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"0427\""));
    for code in ["427", "0316"] {
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{unit_page}?lang=en"),
            &csrf,
            &[
                ("name", "Nav Elverum og Våler"),
                ("code", code),
                ("email", "nav.elverum@nav.no"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(html.contains("A NAV office's unit number has 4 digits"));
        assert!(html.contains("id=\"unit-code-error\""));
        assert!(html.contains("aria-describedby=\"unit-code-hint unit-code-error\""));
        assert!(html.contains(&format!("value=\"{code}\"")));
        assert!(html.contains("value=\"Nav Elverum og Våler\""));
    }
    assert_eq!(unit_row(&app, "Nav Elverum").await, nav, "nothing changed");
    let (status, to, _) = post(
        &browser,
        &app,
        &unit_page,
        &csrf,
        &[
            ("name", "Nav Elverum og Våler"),
            ("code", "0428"),
            ("email", "nav.elverum@nav.no"),
            ("auto_collect", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.unwrap()
            .ends_with(&format!("{controller_page}?done=unit"))
    );
    let saved = unit_row(&app, "Nav Elverum og Våler").await;
    assert_eq!(saved.id, nav.id);
    assert_eq!(saved.code.as_deref(), Some("0428"));
    assert_eq!(saved.email.as_deref(), Some("nav.elverum@nav.no"));
    assert!(saved.auto_collect);
    let details = only_audit_details(&app, "unit.updated").await;
    assert_eq!(details["unit_id"], nav.id.to_string());
    assert_eq!(
        details["changed"],
        json!(["name", "code", "email", "auto_collect"])
    );
    let (_, html) = page(
        &browser,
        &app,
        &format!("{controller_page}?done=unit&lang=en"),
    )
    .await;
    assert!(html.contains("The unit is saved."));
    assert!(html.contains("Nav Elverum og Våler") && html.contains("0428"));

    // Anyone but an administrator is refused, reading and writing; nothing changes.
    let (other, other_html) = staff_browser(&app, "personvern.ude").await;
    let other_csrf = csrf_token(&other_html);
    for path in [&controller_page, &unit_page] {
        let (status, _) = page(&other, &app, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _, _) = post(
        &other,
        &app,
        &controller_page,
        &other_csrf,
        &[("name", "Kapret kommune")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(
        &other,
        &app,
        &unit_page,
        &other_csrf,
        &[("name", "Kapret enhet")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        controller_row(&app, "944117784").await.name,
        "Elverum kommune"
    );
    assert_eq!(unit_row(&app, "Nav Elverum og Våler").await.id, nav.id);
    // Unknown or malformed ids are not found.
    for path in [
        "/office/admin/behandlingsansvarlige/nope".to_string(),
        format!("/office/admin/enheter/{}", uuid::Uuid::now_v7()),
    ] {
        let (status, _) = page(&browser, &app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
});
