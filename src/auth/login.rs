//! The login service: the configured providers, the session store and the rate limiter, and the
//! steps the web layer calls — begin a login, complete it into a fresh session, log out (here and
//! at the provider), and front-channel logout. Every refused login is an audit event that names
//! the person only by pseudonym.
//!
//! Over 500 lines on purpose: the login steps share the providers, the session store and the rate limiter; split, they would pass that state around.
use std::{
    net::{IpAddr, SocketAddr},
    path::Path,
    time::Duration,
};

use axum::http::HeaderMap;
use entity::staff_user;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::{
    Principal,
    demo_idp::DemoIdp,
    oidc::{CallbackParams, LoginError, Provider, ProviderKind, random_token, safe_return_to},
    principal::parse_staff_role,
    rate_limit::RateLimiter,
    resolve::{resolve_citizen, resolve_staff},
    sessions::{Session, SessionData, SessionKind, SessionStore},
    settings::{ClientAuthMethod, ProviderSettings},
};
use crate::{
    audit::AuditRecord,
    config::{Secret, Settings},
    core::Core,
    crypto::PidVault,
    error::{ServiceError, ServiceResult},
};

pub use super::settings::LoginBuildError;

pub const DEFAULT_MIN_ACR: &str = "idporten-loa-substantial";

pub struct Login {
    pub citizen: Option<Provider>,
    pub staff: Option<Provider>,
    pub sessions: SessionStore,
    pub limiter: RateLimiter,
    pub http: reqwest::Client,
    pub demo_idp: Option<DemoIdp>,
    leeway: u64,
    proxies: crate::client_ip::TrustedProxies,
}

/// A finished login: the new session's cookie value and where to go.
pub struct Completed {
    pub session_token: String,
    pub kind: SessionKind,
    pub return_to: String,
}

/// A refused login, with what the audit trail may know about who tried.
#[derive(Debug)]
pub struct Refused {
    pub error: LoginError,
    pub provider: Option<ProviderKind>,
    pub pseudonym: Option<String>,
}

impl From<LoginError> for Refused {
    fn from(error: LoginError) -> Self {
        Self {
            error,
            provider: None,
            pseudonym: None,
        }
    }
}

fn demo_provider_settings(
    settings: &Settings,
    kind: ProviderKind,
) -> Result<ProviderSettings, LoginBuildError> {
    let issuer = demo_idp_issuer(settings);
    let base = ProviderSettings {
        issuer,
        client_id: String::new(),
        client_auth: ClientAuthMethod::ClientSecretBasic,
        client_secret: Secret::default(),
        private_key_path: None,
        key_id: None,
        assertion_algorithm: "ES256".into(),
        scopes: vec!["openid".into(), "profile".into()],
        acr_values: None,
        min_acr: None,
        algorithms: vec!["ES256".into()],
        redirect_uri: None,
        post_logout_redirect_uri: None,
        username_claim: "preferred_username".into(),
        roles_claim: None,
    };
    Ok(match kind {
        // Like ID-porten: private_key_jwt with a key of ours (kept in the data dir).
        ProviderKind::Citizen => {
            let path = settings.data_dir.join("demo-rp-key.pem");
            ensure_ec_key(&path)?;
            ProviderSettings {
                client_id: "dsar-demo-citizen".into(),
                client_auth: ClientAuthMethod::PrivateKeyJwt,
                private_key_path: Some(path),
                key_id: Some("dsar-demo-rp".into()),
                ..base
            }
        }
        ProviderKind::Staff => ProviderSettings {
            client_id: "dsar-demo-office".into(),
            client_secret: Secret::new(random_token()),
            ..base
        },
    })
}

pub fn demo_idp_issuer(settings: &Settings) -> String {
    format!("{}/dev/idp", settings.base_url().trim_end_matches('/'))
}

fn ensure_ec_key(path: &Path) -> Result<(), LoginBuildError> {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    if path.exists() {
        return Ok(());
    }
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem = secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| LoginBuildError(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| LoginBuildError(e.to_string()))?;
    }
    crate::crypto::write_private_file(path, pem.as_bytes())
        .map_err(|e| LoginBuildError(e.to_string()))
}

