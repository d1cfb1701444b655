//! OpenID Connect relying party (docs/login.md), written against the specs, not a framework, so
//! every check is visible here: discovery (the document's `issuer` must equal the configured one
//! exactly), authorization code flow with PKCE S256, `state` and `nonce`, the token request with
//! `client_secret_basic`, `client_secret_post` or `private_key_jwt` (RFC 7523, ID-porten's
//! choice), and ID-token validation with jsonwebtoken against the provider's JWKS (cached,
//! refetched on an unknown `kid`): algorithm allow-list, `iss`, `aud`/`azp`, `exp`, `nbf`, `iat`,
//! `nonce` and `acr`. The RFC 9207 `iss` parameter of the authorization response is checked too.
//!
//! Over 500 lines on purpose: every check of the relying party stays visible in one place (see above).
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;

use super::{
    jwks::{KeyError, KeySet},
    settings::{ClientAuthMethod, ProviderSettings},
    tokens::parse_allowed_algorithm,
};
use crate::config::Secret;

pub use entity::values::ProviderKind;

/// Why an ID token was refused (an audit slug each; the page says only "could not be verified").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    Algorithm,
    UnknownKey,
    Signature,
    Expired,
    NotYetValid,
    IssuedInFuture,
    Issuer,
    Audience,
    Nonce,
}

impl TokenProblem {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Algorithm => "algorithm",
            Self::UnknownKey => "unknown_key",
            Self::Signature => "signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::Issuer => "issuer",
            Self::Audience => "audience",
            Self::Nonce => "nonce",
        }
    }
}

/// Everything that can stop a login. The web layer maps each to one page.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("this login is not configured")]
    NotConfigured,
    #[error("the provider could not be reached ({0})")]
    Unavailable(&'static str),
    #[error("the provider's configuration does not match ours: {0}")]
    Misconfigured(String),
    #[error("no login is in progress in this browser, or it expired")]
    LoginExpired,
    #[error("the state parameter does not match the login in progress")]
    StateMismatch,
    #[error("the authorization response came from another issuer")]
    IssuerMismatch,
    #[error("the provider ended the login: {0}")]
    ProviderRefused(String),
    #[error("the provider refused the authorization code: {0}")]
    CodeRejected(String),
    #[error("the ID token was refused: {}", .0.as_str())]
    InvalidIdToken(TokenProblem),
    #[error("the login's assurance level is too low")]
    AcrTooLow,
    #[error("the ID token carries no national identity number")]
    NoPid,
    #[error("the ID token's national identity number is not accepted")]
    InvalidPid,
    #[error("this staff member is not known to dsar")]
    UnknownStaff,
    #[error("this staff member has no valid role")]
    NoRole,
    #[error("too many login attempts")]
    RateLimited,
    /// A storage failure during login; the cause is kept as the source and logged, never shown.
    #[error("storage failure")]
    Storage(#[source] crate::error::Cause),
}

impl LoginError {
    /// A stable slug for the audit trail and logs.
    pub fn reason(&self) -> String {
        match self {
            Self::NotConfigured => "not_configured".into(),
            Self::Unavailable(_) => "provider_unavailable".into(),
            Self::Misconfigured(_) => "provider_misconfigured".into(),
            Self::LoginExpired => "login_expired".into(),
            Self::StateMismatch => "state_mismatch".into(),
            Self::IssuerMismatch => "issuer_mismatch".into(),
            Self::ProviderRefused(_) => "provider_refused".into(),
            Self::CodeRejected(_) => "code_rejected".into(),
            Self::InvalidIdToken(p) => format!("id_token_{}", p.as_str()),
            Self::AcrTooLow => "acr_too_low".into(),
            Self::NoPid => "no_pid".into(),
            Self::InvalidPid => "invalid_pid".into(),
            Self::UnknownStaff => "unknown_staff".into(),
            Self::NoRole => "no_role".into(),
            Self::RateLimited => "rate_limited".into(),
            Self::Storage(_) => "storage".into(),
        }
    }
}

impl From<sea_orm::DbErr> for LoginError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Storage(Box::new(e))
    }
}

pub use super::tokens::acr_level;

/// The parts of the discovery document dsar uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

