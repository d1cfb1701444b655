//! A routing rule turned off after a confirmation and on again, and a source taken out of use
//! the same way with its health shown without personal data.
use super::*;

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
