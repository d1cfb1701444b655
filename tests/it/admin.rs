//! The administration through a real staff login: its pages and their navigation, the staff
//! search with pages, adding a staff member (errors beside the fields, in the page's language,
//! what was typed kept, the focus on the error summary), a person's units added and taken away
//! after a confirmation and back, a routing rule turned off after a confirmation and on again,
//! a source taken out of use the same way, and the sources' health without personal data.
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    browser::*,
    db_test,
    office::{page, post, staff_browser},
    support::TestApp,
};

const PAGES: [&str; 6] = [
    "/office/admin",
    "/office/admin/ansatte",
    "/office/admin/enheter",
    "/office/admin/regler",
    "/office/admin/kilder",
    "/office/admin/behandlingsansvarlige",
];

async fn unit_id(app: &TestApp, name: &str) -> Uuid {
    entity::unit::Entity::find()
        .filter(entity::unit::Column::Name.eq(name))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn staff_row(app: &TestApp, username: &str) -> Option<entity::staff_user::Model> {
    entity::staff_user::Entity::find()
        .filter(entity::staff_user::Column::Username.eq(username))
        .one(&app.app.db)
        .await
        .unwrap()
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

async fn units_of(app: &TestApp, staff: Uuid) -> usize {
    entity::staff_unit::Entity::find()
        .filter(entity::staff_unit::Column::StaffId.eq(staff))
        .all(&app.app.db)
        .await
        .unwrap()
        .len()
}

async fn out(app: &TestApp, id: &str) -> i64 {
    app.count(&format!("source_system WHERE id = '{id}' AND NOT active"))
        .await
}

/// The path and query of a redirect's absolute target.
fn path(to: Option<String>) -> String {
    let url = reqwest::Url::parse(&to.expect("a redirect")).unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// The `<option>` for `value`, from `<option` to its `>`.
fn option_tag<'a>(html: &'a str, value: &str) -> &'a str {
    let at = html
        .find(&format!("<option value=\"{value}\""))
        .unwrap_or_else(|| panic!("no option {value}"));
    &html[at..at + html[at..].find('>').unwrap()]
}

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

db_test!(
    a_staff_member_is_added_with_errors_beside_the_fields,
    |app| {
        let (browser, html) = staff_browser(&app, "admin").await;
        let csrf = csrf_token(&html);
        let nav_elverum = unit_id(&app, "Nav Elverum").await.to_string();
        let bosetting = unit_id(&app, "Enhet for bosetting og introduksjon")
            .await
            .to_string();

        // Wrong: a username with a space, no name, a caseworker without a unit. In bokmål, beside
        // the field, what was typed kept, the summary focused.
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/admin/ansatte",
            &csrf,
            &[
                ("username", "kari nordmann"),
                ("display_name", "Kari Nordmann"),
                ("role", "caseworker"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Skriv et brukernavn på 2 til 64 tegn"),
            "{html}"
        );
        assert!(
            !html.contains("a username has"),
            "no English on a Norwegian page"
        );
        assert!(html.contains("id=\"staff-username-error\""));
        assert!(html.contains("aria-describedby=\"staff-username-hint staff-username-error\""));
        assert!(
            html.contains("value=\"kari nordmann\"") && html.contains("value=\"Kari Nordmann\"")
        );
        let summary = &html[html.find("class=\"error-summary\"").unwrap() - 5..];
        let tag = &summary[..summary.find('>').unwrap()];
        assert!(
            tag.contains("autofocus") && tag.contains("tabindex=\"-1\""),
            "{tag}"
        );
        assert!(summary.contains("href=\"#staff-username\""));

        // In English when the page is English; the chosen units stay chosen.
        let (_, html) = page(&browser, &app, "/office/admin/ansatte?lang=en").await;
        assert!(html.contains("Add a staff member"));
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/admin/ansatte",
            &csrf,
            &[
                ("username", "kari.nordmann"),
                ("display_name", "Kari Nordmann"),
                ("role", "privacy_officer"),
                ("unit_ids", &nav_elverum),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Choose a controller from the list"), "{html}");
        assert!(option_tag(&html, &nav_elverum).contains("selected"));
        assert!(!option_tag(&html, &bosetting).contains("selected"));
        assert!(option_tag(&html, "privacy_officer").contains("selected"));
        let _ = page(&browser, &app, "/office/admin/ansatte?lang=nb").await;

        // Right: added with two units, audited, then on their own page.
        assert_eq!(audits(&app, "staff.added").await, 0);
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/admin/ansatte",
            &csrf,
            &[
                ("username", " Kari.Nordmann "),
                ("display_name", "Kari  Nordmann"),
                ("role", "caseworker"),
                ("unit_ids", &nav_elverum),
                ("unit_ids", &bosetting),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let kari = staff_row(&app, "kari.nordmann").await.unwrap();
        assert_eq!(kari.display_name, "Kari Nordmann");
        assert_eq!(kari.role, "caseworker");
        assert!(kari.active);
        let to = path(to);
        assert_eq!(
            to,
            format!("/office/admin/ansatte/{}?done=staff_added", kari.id)
        );
        assert_eq!(units_of(&app, kari.id).await, 2);
        assert_eq!(audits(&app, "staff.added").await, 1);
        let (_, html) = page(&browser, &app, &to).await;
        assert!(html.contains("Den ansatte er lagt til.") && html.contains("Nav Elverum"));
        // The search finds her.
        let (_, html) = page(&browser, &app, "/office/admin/ansatte?q=nordmann").await;
        assert!(html.contains("kari.nordmann") && html.contains("1 ansatt"));

        // The same username again is refused beside the field.
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/admin/ansatte",
            &csrf,
            &[
                ("username", "kari.nordmann"),
                ("display_name", "En annen Kari"),
                ("role", "auditor"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("To ansatte kan ikke ha samme brukernavn"));
        assert_eq!(audits(&app, "staff.added").await, 1);
    }
);

db_test!(
    a_unit_is_taken_away_after_a_confirmation_and_given_back,
    |app| {
        let (browser, html) = staff_browser(&app, "admin").await;
        let csrf = csrf_token(&html);
        let eli = staff_row(&app, "saksbehandler.elverum").await.unwrap().id;
        let person = format!("/office/admin/ansatte/{eli}");
        let nav_elverum = unit_id(&app, "Nav Elverum").await;
        let (status, html) = page(&browser, &app, &person).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Eli Saksbehandler"));
        let mine = units_of(&app, eli).await;
        assert_eq!(mine, 1, "one unit to start with");

        // The last unit of a caseworker cannot be taken away: the step says so, the post refuses.
        let only: String = {
            let at = html.find(&format!("{person}/enheter/")).unwrap() + person.len() + 9;
            html[at..at + 36].to_string()
        };
        let remove = format!("{person}/enheter/{only}/fjern");
        let (status, html) = page(&browser, &app, &remove).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("En saksbehandler må ha minst én enhet"));
        assert!(!html.contains("name=\"confirm\""));
        let (status, _, html) = post(&browser, &app, &remove, &csrf, &[("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("En saksbehandler må ha minst én enhet"));
        assert_eq!(audits(&app, "staff.unit_removed").await, 0);

        // Add a unit from the list (one already held is not offered).
        let (_, html) = page(&browser, &app, &person).await;
        let add_form = &html[html.find(&format!("action=\"{person}/enheter\"")).unwrap()..];
        assert!(!add_form.contains(&format!("<option value=\"{only}\"")));
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("{person}/enheter"),
            &csrf,
            &[("unit_ids", &nav_elverum.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(path(to).ends_with("?done=units_added"));
        assert_eq!(audits(&app, "staff.units_added").await, 1);
        // Nothing chosen: the error beside the list.
        let (status, _, html) =
            post(&browser, &app, &format!("{person}/enheter"), &csrf, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"units-unit_ids-error\""));

        // Taking it away: one click only leads to the question; confirmed, it is gone and offered
        // back; given back, it is there again. Each step audited.
        let remove = format!("{person}/enheter/{nav_elverum}/fjern");
        let (status, to, _) = post(&browser, &app, &remove, &csrf, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(path(to), remove);
        assert_eq!(units_of(&app, eli).await, 2);
        let (_, html) = page(&browser, &app, &remove).await;
        assert!(
            html.contains("Ta Nav Elverum bort fra Eli Saksbehandler (Elverum)?"),
            "{html}"
        );
        let (status, to, _) = post(&browser, &app, &remove, &csrf, &[("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(units_of(&app, eli).await, 1);
        assert_eq!(audits(&app, "staff.unit_removed").await, 1);
        let (_, html) = page(&browser, &app, &path(to)).await;
        assert!(
            html.contains("Enheten er tatt bort.") && html.contains("Legg Nav Elverum til igjen")
        );
        let (status, _, _) = post(
            &browser,
            &app,
            &format!("{person}/enheter"),
            &csrf,
            &[("unit_ids", &nav_elverum.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(units_of(&app, eli).await, 2);
        assert_eq!(audits(&app, "staff.units_added").await, 2);

        // The role form keeps the units; a role without what it needs is refused beside the field.
        let (status, _, html) = post(
            &browser,
            &app,
            &person,
            &csrf,
            &[
                ("keep_units", "true"),
                ("role", "privacy_officer"),
                ("active", "true"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"access-controller_id-error\""));
        assert!(option_tag(&html, "privacy_officer").contains("selected"));
        let (status, _, _) = post(
            &browser,
            &app,
            &person,
            &csrf,
            &[("keep_units", "true"), ("role", "caseworker")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            !staff_row(&app, "saksbehandler.elverum")
                .await
                .unwrap()
                .active
        );
        assert_eq!(units_of(&app, eli).await, 2);
        // The administrator cannot lock themself out.
        let me = staff_row(&app, "admin").await.unwrap().id;
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/admin/ansatte/{me}"),
            &csrf,
            &[("keep_units", "true"), ("role", "admin")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Du kan ikke gjøre deg selv inaktiv."));
        assert!(staff_row(&app, "admin").await.unwrap().active);

        // A form that sends the units sets them all (the address's earlier form keeps working).
        let (status, _, _) = post(
            &browser,
            &app,
            &person,
            &csrf,
            &[
                ("role", "caseworker"),
                ("unit_ids", &nav_elverum.to_string()),
                ("active", "true"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(units_of(&app, eli).await, 1);
        assert!(
            staff_row(&app, "saksbehandler.elverum")
                .await
                .unwrap()
                .active
        );
    }
);

db_test!(
    a_rule_is_turned_off_after_a_confirmation_and_on_again,
    |app| {
        let (browser, html) = staff_browser(&app, "admin").await;
        let csrf = csrf_token(&html);
        let bosetting = unit_id(&app, "Enhet for bosetting og introduksjon")
            .await
            .to_string();
        // The new-rule form chooses no unit for you.
        let (_, html) = page(&browser, &app, "/office/admin/regler").await;
        let form = &html[html.find("id=\"rule-unit_id\"").unwrap()..];
        let select = &form[..form.find("</select>").unwrap()];
        assert_eq!(select.matches("selected").count(), 1, "{select}");
        assert!(option_tag(select, "").contains("selected"));
        // Without a unit: refused, beside the field, what was typed kept.
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/admin/regler",
            &csrf,
            &[("geography", "3403"), ("unit_id", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"rule-unit_id-error\"") && html.contains("Velg en enhet."));
        assert!(html.contains("value=\"3403\""));
        // Nothing to match on, and a bad geography: each its own words.
        let (_, _, html) = post(
            &browser,
            &app,
            "/office/admin/regler",
            &csrf,
            &[("unit_id", &bosetting)],
        )
        .await;
        assert!(html.contains("Velg minst ett av tjenesteområde"));
        let (_, _, html) = post(
            &browser,
            &app,
            "/office/admin/regler",
            &csrf,
            &[("geography", "12"), ("unit_id", &bosetting)],
        )
        .await;
        assert!(html.contains("kommunenummer med 4 siffer") && !html.contains("4 digits"));
        assert!(option_tag(&html, &bosetting).contains("selected"));
        let (status, _, _) = post(
            &browser,
            &app,
            "/office/admin/regler",
            &csrf,
            &[("geography", "3403"), ("unit_id", &bosetting)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let rule = entity::routing_rule::Entity::find()
            .filter(entity::routing_rule::Column::Geography.eq("3403"))
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(rule.active);
        let off = format!("/office/admin/regler/{}/slett", rule.id);

        // One click leads to the question, not off.
        let (status, to, _) = post(&browser, &app, &off, &csrf, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(path(to), off);
        let active = || async {
            entity::routing_rule::Entity::find_by_id(rule.id)
                .one(&app.app.db)
                .await
                .unwrap()
                .unwrap()
                .active
        };
        assert!(active().await);
        let (status, html) = page(&browser, &app, &off).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Slå av regelen?") && html.contains("3403"));
        assert!(html.contains("name=\"confirm\" value=\"yes\""));
        // Confirmed: off, audited, offered back.
        let (status, to, _) = post(&browser, &app, &off, &csrf, &[("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(!active().await);
        assert_eq!(audits(&app, "routing_rule.deactivated").await, 1);
        let (_, html) = page(&browser, &app, &path(to)).await;
        assert!(html.contains("Regelen er slått av."));
        let on = format!("/office/admin/regler/{}/pa", rule.id);
        assert!(html.contains(&format!("action=\"{on}\"")) && html.contains("Slå på igjen"));
        // On again, audited.
        let (status, to, _) = post(&browser, &app, &on, &csrf, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(active().await);
        assert_eq!(audits(&app, "routing_rule.reactivated").await, 1);
        let (_, html) = page(&browser, &app, &path(to)).await;
        assert!(html.contains("Regelen er slått på igjen."));
        // An unknown rule is not found.
        let (status, _) = page(
            &browser,
            &app,
            &format!("/office/admin/regler/{}/slett", Uuid::now_v7()),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    a_source_is_taken_out_after_a_confirmation_and_its_health_shown,
    |app| {
        let (browser, html) = staff_browser(&app, "admin").await;
        let csrf = csrf_token(&html);
        // One click leads to the question.
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/admin/kilder/udi",
            &csrf,
            &[("active", "false")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(path(to), "/office/admin/kilder/udi/ta-ut");
        assert_eq!(out(&app, "udi").await, 0);
        let (_, html) = page(&browser, &app, "/office/admin/kilder/udi/ta-ut").await;
        assert!(html.contains("Ta kildesystemet ut av bruk?"));
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/admin/kilder/udi",
            &csrf,
            &[("active", "false"), ("confirm", "yes")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(out(&app, "udi").await, 1);
        let (_, html) = page(&browser, &app, &path(to)).await;
        assert!(
            html.contains("Kildesystemet er tatt ut av bruk.") && html.contains("Ta i bruk igjen")
        );

        // Health, from the collection tasks of a source out of use (so no worker adds its own): the
        // last success, the last error without the identity number or address in it, and the
        // failures of the last 24 hours (not those of the day before).
        // One task per request, source and operation: one request per task.
        let citizen = app.citizen(1).await;
        let mut requests = Vec::new();
        for i in 0..4 {
            let created = app
                .create(
                    &citizen,
                    serde_json::json!({ "kind": "innsyn", "description": format!("Alt {i}") }),
                )
                .await;
            requests.push(created["id"].as_str().unwrap().parse::<Uuid>().unwrap());
        }
        let now = chrono::Utc::now();
        let mut task = |status: &str, error: Option<&str>, at: chrono::DateTime<chrono::Utc>| {
            let request = requests.pop().unwrap();
            entity::source_task::ActiveModel {
                id: Set(Uuid::now_v7()),
                request_id: Set(request),
                source_id: Set("udi".into()),
                operation: Set("access".into()),
                status: Set(entity::values::TaskStatus::parse(status).unwrap()),
                attempts: Set(1),
                round_attempts: Set(1),
                error: Set(error.map(str::to_string)),
                record_count: Set(0),
                next_attempt_at: Set(at),
                lease_owner: Set(None),
                lease_until: Set(None),
                params: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
                started_at: Set(Some(at)),
                finished_at: Set((status == "done").then_some(at)),
                last_duration_ms: Set(None),
            }
        };
        let hours = |h: i64| now - chrono::Duration::hours(h);
        for t in [
            task("done", None, hours(30)),
            task("failed", Some("the source answered HTTP 502"), hours(26)),
            task("failed", Some("the source answered HTTP 500"), hours(3)),
            task(
                "pending",
                Some("malformed answer: person 01017012345 ola@example.no"),
                hours(1),
            ),
        ] {
            t.insert(&app.app.db).await.unwrap();
        }
        let (status, html) = page(&browser, &app, "/office/admin/kilder").await;
        assert_eq!(status, StatusCode::OK);
        let row = &html[html.find("<code>udi</code>").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("malformed answer: person … …"), "{row}");
        assert!(!html.contains("01017012345") && !html.contains("ola@example.no"));
        assert!(
            row.contains("<td class=\"num\">2</td>"),
            "two failed within 24 hours: {row}"
        );
        assert!(!row.contains("Aldri"), "a success is shown: {row}");
        // A source without tasks: never, none, 0.
        let row = &html[html.find("<code>papirarkiv</code>").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains("Aldri")
                && row.contains("Ingen")
                && row.contains("<td class=\"num\">0</td>"),
            "{row}"
        );

        // Back into use at once (the way back), audited as every change of a source is.
        let changes = app
            .count("audit_event WHERE action = 'source_system.changed'")
            .await;
        let (status, _, _) = post(
            &browser,
            &app,
            "/office/admin/kilder/udi",
            &csrf,
            &[("active", "true")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(out(&app, "udi").await, 0);
        assert_eq!(
            app.count("audit_event WHERE action = 'source_system.changed'")
                .await,
            changes + 1
        );
    }
);