pub struct Discovered {
    pub meta: Metadata,
    keys: KeySet,
    fetched_at: Instant,
}

/// ID-porten recommends caching metadata for about a day; keys follow `kid`s on their own.
const METADATA_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

enum Credentials {
    Secret {
        basic: bool,
        secret: Secret,
    },
    PrivateKey {
        key: EncodingKey,
        alg: Algorithm,
        kid: Option<String>,
    },
}

/// One configured provider.
pub struct Provider {
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    credentials: Credentials,
    scopes: String,
    acr_values: Option<String>,
    min_acr: Option<String>,
    algorithms: Vec<Algorithm>,
    pub redirect_uri: String,
    pub post_logout_redirect_uri: String,
    pub username_claim: String,
    pub roles_claim: Option<String>,
    keys_refetch_not_before: Duration,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

/// What travels from `/login` to the callback, stored server-side in the pending login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub provider: ProviderKind,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    pub return_to: String,
}

/// The query of the redirect back from the provider.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// A login the provider vouched for, after every check.
#[derive(Debug, Clone)]
pub struct VerifiedLogin {
    pub claims: Map<String, Value>,
    pub id_token: String,
    pub sid: Option<String>,
    pub acr: Option<String>,
}

impl VerifiedLogin {
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProviderConfigError(pub String);

pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Compares secrets (state, nonce, client secrets, CSRF tokens) in constant time.
pub fn ct_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A client's private key for `private_key_jwt` from a PEM file (`ES256` or `RS256`).
pub fn load_client_key(
    path: &std::path::Path,
    algorithm: &str,
) -> Result<(EncodingKey, Algorithm), ProviderConfigError> {
    let fail = |e: &dyn std::fmt::Display| {
        ProviderConfigError(format!("client key {}: {e}", path.display()))
    };
    let pem = std::fs::read(path).map_err(|e| fail(&e))?;
    let (key, alg) = match algorithm {
        "ES256" => (EncodingKey::from_ec_pem(&pem), Algorithm::ES256),
        _ => (EncodingKey::from_rsa_pem(&pem), Algorithm::RS256),
    };
    key.map(|k| (k, alg)).map_err(|e| fail(&e))
}

impl Provider {
    pub fn new(
        kind: ProviderKind,
        cfg: &ProviderSettings,
        base_url: &str,
        keys_refetch_not_before: Duration,
    ) -> Result<Self, ProviderConfigError> {
        let credentials = match cfg.client_auth {
            ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost => {
                Credentials::Secret {
                    basic: cfg.client_auth == ClientAuthMethod::ClientSecretBasic,
                    secret: cfg.client_secret.clone(),
                }
            }
            ClientAuthMethod::PrivateKeyJwt => {
                let path = cfg.private_key_path.as_ref().ok_or_else(|| {
                    ProviderConfigError("private_key_jwt needs private_key_path".into())
                })?;
                let (key, alg) = load_client_key(path, &cfg.assertion_algorithm)?;
                Credentials::PrivateKey {
                    key,
                    alg,
                    kid: cfg.key_id.clone(),
                }
            }
        };
        let base = base_url.trim_end_matches('/');
        Ok(Self {
            kind,
            issuer: cfg.issuer.clone(),
            client_id: cfg.client_id.clone(),
            credentials,
            scopes: cfg.scopes.join(" "),
            acr_values: cfg.acr_values.clone(),
            min_acr: cfg.min_acr.clone(),
            algorithms: cfg
                .algorithms
                .iter()
                .filter_map(|a| parse_allowed_algorithm(a))
                .collect(),
            redirect_uri: cfg
                .redirect_uri
                .clone()
                .unwrap_or_else(|| format!("{base}/auth/callback")),
            post_logout_redirect_uri: cfg
                .post_logout_redirect_uri
                .clone()
                .unwrap_or_else(|| format!("{base}/logged-out")),
            username_claim: cfg.username_claim.clone(),
            roles_claim: cfg.roles_claim.clone(),
            keys_refetch_not_before,
            discovered: RwLock::new(None),
        })
    }

