//! Attacks on the login, each of which must be refused and leave no session behind.
//!
//! Forged ID tokens come from a scriptable provider run inside the test (real HTTP: discovery,
//! JWKS, authorize, token), whose token endpoint answers with whatever token the attack builds
//! — what a compromised or impersonated provider, or a tampered response, would deliver. A valid
//! token from the same provider logs in first, so no attack can pass by the provider simply not
//! working. Flow-level attacks (state, iss, code reuse, redirects) run against the built-in
//! demo provider.
//! Over 500 lines on purpose: one fixture, the scriptable provider, with the table of forged tokens and the attacks it serves.
use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use sha2::Digest;

use crate::{browser::*, db_test, login::provider_settings, support::*};

const CLIENT_ID: &str = "dsar-fake";
const CLIENT_SECRET: &str = "fake-secret";

/// An ES256 key with its public JWK.
struct TestKey {
    encoding: EncodingKey,
    jwk: Value,
    public_pem: String,
    kid: String,
}

fn test_key(kid: &str) -> TestKey {
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem = secret.to_pkcs8_pem(LineEnding::LF).unwrap();
    let encoding = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256).unwrap();
    jwk.common.key_id = Some(kid.into());
    let public_pem = secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    TestKey {
        encoding,
        jwk: serde_json::to_value(jwk).unwrap(),
        public_pem,
        kid: kid.into(),
    }
}

/// What the token endpoint knows when it builds its answer.
struct Ctx {
    issuer: String,
    nonce: String,
    previous_nonce: Option<String>,
    pid: String,
    now: u64,
}

type Recipe = Box<dyn Fn(&Ctx, &FakeKeys) -> String + Send + Sync>;

struct FakeKeys {
    published: TestKey,
    unpublished: TestKey,
}

struct FakeState {
    issuer: String,
    keys: FakeKeys,
    /// Keys the JWKS endpoint shows (rotation swaps them).
    jwks: Vec<Value>,
    jwks_fetches: usize,
    pid: String,
    challenge: Option<String>,
    nonce: Option<String>,
    previous_nonce: Option<String>,
    recipe: Option<Recipe>,
}

#[derive(Clone)]
struct FakeOp(Arc<Mutex<FakeState>>);

impl FakeOp {
    async fn start(pid: &str) -> Self {
        let addr = free_addr();
        let keys = FakeKeys {
            published: test_key("fake-1"),
            unpublished: test_key("not-in-jwks"),
        };
        let published = vec![keys.published.jwk.clone()];
        let op = FakeOp(Arc::new(Mutex::new(FakeState {
            issuer: format!("http://{addr}"),
            keys,
            jwks: published,
            jwks_fetches: 0,
            pid: pid.into(),
            challenge: None,
            nonce: None,
            previous_nonce: None,
            recipe: None,
        })));
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(op.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        op
    }

    fn issuer(&self) -> String {
        self.0.lock().unwrap().issuer.clone()
    }

    fn answer_with(&self, recipe: impl Fn(&Ctx, &FakeKeys) -> String + Send + Sync + 'static) {
        self.0.lock().unwrap().recipe = Some(Box::new(recipe));
    }
}

async fn discovery(State(op): State<FakeOp>) -> Json<Value> {
    let i = op.issuer();
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks(State(op): State<FakeOp>) -> Json<Value> {
    let mut s = op.0.lock().unwrap();
    s.jwks_fetches += 1;
    Json(json!({ "keys": s.jwks }))
}

async fn authorize(State(op): State<FakeOp>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let get = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut s = op.0.lock().unwrap();
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    s.challenge = get("code_challenge");
    s.previous_nonce = s.nonce.take();
    s.nonce = get("nonce");
    let mut url = reqwest::Url::parse(&get("redirect_uri").unwrap()).unwrap();
    url.query_pairs_mut()
        .append_pair("code", "fake-code")
        .append_pair("state", &get("state").unwrap())
        .append_pair("iss", &s.issuer);
    Redirect::to(url.as_str()).into_response()
}

async fn token(State(op): State<FakeOp>, headers: HeaderMap, body: String) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    let s = op.0.lock().unwrap();
    // The relying party must prove PKCE.
    let verifier = get("code_verifier").unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    if Some(challenge) != s.challenge {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        )
            .into_response();
    }
    let ctx = Ctx {
        issuer: s.issuer.clone(),
        nonce: s.nonce.clone().unwrap_or_default(),
        previous_nonce: s.previous_nonce.clone(),
        pid: s.pid.clone(),
        now: jsonwebtoken::get_current_timestamp(),
    };
    let id_token = (s.recipe.as_ref().unwrap())(&ctx, &s.keys);
    Json(json!({ "access_token": "x", "token_type": "Bearer", "id_token": id_token }))
        .into_response()
}

