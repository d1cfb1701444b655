//! Logins through the built-in demo provider, browser-less: redirects followed with a cookie
//! jar, the provider's form posted, the code exchanged by dsar, the session used and ended.
//!
//! By what they check: `sessions.rs` (the session from login to logout), `provider.rs` (the demo
//! provider, the rate limit, a provider down, the pages); the shared steps are here.
use reqwest::StatusCode;
use serde_json::Value;

use crate::{browser::*, db_test, support::*};

mod provider;
mod sessions;

pub fn provider_settings(
    issuer: &str,
    client_id: &str,
    secret: &str,
) -> dsar::auth::settings::ProviderSettings {
    serde_json::from_value(serde_json::json!({
        "issuer": issuer,
        "client_id": client_id,
        "client_auth": "client_secret_basic",
        "client_secret": secret,
    }))
    .unwrap()
}

pub fn set_cookie(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no Set-Cookie for {name}"))
}

pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

async fn single_sid(app: &TestApp) -> String {
    use sea_orm::EntityTrait;
    let rows = entity::session::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    rows[0].sid.clone().expect("the demo provider sends sid")
}

/// The audit trail as text (actors and details), for "never the pid" checks.
pub async fn audit_dump(app: &TestApp) -> (usize, String) {
    use sea_orm::EntityTrait;
    let rows = entity::audit_event::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap();
    let text = rows
        .iter()
        .map(|r| format!("{} {} {}", r.actor, r.action, r.details))
        .collect::<Vec<_>>()
        .join("\n");
    (rows.len(), text)
}