    /// The discovery document (cached for a day; a failed refresh keeps the cached one).
    pub async fn discover(&self, http: &reqwest::Client) -> Result<Arc<Discovered>, LoginError> {
        if let Some(d) = self.discovered.read().await.as_ref()
            && d.fetched_at.elapsed() < METADATA_MAX_AGE
        {
            return Ok(d.clone());
        }
        let mut slot = self.discovered.write().await;
        if let Some(d) = slot.as_ref()
            && d.fetched_at.elapsed() < METADATA_MAX_AGE
        {
            return Ok(d.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let fetched = async {
            let r = http.get(&url).send().await.ok()?;
            if !r.status().is_success() {
                return None;
            }
            r.json::<Metadata>().await.ok()
        }
        .await;
        let Some(meta) = fetched else {
            return match slot.as_ref() {
                Some(d) => Ok(d.clone()),
                None => Err(LoginError::Unavailable("discovery")),
            };
        };
        if meta.issuer != self.issuer {
            return Err(LoginError::Misconfigured(format!(
                "{} login: the discovery document names issuer {:?}, configured is {:?}",
                self.kind.as_str(),
                meta.issuer,
                self.issuer
            )));
        }
        if let Some(methods) = &meta.code_challenge_methods_supported
            && !methods.iter().any(|m| m == "S256")
        {
            return Err(LoginError::Misconfigured(
                "the provider does not support PKCE S256".into(),
            ));
        }
        let discovered = Arc::new(Discovered {
            keys: KeySet::remote(&meta.jwks_uri, self.keys_refetch_not_before),
            meta,
            fetched_at: Instant::now(),
        });
        *slot = Some(discovered.clone());
        Ok(discovered)
    }

    /// The authorization request: where to send the browser, and what to remember.
    pub async fn start(
        &self,
        http: &reqwest::Client,
        return_to: String,
        ui_locale: &str,
    ) -> Result<(String, PendingLogin), LoginError> {
        let d = self.discover(http).await?;
        let pending = PendingLogin {
            provider: self.kind,
            state: random_token(),
            nonce: random_token(),
            verifier: random_token(),
            return_to,
        };
        let mut url = url::Url::parse(&d.meta.authorization_endpoint)
            .map_err(|_| LoginError::Misconfigured("authorization_endpoint is not a URL".into()))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("scope", &self.scopes)
                .append_pair("state", &pending.state)
                .append_pair("nonce", &pending.nonce)
                .append_pair("code_challenge", &pkce_challenge(&pending.verifier))
                .append_pair("code_challenge_method", "S256")
                .append_pair("ui_locales", ui_locale);
            if let Some(acr) = &self.acr_values {
                q.append_pair("acr_values", acr);
            }
        }
        Ok((url.into(), pending))
    }

    /// Checks the authorization response against the pending login, redeems the code and
    /// validates the ID token (not yet its `acr`: see `check_acr`).
    pub async fn finish(
        &self,
        http: &reqwest::Client,
        pending: &PendingLogin,
        params: &CallbackParams,
        leeway: u64,
    ) -> Result<VerifiedLogin, LoginError> {
        let state = params.state.as_deref().unwrap_or_default();
        if !ct_eq(state, &pending.state) {
            return Err(LoginError::StateMismatch);
        }
        let d = self.discover(http).await?;
        // RFC 9207: the response names its issuer; required when the provider says it sends it.
        match &params.iss {
            Some(iss) if iss != &d.meta.issuer => return Err(LoginError::IssuerMismatch),
            None if d.meta.authorization_response_iss_parameter_supported => {
                return Err(LoginError::IssuerMismatch);
            }
            _ => {}
        }
        if let Some(error) = &params.error {
            return Err(LoginError::ProviderRefused(sanitize_code(error)));
        }
        let code = params
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| LoginError::ProviderRefused("no_code".into()))?;
        let id_token = self.redeem(http, &d, code, &pending.verifier).await?;
        self.validate_id_token(http, &d, &id_token, &pending.nonce, leeway)
            .await
    }

