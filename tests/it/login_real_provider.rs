//! The same browser-less logins against a real, certified OpenID provider: panva's
//! `oidc-provider` (npm) run from `tests/oidc-provider/` as ID-porten and staff IdP stand-in.
//! Citizens use `private_key_jwt` (as with ID-porten), staff `client_secret_basic`.
//!
//! Needs `npm ci --prefix tests/oidc-provider`. Without it the tests say so loudly and pass,
//! unless `DSAR_REQUIRE_OIDC_PROVIDER=1` (set by `.ci/run`), which turns the skip into a failure.
use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

use dsar::config::Settings;
use jsonwebtoken::{Algorithm, EncodingKey, jwk::Jwk};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use reqwest::StatusCode;
use serde_json::json;

use crate::{browser::*, support::*};

const STAFF_SECRET: &str = "staff-secret-for-tests-only";

/// The provider as a child process, stopped on drop.
pub struct NodeProvider {
    pub issuer: String,
    child: tokio::process::Child,
    log: PathBuf,
}

impl Drop for NodeProvider {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// Whether the provider can run here; skips loudly, or fails when CI requires it.
pub fn node_provider_ready(test: &str) -> bool {
    let installed = provider_dir()
        .join("node_modules/oidc-provider/package.json")
        .exists();
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if installed && node {
        return true;
    }
    let why = if node {
        "tests/oidc-provider/node_modules is missing (run `npm ci --prefix tests/oidc-provider`)"
    } else {
        "`node` is not installed"
    };
    if std::env::var("DSAR_REQUIRE_OIDC_PROVIDER").is_ok_and(|v| v == "1") {
        panic!(
            "{test}: the real OpenID provider is required (DSAR_REQUIRE_OIDC_PROVIDER=1) but {why}"
        );
    }
    eprintln!("\n!!! SKIPPED {test}: {why}; the real-provider login tests did NOT run !!!\n");
    false
}

/// The citizen client's key pair: PEM file for dsar, public JWK set for the provider.
pub struct ClientKey {
    pub pem_path: PathBuf,
    pub jwks: serde_json::Value,
}

pub fn client_key(dir: &std::path::Path) -> ClientKey {
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem = secret.to_pkcs8_pem(LineEnding::LF).unwrap();
    let pem_path = dir.join("citizen-client-key.pem");
    std::fs::write(&pem_path, pem.as_bytes()).unwrap();
    let key = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).unwrap();
    jwk.common.key_id = Some("dsar-test-client".into());
    let jwks = json!({ "keys": [jwk] });
    ClientKey { pem_path, jwks }
}

