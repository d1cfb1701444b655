//! Citizen tokens need assurance, sane times and their own issuer; API changes with the login
//! cookie need CSRF proof; `X-Forwarded-For` counts only from a trusted proxy.
use super::*;

db_test!(
    citizen_tokens_need_assurance_sane_times_and_their_own_issuer,
    |app| {
        let issuer = app.app.demo_issuer.as_ref().unwrap();
        let pid = app.citizen_pid(0).await;
        let citizen = |patch: Value| {
            let mut c = json!({
                "iss": issuer.issuer, "aud": issuer.audience, "sub": "pairwise-x", "pid": pid,
                "acr": "idporten-loa-substantial", "iat": now(), "nbf": now() - 5, "exp": now() + 600,
            });
            for (k, v) in patch.as_object().unwrap() {
                if v.is_null() {
                    c.as_object_mut().unwrap().remove(k);
                } else {
                    c[k] = v.clone();
                }
            }
            issuer.sign(&c).unwrap()
        };
        let list = |token: String| {
            let app = &app;
            async move {
                app.call(Method::GET, "/api/v1/requests", Some(&token), None)
                    .await
            }
        };
        // Sanity: the well-formed tokens work, a citizen's and a staff member's.
        assert_eq!(list(citizen(json!({}))).await.status(), 200);
        assert_eq!(
            list(citizen(json!({ "acr": "idporten-loa-high" })))
                .await
                .status(),
            200
        );
        let staff = |patch: Value| {
            let mut c = json!({
                "iss": issuer.staff_issuer, "aud": issuer.audience, "sub": "saksbehandler.gamleoslo",
                "iat": now(), "exp": now() + 600,
            });
            for (k, v) in patch.as_object().unwrap() {
                c[k] = v.clone();
            }
            issuer.sign(&c).unwrap()
        };
        assert_eq!(list(staff(json!({}))).await.status(), 200);
        let ten_years = 10 * 365 * 86_400;
        for (what, token) in [
            ("no acr", citizen(json!({ "acr": null }))),
            ("low acr", citizen(json!({ "acr": "idporten-loa-low" }))),
            ("unknown acr", citizen(json!({ "acr": "Level4" }))),
            (
                "iat an hour ahead",
                citizen(json!({ "iat": now() + 3600, "exp": now() + 4000 })),
            ),
            (
                "ten-year token",
                citizen(json!({ "exp": now() + ten_years })),
            ),
            (
                "ten-year token without iat",
                citizen(json!({ "iat": null, "exp": now() + ten_years })),
            ),
            (
                "issued long ago, still valid",
                citizen(json!({ "iat": now() - 30 * 86_400, "exp": now() + 600 })),
            ),
            // The citizen issuer vouching for a staff member: a caseworker's powers by `sub`.
            (
                "citizen issuer, staff sub",
                citizen(json!({ "pid": null, "sub": "saksbehandler.gamleoslo" })),
            ),
            // The staff issuer vouching for a citizen: someone's Min side by `pid`.
            ("staff issuer, pid", staff(json!({ "pid": pid }))),
        ] {
            let r = list(token).await;
            assert_eq!(r.status(), 401, "{what}");
            let body = TestApp::expect_problem(r, 401).await;
            assert!(
                body["detail"].as_str().unwrap().contains("token"),
                "{what}: {body}"
            );
        }
    }
);

db_test!(api_changes_with_the_login_cookie_need_csrf_proof, |app| {
    let browser = Browser::new();
    let (page, _) = demo_citizen_login(&browser, &app, &app.citizen_pid(0).await).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_token(&page.text().await.unwrap());
    let url = app.url("/api/v1/requests");
    let post = |headers: &[(&str, &str)]| {
        let mut r = browser.client.post(&url).json(&intake_body());
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send()
    };
    let before = app.count("request").await;
    // A foreign page makes the browser post with its cookie: refused, nothing written.
    for (what, headers) in [
        ("no proof", vec![]),
        ("foreign origin", vec![("origin", "https://evil.example")]),
        ("null origin", vec![("origin", "null")]),
        ("cross-site fetch", vec![("sec-fetch-site", "cross-site")]),
        ("same-site fetch", vec![("sec-fetch-site", "same-site")]),
        (
            "own origin claimed, cross-site fetch",
            vec![
                ("origin", app.base.as_str()),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
        ("wrong token", vec![("x-csrf-token", "guessed")]),
    ] {
        let r = post(&headers).await.unwrap();
        let body = TestApp::expect_problem(r, 403).await;
        assert!(
            body["type"].as_str().unwrap().ends_with("/csrf"),
            "{what}: {body}"
        );
    }
    assert_eq!(app.count("request").await, before, "nothing was written");
    // Our own pages: the CSRF token, the own origin, or the browser's same-origin word.
    for (what, headers) in [
        ("csrf header", vec![("x-csrf-token", csrf.as_str())]),
        ("own origin", vec![("origin", app.base.as_str())]),
        ("same-origin fetch", vec![("sec-fetch-site", "same-origin")]),
    ] {
        let r = post(&headers).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{what}");
    }
    assert_eq!(app.count("request").await, before + 3);
    // Reads with the cookie are unaffected.
    assert_eq!(browser.get(&url).await.status(), 200);
    // Bearer-token calls need no such proof (a browser never adds a token by itself).
    let token = app.citizen(0).await;
    let r = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&intake_body())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
});

fn low_address_limit(s: &mut Settings) {
    s.intake.per_address_burst = 2;
    s.intake.per_address_per_hour = 1;
}

async fn post_from(app: &TestApp, token: &str, forwarded_for: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(token)
        .header("x-forwarded-for", forwarded_for)
        .json(&intake_body())
        .send()
        .await
        .unwrap()
}

db_test!(
    forwarded_for_from_an_untrusted_peer_is_ignored,
    setup = low_address_limit,
    |app| {
        // A client that makes up a new X-Forwarded-For for each request is still one address.
        let token = app.citizen(0).await;
        for (i, spoof) in ["1.1.1.1", "2.2.2.2"].into_iter().enumerate() {
            assert_eq!(post_from(&app, &token, spoof).await.status(), 201, "{i}");
        }
        let r = post_from(&app, &token, "3.3.3.3").await;
        assert!(r.headers().get("retry-after").is_some());
        TestApp::expect_problem(r, 429).await;
    }
);

db_test!(
    forwarded_for_from_a_trusted_proxy_names_the_client,
    setup = |s: &mut Settings| {
        low_address_limit(s);
        s.http.trusted_proxies = vec!["127.0.0.0/8".into()];
    },
    |app| {
        let token = app.citizen(0).await;
        // Behind the proxy each client has its own allowance.
        for client in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
            assert_eq!(
                post_from(&app, &token, client).await.status(),
                201,
                "{client}"
            );
        }
        // A client that puts made-up hops in front is still found by the hop our proxy added.
        for spoof in ["9.9.9.1", "9.9.9.2"] {
            let r = post_from(&app, &token, &format!("{spoof}, 203.0.113.9")).await;
            assert_eq!(r.status(), 201, "{spoof}");
        }
        let r = post_from(&app, &token, "9.9.9.3, 203.0.113.9").await;
        TestApp::expect_problem(r, 429).await;
    }
);
