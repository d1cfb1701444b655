//! dsar's service tokens to source systems: RS256 JWTs, as Maskinporten uses, with
//! `iss` = our base URL, `aud` = the source's id, a short life, `scope` = `dsar:{operation}` and
//! the `pid` of the person the call is about. The signing key comes from the settings, or is
//! generated at first start and kept encrypted in the database so every instance signs with the
//! same key. Rotation keeps the old public key in the JWKS for a while (tokens in flight).
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use entity::signing_key;
use jsonwebtoken::{
    Algorithm, EncodingKey, Header,
    jwk::{Jwk, JwkSet},
};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;

use super::protocol::Operation;
use crate::{
    audit::AuditRecord,
    crypto::PidVault,
    error::{ServiceError, ServiceResult},
    identity::Pid,
    writer::Writer,
};

/// Token life: the protocol allows at most 120 s.
pub const TOKEN_TTL_SECONDS: u64 = 60;
/// How long an instance trusts its copy of the keys before reading them again.
const KEY_CACHE: Duration = Duration::from_secs(30);

/// The claims of a service token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServiceClaims {
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    pub scope: String,
    /// The person the call is about (absent when the call names a DUF number instead).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pid: String,
    /// The DUF number of a person known only by one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duf: Option<String>,
}

impl ServiceClaims {
    /// The person the token is restricted to, as a call's subject names them.
    pub fn subject(&self) -> super::protocol::Subject {
        super::protocol::Subject {
            pid: self.pid.clone(),
            duf: self.duf.clone(),
        }
    }
}

#[derive(Clone)]
struct SigningState {
    kid: String,
    key: EncodingKey,
    jwks: JwkSet,
    loaded: Instant,
}

#[derive(Clone)]
pub struct ServiceKeys {
    issuer: String,
    /// A key from the settings never rotates through the database.
    pub(super) fixed: bool,
    retired_hours: u64,
    state: Arc<RwLock<SigningState>>,
}

impl std::fmt::Debug for ServiceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceKeys(***)")
    }
}

fn key_error(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Storage(format!("service signing key: {e}").into())
}

/// A key id that says which key it is without saying anything secret (JWK thumbprint-like).
fn kid_of(jwk: &Jwk) -> String {
    let json = serde_json::to_string(&jwk.algorithm).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    format!("dsar-{}", &hex::encode(digest)[..16])
}

fn public_jwk(key: &EncodingKey) -> ServiceResult<Jwk> {
    let mut jwk = Jwk::from_encoding_key(key, Algorithm::RS256).map_err(key_error)?;
    let kid = kid_of(&jwk);
    jwk.common.key_id = Some(kid);
    jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
    Ok(jwk)
}

/// A fresh 2048-bit RSA key as PKCS#8 PEM. Runs on a blocking thread: it takes a moment.
pub async fn generate_pem() -> ServiceResult<String> {
    tokio::task::spawn_blocking(|| {
        let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(key_error)?;
        let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(key_error)?;
        Ok(pem.to_string())
    })
    .await
    .map_err(key_error)?
}

