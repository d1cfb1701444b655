use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::*};

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    app.call(Method::GET, "/api/v1/requests", Some(token), None)
        .await
        .status()
        .as_u16()
}

db_test!(bad_tokens_are_refused_with_401, |app| {
    let issuer = app.app.demo_issuer.as_ref().unwrap();
    let pid = app.citizen_pid(0).await;
    let claims = |patch: Value| {
        let mut c = json!({ "iss": issuer.issuer, "aud": issuer.audience, "sub": "x", "pid": pid, "exp": now() + 600, "nbf": now() - 5, "acr": "idporten-loa-substantial" });
        for (k, v) in patch.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    // Sanity: a well-formed signed token works.
    assert_eq!(
        status_with(&app, &issuer.sign(&claims(json!({}))).unwrap()).await,
        200
    );
    // No token at all: 401 with a challenge.
    let r = app.call(Method::GET, "/api/v1/requests", None, None).await;
    assert_eq!(r.headers().get("www-authenticate").unwrap(), "Bearer");
    TestApp::expect_problem(r, 401).await;
    let cases: Vec<(&str, String)> = vec![
        ("garbage", "not-a-jwt".into()),
        (
            "expired",
            issuer
                .sign(&claims(json!({ "exp": now() - 3600 })))
                .unwrap(),
        ),
        (
            "not yet valid",
            issuer
                .sign(&claims(json!({ "nbf": now() + 3600 })))
                .unwrap(),
        ),
        (
            "wrong audience",
            issuer
                .sign(&claims(json!({ "aud": "someone-else" })))
                .unwrap(),
        ),
        (
            "unknown issuer",
            issuer
                .sign(&claims(json!({ "iss": "https://evil.example" })))
                .unwrap(),
        ),
        ("no exp", {
            let mut c = claims(json!({}));
            c.as_object_mut().unwrap().remove("exp");
            issuer.sign(&c).unwrap()
        }),
    ];
    for (what, token) in cases {
        assert_eq!(status_with(&app, &token).await, 401, "{what}");
    }
    // alg=none: an unsigned token.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
    assert_eq!(
        status_with(&app, &format!("{header}.{payload}.")).await,
        401,
        "alg none"
    );
    // HS256 "signed" with the issuer's public key material: the classic key-confusion attack.
    let public_jwk = serde_json::to_string(&issuer.jwks().keys[0]).unwrap();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims(json!({})),
        &jsonwebtoken::EncodingKey::from_secret(public_jwk.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        status_with(&app, &forged).await,
        401,
        "HS256 with public key"
    );
    // A token signed by another key that claims the same kid.
    let other = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem =
        p256::pkcs8::EncodePrivateKey::to_pkcs8_pem(&other, p256::pkcs8::LineEnding::LF).unwrap();
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    h.kid = Some(dsar::auth::demo_issuer::KEY_ID.into());
    let foreign = jsonwebtoken::encode(
        &h,
        &claims(json!({})),
        &jsonwebtoken::EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(status_with(&app, &foreign).await, 401, "foreign key");
    // A tampered payload with the original signature.
    let good = issuer.sign(&claims(json!({}))).unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let other_pid = app.citizen_pid(1).await;
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims(json!({ "pid": other_pid })).to_string()),
        parts[2]
    );
    assert_eq!(status_with(&app, &tampered).await, 401, "tampered");
});

db_test!(unknown_staff_and_invalid_pid_claims_are_forbidden, |app| {
    let issuer = app.app.demo_issuer.as_ref().unwrap();
    let token = issuer.mint("nobody.here", None, 600).unwrap();
    TestApp::expect_problem(
        app.call(Method::GET, "/api/v1/requests", Some(&token), None)
            .await,
        403,
    )
    .await;
    let token = issuer.mint("x", Some("12345678901"), 600).unwrap();
    TestApp::expect_problem(
        app.call(Method::GET, "/api/v1/requests", Some(&token), None)
            .await,
        403,
    )
    .await;
    // The demo issuer itself refuses to mint for an invalid number.
    let r = app
        .client
        .post(app.url("/dev/token"))
        .json(&json!({ "pid": "12345678901" }))
        .send()
        .await
        .unwrap();
    TestApp::expect_problem(r, 422).await;
});

db_test!(demo_issuer_publishes_its_keys, |app| {
    let jwks: Value = app
        .client
        .get(app.url("/dev/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"], dsar::auth::demo_issuer::KEY_ID);
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "no private key material"
    );
});

#[test]
fn production_refuses_demo_mode() {
    let mut s = dsar::config::Settings {
        environment: dsar::config::Environment::Production,
        demo: true,
        ..Default::default()
    };
    assert!(s.validate().is_err());
    s.demo = false;
    s.allow_synthetic_pids = true;
    assert!(s.validate().is_err());
    s.allow_synthetic_pids = false;
    assert!(s.validate().is_err(), "production needs real keys");
    s.pid_encryption_key = dsar::config::Secret::new("ab".repeat(32));
    s.pid_hash_key = dsar::config::Secret::new("cd".repeat(32));
    assert!(s.validate().is_err(), "production needs /metrics protected");
    s.metrics.token = dsar::config::Secret::new("scrape");
    assert!(
        s.validate().is_err(),
        "production refuses the file mail transport"
    );
    s.mail.transport = "smtp".into();
    s.mail.smtp_host = "smtp.example.no".into();
    assert!(s.validate().is_ok());
    // And the binary refuses to start.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .arg("serve")
        .env("DSAR_ENVIRONMENT", "production")
        .env("DSAR_DEMO", "1")
        .env(
            "DSAR_DATA_DIR",
            std::env::temp_dir().join("dsar-prod-refusal"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused in production"));
}

/// A mistyped environment must stop the start-up, not quietly turn the production guards off
/// (with demo mode on, anyone could then mint admin tokens).
#[test]
fn mistyped_environment_stops_the_start_up() {
    for value in ["Production", "prod", "PRODUCTION", "staging"] {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
            .arg("serve")
            .env_remove("DSAR_CONFIG")
            .env("DSAR_ENVIRONMENT", value)
            .env("DSAR_DEMO", "1")
            .env("DSAR_LISTEN", "127.0.0.1:0")
            .env("DSAR_DATA_DIR", dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{value}: started");
        assert!(
            stderr.contains("environment") && stderr.contains(value),
            "{value}: {stderr}"
        );
    }
}

/// Demo mode answers only on a loopback base URL, even in development.
#[test]
fn demo_mode_refused_on_a_public_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .arg("serve")
        .env_remove("DSAR_CONFIG")
        .env("DSAR_ENVIRONMENT", "development")
        .env("DSAR_DEMO", "1")
        .env("DSAR_LISTEN", "127.0.0.1:0")
        .env("DSAR_BASE_URL", "https://dsar.example.no")
        .env("DSAR_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started");
    assert!(stderr.contains("loopback base URL"), "{stderr}");
}
