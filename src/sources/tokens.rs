//! The bearer token for a call to a source: signed by dsar's service key, or fetched from
//! Maskinporten (and cached per source, scope and resource in the core's `MaskinportenTokens`).
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    AuthMode, SourceSystem,
    client::{CallError, connect_reason},
    protocol::{Operation, Subject},
};
use crate::core::Core;

/// The bearer token for one call, by the source's auth mode.
pub async fn token_for(
    app: &Core,
    source: &SourceSystem,
    operation: Operation,
    subject: &Subject,
) -> Result<String, CallError> {
    match source.auth_mode {
        AuthMode::Dsar => app
            .service_keys
            .sign_subject(&app.db, &app.vault, &source.id, &operation.scope(), subject)
            .await
            .map_err(|e| CallError::Token(e.to_string())),
        AuthMode::Maskinporten => {
            let scope = source.maskinporten_scope.as_deref().unwrap_or_default();
            let resource = source.maskinporten_resource.as_deref();
            maskinporten_token(app, &source.id, scope, resource).await
        }
    }
}

/// A Maskinporten access token for one source, from the cache or fetched with a signed grant.
async fn maskinporten_token(
    app: &Core,
    source: &str,
    scope: &str,
    resource: Option<&str>,
) -> Result<String, CallError> {
    let key = (
        source.to_string(),
        scope.to_string(),
        resource.map(str::to_string),
    );
    if let Some(token) = app.maskinporten.cached(&key).await {
        return Ok(token);
    }
    let settings = app
        .settings
        .sources
        .maskinporten
        .as_ref()
        .ok_or_else(|| CallError::Token("no Maskinporten client is configured".into()))?;
    let now = jsonwebtoken::get_current_timestamp();
    let grant = MaskinportenGrant {
        aud: &settings.audience,
        iss: &settings.client_id,
        scope,
        resource,
        iat: now,
        exp: now + 100,
        jti: Uuid::new_v4().to_string(),
    };
    let assertion = app
        .service_keys
        .sign_claims(&app.db, &app.vault, &grant)
        .await
        .map_err(|e| CallError::Token(e.to_string()))?;
    let response = app
        .sources
        .http()
        .post(&settings.token_url)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| CallError::Token(format!("Maskinporten: {}", connect_reason(&e))))?;
    if !response.status().is_success() {
        return Err(CallError::Token(format!(
            "Maskinporten answered HTTP {}",
            response.status().as_u16()
        )));
    }
    let token: MaskinportenToken = response
        .json()
        .await
        .map_err(|_| CallError::Token("Maskinporten's answer could not be read".into()))?;
    let life = Duration::from_secs(token.expires_in.saturating_sub(10).max(1));
    app.maskinporten
        .remember(key, token.access_token.clone(), life)
        .await;
    Ok(token.access_token)
}
/// The JWT grant we send to Maskinporten (RFC 7523).
#[derive(Debug, Serialize)]
struct MaskinportenGrant<'a> {
    aud: &'a str,
    iss: &'a str,
    scope: &'a str,
    /// The audience the access token is to be restricted to, when the source names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    iat: u64,
    exp: u64,
    jti: String,
}

#[derive(Debug, Deserialize)]
struct MaskinportenToken {
    access_token: String,
    expires_in: u64,
}