impl ServiceKeys {
    /// Loads the signing key: from the settings when given, else from the database (creating it
    /// at first start).
    pub async fn load(
        db: &impl ConnectionTrait,
        writer: &Writer,
        vault: &PidVault,
        issuer: String,
        settings: &crate::config::SourceSettings,
    ) -> ServiceResult<Self> {
        if !settings.signing_key_pem.is_empty() {
            let key = EncodingKey::from_rsa_pem(settings.signing_key_pem.expose().as_bytes())
                .map_err(key_error)?;
            let jwk = public_jwk(&key)?;
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            return Ok(Self {
                issuer,
                fixed: true,
                retired_hours: settings.retired_key_hours,
                state: Arc::new(RwLock::new(SigningState {
                    kid,
                    key,
                    jwks: JwkSet { keys: vec![jwk] },
                    loaded: Instant::now(),
                })),
            });
        }
        if active_key(db).await?.is_none() {
            create_key(writer, vault, None).await?;
        }
        let state = read_state(db, vault, settings.retired_key_hours).await?;
        Ok(Self {
            issuer,
            fixed: false,
            retired_hours: settings.retired_key_hours,
            state: Arc::new(RwLock::new(state)),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Reads the keys again when the cached copy is old (another instance may have rotated).
    async fn fresh(
        &self,
        db: &impl ConnectionTrait,
        vault: &PidVault,
    ) -> ServiceResult<SigningState> {
        {
            let state = self.state.read().await;
            if self.fixed || state.loaded.elapsed() < KEY_CACHE {
                return Ok(state.clone());
            }
        }
        let state = read_state(db, vault, self.retired_hours).await?;
        *self.state.write().await = state.clone();
        Ok(state)
    }

    /// Signs a token for one call to `source` about `pid`.
    pub async fn sign(
        &self,
        db: &impl ConnectionTrait,
        vault: &PidVault,
        source: &str,
        operation: Operation,
        pid: &Pid,
    ) -> ServiceResult<String> {
        self.sign_scope(db, vault, source, &operation.scope(), pid)
            .await
    }

    /// A token for `source` with `scope`, restricted to `pid`.
    pub async fn sign_scope(
        &self,
        db: &impl ConnectionTrait,
        vault: &PidVault,
        source: &str,
        scope: &str,
        pid: &Pid,
    ) -> ServiceResult<String> {
        let subject = super::protocol::Subject::pid(pid);
        self.sign_subject(db, vault, source, scope, &subject).await
    }

    /// A token for `source` with `scope`, restricted to the person `subject` names.
    pub async fn sign_subject(
        &self,
        db: &impl ConnectionTrait,
        vault: &PidVault,
        source: &str,
        scope: &str,
        subject: &super::protocol::Subject,
    ) -> ServiceResult<String> {
        let state = self.fresh(db, vault).await?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = ServiceClaims {
            iss: self.issuer.clone(),
            aud: source.to_string(),
            iat: now,
            exp: now + TOKEN_TTL_SECONDS,
            jti: uuid::Uuid::new_v4().to_string(),
            scope: scope.to_string(),
            pid: subject.pid.clone(),
            duf: subject.duf.clone(),
        };
        sign_with(&state.key, &state.kid, &claims)
    }

    /// Signs arbitrary claims with the current key (the Maskinporten grant uses it).
    pub async fn sign_claims<T: Serialize>(
        &self,
        db: &impl ConnectionTrait,
        vault: &PidVault,
        claims: &T,
    ) -> ServiceResult<String> {
        let state = self.fresh(db, vault).await?;
        sign_with(&state.key, &state.kid, claims)
    }

    /// The published keys: the current one and those retired recently.
    pub async fn jwks(&self, db: &impl ConnectionTrait, vault: &PidVault) -> ServiceResult<JwkSet> {
        Ok(self.fresh(db, vault).await?.jwks)
    }

    /// Forgets the cached keys (after a rotation in this process).
    pub async fn reload(&self, db: &impl ConnectionTrait, vault: &PidVault) -> ServiceResult<()> {
        if !self.fixed {
            *self.state.write().await = read_state(db, vault, self.retired_hours).await?;
        }
        Ok(())
    }
}

fn sign_with<T: Serialize>(key: &EncodingKey, kid: &str, claims: &T) -> ServiceResult<String> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, key).map_err(key_error)
}

pub(super) async fn active_key(
    db: &impl ConnectionTrait,
) -> ServiceResult<Option<signing_key::Model>> {
    Ok(signing_key::Entity::find()
        .filter(signing_key::Column::RetiredAt.is_null())
        .order_by_desc(signing_key::Column::CreatedAt)
        .one(db)
        .await?)
}

async fn read_state(
    db: &impl ConnectionTrait,
    vault: &PidVault,
    retired_hours: u64,
) -> ServiceResult<SigningState> {
    let active = active_key(db)
        .await?
        .ok_or_else(|| key_error("no active signing key in the database"))?;
    let pem = vault.open(&active.private_key).map_err(key_error)?;
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(key_error)?;
    let since: DateTime<Utc> = Utc::now() - chrono::Duration::hours(retired_hours as i64);
    let published = signing_key::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(signing_key::Column::RetiredAt.is_null())
                .add(signing_key::Column::RetiredAt.gt(since)),
        )
        .order_by_desc(signing_key::Column::CreatedAt)
        .all(db)
        .await?;
    let keys = published
        .iter()
        .filter_map(|k| serde_json::from_str::<Jwk>(&k.public_jwk).ok())
        .collect();
    Ok(SigningState {
        kid: active.kid,
        key,
        jwks: JwkSet { keys },
        loaded: Instant::now(),
    })
}