    async fn redeem(
        &self,
        http: &reqwest::Client,
        d: &Discovered,
        code: &str,
        verifier: &str,
    ) -> Result<String, LoginError> {
        let mut form: Vec<(&str, String)> = vec![
            ("grant_type", "authorization_code".into()),
            ("code", code.into()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("code_verifier", verifier.into()),
            ("client_id", self.client_id.clone()),
        ];
        let mut request = http.post(&d.meta.token_endpoint);
        match &self.credentials {
            Credentials::Secret {
                basic: true,
                secret,
            } => {
                // RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
                let user = form_encode(&self.client_id);
                let pass = form_encode(secret.expose());
                let b64 =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                request = request.header("authorization", format!("Basic {b64}"));
            }
            Credentials::Secret {
                basic: false,
                secret,
            } => {
                form.push(("client_secret", secret.expose().into()));
            }
            Credentials::PrivateKey { key, alg, kid } => {
                form.push((
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                ));
                form.push((
                    "client_assertion",
                    self.client_assertion(key, *alg, kid, d)?,
                ));
            }
        }
        let body =
            serde_urlencoded::to_string(&form).map_err(|e| LoginError::Storage(Box::new(e)))?;
        let response = request
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|_| LoginError::Unavailable("token endpoint"))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(LoginError::Unavailable("token endpoint"));
        }
        let json: Value = response
            .json()
            .await
            .map_err(|_| LoginError::CodeRejected("unreadable_answer".into()))?;
        if !status.is_success() {
            let code = json["error"].as_str().unwrap_or("unknown");
            return Err(LoginError::CodeRejected(sanitize_code(code)));
        }
        json["id_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| LoginError::CodeRejected("no_id_token".into()))
    }

    /// RFC 7523 client assertion: `iss` = `sub` = client_id, `aud` = the issuer (ID-porten's
    /// rule; other providers accept it too), short-lived and single-use (`jti`).
    fn client_assertion(
        &self,
        key: &EncodingKey,
        alg: Algorithm,
        kid: &Option<String>,
        d: &Discovered,
    ) -> Result<String, LoginError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = serde_json::json!({
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": d.meta.issuer,
            "jti": random_token(),
            "iat": now,
            "exp": now + 60,
        });
        let mut header = Header::new(alg);
        header.kid = kid.clone();
        jsonwebtoken::encode(&header, &claims, key)
            .map_err(|e| LoginError::Misconfigured(format!("client assertion: {e}")))
    }

    /// OpenID Connect Core §3.1.3.7 (`acr` is checked by `check_acr`).
    pub async fn validate_id_token(
        &self,
        http: &reqwest::Client,
        d: &Discovered,
        token: &str,
        nonce: &str,
        leeway: u64,
    ) -> Result<VerifiedLogin, LoginError> {
        use TokenProblem as P;
        let bad = |p: TokenProblem| LoginError::InvalidIdToken(p);
        let header = jsonwebtoken::decode_header(token).map_err(|_| bad(P::Malformed))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(bad(P::Algorithm));
        }
        let key = d
            .keys
            .key(http, header.kid.as_deref().unwrap_or_default())
            .await
            .map_err(|e| match e {
                KeyError::KeysUnavailable => LoginError::Unavailable("keys"),
                _ => bad(P::UnknownKey),
            })?;
        let mut v = Validation::new(header.alg);
        v.algorithms = vec![header.alg];
        v.leeway = leeway;
        v.validate_nbf = true;
        v.set_issuer(&[&d.meta.issuer]);
        v.set_audience(&[&self.client_id]);
        v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                bad(match e.kind() {
                    K::ExpiredSignature => P::Expired,
                    K::ImmatureSignature => P::NotYetValid,
                    K::InvalidAudience => P::Audience,
                    K::InvalidIssuer => P::Issuer,
                    K::InvalidSignature | K::InvalidAlgorithm | K::InvalidKeyFormat => P::Signature,
                    _ => P::Malformed,
                })
            })?
            .claims;
        let now = jsonwebtoken::get_current_timestamp();
        let iat = claims
            .get("iat")
            .and_then(Value::as_u64)
            .ok_or(bad(P::Malformed))?;
        if iat > now + leeway {
            return Err(bad(P::IssuedInFuture));
        }
        // With several audiences, `azp` must name us (Core §3.1.3.7 items 4-5).
        if let Some(Value::Array(auds)) = claims.get("aud")
            && auds.len() > 1
            && claims.get("azp").and_then(Value::as_str) != Some(self.client_id.as_str())
        {
            return Err(bad(P::Audience));
        }
        let token_nonce = claims
            .get("nonce")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !ct_eq(token_nonce, nonce) {
            return Err(bad(P::Nonce));
        }
        Ok(VerifiedLogin {
            sid: claims
                .get("sid")
                .and_then(Value::as_str)
                .map(str::to_string),
            acr: claims
                .get("acr")
                .and_then(Value::as_str)
                .map(str::to_string),
            claims,
            id_token: token.to_string(),
        })
    }

    /// The login's `acr` must reach the configured minimum (separate from the token checks so
    /// that a refusal can still be audited under the person's pseudonym).
    pub fn check_acr(&self, login: &VerifiedLogin) -> Result<(), LoginError> {
        match &self.min_acr {
            Some(min) if login.acr.as_deref().map(acr_level).unwrap_or(0) < acr_level(min) => {
                Err(LoginError::AcrTooLow)
            }
            _ => Ok(()),
        }
    }

    /// RP-initiated logout: where to send the browser so the provider ends its session too.
    pub async fn end_session_url(
        &self,
        http: &reqwest::Client,
        id_token_hint: Option<&str>,
    ) -> Option<String> {
        let d = self.discover(http).await.ok()?;
        let mut url = url::Url::parse(d.meta.end_session_endpoint.as_deref()?).ok()?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.client_id)
                .append_pair("post_logout_redirect_uri", &self.post_logout_redirect_uri)
                .append_pair("state", &random_token());
            if let Some(hint) = id_token_hint {
                q.append_pair("id_token_hint", hint);
            }
        }
        Some(url.into())
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Provider error codes are shown and logged: keep them to the RFC 6749 alphabet, short.
fn sanitize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect()
}

