//! The administration's pages under their own navigation, and the staff search paged on the
//! server.
use super::*;

db_test!(
    the_administration_is_pages_under_its_own_navigation,
    |app| {
        let (browser, _) = staff_browser(&app, "admin").await;
        for path in PAGES {
            let (status, html) = page(&browser, &app, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let nav = &html[html.find("class=\"admin-nav\"").unwrap()..];
            let nav = &nav[..nav.find("</nav>").unwrap()];
            for other in &PAGES[1..] {
                assert!(
                    nav.contains(&format!("href=\"{other}\"")),
                    "{path}: {other}"
                );
            }
            if path != "/office/admin" {
                assert!(
                    nav.contains(&format!("href=\"{path}\" aria-current=\"page\"")),
                    "{path}: {nav}"
                );
            }
            // Nothing like the old single page: no checkbox per unit per person.
            assert!(
                !html.contains("type=\"checkbox\" name=\"unit_ids\""),
                "{path}"
            );
        }
        // The admin has no queue: /office leads to the administration.
        let r = browser.get(&app.url("/office")).await;
        assert!(location(&r).ends_with("/office/admin"));
        // Only administrators: a caseworker is refused every page.
        let (caseworker, start) = staff_browser(&app, "saksbehandler.elverum").await;
        let csrf = csrf_token(&start);
        for path in PAGES {
            let (status, _) = page(&caseworker, &app, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let person = staff_row(&app, "saksbehandler.elverum").await.unwrap().id;
        let (status, _) = page(
            &caseworker,
            &app,
            &format!("/office/admin/ansatte/{person}"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nor may they change anything: every form of the administration refuses, nothing changes.
        let unit = unit_id(&app, "Nav Elverum").await;
        let rule = entity::routing_rule::Entity::find()
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let audited = app.count("audit_event").await;
        let units = units_of(&app, person).await;
        for (path, fields) in [
            (
                "/office/admin/ansatte".to_string(),
                vec![
                    ("username", "inntrenger"),
                    ("display_name", "Inn"),
                    ("role", "admin"),
                ],
            ),
            (
                format!("/office/admin/ansatte/{person}"),
                vec![
                    ("keep_units", "true"),
                    ("role", "admin"),
                    ("active", "true"),
                ],
            ),
            (
                format!("/office/admin/ansatte/{person}/enheter"),
                vec![("unit_ids", "")],
            ),
            (
                format!("/office/admin/ansatte/{person}/enheter/{unit}/fjern"),
                vec![("confirm", "yes")],
            ),
            (
                format!("/office/admin/regler/{rule}/slett"),
                vec![("confirm", "yes")],
            ),
            (format!("/office/admin/regler/{rule}/pa"), vec![]),
            (
                "/office/admin/kilder/udi".to_string(),
                vec![("active", "false"), ("confirm", "yes")],
            ),
        ] {
            let (status, _, _) = post(&caseworker, &app, &path, &csrf, &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.count("audit_event").await, audited);
        assert_eq!(units_of(&app, person).await, units);
        assert_eq!(
            staff_row(&app, "saksbehandler.elverum").await.unwrap().role,
            "caseworker"
        );
        assert!(staff_row(&app, "inntrenger").await.is_none());
        assert_eq!(out(&app, "udi").await, 0);
        // Unknown things are not found.
        for path in [
            format!("/office/admin/ansatte/{}", Uuid::now_v7()),
            "/office/admin/ansatte/nope".to_string(),
            "/office/admin/kilder/finnes-ikke/ta-ut".to_string(),
            format!(
                "/office/admin/ansatte/{person}/enheter/{}/fjern",
                Uuid::now_v7()
            ),
        ] {
            let (status, _) = page(&browser, &app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
    }
);

db_test!(staff_are_searched_and_paged_on_the_server, |app| {
    let (browser, _) = staff_browser(&app, "admin").await;
    // By unit name: only the staff of units with that name.
    let (status, html) = page(&browser, &app, "/office/admin/ansatte?q=elverum").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("saksbehandler.elverum"));
    assert!(!html.contains("saksbehandler.gamleoslo"));
    // By name, ignoring case, several words all matching.
    let (_, html) = page(&browser, &app, "/office/admin/ansatte?q=KARI+gamle").await;
    assert!(html.contains("saksbehandler.gamleoslo"), "{html}");
    assert!(!html.contains("saksbehandler2.gamleoslo"));
    assert!(html.contains("1 ansatt"));
    // Nobody: a count of nought, no table.
    let (_, html) = page(&browser, &app, "/office/admin/ansatte?q=finnes-ikke").await;
    assert!(html.contains("0 ansatte") && !html.contains("<table"));

    // Many staff: 25 a page, with a link to the next keeping the search.
    let now = chrono::Utc::now();
    for i in 0..30 {
        entity::staff_user::ActiveModel {
            id: Set(Uuid::now_v7()),
            username: Set(format!("vikar{i:02}")),
            display_name: Set(format!("Vikar {i:02}")),
            role: Set("auditor".into()),
            controller_id: Set(None),
            active: Set(true),
            created_at: Set(now),
        }
        .insert(&app.app.db)
        .await
        .unwrap();
    }
    let (_, html) = page(&browser, &app, "/office/admin/ansatte?q=vikar").await;
    assert!(
        html.contains("30 ansatte") && html.contains("Side 1 av 2"),
        "{html}"
    );
    assert!(html.contains("vikar24") && !html.contains("vikar25"));
    assert!(html.contains("href=\"/office/admin/ansatte?side=2&amp;q=vikar\""));
    let (_, html) = page(&browser, &app, "/office/admin/ansatte?q=vikar&side=2").await;
    assert!(html.contains("vikar25") && html.contains("vikar29") && !html.contains("vikar24"));
    assert!(html.contains("Side 2 av 2"));
    // A page past the end shows the last; a malformed one the first.
    let (status, html) = page(&browser, &app, "/office/admin/ansatte?q=vikar&side=9").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Side 2 av 2"));
    let (status, html) = page(&browser, &app, "/office/admin/ansatte?q=vikar&side=x").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Side 1 av 2"));
});