/// Claims of a good ID token, with `patch` applied (null removes a claim).
fn claims(ctx: &Ctx, patch: Value) -> Value {
    let mut c = json!({
        "iss": ctx.issuer,
        "aud": CLIENT_ID,
        "sub": "pairwise-sub",
        "iat": ctx.now,
        "exp": ctx.now + 120,
        "nonce": ctx.nonce,
        "acr": SUBSTANTIAL,
        "pid": ctx.pid,
    });
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

fn sign(key: &TestKey, claims: &Value) -> String {
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&h, claims, &key.encoding).unwrap()
}

fn good(ctx: &Ctx, keys: &FakeKeys) -> String {
    sign(&keys.published, &claims(ctx, json!({})))
}

/// Runs one login against the fake provider; returns dsar's answer to the callback.
async fn login_via_fake(app: &TestApp) -> reqwest::Response {
    let browser = Browser::new();
    let authorize = begin(&browser, app, "/login").await;
    let r = browser.get(&authorize).await;
    let callback = location(&r);
    browser.get(&callback).await
}

async fn app_with_fake_op(backend: Backend) -> (TestApp, FakeOp) {
    // The pid must be one the app accepts: a synthetic number like the demo citizens'.
    let pid = dsar::demo::demo_citizens()[0].pid.clone();
    let op = FakeOp::start(&pid).await;
    let issuer = op.issuer();
    let app = TestApp::spawn_with(backend, |s| {
        let mut p = provider_settings(&issuer, CLIENT_ID, CLIENT_SECRET);
        p.algorithms = vec!["ES256".into()];
        s.login.citizen = Some(p);
    })
    .await;
    (app, op)
}

macro_rules! fake_op_test {
    ($name:ident, |$app:ident, $op:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let ($app, $op) = app_with_fake_op(Backend::Sqlite).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !postgres_enabled(concat!(module_path!(), "::", stringify!($name))) {
                    return;
                }
                let ($app, $op) = app_with_fake_op(Backend::Postgres).await;
                $body
                $app.cleanup().await;
            }
        }
    };
}

