//! The service tokens a source checks: ours as a real source checks them, and Maskinporten's
//! through a stand-in that checks our JWT grant.
use super::*;

db_test!(a_source_checks_our_token_like_a_real_one, |app| {
    use dsar::{
        identity::{Pid, PidPolicy},
        sources::protocol::Operation,
    };
    let pid = Pid::parse(
        &app.citizen_pid(0).await,
        PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap();
    let other = Pid::parse(
        &app.citizen_pid(1).await,
        PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap();
    let keys = &app.app.service_keys;
    let sign = |source: &'static str, op: Operation, pid: Pid| {
        let app = app.app.clone();
        async move {
            app.service_keys
                .sign(&app.db, &app.vault, source, op, &pid)
                .await
                .unwrap()
        }
    };
    let body =
        |pid: &Pid| json!({"request_id": uuid::Uuid::now_v7(), "subject": {"pid": pid.as_str()}});
    let post = |path: &str, token: Option<String>, body: Value| {
        let mut r = app.client.post(app.url(path)).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move { r.send().await.unwrap() }
    };
    let good = sign("udi", Operation::Access, pid.clone()).await;
    let r = post("/sim/udi/dsar/v1/access", Some(good.clone()), body(&pid)).await;
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["protocol"], "1");
    let cases: Vec<(&str, Option<String>, Value, u16)> = vec![
        ("no token", None, body(&pid), 401),
        (
            "another source's token",
            Some(sign("nav", Operation::Access, pid.clone()).await),
            body(&pid),
            401,
        ),
        (
            "wrong scope",
            Some(sign("udi", Operation::Erase, pid.clone()).await),
            body(&pid),
            403,
        ),
        ("another person", Some(good.clone()), body(&other), 403),
        (
            "tampered",
            Some(format!("{}x", &good[..good.len() - 1])),
            body(&pid),
            401,
        ),
    ];
    for (what, token, b, expected) in cases {
        let r = post("/sim/udi/dsar/v1/access", token, b).await;
        assert_eq!(r.status().as_u16(), expected, "{what}");
    }
    // Discovery.
    let d: Value = app
        .client
        .get(app.url("/sim/nir/dsar/v1/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["protocol"], "1");
    let ops: Vec<&str> = d["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "access", "rectify", "erase", "restrict", "object", "notify", "lift"
        ]
    );

    // Rotation: the new key signs, the old stays published, both verify at the source.
    let old_kid = jsonwebtoken::decode_header(&good).unwrap().kid.unwrap();
    let new_kid = dsar::sources::rotate_service_key(&app.app).await.unwrap();
    assert_ne!(old_kid, new_kid);
    let jwks: Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(
        kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()),
        "{kids:?}"
    );
    let fresh = sign("udi", Operation::Access, pid.clone()).await;
    assert_eq!(
        jsonwebtoken::decode_header(&fresh).unwrap().kid.unwrap(),
        new_kid
    );
    tokio::time::sleep(Duration::from_millis(2100)).await; // the simulator refetches keys at most every 2 s
    assert_eq!(
        post("/sim/udi/dsar/v1/access", Some(fresh), body(&pid))
            .await
            .status(),
        200
    );
    assert_eq!(
        post("/sim/udi/dsar/v1/access", Some(good), body(&pid))
            .await
            .status(),
        200
    );
    let _ = keys;
});

/// A Maskinporten stand-in: checks our JWT grant as Maskinporten documents it (RS256 with a `kid`
/// from our JWKS, `aud` = its issuer, `iss` = our client id, the scope, `exp` ≤ 120 s after
/// `iat`, a `jti`) and issues an access token that its connector then demands.
mod maskinporten_peer {
    use std::sync::{Arc, Mutex};

    use axum::{Form, Json, Router, extract::State, http::HeaderMap, routing::post};
    use serde_json::{Value, json};

    pub const AUDIENCE: &str = "https://test.maskinporten.no/";
    pub const CLIENT_ID: &str = "dsar-test-client";
    pub const SCOPE: &str = "nav:dsar/innsyn";

    #[derive(Clone, Default)]
    pub struct Peer {
        pub jwks_url: String,
        pub grants: Arc<Mutex<Vec<String>>>,
        pub issued: Arc<Mutex<Vec<String>>>,
        /// (connector, bearer token) of every call a connector received.
        pub seen: Arc<Mutex<Vec<(String, String)>>>,
        /// The `resource` of every grant (absent: none asked for).
        pub resources: Arc<Mutex<Vec<Option<String>>>>,
        /// The audience each issued token is restricted to, by token.
        pub audiences: Arc<Mutex<std::collections::HashMap<String, Option<String>>>>,
        /// Connectors that take only tokens restricted to their own audience.
        pub demands: Arc<Mutex<std::collections::HashMap<String, String>>>,
    }

