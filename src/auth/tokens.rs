//! Bearer token validation with jsonwebtoken against each trusted issuer's JWKS: `iss`, `aud`,
//! `exp`, `nbf`, and an algorithm allow-list (HMAC and `none` are never accepted, so a public key
//! can never be used as an HMAC secret). Remote key sets are cached and refetched on an unknown
//! `kid`, so key rotation works without a restart.
//!
//! Each issuer is bound to one kind of user ([`IssuerKind`]): a citizen issuer's tokens must name
//! a person (`pid`) at a high enough assurance level (`acr`), a staff issuer's tokens never name
//! one. An `iat` in the future and a lifetime (`exp` − `iat`) above the issuer's maximum are
//! refused, so a stolen or mis-minted long-lived token is worth nothing here.
//!
//! Over 500 lines on purpose: the validation and the tests of every refused token (algorithm, key, issuer, audience, time) belong together.
use std::{collections::HashMap, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};

use super::jwks::{KeyError, KeySet};

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

/// Whom an issuer's tokens may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuerKind {
    /// ID-porten or a stand-in: every token names a person by `pid`.
    Citizen,
    /// The workforce IdP: tokens name staff by `sub`, never a person.
    Staff,
}

/// Default for the lowest `acr` a citizen issuer's token must carry.
pub const DEFAULT_CITIZEN_MIN_ACR: &str = "idporten-loa-substantial";
/// Default for the longest lifetime (`exp` − `iat`) accepted, seconds: above common workforce
/// IdP access tokens (60-90 minutes), far below a token that was minted to last.
pub const DEFAULT_MAX_LIFETIME_SECONDS: u64 = 2 * 3600;

/// What an issuer's tokens must satisfy besides a valid signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerPolicy {
    pub kind: IssuerKind,
    /// Lowest `acr` level ([`acr_level`]); 0 checks nothing.
    pub min_acr_level: u8,
    /// Longest accepted `exp` − `iat` (or `exp` − now when there is no `iat`), seconds.
    pub max_lifetime_seconds: u64,
}

impl IssuerPolicy {
    /// A citizen issuer at `min_acr` (default substantial).
    pub fn citizen(min_acr: Option<&str>, max_lifetime_seconds: u64) -> Self {
        Self {
            kind: IssuerKind::Citizen,
            min_acr_level: acr_level(min_acr.unwrap_or(DEFAULT_CITIZEN_MIN_ACR)),
            max_lifetime_seconds,
        }
    }

    /// A staff issuer; `min_acr` only when the workforce IdP sends one worth checking.
    pub fn staff(min_acr: Option<&str>, max_lifetime_seconds: u64) -> Self {
        Self {
            kind: IssuerKind::Staff,
            min_acr_level: min_acr.map(acr_level).unwrap_or(0),
            max_lifetime_seconds,
        }
    }

    /// The claims-only rules, after the signature, `iss`, `aud`, `exp` and `nbf` were checked.
    pub fn check(&self, claims: &Claims, now: u64, leeway: u64) -> Result<(), TokenError> {
        if claims
            .iat
            .is_some_and(|iat| iat > now.saturating_add(leeway))
        {
            return Err(TokenError::IssuedInFuture);
        }
        let from = claims.iat.unwrap_or(now);
        if claims.exp.saturating_sub(from) > self.max_lifetime_seconds.saturating_add(leeway) {
            return Err(TokenError::LifetimeTooLong);
        }
        let names_person = claims.pid.as_deref().is_some_and(|p| !p.is_empty());
        match self.kind {
            IssuerKind::Citizen if !names_person => return Err(TokenError::WrongKind),
            IssuerKind::Staff if claims.pid.is_some() => return Err(TokenError::WrongKind),
            _ => {}
        }
        let level = claims.acr.as_deref().map(acr_level).unwrap_or(0);
        if level < self.min_acr_level {
            return Err(TokenError::AcrTooLow);
        }
        Ok(())
    }
}

/// A verified token: its claims and the kind of issuer that vouched for them.
#[derive(Debug, Clone)]
pub struct Verified {
    pub claims: Claims,
    pub kind: IssuerKind,
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
    #[error("the token's issue time (iat) is in the future")]
    IssuedInFuture,
    #[error("the token is valid for longer than this service accepts")]
    LifetimeTooLong,
    #[error("the token's assurance level (acr) is too low")]
    AcrTooLow,
    #[error("this issuer's tokens cannot stand for this kind of user")]
    WrongKind,
}

impl From<KeyError> for TokenError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::UnknownKey => Self::UnknownKey,
            KeyError::KeysUnavailable => Self::KeysUnavailable,
        }
    }
}

pub struct TrustedIssuer {
    issuer: String,
    audience: String,
    algorithms: Vec<Algorithm>,
    keys: KeySet,
    policy: IssuerPolicy,
}

