//! Bearer token validation with jsonwebtoken against each trusted issuer's JWKS: `iss`, `aud`,
//! `exp`, `nbf`, and an algorithm allow-list (HMAC and `none` are never accepted, so a public key
//! can never be used as an HMAC secret). Remote key sets are cached and refetched on an unknown
//! `kid`, so key rotation works without a restart.
use std::{collections::HashMap, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};

use super::jwks::KeySet;

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

pub struct TrustedIssuer {
    issuer: String,
    audience: String,
    algorithms: Vec<Algorithm>,
    keys: KeySet,
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
            keys: KeySet::fixed(keys),
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
            keys: KeySet::remote(jwks_url, super::jwks::REFETCH_NOT_BEFORE),
        }
    }
}

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
        let key = issuer.keys.key(&self.http, &kid).await?;
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