    async fn token(
        State(peer): State<Peer>,
        Form(form): Form<std::collections::HashMap<String, String>>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        let bad = |why: &str| {
            (
                axum::http::StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant", "error_description": why})),
            )
        };
        if form.get("grant_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return bad("grant_type");
        }
        let Some(assertion) = form.get("assertion") else {
            return bad("assertion");
        };
        let Ok(header) = jsonwebtoken::decode_header(assertion) else {
            return bad("header");
        };
        if header.alg != jsonwebtoken::Algorithm::RS256 {
            return bad("alg");
        }
        let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(&peer.jwks_url)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(jwk) = header.kid.as_deref().and_then(|k| jwks.find(k)) else {
            return bad("kid");
        };
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.set_audience(&[AUDIENCE]);
        v.set_issuer(&[CLIENT_ID]);
        let Ok(data) = jsonwebtoken::decode::<Value>(assertion, &key, &v) else {
            return bad("signature or claims");
        };
        let c = data.claims;
        if c["scope"] != SCOPE || c["jti"].as_str().is_none_or(str::is_empty) {
            return bad("scope or jti");
        }
        if c["exp"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(c["iat"].as_u64().unwrap_or(0))
            > 120
        {
            return bad("lifetime");
        }
        peer.grants
            .lock()
            .unwrap()
            .push(c["jti"].as_str().unwrap().to_string());
        let token = format!("mp-{}", uuid::Uuid::new_v4());
        peer.issued.lock().unwrap().push(token.clone());
        let resource = c["resource"].as_str().map(str::to_string);
        peer.resources.lock().unwrap().push(resource.clone());
        peer.audiences
            .lock()
            .unwrap()
            .insert(token.clone(), resource);
        (
            axum::http::StatusCode::OK,
            Json(
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 120, "scope": SCOPE}),
            ),
        )
    }

    async fn access(
        State(peer): State<Peer>,
        axum::extract::Path(connector): axum::extract::Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        peer.seen
            .lock()
            .unwrap()
            .push((connector.clone(), bearer.to_string()));
        let demanded = peer.demands.lock().unwrap().get(&connector).cloned();
        if let Some(audience) = demanded
            && peer.audiences.lock().unwrap().get(bearer) != Some(&Some(audience))
        {
            return (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({"error": "token not meant for this API"})),
            );
        }
        if !peer.issued.lock().unwrap().iter().any(|t| t == bearer) {
            return (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({"error": "unknown token"})),
            );
        }
        (
            axum::http::StatusCode::OK,
            Json(
                json!({"protocol": "1", "request_id": body["request_id"], "records": [{
                    "id": "ytelse-1", "category": "benefits", "label": "Ytelse", "value": "Introduksjonsstønad",
                    "recorded_at": null, "purpose": "Oppfølging", "legal_basis": "NAV-loven § 14 a",
                    "recipients": [], "retention": "10 år", "special_category": false, "third_party": false
                }]}),
            ),
        )
    }

    pub async fn start(peer: Peer, listener: tokio::net::TcpListener) {
        let router = Router::new()
            .route("/token", post(token))
            .route("/{connector}/dsar/v1/access", post(access))
            .with_state(peer);
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
}