impl TrustedIssuer {
    /// An issuer whose keys are known in process (the demo issuer, tests).
    pub fn with_keys(
        issuer: &str,
        audience: &str,
        algorithms: Vec<Algorithm>,
        keys: JwkSet,
        policy: IssuerPolicy,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            algorithms,
            keys: KeySet::fixed(keys),
            policy,
        }
    }

    /// An issuer whose keys are fetched from `jwks_url` (cached; refetched on an unknown `kid`).
    pub fn remote(
        issuer: &str,
        audience: &str,
        algorithms: Vec<Algorithm>,
        jwks_url: &str,
        policy: IssuerPolicy,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            algorithms,
            keys: KeySet::remote(jwks_url, super::jwks::REFETCH_NOT_BEFORE),
            policy,
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

    pub async fn verify(&self, token: &str) -> Result<Verified, TokenError> {
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
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
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
            })?;
        issuer
            .policy
            .check(&claims, jsonwebtoken::get_current_timestamp(), self.leeway)?;
        Ok(Verified {
            claims,
            kind: issuer.policy.kind,
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
    entries: std::sync::Mutex<HashMap<[u8; 32], Verified>>,
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

    pub fn get(&self, token: &str, now: u64) -> Option<Verified> {
        let map = self.entries.lock().ok()?;
        map.get(&Self::key(token))
            .filter(|v| v.claims.exp > now)
            .cloned()
    }

    pub fn put(&self, token: &str, claims: Verified) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= self.capacity {
                map.clear();
            }
            map.insert(Self::key(token), claims);
        }
    }
}

/// Assurance level by suffix, as Digdir suggests (so `eidas-loa-high` would count as high).
pub fn acr_level(acr: &str) -> u8 {
    if acr.ends_with("-high") {
        3
    } else if acr.ends_with("-substantial") {
        2
    } else if acr.ends_with("-low") {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(iat: Option<u64>, exp: u64, pid: Option<&str>, acr: Option<&str>) -> Claims {
        Claims {
            iss: "i".into(),
            sub: "s".into(),
            exp,
            nbf: None,
            iat,
            pid: pid.map(Into::into),
            acr: acr.map(Into::into),
        }
    }

    #[test]
    fn issuer_policy_rules() {
        const NOW: u64 = 1_000_000;
        const SUB: &str = "idporten-loa-substantial";
        const HIGH: &str = "idporten-loa-high";
        let citizen = IssuerPolicy::citizen(None, 3600);
        let citizen_high = IssuerPolicy::citizen(Some(HIGH), 3600);
        let staff = IssuerPolicy::staff(None, 3600);
        let pid = Some("12345678901");
        use TokenError as E;
        // (policy, iat, exp, pid, acr, expected)
        type Case<'a> = (
            &'a IssuerPolicy,
            Option<u64>,
            u64,
            Option<&'a str>,
            Option<&'a str>,
            Result<(), E>,
        );
        let cases: Vec<Case> = vec![
            (&citizen, Some(NOW), NOW + 600, pid, Some(SUB), Ok(())),
            (&citizen, Some(NOW), NOW + 600, pid, Some(HIGH), Ok(())),
            (
                &citizen,
                Some(NOW),
                NOW + 600,
                pid,
                Some("idporten-loa-low"),
                Err(E::AcrTooLow),
            ),
            (&citizen, Some(NOW), NOW + 600, pid, None, Err(E::AcrTooLow)),
            (
                &citizen,
                Some(NOW),
                NOW + 600,
                pid,
                Some("Level4"),
                Err(E::AcrTooLow),
            ),
            (
                &citizen_high,
                Some(NOW),
                NOW + 600,
                pid,
                Some(SUB),
                Err(E::AcrTooLow),
            ),
            (&citizen_high, Some(NOW), NOW + 600, pid, Some(HIGH), Ok(())),
            // A small clock skew is tolerated; more is not.
            (&citizen, Some(NOW + 20), NOW + 600, pid, Some(SUB), Ok(())),
            (
                &citizen,
                Some(NOW + 31),
                NOW + 600,
                pid,
                Some(SUB),
                Err(E::IssuedInFuture),
            ),
            (
                &citizen,
                Some(NOW + 86_400),
                NOW + 90_000,
                pid,
                Some(SUB),
                Err(E::IssuedInFuture),
            ),
            // Lifetime: exp - iat, or exp - now without iat.
            (
                &citizen,
                Some(NOW - 100),
                NOW + 3500,
                pid,
                Some(SUB),
                Ok(()),
            ),
            (
                &citizen,
                Some(NOW),
                NOW + 3600 + 31,
                pid,
                Some(SUB),
                Err(E::LifetimeTooLong),
            ),
            (
                &citizen,
                Some(NOW - 7200),
                NOW + 60,
                pid,
                Some(SUB),
                Err(E::LifetimeTooLong),
            ),
            (
                &citizen,
                Some(NOW),
                NOW + 10 * 365 * 86_400,
                pid,
                Some(SUB),
                Err(E::LifetimeTooLong),
            ),
            (&citizen, None, NOW + 600, pid, Some(SUB), Ok(())),
            (
                &citizen,
                None,
                NOW + 10 * 365 * 86_400,
                pid,
                Some(SUB),
                Err(E::LifetimeTooLong),
            ),
            // Issuer binding.
            (
                &citizen,
                Some(NOW),
                NOW + 600,
                None,
                Some(SUB),
                Err(E::WrongKind),
            ),
            (
                &citizen,
                Some(NOW),
                NOW + 600,
                Some(""),
                Some(SUB),
                Err(E::WrongKind),
            ),
            (&staff, Some(NOW), NOW + 600, None, None, Ok(())),
            (
                &staff,
                Some(NOW),
                NOW + 600,
                pid,
                Some(SUB),
                Err(E::WrongKind),
            ),
            (
                &staff,
                Some(NOW),
                NOW + 600,
                Some(""),
                None,
                Err(E::WrongKind),
            ),
        ];
        for (i, (policy, iat, exp, pid, acr, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                policy.check(&claims(iat, exp, pid, acr), NOW, 30),
                expected,
                "case {i}"
            );
        }
    }
}