impl Login {
    pub fn build(
        settings: &Settings,
        db: sea_orm::DatabaseConnection,
        vault: PidVault,
    ) -> Result<Self, LoginBuildError> {
        let login = &settings.login;
        let base_url = settings.base_url();
        // Each provider's settings, resolved once: configured, or the demo provider's client.
        let resolve = |kind: ProviderKind,
                       configured: &Option<ProviderSettings>|
         -> Result<Option<ProviderSettings>, LoginBuildError> {
            let mut cfg = match (configured, settings.demo) {
                (Some(c), _) => c.clone(),
                (None, true) => demo_provider_settings(settings, kind)?,
                (None, false) => return Ok(None),
            };
            // Citizens need at least substantial assurance unless configured higher.
            if kind == ProviderKind::Citizen && cfg.min_acr.is_none() {
                cfg.min_acr = Some(DEFAULT_MIN_ACR.into());
            }
            if kind == ProviderKind::Citizen && cfg.acr_values.is_none() {
                cfg.acr_values = cfg.min_acr.clone();
            }
            Ok(Some(cfg))
        };
        // Tests rotate keys within seconds; elsewhere never refetch more than twice a minute.
        let refetch = if settings.environment == crate::config::Environment::Test {
            Duration::ZERO
        } else {
            super::jwks::REFETCH_NOT_BEFORE
        };
        let mut providers = Vec::new();
        for (kind, configured) in [
            (ProviderKind::Citizen, &login.citizen),
            (ProviderKind::Staff, &login.staff),
        ] {
            if let Some(cfg) = resolve(kind, configured)? {
                let provider = Provider::new(kind, &cfg, &base_url, refetch)
                    .map_err(|e| LoginBuildError(format!("{}: {e}", kind.as_str())))?;
                providers.push((provider, cfg));
            }
        }
        let demo_idp = if settings.demo {
            let issuer = demo_idp_issuer(settings);
            let clients = providers
                .iter()
                .filter(|(p, _)| p.issuer == issuer)
                .map(|(p, cfg)| DemoIdp::client_for(p, cfg))
                .collect::<Result<Vec<_>, _>>()?;
            Some(DemoIdp::new(issuer, clients))
        } else {
            None
        };
        let mut citizen = None;
        let mut staff = None;
        for (provider, _) in providers {
            match provider.kind {
                ProviderKind::Citizen => citizen = Some(provider),
                ProviderKind::Staff => staff = Some(provider),
            }
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            // Never follow redirects from a provider's back channel (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| LoginBuildError(e.to_string()))?;
        Ok(Self {
            citizen,
            staff,
            sessions: SessionStore::new(
                db,
                vault,
                Duration::from_secs(login.session_idle_seconds),
                Duration::from_secs(login.session_absolute_seconds),
                login.cookie_secure(settings.environment.is_production(), &base_url),
            ),
            limiter: RateLimiter::new(login.rate_limit_burst, login.rate_limit_per_minute),
            http,
            demo_idp,
            leeway: settings.clock_skew_seconds,
            proxies: settings.http.trusted_proxies().map_err(LoginBuildError)?,
        })
    }

    pub fn provider(&self, kind: ProviderKind) -> Result<&Provider, LoginError> {
        match kind {
            ProviderKind::Citizen => self.citizen.as_ref(),
            ProviderKind::Staff => self.staff.as_ref(),
        }
        .ok_or(LoginError::NotConfigured)
    }

    /// The client address for rate limiting: the TCP peer, or, from a trusted proxy, the
    /// first untrusted hop of its forwarding header (`crate::client_ip`).
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
        self.proxies.client_ip(headers, peer)
    }

    /// Starts a login: the provider URL to redirect to and the pending-login cookie value.
    pub async fn begin(
        &self,
        kind: ProviderKind,
        return_to: Option<&str>,
        ui_locale: &str,
    ) -> Result<(String, String), LoginError> {
        let provider = self.provider(kind)?;
        let fallback = match kind {
            ProviderKind::Citizen => "/min-side",
            ProviderKind::Staff => "/office",
        };
        // An unsafe return_to is dropped, never followed.
        let return_to = return_to
            .and_then(safe_return_to)
            .unwrap_or_else(|| fallback.to_string());
        let (url, pending) = provider.start(&self.http, return_to, ui_locale).await?;
        let token = self.sessions.create_pending(pending).await?;
        Ok((url, token))
    }

