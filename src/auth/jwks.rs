//! A signing-key set: fixed (keys known in process) or fetched from an issuer's `jwks_uri`,
//! cached, and refetched when a token names a `kid` the cache does not have, so key rotation at
//! the issuer works without a restart. Shared by bearer-token and ID-token validation.
use std::time::{Duration, Instant};

use jsonwebtoken::{DecodingKey, jwk::JwkSet};
use tokio::sync::RwLock;

/// Why a key set gave no key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// No key with that id, or one that cannot be used.
    UnknownKey,
    /// The issuer's keys could not be fetched.
    KeysUnavailable,
}

const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);
/// Never refetch more often than this, so a stream of unknown `kid`s cannot hammer the issuer.
pub const REFETCH_NOT_BEFORE: Duration = Duration::from_secs(30);

enum Source {
    Fixed,
    Remote { url: String },
}

struct State {
    keys: JwkSet,
    fetched_at: Option<Instant>,
}

pub struct KeySet {
    source: Source,
    refetch_not_before: Duration,
    state: RwLock<State>,
}

impl KeySet {
    pub fn fixed(keys: JwkSet) -> Self {
        Self {
            source: Source::Fixed,
            refetch_not_before: REFETCH_NOT_BEFORE,
            state: RwLock::new(State {
                keys,
                fetched_at: None,
            }),
        }
    }

    pub fn remote(url: &str, refetch_not_before: Duration) -> Self {
        Self {
            source: Source::Remote { url: url.into() },
            refetch_not_before,
            state: RwLock::new(State {
                keys: JwkSet { keys: vec![] },
                fetched_at: None,
            }),
        }
    }

    /// The key named `kid` (or the only key when the token names none).
    pub async fn key(&self, http: &reqwest::Client, kid: &str) -> Result<DecodingKey, KeyError> {
        {
            let state = self.state.read().await;
            let fresh = state.fetched_at.is_some_and(|t| t.elapsed() < KEYS_MAX_AGE);
            if let Some(key) = find_key(&state.keys, kid)
                && (fresh || matches!(self.source, Source::Fixed))
            {
                return key;
            }
        }
        let Source::Remote { url } = &self.source else {
            return Err(KeyError::UnknownKey);
        };
        let mut state = self.state.write().await;
        // Another task may have refreshed meanwhile; and never hammer the issuer.
        let recently = state
            .fetched_at
            .is_some_and(|t| t.elapsed() < self.refetch_not_before);
        if !recently {
            match fetch(http, url).await {
                Ok(keys) => {
                    state.keys = keys;
                    state.fetched_at = Some(Instant::now());
                }
                Err(e) if state.keys.keys.is_empty() => return Err(e),
                Err(_) => tracing::warn!("could not refresh an issuer's keys; using cached ones"),
            }
        }
        find_key(&state.keys, kid).unwrap_or(Err(KeyError::UnknownKey))
    }
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<JwkSet, KeyError> {
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|_| KeyError::KeysUnavailable)?;
    if !response.status().is_success() {
        return Err(KeyError::KeysUnavailable);
    }
    response
        .json::<JwkSet>()
        .await
        .map_err(|_| KeyError::KeysUnavailable)
}

fn find_key(keys: &JwkSet, kid: &str) -> Option<Result<DecodingKey, KeyError>> {
    let jwk = if kid.is_empty() && keys.keys.len() == 1 {
        keys.keys.first()
    } else {
        keys.find(kid)
    }?;
    Some(DecodingKey::from_jwk(jwk).map_err(|_| KeyError::UnknownKey))
}
