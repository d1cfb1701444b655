//! The session from login to logout: cookies and their flags, a new id at login, timeouts, CSRF
//! on forms, front-channel logout, and sessions over a restart and between instances.
use super::*;

db_test!(citizen_logs_in_uses_the_session_and_logs_out, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(0).await;
    let (page, visited) = demo_citizen_login(&browser, &app, &pid).await;
    assert_eq!(page.status(), 200);
    assert!(visited[0].contains("/auth/callback?code="), "{visited:?}");
    assert!(
        visited.last().unwrap().ends_with("/min-side"),
        "{visited:?}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Du er logget inn."), "{html}");
    assert!(html.contains("<html lang=\"nb\" dir=\"ltr\">"));
    assert!(html.contains("<main id=\"main\">"));
    // The demo citizen has seeded requests; their references show.
    assert!(html.contains("PV-"), "the requests table");
    assert_eq!(live_sessions(&app).await, 1);

    // The JSON API accepts the session too, and shows only this person's requests.
    let own: Value = browser
        .get(&app.url("/api/v1/requests"))
        .await
        .json()
        .await
        .unwrap();
    let token = app.citizen(0).await;
    let (_, by_token) = app.get("/api/v1/requests", &token).await;
    assert_eq!(own["items"], by_token["items"]);
    assert!(!own["items"].as_array().unwrap().is_empty());

    // Logout ends the session here and at the provider, then lands on the logged-out page.
    let (end, visited) = logout(&browser, &app, &html).await;
    assert!(
        visited
            .iter()
            .any(|u| u.contains("/dev/idp/endsession") && u.contains("id_token_hint=")),
        "{visited:?}"
    );
    assert!(visited.last().unwrap().contains("/logged-out"));
    assert!(end.text().await.unwrap().contains("Du er logget ut"));
    assert_eq!(live_sessions(&app).await, 0);
    let r = browser.get(&app.url("/min-side")).await;
    assert_eq!(location(&r), app.url("/login?return_to=/min-side"));
    let r = browser.get(&app.url("/api/v1/requests")).await;
    assert_eq!(r.status(), 401);

    // Audit: a login and a logout, by pseudonym; the number never appears.
    let (_, audit_rows) = audit_dump(&app).await;
    assert!(audit_rows.contains("auth.login") && audit_rows.contains("auth.logout"));
    assert!(!audit_rows.contains(&pid));
});

db_test!(staff_logs_in_to_the_office_and_out, |app| {
    let browser = Browser::new();
    let r = browser.get(&app.url("/office")).await;
    assert_eq!(location(&r), app.url("/office/login"));
    let (page, visited) = demo_staff_login(&browser, &app, "saksbehandler.gamleoslo").await;
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, 200, "{html}");
    assert!(visited.last().unwrap().ends_with("/office"), "{visited:?}");
    assert!(html.contains("saksbehandler.gamleoslo"));
    assert!(html.contains("Saksbehandler"), "role shown");
    assert!(html.contains("<li>"), "units listed");
    // The session works on the API with the staff member's visibility.
    let r = browser.get(&app.url("/api/v1/requests")).await;
    assert_eq!(r.status(), 200);
    let (end, _) = logout(&browser, &app, &html).await;
    assert_eq!(end.status(), 200);
    assert_eq!(live_sessions(&app).await, 0);
    let r = browser.get(&app.url("/office")).await;
    assert_eq!(location(&r), app.url("/office/login"));
});

db_test!(a_citizen_session_does_not_open_the_office, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(0).await;
    demo_citizen_login(&browser, &app, &pid).await;
    let r = browser.get(&app.url("/office")).await;
    assert_eq!(location(&r), app.url("/office/login"));
});

db_test!(return_to_a_local_path_is_followed, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(1).await;
    let authorize = begin(&browser, &app, "/login?return_to=/logged-out%3Fx%3D1").await;
    let callback = demo_authorize(
        &browser,
        &authorize,
        DemoChoice::Citizen {
            pid: &pid,
            acr: HIGH,
        },
    )
    .await;
    let r = browser.get(&callback).await;
    assert_eq!(location(&r), app.url("/logged-out?x=1"));
});

db_test!(session_cookie_flags, |app| {
    let browser = Browser::new();
    let r = browser.get(&app.url("/login")).await;
    let pending = set_cookie(&r, "dsar_login");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=600"] {
        assert!(pending.contains(flag), "{pending}");
    }
    assert!(
        !pending.contains("Secure"),
        "off for plain-http localhost in tests"
    );
    let authorize = location(&r);
    let pid = app.citizen_pid(0).await;
    let callback = demo_authorize(
        &browser,
        &authorize,
        DemoChoice::Citizen {
            pid: &pid,
            acr: SUBSTANTIAL,
        },
    )
    .await;
    let r = browser.get(&callback).await;
    let session = set_cookie(&r, "dsar_session");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session}");
    }
    // The pending login cookie is cleared.
    assert!(set_cookie(&r, "dsar_login").contains("Max-Age=0"));
    // The database holds only a hash of the cookie value.
    let value = session
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    assert_eq!(app.count(&format!("session WHERE id = '{value}'")).await, 0);
    assert_eq!(live_sessions(&app).await, 1);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_when_configured() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.login.cookie_secure = Some(true)).await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&r, "__Host-dsar_login");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
}

