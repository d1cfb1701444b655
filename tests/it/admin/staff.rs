//! A staff member added with errors beside the fields, and a unit taken away after a
//! confirmation and given back.
use super::*;

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
