//! Calling one source: sign (or fetch) the token, post the operation, read at most
//! `MAX_ANSWER_BYTES` within the source's timeout, parse strictly. Every way a call can go wrong
//! ends as a `CallError` whose text a caseworker can act on; none of them panics.
use std::{collections::HashMap, time::Duration};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use uuid::Uuid;

use super::{
    AuthMode, SourceSystem,
    protocol::{self, Answer, AnswerError, Operation, OperationCall},
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("could not connect to the source ({0})")]
    Unreachable(String),
    #[error("the source did not answer within {0} ms")]
    Timeout(u32),
    #[error("the source refused our token (HTTP {0}); check its registration and our keys")]
    Refused(u16),
    #[error("the source answered HTTP {0}")]
    Status(u16),
    #[error("the answer is larger than {} MiB", protocol::MAX_ANSWER_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("malformed answer: {0}")]
    Answer(#[from] AnswerError),
    #[error("could not get a token: {0}")]
    Token(String),
    #[error("this is a manual source: a caseworker enters what it holds")]
    Manual,
}

impl CallError {
    /// Whether trying again may help (a wrong token or a malformed answer usually will not, but
    /// a source being deployed may fix itself, so only a manual source is never retried).
    pub fn retryable(&self) -> bool {
        !matches!(self, Self::Manual)
    }
}

#[derive(Clone)]
pub struct SourceClient {
    http: reqwest::Client,
}

impl SourceClient {
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(64)
            .user_agent(concat!("dsar/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self { http }
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// One call: `POST {endpoint}/dsar/v1/{operation}` with the bearer token.
    pub async fn call(
        &self,
        source: &SourceSystem,
        operation: Operation,
        body: &OperationCall,
        token: &str,
    ) -> Result<Answer, CallError> {
        let Some(endpoint) = &source.endpoint else {
            return Err(CallError::Manual);
        };
        let url = format!("{endpoint}/dsar/v1/{}", operation.as_str());
        let request_id = body.request_id;
        let attempt = async {
            let response = self
                .http
                .post(&url)
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .map_err(|e| CallError::Unreachable(connect_reason(&e)))?;
            let status = response.status().as_u16();
            if status == 401 || status == 403 {
                return Err(CallError::Refused(status));
            }
            if status != 200 {
                return Err(CallError::Status(status));
            }
            let bytes = read_capped(response).await?;
            Ok(protocol::parse_answer(operation, request_id, &bytes)?)
        };
        tokio::time::timeout(source.timeout(), attempt)
            .await
            .map_err(|_| CallError::Timeout(source.timeout_ms))?
    }
}

impl SourceClient {
    /// Delivers an art. 19 notice: `POST {endpoint}/dsar/v1/notify`; the source must confirm
    /// it received this notice.
    pub async fn notify(
        &self,
        source: &SourceSystem,
        body: &protocol::NoticeCall,
        token: &str,
    ) -> Result<(), CallError> {
        let Some(endpoint) = &source.endpoint else {
            return Err(CallError::Manual);
        };
        let url = format!("{endpoint}/dsar/v1/{}", Operation::Notify.as_str());
        let attempt = async {
            let response = self
                .http
                .post(&url)
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .map_err(|e| CallError::Unreachable(connect_reason(&e)))?;
            let status = response.status().as_u16();
            if status == 401 || status == 403 {
                return Err(CallError::Refused(status));
            }
            if status != 200 {
                return Err(CallError::Status(status));
            }
            let bytes = read_capped(response).await?;
            Ok(protocol::parse_receipt(body.notice_id, &bytes)?)
        };
        tokio::time::timeout(source.timeout(), attempt)
            .await
            .map_err(|_| CallError::Timeout(source.timeout_ms))?
    }
}

impl Default for SourceClient {
    fn default() -> Self {
        Self::new()
    }
}

/// A short reason without the URL's query or anything the peer sent.
fn connect_reason(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "connection refused or host unreachable".into()
    } else if e.is_timeout() {
        "connect timeout".into()
    } else if e.is_request() {
        "the request could not be sent".into()
    } else {
        "transport error".into()
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, CallError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| {
        CallError::Unreachable("the connection broke while reading the answer".into())
    })? {
        if body.len() + chunk.len() > protocol::MAX_ANSWER_BYTES {
            return Err(CallError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
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

/// Access tokens from Maskinporten, cached per source, scope and resource until shortly before
/// they expire. A token is sent only to the source it was fetched for: a source that held
/// another source's token (same scope) could replay it against that source. A source that
/// names a `resource` gets a token whose audience is that resource alone.
#[derive(Default)]
pub struct MaskinportenTokens {
    cache: Mutex<TokenCache>,
}

/// (source, scope, resource) → (access token, good until).
type TokenCache = HashMap<(String, String, Option<String>), (String, std::time::Instant)>;

impl MaskinportenTokens {
    pub async fn token(
        &self,
        app: &crate::core::Core,
        source: &str,
        scope: &str,
        resource: Option<&str>,
    ) -> Result<String, CallError> {
        let key = (
            source.to_string(),
            scope.to_string(),
            resource.map(str::to_string),
        );
        if let Some((token, until)) = self.cache.lock().await.get(&key)
            && std::time::Instant::now() < *until
        {
            return Ok(token.clone());
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
        self.cache.lock().await.insert(
            key,
            (token.access_token.clone(), std::time::Instant::now() + life),
        );
        Ok(token.access_token)
    }
}

/// The bearer token for one call, by the source's auth mode.
pub async fn token_for(
    app: &crate::core::Core,
    source: &SourceSystem,
    operation: Operation,
    subject: &super::protocol::Subject,
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
            app.maskinporten
                .token(app, &source.id, scope, resource)
                .await
        }
    }
}
