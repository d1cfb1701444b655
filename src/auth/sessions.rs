//! Sessions in the database (docs/login.md), so they survive a restart and are shared by
//! every instance. The cookie holds 32 random bytes; the table holds only their SHA-256, so a
//! copy of the table cannot be replayed as cookies. The payload (identity number, ID token, CSRF
//! token) is sealed with the vault key. A session ends after `idle` without use or `absolute`
//! after login, whichever comes first; a login always gets a fresh id (no fixation).
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, Utc};
use entity::session;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, prelude::Expr,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::oidc::{PendingLogin, ProviderKind, random_token};
use crate::crypto::PidVault;

const SEAL_CONTEXT: &[u8] = b"dsar-session-v1";
/// A pending login must come back from the provider within this time.
pub const PENDING_TTL: Duration = Duration::from_secs(10 * 60);

pub use entity::values::SessionKind;

/// The sealed part of a session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SessionData {
    /// Synchronizer token for forms (see `web::csrf`).
    pub csrf: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    /// For `id_token_hint` at logout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingLogin>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub kind: SessionKind,
    pub provider: ProviderKind,
    pub data: SessionData,
    pub expires_at: DateTime<Utc>,
}

/// Cookie names; the `__Host-` prefix (Secure, Path=/, no Domain) where cookies are Secure.
#[derive(Debug, Clone)]
pub struct CookieNames {
    pub session: &'static str,
    pub login: &'static str,
}

pub struct SessionStore {
    db: DatabaseConnection,
    vault: PidVault,
    idle: chrono::Duration,
    absolute: chrono::Duration,
    pub secure: bool,
    pub names: CookieNames,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl SessionStore {
    pub fn new(
        db: DatabaseConnection,
        vault: PidVault,
        idle: Duration,
        absolute: Duration,
        secure: bool,
    ) -> Self {
        let names = if secure {
            CookieNames {
                session: "__Host-dsar_session",
                login: "__Host-dsar_login",
            }
        } else {
            CookieNames {
                session: "dsar_session",
                login: "dsar_login",
            }
        };
        Self {
            db,
            vault,
            idle: chrono_dur(idle),
            absolute: chrono_dur(absolute),
            secure,
            names,
        }
    }

    fn seal(&self, data: &SessionData) -> Result<String, DbErr> {
        let json = serde_json::to_vec(data).map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(self.vault.seal_bound(SEAL_CONTEXT, &json))
    }

    /// Stores a pending login; returns the cookie value.
    pub async fn create_pending(&self, pending: PendingLogin) -> Result<String, DbErr> {
        let now = Utc::now();
        let until = now + chrono_dur(PENDING_TTL);
        let provider = pending.provider;
        let data = SessionData {
            csrf: random_token(),
            pending: Some(pending),
            ..Default::default()
        };
        self.insert(
            SessionKind::Pending,
            provider,
            None,
            None,
            &data,
            now,
            until,
            until,
        )
        .await
    }

    /// Starts a logged-in session with a new id; returns the cookie value.
    pub async fn create(
        &self,
        kind: SessionKind,
        provider: ProviderKind,
        issuer: &str,
        sid: Option<String>,
        data: SessionData,
    ) -> Result<String, DbErr> {
        let now = Utc::now();
        self.purge_expired(now).await?;
        let expires = now + self.absolute;
        let idle = (now + self.idle).min(expires);
        self.insert(
            kind,
            provider,
            Some(issuer.into()),
            sid,
            &data,
            now,
            idle,
            expires,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert(
        &self,
        kind: SessionKind,
        provider: ProviderKind,
        issuer: Option<String>,
        sid: Option<String>,
        data: &SessionData,
        now: DateTime<Utc>,
        idle_until: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<String, DbErr> {
        let token = random_token();
        session::ActiveModel {
            id: Set(hash_token(&token)),
            kind: Set(kind),
            provider: Set(provider),
            issuer: Set(issuer),
            sid: Set(sid),
            data: Set(self.seal(data)?),
            created_at: Set(now),
            idle_expires_at: Set(idle_until),
            expires_at: Set(until),
        }
        .insert(&self.db)
        .await?;
        Ok(token)
    }

    /// The live session behind a cookie value, extending its idle time. Expired or unreadable
    /// sessions are deleted and read as none.
    pub async fn load(&self, token: &str) -> Result<Option<Session>, DbErr> {
        let id = hash_token(token);
        let Some(row) = session::Entity::find_by_id(id.clone())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        let (kind, provider) = (row.kind, row.provider);
        let data = self
            .vault
            .open_bound(SEAL_CONTEXT, &row.data)
            .ok()
            .and_then(|plain| serde_json::from_slice::<SessionData>(&plain).ok());
        let Some(data) = data else {
            self.delete_id(&id).await?;
            return Ok(None);
        };
        if now >= row.expires_at || now >= row.idle_expires_at {
            self.delete_id(&id).await?;
            return Ok(None);
        }
        // Extend the idle deadline, but write at most about every idle/8 so reads stay reads.
        let wanted = (now + self.idle).min(row.expires_at);
        if kind != SessionKind::Pending && wanted - row.idle_expires_at > self.idle / 8 {
            session::Entity::update_many()
                .col_expr(session::Column::IdleExpiresAt, Expr::value(wanted))
                .filter(session::Column::Id.eq(id))
                .exec(&self.db)
                .await?;
        }
        Ok(Some(Session {
            kind,
            provider,
            data,
            expires_at: row.expires_at,
        }))
    }

    /// Loads and deletes a pending login in one go: a callback can use it once only.
    pub async fn take_pending(&self, token: &str) -> Result<Option<PendingLogin>, DbErr> {
        let id = hash_token(token);
        let session = self.load(token).await?;
        // Only the request that actually deleted the row may continue (two racing callbacks).
        let deleted = self.delete_id(&id).await?;
        Ok(session
            .filter(|s| s.kind == SessionKind::Pending && deleted == 1)
            .and_then(|s| s.data.pending))
    }

    pub async fn delete(&self, token: &str) -> Result<u64, DbErr> {
        self.delete_id(&hash_token(token)).await
    }

    async fn delete_id(&self, id: &str) -> Result<u64, DbErr> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::Id.eq(id))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// Front-channel logout: ends every session the provider's session `sid` started.
    pub async fn delete_by_sid(&self, issuer: &str, sid: &str) -> Result<u64, DbErr> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::Issuer.eq(issuer))
            .filter(session::Column::Sid.eq(sid))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<(), DbErr> {
        session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::ExpiresAt.lte(now))
                    .add(session::Column::IdleExpiresAt.lte(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// `Set-Cookie` for a new value; `max_age` None ends with the browser.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if self.secure {
            c.push_str("; Secure");
        }
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={}", age.as_secs()));
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// `Set-Cookie` that removes a cookie.
    pub fn clear_cookie(&self, name: &str) -> HeaderValue {
        self.cookie(name, "", Some(Duration::ZERO))
    }

    /// The session cookie's lifetime: the absolute timeout (the idle one is enforced here).
    pub fn session_max_age(&self) -> Duration {
        self.absolute.to_std().unwrap_or(Duration::from_secs(3600))
    }
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; dsar_session=abc; xdsar_session=evil"),
        );
        assert_eq!(cookie_value(&h, "dsar_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&h, "dsar_login"), None);
    }

    #[test]
    fn session_ids_are_stored_hashed() {
        let token = random_token();
        let id = hash_token(&token);
        assert_eq!(id.len(), 64);
        assert!(!id.contains(&token));
    }
}
