//! Login settings (`[login]` in dsar.toml, `DSAR_LOGIN__*` in the environment): the two OpenID
//! providers (citizens: ID-porten; staff: the workforce IdP), sessions and the login rate limit.
//! In demo mode an unconfigured provider is the built-in demo provider (`/dev/idp`).
use serde::Deserialize;

use crate::config::{ConfigError, Secret};

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A JWT signed with our private key (RFC 7523); what ID-porten recommends.
    PrivateKeyJwt,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProviderSettings {
    /// Exact issuer; the discovery document is `{issuer}/.well-known/openid-configuration`
    /// and its `issuer` must equal this.
    pub issuer: String,
    pub client_id: String,
    #[serde(default = "default_client_auth")]
    pub client_auth: ClientAuthMethod,
    /// For `client_secret_basic` / `client_secret_post`.
    #[serde(default)]
    pub client_secret: Secret,
    /// PEM private key (PKCS#8; RSA or EC P-256) for `private_key_jwt`.
    #[serde(default)]
    pub private_key_path: Option<std::path::PathBuf>,
    /// `kid` of that key as registered at the provider.
    #[serde(default)]
    pub key_id: Option<String>,
    /// `RS256` or `ES256`; must match the key.
    #[serde(default = "default_assertion_alg")]
    pub assertion_algorithm: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// `acr_values` sent with the request (the minimum we ask the provider for).
    #[serde(default)]
    pub acr_values: Option<String>,
    /// Lowest `acr` accepted in the ID token: `idporten-loa-substantial` or `idporten-loa-high`
    /// (compared by the `-substantial`/`-high` suffix). None: no `acr` check (staff IdPs).
    #[serde(default)]
    pub min_acr: Option<String>,
    /// ID token algorithms accepted (HS* and `none` never are).
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
    /// Defaults to `{base_url}/auth/callback`.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// Defaults to `{base_url}/logged-out`.
    #[serde(default)]
    pub post_logout_redirect_uri: Option<String>,
    /// Staff: the claim holding the username matched against `staff_user.username`.
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// Staff: when set, the role comes from this claim (a string or a list) and overrides the
    /// role in the staff table; a staff member not in the table yet is added at first login.
    #[serde(default)]
    pub roles_claim: Option<String>,
}

fn default_client_auth() -> ClientAuthMethod {
    ClientAuthMethod::PrivateKeyJwt
}
fn default_assertion_alg() -> String {
    "RS256".into()
}
fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into()]
}
fn default_algorithms() -> Vec<String> {
    vec!["RS256".into(), "ES256".into()]
}
fn default_username_claim() -> String {
    "preferred_username".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LoginSettings {
    /// ID-porten (or a stand-in) for citizens.
    pub citizen: Option<ProviderSettings>,
    /// The workforce IdP for staff.
    pub staff: Option<ProviderSettings>,
    /// `Secure` on cookies. None: on in production and when `base_url` is https.
    pub cookie_secure: Option<bool>,
    /// A session ends after this long without use.
    pub session_idle_seconds: u64,
    /// A session ends this long after login, used or not.
    pub session_absolute_seconds: u64,
    /// Logins, callbacks and token calls per client IP: bucket size and refill per minute.
    pub rate_limit_burst: u32,
    pub rate_limit_per_minute: u32,
    /// Refused when set: the client address comes from `http.trusted_proxies` and
    /// `http.client_ip_header`, so a forwarding header is believed from trusted proxies only.
    pub client_ip_header: Option<String>,
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self {
            citizen: None,
            staff: None,
            cookie_secure: None,
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 10 * 3600,
            rate_limit_burst: 30,
            rate_limit_per_minute: 30,
            client_ip_header: None,
        }
    }
}

fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.into(),
    }
}

impl LoginSettings {
    /// Explicit setting, else on in production and wherever `base_url` is https.
    pub fn cookie_secure(&self, production: bool, base_url: &str) -> bool {
        self.cookie_secure
            .unwrap_or_else(|| production || base_url.starts_with("https://"))
    }