fake_op_test!(
    forged_id_tokens_are_refused_and_leave_no_session,
    |app, op| {
        // Control: a correct token from this provider logs in.
        op.answer_with(good);
        let r = login_via_fake(&app).await;
        assert_eq!(
            location(&r),
            app.url("/min-side"),
            "a valid token must log in"
        );
        assert_eq!(live_sessions(&app).await, 1);
        app.exec("DELETE FROM session").await;

        type Attack = (
            &'static str,
            u16,
            Box<dyn Fn(&Ctx, &FakeKeys) -> String + Send + Sync>,
        );
        let attacks: Vec<Attack> = vec![
            (
                "alg none",
                401,
                Box::new(|ctx, _| {
                    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
                    let p = URL_SAFE_NO_PAD.encode(claims(ctx, json!({})).to_string());
                    format!("{h}.{p}.")
                }),
            ),
            (
                "HS256 keyed with the public JWK",
                401,
                Box::new(|ctx, keys| {
                    let mut h = Header::new(Algorithm::HS256);
                    h.kid = Some(keys.published.kid.clone());
                    let secret = keys.published.jwk.to_string();
                    jsonwebtoken::encode(
                        &h,
                        &claims(ctx, json!({})),
                        &EncodingKey::from_secret(secret.as_bytes()),
                    )
                    .unwrap()
                }),
            ),
            (
                "HS256 keyed with the public PEM",
                401,
                Box::new(|ctx, keys| {
                    let mut h = Header::new(Algorithm::HS256);
                    h.kid = Some(keys.published.kid.clone());
                    let secret = keys.published.public_pem.clone();
                    jsonwebtoken::encode(
                        &h,
                        &claims(ctx, json!({})),
                        &EncodingKey::from_secret(secret.as_bytes()),
                    )
                    .unwrap()
                }),
            ),
            (
                "expired",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "exp": ctx.now - 600, "iat": ctx.now - 720 })),
                    )
                }),
            ),
            (
                "nbf in the future",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "nbf": ctx.now + 600 })),
                    )
                }),
            ),
            (
                "iat in the future",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "iat": ctx.now + 600, "exp": ctx.now + 900 })),
                    )
                }),
            ),
            (
                "no iat",
                401,
                Box::new(|ctx, keys| sign(&keys.published, &claims(ctx, json!({ "iat": null })))),
            ),
            (
                "wrong iss",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "iss": "https://evil.example" })),
                    )
                }),
            ),
            (
                "wrong aud",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "aud": "another-client" })),
                    )
                }),
            ),
            (
                "several aud, no azp",
                401,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "aud": [CLIENT_ID, "another-client"] })),
                    )
                }),
            ),
            (
                "replayed nonce",
                401,
                Box::new(|ctx, keys| {
                    let old = ctx
                        .previous_nonce
                        .clone()
                        .expect("an earlier login's nonce");
                    sign(&keys.published, &claims(ctx, json!({ "nonce": old })))
                }),
            ),
            (
                "no nonce",
                401,
                Box::new(|ctx, keys| sign(&keys.published, &claims(ctx, json!({ "nonce": null })))),
            ),
            (
                "acr too low",
                403,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "acr": "idporten-loa-low" })),
                    )
                }),
            ),
            (
                "no acr",
                403,
                Box::new(|ctx, keys| sign(&keys.published, &claims(ctx, json!({ "acr": null })))),
            ),
            (
                "tampered payload",
                401,
                Box::new(|ctx, keys| {
                    let token = sign(&keys.published, &claims(ctx, json!({})));
                    let parts: Vec<&str> = token.split('.').collect();
                    let other = dsar::demo::demo_citizens()[1].pid.clone();
                    let forged =
                        URL_SAFE_NO_PAD.encode(claims(ctx, json!({ "pid": other })).to_string());
                    format!("{}.{}.{}", parts[0], forged, parts[2])
                }),
            ),
            (
                "unknown kid",
                401,
                Box::new(|ctx, keys| sign(&keys.unpublished, &claims(ctx, json!({})))),
            ),
            (
                "foreign key under the known kid",
                401,
                Box::new(|ctx, keys| {
                    let mut h = Header::new(Algorithm::ES256);
                    h.kid = Some(keys.published.kid.clone());
                    jsonwebtoken::encode(&h, &claims(ctx, json!({})), &keys.unpublished.encoding)
                        .unwrap()
                }),
            ),
            (
                "no pid (sub is never used)",
                403,
                Box::new(|ctx, keys| sign(&keys.published, &claims(ctx, json!({ "pid": null })))),
            ),
            (
                "invalid pid",
                403,
                Box::new(|ctx, keys| {
                    sign(
                        &keys.published,
                        &claims(ctx, json!({ "pid": "12345678901" })),
                    )
                }),
            ),
            ("garbage", 401, Box::new(|_, _| "not.a.jwt".into())),
        ];
        let (audit_before, _) = crate::login::audit_dump(&app).await;
        for (what, status, recipe) in attacks {
            op.answer_with(recipe);
            let r = login_via_fake(&app).await;
            assert_eq!(r.status().as_u16(), status, "{what}");
            let html = r.text().await.unwrap();
            assert!(html.contains("Feilkode:"), "{what}: an error id to quote");
            assert_eq!(live_sessions(&app).await, 0, "{what} left a session");
        }
        // Every refusal is an audit event, and none names the person's number.
        let (audit_after, text) = crate::login::audit_dump(&app).await;
        assert_eq!(audit_after - audit_before, 20);
        assert!(text.contains("id_token_nonce") && text.contains("acr_too_low"));
        assert!(!text.contains(&dsar::demo::demo_citizens()[0].pid));
    }
);

fake_op_test!(key_rotation_is_followed_without_a_restart, |app, op| {
    op.answer_with(good);
    assert_eq!(location(&login_via_fake(&app).await), app.url("/min-side"));
    assert_eq!(location(&login_via_fake(&app).await), app.url("/min-side"));
    assert_eq!(op.0.lock().unwrap().jwks_fetches, 1, "keys are cached");
    // The provider rotates: a new key under a new kid replaces the old one.
    {
        let mut s = op.0.lock().unwrap();
        let rotated = test_key("fake-2");
        s.jwks = vec![rotated.jwk.clone()];
        s.keys.published = rotated;
    }
    assert_eq!(location(&login_via_fake(&app).await), app.url("/min-side"));
    assert_eq!(
        op.0.lock().unwrap().jwks_fetches,
        2,
        "refetched for the unknown kid"
    );
});

