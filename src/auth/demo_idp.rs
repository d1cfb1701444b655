//! The built-in demo OpenID provider (demo mode only; production refuses demo mode). It works
//! like ID-porten's TestID: the person types or picks a synthetic identity number and an
//! assurance level, or picks a staff persona. It speaks real OpenID Connect — discovery,
//! authorize with PKCE S256, token with client authentication, JWKS, end_session — so the same
//! relying-party code runs against it and against a real provider. Codes live in memory: one
//! demo instance is assumed.
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{
    demo_issuer::DemoIssuer,
    oidc::{Provider, ProviderKind, ct_eq, load_client_key, pkce_challenge, random_token},
    settings::{ClientAuthMethod, LoginBuildError, ProviderSettings},
};

const CODE_TTL: Duration = Duration::from_secs(60);
const ID_TOKEN_TTL: u64 = 120;

enum ClientCheck {
    Secret(String),
    Key(Box<DecodingKey>, Algorithm),
}

pub struct DemoClient {
    pub client_id: String,
    pub kind: ProviderKind,
    pub redirect_uri: String,
    pub post_logout_redirect_uri: String,
    check: ClientCheck,
}

/// Who logged in at the demo provider.
#[derive(Debug, Clone)]
pub enum Subject {
    Citizen {
        pid: String,
    },
    Staff {
        username: String,
        name: String,
        role: String,
    },
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    nonce: String,
    subject: Subject,
    acr: String,
    sid: String,
    issued: Instant,
}

/// The query of an authorization request (also re-posted by the login form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeRequest {
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub nonce: String,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    #[serde(default)]
    pub acr_values: Option<String>,
    #[serde(default)]
    pub ui_locales: Option<String>,
}