    /// Completes a login from the provider's redirect. The pending login is used up whatever
    /// happens; on success a session with a new id exists.
    pub async fn complete(
        &self,
        app: &Core,
        pending_token: Option<&str>,
        params: &CallbackParams,
    ) -> Result<Completed, Refused> {
        let pending = match pending_token {
            Some(t) => self
                .sessions
                .take_pending(t)
                .await
                .map_err(LoginError::from)?,
            None => None,
        }
        .ok_or(LoginError::LoginExpired)?;
        let kind = pending.provider;
        let refused = |error: LoginError, pseudonym: Option<String>| Refused {
            error,
            provider: Some(kind),
            pseudonym,
        };
        let provider = self.provider(kind).map_err(|e| refused(e, None))?;
        let verified = provider
            .finish(&self.http, &pending, params, self.leeway)
            .await
            .map_err(|e| refused(e, None))?;
        let (session_kind, data, actor) = match kind {
            ProviderKind::Citizen => {
                // `pid`, never `sub`: ID-porten's `sub` is pairwise per client.
                let pid = verified
                    .claim_str("pid")
                    .ok_or_else(|| refused(LoginError::NoPid, None))?;
                let principal =
                    resolve_citizen(app, pid).map_err(|_| refused(LoginError::InvalidPid, None))?;
                let actor = principal.audit_actor();
                let pseudonym = Some(actor.clone());
                provider
                    .check_acr(&verified)
                    .map_err(|e| refused(e, pseudonym.clone()))?;
                let data = SessionData {
                    csrf: random_token(),
                    pid: Some(pid.to_string()),
                    acr: verified.acr.clone(),
                    id_token: Some(verified.id_token.clone()),
                    ..Default::default()
                };
                (SessionKind::Citizen, data, actor)
            }
            ProviderKind::Staff => {
                provider
                    .check_acr(&verified)
                    .map_err(|e| refused(e, None))?;
                let username = if provider.username_claim == "sub" {
                    verified.claim_str("sub")
                } else {
                    verified.claim_str(&provider.username_claim)
                }
                .filter(|u| !u.is_empty() && u.len() <= 200)
                .ok_or_else(|| refused(LoginError::UnknownStaff, None))?
                .to_string();
                if let Some(claim) = &provider.roles_claim {
                    sync_staff_role(app, &username, &verified.claims, claim)
                        .await
                        .map_err(|e| refused(e, None))?;
                }
                let principal = resolve_staff(app, &username).await.map_err(|e| {
                    let error = match e {
                        ServiceError::Forbidden(m) if m.contains("role") => LoginError::NoRole,
                        ServiceError::Forbidden(_) => LoginError::UnknownStaff,
                        other => LoginError::Storage(Box::new(other)),
                    };
                    refused(error, None)
                })?;
                let data = SessionData {
                    csrf: random_token(),
                    username: Some(username),
                    acr: verified.acr.clone(),
                    id_token: Some(verified.id_token.clone()),
                    ..Default::default()
                };
                (SessionKind::Staff, data, principal.audit_actor())
            }
        };
        let session_token = self
            .sessions
            .create(
                session_kind,
                kind,
                &provider.issuer,
                verified.sid.clone(),
                data,
            )
            .await
            .map_err(|e| refused(e.into(), None))?;
        audit(
            app,
            actor,
            "auth.login",
            json!({ "provider": kind.as_str(), "acr": verified.acr }),
        )
        .await;
        Ok(Completed {
            session_token,
            kind: session_kind,
            return_to: pending.return_to,
        })
    }

    /// Ends the session here; returns the provider's end-session URL when it has one.
    pub async fn logout(&self, app: &Core, token: &str) -> Option<String> {
        let session = self.sessions.load(token).await.ok().flatten()?;
        if let Err(e) = self.sessions.delete(token).await {
            tracing::error!(error = %e, "could not delete a session at logout");
        }
        if session.kind == SessionKind::Pending {
            return None;
        }
        let actor = match self.principal(app, &session).await {
            Ok(p) => p.audit_actor(),
            Err(_) => "unknown".into(),
        };
        audit(
            app,
            actor,
            "auth.logout",
            json!({ "provider": session.provider.as_str() }),
        )
        .await;
        let provider = self.provider(session.provider).ok()?;
        provider
            .end_session_url(&self.http, session.data.id_token.as_deref())
            .await
    }