db_test!(login_renews_the_session_id, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(0).await;
    let authorize = begin(&browser, &app, "/login").await;
    let callback = demo_authorize(
        &browser,
        &authorize,
        DemoChoice::Citizen {
            pid: &pid,
            acr: SUBSTANTIAL,
        },
    )
    .await;
    let r = browser.get(&callback).await;
    let first = set_cookie(&r, "dsar_session");
    // Logging in again (another person on the same browser, or the same one) gives a new id and
    // ends the old session.
    let pid2 = app.citizen_pid(1).await;
    let authorize = begin(&browser, &app, "/login").await;
    let callback = demo_authorize(
        &browser,
        &authorize,
        DemoChoice::Citizen {
            pid: &pid2,
            acr: SUBSTANTIAL,
        },
    )
    .await;
    let r = browser.get(&callback).await;
    let second = set_cookie(&r, "dsar_session");
    assert_ne!(cookie_value(&first), cookie_value(&second));
    assert_eq!(live_sessions(&app).await, 1);
    let old = reqwest::Client::new()
        .get(app.url("/api/v1/requests"))
        .header("cookie", format!("dsar_session={}", cookie_value(&first)))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401, "the old session id is dead");
    // A session id planted before login (fixation) is never adopted.
    let planted = Browser::new()
        .client
        .get(app.url("/min-side"))
        .header("cookie", "dsar_session=planted-by-attacker")
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status(), StatusCode::SEE_OTHER);
});

db_test!(
    idle_timeout_ends_the_session,
    setup = |s: &mut dsar::config::Settings| {
        s.login.session_idle_seconds = 2;
    },
    |app| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        demo_citizen_login(&browser, &app, &pid).await;
        assert_eq!(browser.get(&app.url("/min-side")).await.status(), 200);
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        let r = browser.get(&app.url("/min-side")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "idle too long");
        assert_eq!(live_sessions(&app).await, 0, "the expired row is gone");
    }
);

db_test!(
    absolute_timeout_ends_an_active_session,
    setup = |s: &mut dsar::config::Settings| {
        s.login.session_idle_seconds = 60;
        s.login.session_absolute_seconds = 3;
    },
    |app| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        demo_citizen_login(&browser, &app, &pid).await;
        // Kept busy: the idle timer never runs out, the absolute one does.
        for _ in 0..4 {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            assert_eq!(browser.get(&app.url("/min-side")).await.status(), 200);
        }
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let r = browser.get(&app.url("/min-side")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
);

db_test!(forms_without_the_csrf_token_are_refused, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(0).await;
    let (page, _) = demo_citizen_login(&browser, &app, &pid).await;
    let html = page.text().await.unwrap();
    for fields in [
        vec![],
        vec![("csrf_token".to_string(), "wrong".to_string())],
        vec![("csrf_token".to_string(), format!("{}x", csrf_token(&html)))],
    ] {
        let r = browser.post_form(&app.url("/logout"), &fields).await;
        assert_eq!(r.status(), 403, "{fields:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Skjemaet kunne ikke sendes") && body.contains("Feilkode:"));
    }
    // A form larger than the body limit, valid token and all: a readable page, nothing done.
    let r = browser
        .post_form(
            &app.url("/logout"),
            &[
                ("csrf_token".into(), csrf_token(&html)),
                ("filler".into(), "x".repeat(200_000)),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Feilkode:"));
    // Still logged in: nothing happened.
    assert_eq!(live_sessions(&app).await, 1);
    assert_eq!(browser.get(&app.url("/min-side")).await.status(), 200);
    // A form from a browser without a session: "not logged in", not a crash.
    let r = Browser::new()
        .post_form(
            &app.url("/logout"),
            &[("csrf_token".into(), csrf_token(&html))],
        )
        .await;
    assert_eq!(r.status(), 401);
});

db_test!(front_channel_logout_ends_the_matching_session, |app| {
    let browser = Browser::new();
    let pid = app.citizen_pid(0).await;
    demo_citizen_login(&browser, &app, &pid).await;
    let sid = single_sid(&app).await;
    let issuer = format!("{}/dev/idp", app.base);
    let anon = reqwest::Client::new();
    // Wrong sid, or the right sid from another issuer: nothing ends.
    for (iss, s) in [
        (issuer.as_str(), "not-the-sid"),
        ("https://evil.example", sid.as_str()),
        (issuer.as_str(), ""),
    ] {
        let r = anon
            .get(app.url("/auth/frontchannel-logout"))
            .query(&[("iss", iss), ("sid", s)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(live_sessions(&app).await, 1);
    // The provider's iframe request carries no cookie, only iss and sid.
    let r = anon
        .get(app.url("/auth/frontchannel-logout"))
        .query(&[("iss", issuer.as_str()), ("sid", sid.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(live_sessions(&app).await, 0);
    let r = browser.get(&app.url("/min-side")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
});

db_test!(
    sessions_survive_a_restart_and_are_shared_by_instances,
    |app| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        demo_citizen_login(&browser, &app, &pid).await;
        // A new process over the same database (and keys) knows the session: the cookie jar sends
        // the same cookie to the other port of 127.0.0.1.
        let (other, _state) = app.another_instance(|_| {}).await;
        let r = browser.get(&format!("{other}/min-side")).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Du er logget inn."));
    }
);