/// An app (collection worker on) whose Maskinporten client talks to a started stand-in; returns
/// the app, the stand-in and its base URL (connectors live under it).
async fn maskinporten_app() -> (TestApp, maskinporten_peer::Peer, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let peer_url = format!("http://{}", listener.local_addr().unwrap());
    let token_url = format!("{peer_url}/token");
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, move |s| {
        worker_on(s);
        s.sources.maskinporten = Some(dsar::config::MaskinportenSettings {
            token_url,
            audience: maskinporten_peer::AUDIENCE.into(),
            client_id: maskinporten_peer::CLIENT_ID.into(),
        });
    })
    .await;
    let peer = maskinporten_peer::Peer {
        jwks_url: app.url("/.well-known/jwks.json"),
        ..Default::default()
    };
    maskinporten_peer::start(peer.clone(), listener).await;
    (app, peer, peer_url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maskinporten_source_gets_a_maskinporten_token() {
    let (app, peer, peer_url) = maskinporten_app().await;
    register(
        &app,
        "nav-mp",
        json!({"name": "NAV via Maskinporten", "owner": "NAV", "capabilities": ["access"],
               "endpoint": format!("{peer_url}/connector"), "auth_mode": "maskinporten",
               "maskinporten_scope": maskinporten_peer::SCOPE, "service_areas": ["settlement"]}),
    )
    .await;
    for _ in 0..2 {
        let (id, staff) = elverum_request(&app, "innsyn").await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        let t = task(&tasks, "nav-mp");
        assert_eq!(t["status"], "done", "{t}");
        assert_eq!(t["record_count"], 1);
    }
    assert_eq!(
        peer.grants.lock().unwrap().len(),
        1,
        "the token is cached until it expires"
    );
}

/// Two sources that ask Maskinporten for the same scope: each gets a token fetched for it, and
/// neither is ever sent the other's (a source could replay a token it was given).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maskinporten_tokens_are_not_shared_between_sources_of_one_scope() {
    let (app, peer, peer_url) = maskinporten_app().await;
    for (id, connector) in [("nav-mp-a", "connector-a"), ("nav-mp-b", "connector-b")] {
        register(
            &app,
            id,
            json!({"name": id, "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/{connector}"), "auth_mode": "maskinporten",
                   "maskinporten_scope": maskinporten_peer::SCOPE, "service_areas": ["settlement"]}),
        )
        .await;
    }
    for _ in 0..2 {
        let (id, staff) = elverum_request(&app, "innsyn").await;
        app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
            .await;
        let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
        for source in ["nav-mp-a", "nav-mp-b"] {
            assert_eq!(task(&tasks, source)["status"], "done");
        }
    }
    let seen = peer.seen.lock().unwrap().clone();
    let tokens_of = |connector: &str| -> std::collections::HashSet<String> {
        seen.iter()
            .filter(|(c, _)| c == connector)
            .map(|(_, t)| t.clone())
            .collect()
    };
    let (a, b) = (tokens_of("connector-a"), tokens_of("connector-b"));
    assert_eq!(
        (a.len(), b.len()),
        (1, 1),
        "one cached token per source: {seen:?}"
    );
    assert!(a.is_disjoint(&b), "a token went to both sources: {seen:?}");
    assert_eq!(peer.grants.lock().unwrap().len(), 2, "one grant per source");
}

/// A source that names a Maskinporten `resource` gets a token restricted to that audience (the
/// grant carries `resource`); a source without one asks for none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maskinporten_resource_restricts_the_token_to_the_sources_audience() {
    const RESOURCE: &str = "https://api.nav.example/dsar";
    let (app, peer, peer_url) = maskinporten_app().await;
    peer.demands
        .lock()
        .unwrap()
        .insert("connector-a".into(), RESOURCE.into());
    for (id, connector, resource) in [
        ("nav-mp-a", "connector-a", Some(RESOURCE)),
        ("nav-mp-b", "connector-b", None),
    ] {
        let body = register(
            &app,
            id,
            json!({"name": id, "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/{connector}"), "auth_mode": "maskinporten",
                   "maskinporten_scope": maskinporten_peer::SCOPE,
                   "maskinporten_resource": resource, "service_areas": ["settlement"]}),
        )
        .await;
        assert_eq!(body["maskinporten_resource"], json!(resource));
    }
    let (id, staff) = elverum_request(&app, "innsyn").await;
    app.post(&format!("/api/v1/requests/{id}/collect"), &staff, json!({}))
        .await;
    let tasks = app.settled(&staff, &id, Duration::from_secs(20)).await;
    for source in ["nav-mp-a", "nav-mp-b"] {
        assert_eq!(task(&tasks, source)["status"], "done", "{tasks:?}");
    }
    let mut resources = peer.resources.lock().unwrap().clone();
    resources.sort();
    assert_eq!(resources, vec![None, Some(RESOURCE.to_string())]);
    // A resource is for Maskinporten sources only, and an https:// URI.
    let admin = app.staff("admin").await;
    for (auth, resource) in [
        ("dsar", RESOURCE),
        ("maskinporten", "http://api.nav.example/dsar"),
    ] {
        let r = app
            .call(
                reqwest::Method::PUT,
                "/api/v1/source-systems/nav-mp-c",
                Some(&admin),
                Some(
                    json!({"name": "c", "owner": "NAV", "capabilities": ["access"],
                   "endpoint": format!("{peer_url}/connector-c"), "auth_mode": auth,
                   "maskinporten_scope": maskinporten_peer::SCOPE,
                   "maskinporten_resource": resource}),
                ),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert!(
            problem.to_string().contains("maskinporten_resource"),
            "{problem}"
        );
    }
}