/// A `return_to` we will redirect to: a local absolute path only. Refuses `//host`, `/\host`,
/// schemes, control characters and percent-encoded slashes or backslashes that a browser or
/// proxy might decode into one of those.
pub fn safe_return_to(raw: &str) -> Option<String> {
    if raw.len() > 512 || !raw.starts_with('/') {
        return None;
    }
    if raw.starts_with("//") || raw.contains('\\') || raw.chars().any(|c| c.is_control()) {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%09", "%0a", "%0d", "%00"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return None;
    }
    // Belt and braces: resolved against a placeholder origin it must stay on that origin.
    let base = url::Url::parse("https://dsar.invalid/").ok()?;
    let joined = base.join(raw).ok()?;
    (joined.origin() == base.origin()).then(|| raw.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_failure_at_login_keeps_its_cause_for_the_log_but_not_the_page() {
        let e = LoginError::from(sea_orm::DbErr::Custom("connection reset".into()));
        assert_eq!(e.to_string(), "storage failure");
        assert_eq!(e.reason(), "storage");
        assert_eq!(
            crate::error::chain(&e),
            "storage failure: Custom Error: connection reset"
        );
    }

    #[test]
    fn return_to_accepts_local_paths_only() {
        for ok in [
            "/",
            "/min-side",
            "/office?x=1&y=2",
            "/a/b#c",
            "/requests/PV-2026-000001",
        ] {
            assert_eq!(safe_return_to(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "min-side",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2F/evil.example",
            "/%2fevil.example",
            "/%5Cevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "%2F%2Fevil.example",
            " //evil.example",
        ] {
            assert_eq!(safe_return_to(bad), None, "{bad:?}");
        }
        assert_eq!(safe_return_to(&format!("/{}", "a".repeat(600))), None);
    }

    #[test]
    fn acr_levels_by_suffix() {
        assert!(acr_level("idporten-loa-high") > acr_level("idporten-loa-substantial"));
        assert!(acr_level("idporten-loa-substantial") > acr_level("idporten-loa-low"));
        assert_eq!(acr_level("eidas-loa-high"), 3);
        assert_eq!(acr_level("Level4"), 0);
        assert_eq!(acr_level(""), 0);
    }

    #[test]
    fn pkce_matches_rfc7636_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn provider_error_codes_are_sanitized() {
        assert_eq!(sanitize_code("access_denied"), "access_denied");
        assert_eq!(sanitize_code("<script>x</script>"), "scriptxscript");
    }
}
