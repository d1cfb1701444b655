//! The demo provider checks the number and speaks OpenID Connect; logins are rate limited; a
//! provider down gives a clear page; the pages read in English and static files are served.
use super::*;

db_test!(the_demo_provider_validates_the_number, |app| {
    let browser = Browser::new();
    let authorize = begin(&browser, &app, "/login").await;
    let mut fields = query_pairs(&authorize);
    fields.push(("pid".into(), "12345678901".into()));
    fields.push(("action".into(), "login".into()));
    let r = browser
        .post_form(&app.url("/dev/idp/authorize"), &fields)
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "the error is announced");
    assert_eq!(live_sessions(&app).await, 0);
});

db_test!(the_demo_provider_speaks_openid_connect, |app| {
    let d: Value = app
        .client
        .get(app.url("/dev/idp/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], format!("{}/dev/idp", app.base));
    assert_eq!(d["code_challenge_methods_supported"][0], "S256");
    let jwks: Value = app
        .client
        .get(d["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(jwks["keys"][0]["kid"].is_string());
    assert!(jwks["keys"][0].get("d").is_none());
    // The token endpoint refuses unknown clients and codes in the RFC 6749 way.
    let r = app
        .client
        .post(d["token_endpoint"].as_str().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&code=nope&client_id=dsar-demo-office&client_secret=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
});

db_test!(
    rate_limit_on_login,
    setup = |s: &mut dsar::config::Settings| {
        s.login.rate_limit_burst = 3;
        s.login.rate_limit_per_minute = 1;
    },
    |app| {
        let browser = Browser::new();
        for _ in 0..3 {
            assert_eq!(browser.get(&app.url("/login")).await.status(), 303);
        }
        let r = browser.get(&app.url("/login")).await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "60");
        let html = r.text().await.unwrap();
        assert!(html.contains("For mange forsøk") && html.contains("Feilkode:"));
        // The callback and the staff login share the bucket; the rest of the app does not.
        assert_eq!(
            browser
                .get(&app.url("/auth/callback?code=x&state=y"))
                .await
                .status(),
            429
        );
        assert_eq!(browser.get(&app.url("/office/login")).await.status(), 429);
        assert_eq!(browser.get(&app.url("/")).await.status(), 200);
        // Token endpoints have their own bucket.
        let pid = dsar::demo::demo_citizens()[0].pid.clone();
        let mint = || {
            app.client
                .post(app.url("/dev/token"))
                .json(&serde_json::json!({ "pid": pid }))
                .send()
        };
        for _ in 0..3 {
            assert_eq!(mint().await.unwrap().status(), 200);
        }
        TestApp::expect_problem(mint().await.unwrap(), 429).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_down_gives_a_clear_page_and_the_rest_keeps_working() {
    let dead = free_addr();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.login.citizen = Some(provider_settings(
            &format!("http://{dead}"),
            "dsar",
            "secret",
        ));
    })
    .await;
    let r = reqwest::Client::new()
        .get(app.url("/login"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let html = r.text().await.unwrap();
    assert!(html.contains("ID-porten is unavailable"), "{html}");
    assert!(html.contains("Try again") && html.contains("Error code:"));
    assert!(!html.contains("panicked") && !html.contains("reqwest"));
    // Everything else still answers.
    let token = app.staff("saksbehandler.gamleoslo").await;
    assert_eq!(app.get("/api/v1/requests", &token).await.0, 200);
    assert_eq!(
        app.client.get(app.url("/")).send().await.unwrap().status(),
        200
    );
    // And the staff login (the demo provider) still works.
    let browser = Browser::new();
    let (page, _) = demo_staff_login(&browser, &app, "admin").await;
    assert_eq!(page.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_readable_in_english_and_static_files_are_served() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let html = app
        .client
        .get(app.url("/?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<html lang=\"en\" dir=\"ltr\">") && html.contains("Log in with ID-porten")
    );
    assert!(html.contains("href=\"#main\""), "skip link");
    assert!(!html.contains("<script"), "no scripts");
    let r = app.client.get(app.url("/min-side")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"));
    let css = app
        .client
        .get(app.url("/static/dsar.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}
