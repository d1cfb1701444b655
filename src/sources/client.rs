//! Calling one source: sign (or fetch) the token, post the operation, read at most
//! `MAX_ANSWER_BYTES` within the source's timeout, parse strictly. Every way a call can go wrong
//! ends as a `CallError` whose text a caseworker can act on; none of them panics.
use std::{collections::HashMap, time::Duration};

use tokio::sync::Mutex;

use super::{
    SourceSystem,
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
pub(super) fn connect_reason(e: &reqwest::Error) -> String {
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

/// Access tokens from Maskinporten, cached per source, scope and resource until shortly before
/// they expire. A token is sent only to the source it was fetched for: a source that held
/// another source's token (same scope) could replay it against that source. A source that
/// names a `resource` gets a token whose audience is that resource alone.
#[derive(Default)]
pub struct MaskinportenTokens {
    cache: Mutex<TokenCache>,
}

/// (source, scope, resource): what one cached token is for.
pub type MaskinportenKey = (String, String, Option<String>);
/// → (access token, good until).
type TokenCache = HashMap<MaskinportenKey, (String, std::time::Instant)>;

impl MaskinportenTokens {
    /// A cached token for (source, scope, resource) that is still good.
    pub async fn cached(&self, key: &MaskinportenKey) -> Option<String> {
        let cache = self.cache.lock().await;
        let (token, until) = cache.get(key)?;
        (std::time::Instant::now() < *until).then(|| token.clone())
    }

    /// Keeps a fetched token until `life` has passed.
    pub async fn remember(&self, key: MaskinportenKey, token: String, life: Duration) {
        self.cache
            .lock()
            .await
            .insert(key, (token, std::time::Instant::now() + life));
    }
}