/// Creates a signing key, retiring the active one when `rotate` names it. Inside one writer
/// transaction, so two instances starting at once end up with one key. Returns the new kid.
pub(super) async fn create_key(
    writer: &Writer,
    vault: &PidVault,
    rotate: Option<String>,
) -> ServiceResult<String> {
    let pem = generate_pem().await?;
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(key_error)?;
    let jwk = public_jwk(&key)?;
    let kid = jwk.common.key_id.clone().unwrap_or_default();
    let sealed = vault.seal(&pem);
    let jwk_json = serde_json::to_string(&jwk).map_err(key_error)?;
    writer
        .run(move |tx| {
            Box::pin(async move {
                let current = active_key(&tx.db).await?;
                match (&current, &rotate) {
                    // Someone else created one first: keep theirs.
                    (Some(c), None) => return Ok(c.kid.clone()),
                    // Rotated concurrently by someone else: keep theirs.
                    (Some(c), Some(old)) if &c.kid != old => return Ok(c.kid.clone()),
                    _ => {}
                }
                if let Some(c) = current {
                    let mut c: signing_key::ActiveModel = c.into();
                    c.retired_at = Set(Some(tx.now));
                    c.update(&tx.db).await?;
                }
                signing_key::ActiveModel {
                    kid: Set(kid.clone()),
                    algorithm: Set("RS256".into()),
                    private_key: Set(sealed),
                    public_jwk: Set(jwk_json),
                    created_at: Set(tx.now),
                    retired_at: Set(None),
                }
                .insert(&tx.db)
                .await?;
                tx.audit(AuditRecord {
                    actor: "system".into(),
                    action: "service_key.created".into(),
                    request_id: None,
                    details: serde_json::json!({ "kid": kid, "retired": rotate }),
                })
                .await?;
                Ok(kid)
            })
        })
        .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn signed_tokens_verify_with_the_published_key_only() {
        let pem = generate_pem().await.unwrap();
        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
        let jwk = public_jwk(&key).unwrap();
        let kid = jwk.common.key_id.clone().unwrap();
        let claims = ServiceClaims {
            iss: "https://dsar.example".into(),
            aud: "udi".into(),
            iat: jsonwebtoken::get_current_timestamp(),
            exp: jsonwebtoken::get_current_timestamp() + 60,
            jti: "j".into(),
            scope: "dsar:access".into(),
            pid: "12345678901".into(),
            duf: None,
        };
        let token = sign_with(&key, &kid, &claims).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.kid.as_deref(), Some(kid.as_str()));
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&["udi"]);
        validation.set_issuer(&["https://dsar.example"]);
        let got = jsonwebtoken::decode::<ServiceClaims>(&token, &decoding, &validation).unwrap();
        assert_eq!(got.claims, claims);
        // Another key's JWK does not verify it.
        let other = EncodingKey::from_rsa_pem(generate_pem().await.unwrap().as_bytes()).unwrap();
        let other_jwk = public_jwk(&other).unwrap();
        assert_ne!(other_jwk.common.key_id, jwk.common.key_id);
        let wrong = jsonwebtoken::DecodingKey::from_jwk(&other_jwk).unwrap();
        assert!(jsonwebtoken::decode::<ServiceClaims>(&token, &wrong, &validation).is_err());
    }
}
