//! Bearer token validation with jsonwebtoken against each trusted issuer's JWKS: `iss`, `aud`,
//! `exp`, `nbf`, and an algorithm allow-list (HMAC and `none` are never accepted, so a public key
//! can never be used as an HMAC secret). Remote key sets are cached and refetched on an unknown
//! `kid`, so key rotation works without a restart.
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

/// Only asymmetric algorithms: a verifier holding a public key must never accept HS*.
pub fn parse_allowed_algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        "PS256" => Some(Algorithm::PS256),
        "PS384" => Some(Algorithm::PS384),
        "PS512" => Some(Algorithm::PS512),
        "ES256" => Some(Algorithm::ES256),
        "ES384" => Some(Algorithm::ES384),
        _ => None,
    }
}

pub fn is_allowed_algorithm_name(name: &str) -> bool {
    parse_allowed_algorithm(name).is_some()
}

/// The claims dsar reads. `pid` marks a citizen (never `sub`, which ID-porten makes pairwise).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub exp: u64,
    #[serde(default)]
    pub nbf: Option<u64>,
    #[serde(default)]
    pub iat: Option<u64>,
    #[serde(default)]
    pub pid: Option<String>,
    #[serde(default)]
    pub acr: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the bearer token is malformed")]
    Malformed,
    #[error("the token's issuer is not trusted")]
    UnknownIssuer,
    #[error("the token's signing algorithm is not allowed")]
    AlgorithmNotAllowed,
    #[error("the token's signing key is unknown")]
    UnknownKey,
    #[error("the token is expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token is not meant for this service")]
    WrongAudience,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the issuer's keys could not be fetched")]
    KeysUnavailable,
}

enum KeySource {
    Static,
    Remote { url: String },
}

struct IssuerState {
    keys: JwkSet,
    fetched_at: Option<Instant>,
}

pub struct TrustedIssuer {
    issuer: String,
    audience: String,
    algorithms: Vec<Algorithm>,
    source: KeySource,
    state: RwLock<IssuerState>,
}

impl TrustedIssuer {
    /// An issuer whose keys are known in process (the demo issuer, tests).
    pub fn with_keys(
        issuer: &str,
        audience: &str,
        algorithms: Vec<Algorithm>,
        keys: JwkSet,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            algorithms,
            source: KeySource::Static,
            state: RwLock::new(IssuerState {
                keys,
                fetched_at: None,
            }),
        }
    }

    /// An issuer whose keys are fetched from `jwks_url` (cached; refetched on an unknown `kid`).
    pub fn remote(
        issuer: &str,
        audience: &str,
        algorithms: Vec<Algorithm>,
        jwks_url: &str,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            algorithms,
            source: KeySource::Remote {
                url: jwks_url.into(),
            },
            state: RwLock::new(IssuerState {
                keys: JwkSet { keys: vec![] },
                fetched_at: None,
            }),
        }
    }
}

const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);
const REFETCH_NOT_BEFORE: Duration = Duration::from_secs(30);

pub struct TokenVerifier {
    issuers: Vec<TrustedIssuer>,
    leeway: u64,
    http: reqwest::Client,
}

impl TokenVerifier {
    pub fn new(issuers: Vec<TrustedIssuer>, leeway_seconds: u64) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            issuers,
            leeway: leeway_seconds,
            http,
        }
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let iss = unverified_issuer(token)?;
        let issuer = self
            .issuers
            .iter()
            .find(|i| i.issuer == iss)
            .ok_or(TokenError::UnknownIssuer)?;
        if !issuer.algorithms.contains(&header.alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let kid = header.kid.clone().unwrap_or_default();
        let key = self.key_for(issuer, &kid).await?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_issuer(&[&issuer.issuer]);
        validation.set_audience(&[&issuer.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map(|d| d.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                match e.kind() {
                    K::ExpiredSignature => TokenError::Expired,
                    K::ImmatureSignature => TokenError::NotYetValid,
                    K::InvalidAudience => TokenError::WrongAudience,
                    K::InvalidIssuer => TokenError::UnknownIssuer,
                    K::InvalidSignature | K::InvalidAlgorithm | K::InvalidKeyFormat => {
                        TokenError::BadSignature
                    }
                    _ => TokenError::Malformed,
                }
            })
    }

    async fn key_for(&self, issuer: &TrustedIssuer, kid: &str) -> Result<DecodingKey, TokenError> {
        {
            let state = issuer.state.read().await;
            let fresh = state.fetched_at.is_some_and(|t| t.elapsed() < KEYS_MAX_AGE);
            if let Some(key) = find_key(&state.keys, kid)
                && (fresh || matches!(issuer.source, KeySource::Static))
            {
                return key;
            }
        }
        let KeySource::Remote { url } = &issuer.source else {
            return Err(TokenError::UnknownKey);
        };
        let mut state = issuer.state.write().await;
        // Another task may have refreshed meanwhile; and never hammer the issuer.
        let recently = state
            .fetched_at
            .is_some_and(|t| t.elapsed() < REFETCH_NOT_BEFORE);
        if !recently {
            match self.fetch(url).await {
                Ok(keys) => {
                    state.keys = keys;
                    state.fetched_at = Some(Instant::now());
                }
                Err(e) if state.keys.keys.is_empty() => return Err(e),
                Err(_) => tracing::warn!("could not refresh an issuer's keys; using cached ones"),
            }
        }
        find_key(&state.keys, kid).unwrap_or(Err(TokenError::UnknownKey))
    }

    async fn fetch(&self, url: &str) -> Result<JwkSet, TokenError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|_| TokenError::KeysUnavailable)?;
        if !response.status().is_success() {
            return Err(TokenError::KeysUnavailable);
        }
        response
            .json::<JwkSet>()
            .await
            .map_err(|_| TokenError::KeysUnavailable)
    }
}

fn find_key(keys: &JwkSet, kid: &str) -> Option<Result<DecodingKey, TokenError>> {
    let jwk = if kid.is_empty() && keys.keys.len() == 1 {
        keys.keys.first()
    } else {
        keys.find(kid)
    }?;
    Some(DecodingKey::from_jwk(jwk).map_err(|_| TokenError::UnknownKey))
}

/// Reads `iss` before verification, only to pick the issuer whose keys then verify everything.
fn unverified_issuer(token: &str) -> Result<String, TokenError> {
    let payload = token.split('.').nth(1).ok_or(TokenError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| TokenError::Malformed)?;
    #[derive(Deserialize)]
    struct Iss {
        iss: String,
    }
    serde_json::from_slice::<Iss>(&bytes)
        .map(|i| i.iss)
        .map_err(|_| TokenError::Malformed)
}

/// A small cache of verified tokens (keyed by a hash of the token), so hot clients skip the
/// signature check; entries never outlive the token's `exp`.
pub struct VerifiedCache {
    entries: std::sync::Mutex<HashMap<[u8; 32], Claims>>,
    capacity: usize,
}

impl VerifiedCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: std::sync::Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn key(token: &str) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes()).into()
    }

    pub fn get(&self, token: &str, now: u64) -> Option<Claims> {
        let map = self.entries.lock().ok()?;
        map.get(&Self::key(token)).filter(|c| c.exp > now).cloned()
    }

    pub fn put(&self, token: &str, claims: Claims) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= self.capacity {
                map.clear();
            }
            map.insert(Self::key(token), claims);
        }
    }
}