db_test!(mismatched_state_is_refused, |app| {
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
    let forged = with_query_param(&callback, "state", "attacker-state");
    let r = browser.get(&forged).await;
    assert_eq!(r.status(), 401);
    assert_eq!(live_sessions(&app).await, 0);
    // The pending login is used up: the genuine callback cannot be used afterwards either.
    let r = browser.get(&callback).await;
    assert_eq!(r.status(), 400);
    assert_eq!(live_sessions(&app).await, 0);
});

db_test!(issuer_mix_up_is_refused, |app| {
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
    // RFC 9207: a response naming another issuer, or none although the provider always sends it.
    let r = browser
        .get(&with_query_param(&callback, "iss", "https://evil.example"))
        .await;
    assert_eq!(r.status(), 401);
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
    let mut url = reqwest::Url::parse(&callback).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept);
    let r = browser.get(url.as_str()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(live_sessions(&app).await, 0);
});

db_test!(a_used_code_is_refused, |app| {
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
    assert_eq!(
        location(&browser.get(&callback).await),
        app.url("/min-side")
    );
    assert_eq!(live_sessions(&app).await, 1);
    // The same callback again: the login it belonged to is gone.
    let r = browser.get(&callback).await;
    assert_eq!(r.status(), 400);
    // Inside a fresh login of the attacker's own: the provider refuses the used code.
    let attacker = Browser::new();
    let fresh = begin(&attacker, &app, "/login").await;
    let replay = with_query_param(&callback, "state", &query_param(&fresh, "state").unwrap());
    let r = attacker.get(&replay).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        live_sessions(&app).await,
        1,
        "still only the genuine session"
    );
    // A callback with no login in progress at all.
    let r = Browser::new().get(&callback).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Innloggingen er utløpt"));
});

db_test!(
    acr_below_the_configured_level_is_refused,
    setup = |s: &mut dsar::config::Settings| {
        // The demo provider as ID-porten for a service that demands high assurance.
        let mut p = provider_settings(
            &format!("{}/dev/idp", s.base_url.clone().unwrap()),
            "dsar-high",
            "high-secret",
        );
        p.min_acr = Some(HIGH.into());
        p.algorithms = vec!["ES256".into()];
        s.login.citizen = Some(p);
    },
    |app| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        let authorize = begin(&browser, &app, "/login").await;
        assert_eq!(query_param(&authorize, "acr_values").as_deref(), Some(HIGH));
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
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("for lavt sikkerhetsnivå"));
        assert_eq!(live_sessions(&app).await, 0);
        // The refusal is audited under the person's pseudonym, never the number.
        let (_, text) = crate::login::audit_dump(&app).await;
        assert!(
            text.contains("auth.login_failed")
                && text.contains("acr_too_low")
                && text.contains("citizen:")
        );
        assert!(!text.contains(&pid));
        // High assurance passes.
        let authorize = begin(&browser, &app, "/login").await;
        let callback = demo_authorize(
            &browser,
            &authorize,
            DemoChoice::Citizen {
                pid: &pid,
                acr: HIGH,
            },
        )
        .await;
        assert_eq!(
            location(&browser.get(&callback).await),
            app.url("/min-side")
        );
    }
);

db_test!(a_cancelled_login_ends_on_a_page, |app| {
    let browser = Browser::new();
    let authorize = begin(&browser, &app, "/login").await;
    let callback = demo_authorize(&browser, &authorize, DemoChoice::Cancel).await;
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    let r = browser.get(&callback).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Innloggingen ble avbrutt"));
    assert_eq!(live_sessions(&app).await, 0);
});

db_test!(open_redirects_through_return_to_are_refused, |app| {
    let pid = app.citizen_pid(0).await;
    for raw in [
        "//evil.example",
        "///evil.example",
        "https://evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/\t/evil.example",
        "https:%2F%2Fevil.example",
    ] {
        let browser = Browser::new();
        let mut login = reqwest::Url::parse(&app.url("/login")).unwrap();
        login.query_pairs_mut().append_pair("return_to", raw);
        let r = browser.get(login.as_str()).await;
        let authorize = location(&r);
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
        assert_eq!(
            location(&r),
            app.url("/min-side"),
            "{raw:?} must fall back to /min-side"
        );
    }
});