    pub fn validate(&self, production: bool, base_url: &str) -> Result<(), ConfigError> {
        if self.session_idle_seconds == 0 || self.session_absolute_seconds == 0 {
            return Err(invalid(
                "login.session_*_seconds",
                "session timeouts must be above zero",
            ));
        }
        if self.rate_limit_burst == 0 || self.rate_limit_per_minute == 0 {
            return Err(invalid(
                "login.rate_limit_*",
                "rate limits must be above zero",
            ));
        }
        if self.client_ip_header.is_some() {
            return Err(invalid(
                "login.client_ip_header",
                "set http.trusted_proxies and http.client_ip_header instead: a forwarding \
                 header is believed only from trusted proxies",
            ));
        }
        if production && !self.cookie_secure(production, base_url) {
            return Err(invalid(
                "login.cookie_secure",
                "production needs Secure cookies",
            ));
        }
        for (name, provider) in [
            ("login.citizen", &self.citizen),
            ("login.staff", &self.staff),
        ] {
            let Some(p) = provider else { continue };
            if production && !p.issuer.starts_with("https://") {
                return Err(invalid(
                    name,
                    "the issuer must be an https URL in production",
                ));
            }
            if url::Url::parse(&p.issuer).is_err() {
                return Err(invalid(name, "the issuer is not a URL"));
            }
            for alg in &p.algorithms {
                if !super::tokens::is_allowed_algorithm_name(alg) {
                    return Err(invalid(
                        name,
                        format!("algorithm {alg} is not allowed (only RS*/PS*/ES*)"),
                    ));
                }
            }
            match p.client_auth {
                ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost
                    if p.client_secret.is_empty() =>
                {
                    return Err(invalid(
                        name,
                        "client_secret is needed for this client_auth",
                    ));
                }
                ClientAuthMethod::PrivateKeyJwt if p.private_key_path.is_none() => {
                    return Err(invalid(
                        name,
                        "private_key_path is needed for private_key_jwt",
                    ));
                }
                _ => {}
            }
            if !matches!(p.assertion_algorithm.as_str(), "RS256" | "ES256") {
                return Err(invalid(name, "assertion_algorithm must be RS256 or ES256"));
            }
            if let Some(acr) = &p.min_acr
                && super::tokens::acr_level(acr) < 2
            {
                return Err(invalid(
                    name,
                    "min_acr must be idporten-loa-substantial or idporten-loa-high",
                ));
            }
        }
        Ok(())
    }
}

/// The login settings cannot be used (a provider, a key or the demo client).
#[derive(Debug, thiserror::Error)]
#[error("login configuration: {0}")]
pub struct LoginBuildError(pub String);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn provider(issuer: &str) -> ProviderSettings {
        serde_json::from_value(serde_json::json!({
            "issuer": issuer, "client_id": "c", "client_auth": "client_secret_post",
            "client_secret": "s",
        }))
        .unwrap()
    }

    #[test]
    fn production_rules() {
        let mut s = LoginSettings::default();
        assert!(
            s.validate(true, "http://dsar.internal").is_ok(),
            "Secure by default"
        );
        assert!(s.cookie_secure(true, "http://dsar.internal"));
        assert!(!s.cookie_secure(false, "http://127.0.0.1:8080"));
        s.cookie_secure = Some(false);
        assert!(s.validate(true, "https://dsar.example").is_err());
        assert!(s.validate(false, "http://127.0.0.1:8080").is_ok());
        s.cookie_secure = None;
        s.citizen = Some(provider("http://idp.example"));
        assert!(
            s.validate(true, "https://dsar.example").is_err(),
            "http issuer"
        );
        assert!(s.validate(false, "https://dsar.example").is_ok());
        s.citizen = Some(provider("https://idporten.no"));
        assert!(s.validate(true, "https://dsar.example").is_ok());
    }

    #[test]
    fn provider_settings_are_checked() {
        let mut s = LoginSettings::default();
        let mut p = provider("https://idporten.no");
        p.algorithms = vec!["HS256".into()];
        s.citizen = Some(p);
        assert!(s.validate(false, "").is_err(), "HS256 is never allowed");
        let mut p = provider("https://idporten.no");
        p.client_secret = Secret::default();
        s.citizen = Some(p);
        assert!(
            s.validate(false, "").is_err(),
            "a secret method needs a secret"
        );
        let mut p = provider("https://idporten.no");
        p.client_auth = ClientAuthMethod::PrivateKeyJwt;
        s.citizen = Some(p);
        assert!(
            s.validate(false, "").is_err(),
            "private_key_jwt needs a key"
        );
        let mut p = provider("https://idporten.no");
        p.min_acr = Some("idporten-loa-low".into());
        s.citizen = Some(p);
        assert!(
            s.validate(false, "").is_err(),
            "low is below any useful level"
        );
    }
}