impl NodeProvider {
    pub async fn start(port: u16, app_base: &str, citizen_jwks: &serde_json::Value) -> Self {
        let log = std::env::temp_dir().join(format!("dsar-oidc-provider-{port}.log"));
        let log_file = std::fs::File::create(&log).unwrap();
        let child = tokio::process::Command::new("node")
            .arg("server.mjs")
            .current_dir(provider_dir())
            .env("PORT", port.to_string())
            .env("APP_BASE", app_base)
            .env("CITIZEN_JWKS", citizen_jwks.to_string())
            .env("STAFF_SECRET", STAFF_SECRET)
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true)
            .spawn()
            .expect("node starts");
        let mut provider = Self {
            issuer: format!("http://127.0.0.1:{port}"),
            child,
            log,
        };
        let discovery = format!("{}/.well-known/openid-configuration", provider.issuer);
        let started = Instant::now();
        loop {
            let probe = reqwest::Client::new()
                .get(&discovery)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(r) = probe
                && r.status().is_success()
            {
                return provider;
            }
            let exited = provider.child.try_wait().ok().flatten();
            if exited.is_some() || started.elapsed() > Duration::from_secs(90) {
                panic!(
                    "oidc-provider did not start ({exited:?}): {}",
                    std::fs::read_to_string(&provider.log).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// dsar configured for the node provider, and the provider started for dsar's address.
pub async fn app_with_node_provider(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
) -> (TestApp, NodeProvider) {
    let port = free_addr().port();
    let issuer = format!("http://127.0.0.1:{port}");
    let keys_dir = tempfile::tempdir().unwrap().keep();
    let key = client_key(&keys_dir);
    let mut base = String::new();
    let app = TestApp::spawn_with(backend, |s| {
        base = s.base_url.clone().unwrap();
        s.login.citizen = Some(
            serde_json::from_value(json!({
                "issuer": issuer,
                "client_id": "dsar-citizen",
                "client_auth": "private_key_jwt",
                "private_key_path": key.pem_path,
                "key_id": "dsar-test-client",
                "assertion_algorithm": "ES256",
                "algorithms": ["RS256"],
            }))
            .unwrap(),
        );
        s.login.staff = Some(
            serde_json::from_value(json!({
                "issuer": issuer,
                "client_id": "dsar-office",
                "client_auth": "client_secret_basic",
                "client_secret": STAFF_SECRET,
                "algorithms": ["RS256"],
            }))
            .unwrap(),
        );
        adjust(s);
    })
    .await;
    let provider = NodeProvider::start(port, &base, &key.jwks).await;
    (app, provider)
}

/// From the provider's login form to the first answer of dsar after the callback.
async fn provider_login(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (reqwest::Response, Vec<String>) {
    let (form, visited) = browser.visit(&app.url(path)).await;
    assert_eq!(form.status(), 200, "the provider's login page: {visited:?}");
    let interaction = visited.last().unwrap().clone();
    assert!(interaction.contains("/interaction/"), "{visited:?}");
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let r = browser
        .post_form(&format!("{interaction}/login"), &fields)
        .await;
    browser.follow(r).await
}

/// Logs out through dsar and the provider's confirmation form.
async fn provider_logout(
    browser: &Browser,
    app: &TestApp,
    page_html: &str,
) -> (reqwest::Response, Vec<String>) {
    let (confirm, visited) = logout(browser, app, page_html).await;
    assert!(
        visited
            .iter()
            .any(|u| u.contains("/session/end") && u.contains("id_token_hint=")),
        "{visited:?}"
    );
    assert_eq!(confirm.status(), 200);
    let confirm_url = confirm.url().clone();
    let html = confirm.text().await.unwrap();
    let marker = "name=\"xsrf\" value=\"";
    let start = html.find(marker).expect("the provider's logout form") + marker.len();
    let xsrf = &html[start..start + html[start..].find('"').unwrap()];
    let r = browser
        .post_form(
            confirm_url.join("/session/end/confirm").unwrap().as_str(),
            &[
                ("xsrf".into(), xsrf.into()),
                ("logout".into(), "yes".into()),
            ],
        )
        .await;
    browser.follow(r).await
}

macro_rules! real_provider_test {
    ($name:ident, |$app:ident, $provider:ident| $body:block) => {
        real_provider_test!($name, setup = |_| {}, |$app, $provider| $body);
    };
    ($name:ident, setup = $setup:expr, |$app:ident, $provider:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if !node_provider_ready(concat!(module_path!(), "::sqlite")) {
                    return;
                }
                let ($app, $provider) = app_with_node_provider(Backend::Sqlite, $setup).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !node_provider_ready(concat!(module_path!(), "::postgres"))
                    || !postgres_enabled(concat!(module_path!(), "::", stringify!($name)))
                {
                    return;
                }
                let ($app, $provider) = app_with_node_provider(Backend::Postgres, $setup).await;
                $body
                drop($provider);
                $app.cleanup().await;
            }
        }
    };
}

real_provider_test!(
    citizen_logs_in_and_out_at_the_real_provider,
    |app, provider| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        let (page, visited) = provider_login(
            &browser,
            &app,
            "/login?return_to=/min-side",
            &[("pid", &pid), ("acr", SUBSTANTIAL)],
        )
        .await;
        let callback = visited
            .iter()
            .find(|u| u.contains("/auth/callback"))
            .unwrap();
        // RFC 9207: the real provider names itself in the authorization response.
        assert_eq!(
            query_param(callback, "iss").as_deref(),
            Some(provider.issuer.as_str())
        );
        assert_eq!(page.status(), 200, "{visited:?}");
        assert!(visited.last().unwrap().ends_with("/min-side"));
        let html = page.text().await.unwrap();
        // The level the provider vouched for, in plain words.
        assert!(html.contains("Du er logget inn.") && html.contains("Betydelig (som MinID)"));
        assert!(html.contains("PV-"), "the person's requests are listed");
        assert_eq!(live_sessions(&app).await, 1);
        assert_eq!(
            browser.get(&app.url("/api/v1/requests")).await.status(),
            200
        );
        let (end, visited) = provider_logout(&browser, &app, &html).await;
        assert!(
            visited.last().unwrap().contains("/logged-out"),
            "{visited:?}"
        );
        assert_eq!(end.status(), 200);
        assert_eq!(live_sessions(&app).await, 0);
        assert_eq!(
            browser.get(&app.url("/api/v1/requests")).await.status(),
            401
        );
    }
);

real_provider_test!(
    staff_logs_in_and_out_at_the_real_provider,
    |app, provider| {
        let browser = Browser::new();
        let (page, visited) = provider_login(
            &browser,
            &app,
            "/office/login",
            &[("username", "personvern.gamleoslo")],
        )
        .await;
        assert_eq!(page.status(), 200, "{visited:?}");
        assert!(visited.last().unwrap().ends_with("/office"));
        let html = page.text().await.unwrap();
        assert!(
            html.contains("personvern.gamleoslo")
                && html.contains("Godkjenner (personvernrådgiver)")
        );
        let (end, _) = provider_logout(&browser, &app, &html).await;
        assert_eq!(end.status(), 200);
        assert_eq!(live_sessions(&app).await, 0);
        let _ = provider;
    }
);

real_provider_test!(
    staff_roles_can_come_from_a_claim,
    setup = |s: &mut Settings| {
        if let Some(staff) = s.login.staff.as_mut() {
            staff.roles_claim = Some("roles".into());
        }
    },
    |app, provider| {
        let browser = Browser::new();
        // Not in the staff table yet: added at first login with the claimed role.
        let (page, _) = provider_login(
            &browser,
            &app,
            "/office/login",
            &[("username", "ny.revisor"), ("role", "auditor")],
        )
        .await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Revisor (lesetilgang)"));
        // A claim naming no known role is refused.
        let (page, _) = provider_login(
            &Browser::new(),
            &app,
            "/office/login",
            &[("username", "ny.person"), ("role", "superuser")],
        )
        .await;
        assert_eq!(page.status(), 403);
        assert_eq!(
            app.count("staff_user WHERE username = 'ny.person'").await,
            0
        );
        assert_eq!(live_sessions(&app).await, 1);
        let _ = provider;
    }
);

real_provider_test!(
    too_low_assurance_is_refused_at_the_real_provider,
    |app, provider| {
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        let (page, _) = provider_login(
            &browser,
            &app,
            "/login",
            &[("pid", &pid), ("acr", "idporten-loa-low")],
        )
        .await;
        assert_eq!(page.status(), 403);
        let html = page.text().await.unwrap();
        assert!(html.contains("for lavt sikkerhetsnivå") && html.contains("Feilkode:"));
        assert_eq!(live_sessions(&app).await, 0);
        let _ = provider;
    }
);

real_provider_test!(
    a_used_code_is_refused_at_the_real_provider,
    |app, provider| {
        let first = Browser::new();
        let pid = app.citizen_pid(0).await;
        let (_, visited) = provider_login(
            &first,
            &app,
            "/login",
            &[("pid", &pid), ("acr", SUBSTANTIAL)],
        )
        .await;
        let used = visited
            .iter()
            .find(|u| u.contains("/auth/callback"))
            .unwrap()
            .clone();
        assert_eq!(live_sessions(&app).await, 1);
        // An attacker replays the used code inside a login of their own (fresh state): dsar sends
        // the code to the provider, which refuses it.
        let attacker = Browser::new();
        let authorize = begin(&attacker, &app, "/login").await;
        let state = query_param(&authorize, "state").unwrap();
        let replay = with_query_param(&used, "state", &state);
        let r = attacker.get(&replay).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(live_sessions(&app).await, 1, "no session for the attacker");
        let _ = provider;
    }
);