/// An authorization request that must not be answered by redirect (RFC 6749 §4.1.2.1).
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizeError {
    UnknownClient,
    BadRedirectUri,
    /// Answered by redirect with `error=invalid_request`.
    Invalid(&'static str),
}

/// A token endpoint error (RFC 6749 §5.2).
#[derive(Debug, PartialEq, Eq)]
pub struct TokenEndpointError {
    pub error: &'static str,
    pub description: &'static str,
}

fn token_error(error: &'static str, description: &'static str) -> TokenEndpointError {
    TokenEndpointError { error, description }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenRequest {
    #[serde(default)]
    pub grant_type: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub code_verifier: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub client_assertion_type: Option<String>,
    #[serde(default)]
    pub client_assertion: Option<String>,
}

pub struct DemoIdp {
    pub issuer: String,
    pub clients: Vec<DemoClient>,
    pairwise_key: [u8; 32],
    grants: Mutex<HashMap<String, Grant>>,
    seen_assertions: Mutex<HashMap<String, u64>>,
}

pub const ACR_LEVELS: [&str; 2] = ["idporten-loa-substantial", "idporten-loa-high"];

impl DemoIdp {
    pub fn new(issuer: String, clients: Vec<DemoClient>) -> Self {
        Self {
            issuer,
            clients,
            pairwise_key: rand::random(),
            grants: Mutex::new(HashMap::new()),
            seen_assertions: Mutex::new(HashMap::new()),
        }
    }

    /// Registers one of our own providers as a client, with the secret or public key it uses.
    pub fn client_for(
        provider: &Provider,
        cfg: &ProviderSettings,
    ) -> Result<DemoClient, LoginBuildError> {
        let check = match cfg.client_auth {
            ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost => {
                ClientCheck::Secret(cfg.client_secret.expose().to_string())
            }
            ClientAuthMethod::PrivateKeyJwt => {
                let path = cfg
                    .private_key_path
                    .as_ref()
                    .ok_or_else(|| LoginBuildError("demo client needs a key".into()))?;
                let (key, alg) = load_client_key(path, &cfg.assertion_algorithm)
                    .map_err(|e| LoginBuildError(e.to_string()))?;
                let jwk = Jwk::from_encoding_key(&key, alg)
                    .map_err(|e| LoginBuildError(e.to_string()))?;
                let public =
                    DecodingKey::from_jwk(&jwk).map_err(|e| LoginBuildError(e.to_string()))?;
                ClientCheck::Key(Box::new(public), alg)
            }
        };
        Ok(DemoClient {
            client_id: provider.client_id.clone(),
            kind: provider.kind,
            redirect_uri: provider.redirect_uri.clone(),
            post_logout_redirect_uri: provider.post_logout_redirect_uri.clone(),
            check,
        })
    }

    pub fn client(&self, client_id: &str) -> Option<&DemoClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn discovery(&self) -> Value {
        let i = &self.issuer;
        json!({
            "issuer": i,
            "authorization_endpoint": format!("{i}/authorize"),
            "token_endpoint": format!("{i}/token"),
            "jwks_uri": format!("{i}/jwks"),
            "end_session_endpoint": format!("{i}/endsession"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "acr", "amr",
                "auth_time", "sid", "pid", "locale", "preferred_username", "name", "roles"],
            "acr_values_supported": ACR_LEVELS,
            "ui_locales_supported": ["nb", "nn", "en"],
            "authorization_response_iss_parameter_supported": true,
            "frontchannel_logout_supported": true,
            "frontchannel_logout_session_supported": true,
        })
    }

    /// Checks an authorization request; on success the login page may be shown.
    pub fn check_authorize(&self, req: &AuthorizeRequest) -> Result<&DemoClient, AuthorizeError> {
        let client = self
            .client(&req.client_id)
            .ok_or(AuthorizeError::UnknownClient)?;
        if req.redirect_uri != client.redirect_uri {
            return Err(AuthorizeError::BadRedirectUri);
        }
        if req.response_type != "code" {
            return Err(AuthorizeError::Invalid(
                "only response_type=code is supported",
            ));
        }
        if !req.scope.split(' ').any(|s| s == "openid") {
            return Err(AuthorizeError::Invalid("the openid scope is required"));
        }
        // As in ID-porten: state, nonce and PKCE S256 are mandatory.
        if req.state.is_empty() || req.nonce.is_empty() {
            return Err(AuthorizeError::Invalid("state and nonce are required"));
        }
        if req.code_challenge_method != "S256" || req.code_challenge.len() != 43 {
            return Err(AuthorizeError::Invalid("PKCE with S256 is required"));
        }
        Ok(client)
    }

    /// Records a successful login and returns the authorization code.
    pub fn issue_code(&self, req: &AuthorizeRequest, subject: Subject, acr: &str) -> String {
        let code = random_token();
        let grant = Grant {
            client_id: req.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            code_challenge: req.code_challenge.clone(),
            nonce: req.nonce.clone(),
            subject,
            acr: acr.to_string(),
            sid: random_token(),
            issued: Instant::now(),
        };
        if let Ok(mut grants) = self.grants.lock() {
            grants.retain(|_, g| g.issued.elapsed() < CODE_TTL);
            grants.insert(code.clone(), grant);
        }
        code
    }

    /// The token endpoint: client authentication, single-use code, PKCE, then an ID token.
    pub fn token(
        &self,
        req: &TokenRequest,
        basic: Option<(String, String)>,
        signer: &DemoIssuer,
    ) -> Result<Value, TokenEndpointError> {
        if req.grant_type != "authorization_code" {
            return Err(token_error(
                "unsupported_grant_type",
                "only authorization_code",
            ));
        }
        let client = self.authenticate(req, basic)?;
        // Taken out at once: a code works once, even if this request fails further on.
        let grant = self
            .grants
            .lock()
            .ok()
            .and_then(|mut g| g.remove(&req.code))
            .filter(|g| g.issued.elapsed() < CODE_TTL)
            .ok_or_else(|| token_error("invalid_grant", "unknown, used or expired code"))?;
        if grant.client_id != client.client_id || grant.redirect_uri != req.redirect_uri {
            return Err(token_error(
                "invalid_grant",
                "the code was issued to another client",
            ));
        }
        if pkce_challenge(&req.code_verifier) != grant.code_challenge {
            return Err(token_error("invalid_grant", "PKCE verification failed"));
        }
        let now = jsonwebtoken::get_current_timestamp();
        let subject_key = match &grant.subject {
            Subject::Citizen { pid } => pid.clone(),
            Subject::Staff { username, .. } => username.clone(),
        };
        let mut claims = json!({
            "iss": self.issuer,
            "aud": client.client_id,
            "sub": self.pairwise_sub(&client.client_id, &subject_key),
            "iat": now,
            "exp": now + ID_TOKEN_TTL,
            "auth_time": now,
            "nonce": grant.nonce,
            "acr": grant.acr,
            "amr": ["TestID"],
            "sid": grant.sid,
            "locale": "nb",
        });
        match &grant.subject {
            Subject::Citizen { pid } => claims["pid"] = json!(pid),
            Subject::Staff {
                username,
                name,
                role,
            } => {
                claims["preferred_username"] = json!(username);
                claims["name"] = json!(name);
                claims["roles"] = json!([role]);
            }
        }
        let id_token = signer
            .sign(&claims)
            .map_err(|_| token_error("server_error", "could not sign"))?;
        Ok(json!({
            "access_token": random_token(),
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_TTL,
            "scope": "openid profile",
            "id_token": id_token,
        }))
    }

    fn authenticate(
        &self,
        req: &TokenRequest,
        basic: Option<(String, String)>,
    ) -> Result<&DemoClient, TokenEndpointError> {
        let invalid = || token_error("invalid_client", "client authentication failed");
        if let (Some(kind), Some(assertion)) = (&req.client_assertion_type, &req.client_assertion) {
            if kind != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
                return Err(invalid());
            }
            let claimed = req.client_id.as_deref().unwrap_or_default();
            let client = self.client(claimed).ok_or_else(invalid)?;
            let ClientCheck::Key(key, alg) = &client.check else {
                return Err(invalid());
            };
            let mut v = Validation::new(*alg);
            v.set_issuer(&[&client.client_id]);
            v.set_audience(&[self.issuer.clone(), format!("{}/token", self.issuer)]);
            v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            let claims = jsonwebtoken::decode::<Value>(assertion, key, &v)
                .map_err(|_| invalid())?
                .claims;
            let jti = claims["jti"].as_str().ok_or_else(invalid)?;
            if claims["sub"] != json!(client.client_id) {
                return Err(invalid());
            }
            let exp = claims["exp"].as_u64().unwrap_or(0);
            let mut seen = self.seen_assertions.lock().map_err(|_| invalid())?;
            let now = jsonwebtoken::get_current_timestamp();
            seen.retain(|_, e| *e + 60 > now);
            if seen.insert(jti.to_string(), exp).is_some() {
                return Err(invalid());
            }
            return Ok(client);
        }
        let (id, secret) = match basic {
            Some(pair) => pair,
            None => (
                req.client_id.clone().unwrap_or_default(),
                req.client_secret.clone().unwrap_or_default(),
            ),
        };
        let client = self.client(&id).ok_or_else(invalid)?;
        match &client.check {
            ClientCheck::Secret(expected) if !expected.is_empty() && ct_eq(expected, &secret) => {
                Ok(client)
            }
            _ => Err(invalid()),
        }
    }

    /// Pairwise `sub` like ID-porten's: stable per client, not linkable across clients.
    fn pairwise_sub(&self, client_id: &str, subject: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.pairwise_key) else {
            return random_token();
        };
        mac.update(client_id.as_bytes());
        mac.update(b"\0");
        mac.update(subject.as_bytes());
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &mac.finalize().into_bytes()[..24],
        )
    }
}
