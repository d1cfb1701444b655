use reqwest::Method;
use serde_json::json;

use crate::{db_test, support::*};

async fn post_raw(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
}

db_test!(bad_input_gets_a_problem_and_writes_nothing, |app| {
    let citizen = app.citizen(0).await;
    let staff = app.staff("saksbehandler.gamleoslo").await;
    let pid = app.citizen_pid(0).await;
    let mut wrong_checksum = pid.clone();
    let last = wrong_checksum.pop().unwrap();
    wrong_checksum.push(if last == '9' {
        '0'
    } else {
        char::from(last as u8 + 1)
    });
    let before = (
        app.count("request").await,
        app.count("request_event").await,
        app.count("audit_event").await,
    );
    let json_ct = "application/json";
    // (what, token, content type, body, expected status, field at fault)
    type Case<'a> = (&'a str, &'a str, &'a str, Vec<u8>, u16, Option<&'a str>);
    let cases: Vec<Case> = vec![
        ("malformed json", &citizen, json_ct, b"{\"kind\": ".to_vec(), 400, None),
        ("trailing garbage", &citizen, json_ct, b"{\"kind\":\"innsyn\",\"description\":\"x\"} x".to_vec(), 400, None),
        ("unknown kind", &citizen, json_ct, br#"{"kind":"everything","description":"x"}"#.to_vec(), 422, Some("kind")),
        ("missing description", &citizen, json_ct, br#"{"kind":"innsyn"}"#.to_vec(), 422, None),
        ("empty description", &citizen, json_ct, br#"{"kind":"innsyn","description":"  "}"#.to_vec(), 422, Some("description")),
        ("unknown field", &citizen, json_ct, br#"{"kind":"innsyn","description":"x","colour":"red"}"#.to_vec(), 422, None),
        ("unknown language", &citizen, json_ct, br#"{"kind":"innsyn","description":"x","language":"de"}"#.to_vec(), 422, Some("language")),
        ("bad geography", &citizen, json_ct, br#"{"kind":"innsyn","description":"x","geography":"03010"}"#.to_vec(), 422, Some("geography")),
        ("unknown service area", &citizen, json_ct, br#"{"kind":"innsyn","description":"x","service_area":"astrology"}"#.to_vec(), 422, Some("service_area")),
        ("citizen sets subject", &citizen, json_ct, format!(r#"{{"kind":"innsyn","description":"x","subject_pid":"{pid}"}}"#).into_bytes(), 422, Some("subject_pid")),
        ("staff without subject", &staff, json_ct, br#"{"kind":"innsyn","description":"x"}"#.to_vec(), 422, Some("subject_pid")),
        ("invalid pid checksum", &staff, json_ct, format!(r#"{{"kind":"innsyn","description":"x","subject_pid":"{wrong_checksum}"}}"#).into_bytes(), 422, Some("subject_pid")),
        ("future receipt date", &staff, json_ct, format!(r#"{{"kind":"innsyn","description":"x","subject_pid":"{pid}","received_on":"2999-01-01"}}"#).into_bytes(), 422, Some("received_on")),
        ("bad date", &staff, json_ct, format!(r#"{{"kind":"innsyn","description":"x","subject_pid":"{pid}","received_on":"2026-02-30"}}"#).into_bytes(), 422, Some("received_on")),
        ("wrong content type", &citizen, "text/plain", br#"{"kind":"innsyn","description":"x"}"#.to_vec(), 415, None),
        ("oversized body", &citizen, json_ct, format!(r#"{{"kind":"innsyn","description":"{}"}}"#, "x".repeat(200_000)).into_bytes(), 413, None),
        ("too long description", &citizen, json_ct, format!(r#"{{"kind":"innsyn","description":"{}"}}"#, "x".repeat(10_001)).into_bytes(), 422, Some("description")),
    ];
    for (what, token, ct, body, status, field) in cases {
        let r = post_raw(&app, token, ct, body)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(r.status().as_u16(), status, "{what}");
        if status == 413 {
            // The client must not reuse a connection whose body the server may not have read.
            assert_eq!(r.headers()["connection"], "close", "{what}");
        }
        let problem = TestApp::expect_problem(r, status).await;
        if let Some(f) = field {
            assert_eq!(problem["field"], f, "{what}: {problem}");
        }
    }
    let after = (
        app.count("request").await,
        app.count("request_event").await,
        app.count("audit_event").await,
    );
    assert_eq!(before, after, "nothing half-written");
});

db_test!(unknown_routes_methods_and_ids_are_problems, |app| {
    let token = app.citizen(0).await;
    TestApp::expect_problem(
        app.call(Method::GET, "/api/v1/nothing", Some(&token), None)
            .await,
        404,
    )
    .await;
    TestApp::expect_problem(
        app.call(Method::DELETE, "/api/v1/requests", Some(&token), None)
            .await,
        405,
    )
    .await;
    TestApp::expect_problem(
        app.call(Method::PUT, "/api/v1/deadlines", None, None).await,
        405,
    )
    .await;
    TestApp::expect_problem(
        app.call(
            Method::GET,
            "/api/v1/requests/not-a-uuid",
            Some(&token),
            None,
        )
        .await,
        404,
    )
    .await;
    let missing = uuid::Uuid::now_v7();
    TestApp::expect_problem(
        app.call(
            Method::GET,
            &format!("/api/v1/requests/{missing}"),
            Some(&token),
            None,
        )
        .await,
        404,
    )
    .await;
    TestApp::expect_problem(
        app.call(
            Method::POST,
            &format!("/api/v1/requests/{missing}/transitions"),
            Some(&token),
            Some(json!({ "action": "withdraw" })),
        )
        .await,
        404,
    )
    .await;
    TestApp::expect_problem(
        app.call(Method::GET, "/api/v1/requests?limit=0", Some(&token), None)
            .await,
        422,
    )
    .await;
    TestApp::expect_problem(
        app.call(
            Method::GET,
            "/api/v1/requests?status=lost",
            Some(&token),
            None,
        )
        .await,
        400,
    )
    .await;
    TestApp::expect_problem(
        app.call(
            Method::GET,
            "/api/v1/requests?cursor=zzz",
            Some(&token),
            None,
        )
        .await,
        422,
    )
    .await;
});

db_test!(health_readiness_openapi_and_docs, |app| {
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-request-id").is_some());
    assert_eq!(
        app.client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let spec: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/requests",
        "/api/v1/requests/{id}",
        "/api/v1/requests/{id}/events",
        "/api/v1/requests/{id}/transitions",
        "/api/v1/deadlines",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(
        spec["components"]["securitySchemes"]
            .get("bearer")
            .is_some()
    );
    // Two types of one name would share one schema, and answers would break it: each closed set
    // has its own.
    let values = |schema: &str| spec["components"]["schemas"][schema]["enum"].to_string();
    assert!(
        values("Channel").contains("\"letter\""),
        "{}",
        values("Channel")
    );
    assert!(
        values("NoticeChannel").contains("\"manual\""),
        "{}",
        values("NoticeChannel")
    );
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("swagger")
    );
});

/// One error class through both doors: the API answers with problem+json of the class's type,
/// the office page with the readable page in the page's language, and both with the status of
/// the one answer table (`dsar::error::ErrorClass::answer`).
async fn same_answer_for_api_and_page(
    class: dsar::error::ErrorClass,
    api: reqwest::Response,
    page: reqwest::Response,
    lang: dsar::i18n::Language,
) {
    let answer = class.answer();
    let status = answer.status.as_u16();
    let problem = TestApp::expect_problem(api, status).await;
    assert_eq!(
        problem["type"],
        format!("https://dsar.example/problems/{}", answer.problem),
        "{class:?}"
    );
    assert_eq!(
        page.status().as_u16(),
        status,
        "{class:?}: the page's status"
    );
    let ct = page.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/html"), "{class:?}: {ct}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("lang=\"{}\"", lang.html_lang())),
        "{class:?}"
    );
    for key in [answer.title_key, answer.body_key] {
        let text = dsar::i18n::t(lang, key);
        assert!(html.contains(text), "{class:?}: {key} in {lang}: {html}");
    }
}

db_test!(each_error_class_answers_the_api_and_the_page_alike, |app| {
    use dsar::{error::ErrorClass, i18n::Language};

    use crate::office::staff_browser;
    let caseworker = app.staff("saksbehandler.gamleoslo").await;
    let officer = app.staff("personvern.gamleoslo").await;
    let (worker_browser, _) = staff_browser(&app, "saksbehandler.gamleoslo").await;
    let (officer_browser, _) = staff_browser(&app, "personvern.gamleoslo").await;
    let nowhere = uuid::Uuid::new_v4();

    // Not found: a case that does not exist.
    let api = app
        .client
        .get(app.url(&format!("/api/v1/requests/{nowhere}")))
        .bearer_auth(&caseworker)
        .send()
        .await
        .unwrap();
    let page = worker_browser
        .get(&app.url(&format!("/office/sak/{nowhere}?lang=en")))
        .await;
    same_answer_for_api_and_page(ErrorClass::NotFound, api, page, Language::En).await;

    // Forbidden: reports are for privacy officers and auditors, not caseworkers.
    let api = app
        .client
        .get(app.url("/api/v1/reports/summary?from=2026-01-01&to=2026-12-31"))
        .bearer_auth(&caseworker)
        .send()
        .await
        .unwrap();
    let page = worker_browser
        .get(&app.url("/office/rapporter?lang=nb"))
        .await;
    same_answer_for_api_and_page(ErrorClass::Forbidden, api, page, Language::Nb).await;

    // Invalid input: a request without a description; a report for a period that is no date.
    let api = app
        .client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&officer)
        .json(
            &json!({"kind": "innsyn", "description": " ", "subject_pid": app.citizen_pid(0).await}),
        )
        .send()
        .await
        .unwrap();
    let page = officer_browser
        .get(&app.url("/office/rapporter/last-ned?lang=en&from=someday&format=csv&what=cases"))
        .await;
    same_answer_for_api_and_page(ErrorClass::Invalid, api, page, Language::En).await;
});

db_test!(
    a_browser_get_of_a_form_address_goes_to_the_page_of_the_form,
    |app| {
        let case = "0b5c1f4e-7a43-4d0a-9b1e-2f6f0d7b9a11";
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        // The language link of a page that answered a post: back to the case page, in that language.
        for (path, to) in [
            (
                format!("/min-side/sak/{case}/svar?lang=en"),
                format!("/min-side/sak/{case}?lang=en"),
            ),
            (
                format!("/office/sak/{case}/frist?lang=nb"),
                format!("/office/sak/{case}?lang=nb"),
            ),
            ("/logout".to_string(), "/".to_string()),
        ] {
            let response = browser
                .get(app.url(&path))
                .header("accept", "text/html,application/xhtml+xml")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 303, "{path}");
            assert_eq!(response.headers()["location"], to.as_str(), "{path}");
        }
        // Any other client still gets the problem, and so does a browser's PUT.
        let response = app
            .client
            .get(app.url(&format!("/min-side/sak/{case}/svar")))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        TestApp::expect_problem(response, 405).await;
        let response = app
            .client
            .put(app.url(&format!("/min-side/sak/{case}/svar")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        TestApp::expect_problem(response, 405).await;
    }
);