    /// Front-channel logout from a configured provider: ends the sessions of its `sid`.
    pub async fn frontchannel_logout(&self, app: &Core, iss: &str, sid: &str) -> u64 {
        let known = [&self.citizen, &self.staff]
            .into_iter()
            .flatten()
            .any(|p| p.issuer == iss);
        if !known || sid.is_empty() {
            return 0;
        }
        match self.sessions.delete_by_sid(iss, sid).await {
            Ok(n) => {
                if n > 0 {
                    audit(
                        app,
                        "provider".into(),
                        "auth.frontchannel_logout",
                        json!({ "sessions": n }),
                    )
                    .await;
                }
                n
            }
            Err(e) => {
                tracing::error!(error = %e, "front-channel logout failed");
                0
            }
        }
    }

    /// The principal a session stands for, re-read each time so role changes apply at once.
    pub async fn principal(&self, app: &Core, session: &Session) -> ServiceResult<Principal> {
        let missing = || ServiceError::Forbidden("the session has no identity".into());
        match session.kind {
            SessionKind::Citizen => {
                resolve_citizen(app, session.data.pid.as_deref().ok_or_else(missing)?)
            }
            SessionKind::Staff => {
                resolve_staff(app, session.data.username.as_deref().ok_or_else(missing)?).await
            }
            SessionKind::Pending => Err(missing()),
        }
    }

    /// Audits a refused login (the page shows `error_id`, the audit trail keeps it too).
    pub async fn audit_refusal(&self, app: &Core, refused: &Refused, error_id: &str) {
        if matches!(refused.error, LoginError::Storage(_)) {
            tracing::error!(error_id, error = %crate::error::chain(&refused.error), "a login failed on storage");
        }
        audit(
            app,
            refused
                .pseudonym
                .clone()
                .unwrap_or_else(|| "anonymous".into()),
            "auth.login_failed",
            json!({
                "provider": refused.provider.map(|p| p.as_str()),
                "reason": refused.error.reason(),
                "error_id": error_id,
            }),
        )
        .await;
    }
}

/// Roles from a claim: the first value naming a staff role wins; the staff table is updated
/// (and a first-time staff member added) so assignment and the audit trail know them.
async fn sync_staff_role(
    app: &Core,
    username: &str,
    claims: &serde_json::Map<String, Value>,
    claim: &str,
) -> Result<(), LoginError> {
    let role = match claims.get(claim) {
        Some(Value::String(s)) => parse_staff_role(s).map(|_| s.clone()),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .find(|s| parse_staff_role(s).is_some())
            .map(str::to_string),
        _ => None,
    }
    .ok_or(LoginError::NoRole)?;
    let name = claims
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(username)
        .to_string();
    let username = username.to_string();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let existing = staff_user::Entity::find()
                    .filter(staff_user::Column::Username.eq(username.as_str()))
                    .one(&tx.db)
                    .await?;
                let changed = match existing {
                    Some(user) if user.role == role => false,
                    Some(user) => {
                        let mut active: staff_user::ActiveModel = user.into();
                        active.role = Set(role.clone());
                        active.update(&tx.db).await?;
                        true
                    }
                    None => {
                        staff_user::ActiveModel {
                            id: Set(uuid::Uuid::now_v7()),
                            username: Set(username.clone()),
                            display_name: Set(name),
                            role: Set(role.clone()),
                            controller_id: Set(None),
                            active: Set(true),
                            created_at: Set(tx.now),
                        }
                        .insert(&tx.db)
                        .await?;
                        true
                    }
                };
                if changed {
                    tx.audit(AuditRecord {
                        actor: "system".into(),
                        action: "staff.role_from_claim".into(),
                        request_id: None,
                        details: json!({ "username": username, "role": role }),
                    })
                    .await?;
                }
                Ok(())
            })
        })
        .await
        .map_err(|e| LoginError::Storage(Box::new(e)))
}

/// Appends an audit event; a failure is logged (a login must not fail on it).
pub async fn audit(app: &Core, actor: String, action: &'static str, details: Value) {
    let result = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                tx.audit(AuditRecord {
                    actor,
                    action: action.into(),
                    request_id: None,
                    details,
                })
                .await
            })
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, action, "could not write an audit event");
    }
}
