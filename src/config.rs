//! Settings: defaults, then an optional `dsar.toml` (or the file named by `DSAR_CONFIG`), then
//! `DSAR_*` environment variables. Validated once at start: bad settings stop the process.
use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone, Deserialize, Default)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An outside token issuer whose bearer tokens the API accepts.
#[derive(Debug, Clone, Deserialize)]
pub struct IssuerSettings {
    /// Exact `iss` value.
    pub issuer: String,
    /// Accepted `aud` value.
    pub audience: String,
    /// Where the issuer publishes its keys.
    pub jwks_url: String,
    /// Allowed signature algorithms, e.g. `["RS256"]`. HS* and `none` are never accepted.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
}

fn default_algorithms() -> Vec<String> {
    vec!["RS256".into(), "ES256".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// host:port to listen on.
    pub listen: String,
    /// Public base URL (used as the demo issuer's `iss`); defaults to http://{listen}.
    pub base_url: Option<String>,
    pub data_dir: PathBuf,
    /// Defaults to SQLite in the data dir.
    pub database_url: Option<String>,
    /// SQLite only: `normal` (default; a commit survives a crash of the process) or `full`
    /// (every commit flushed to the disk; also survives a power cut, at lower throughput).
    pub sqlite_synchronous: crate::db::SqliteSync,
    /// SQLite only: how often (ms) a background checkpoint copies the write-ahead log back into
    /// the database file, so the writer's own checkpoint inside a commit has little left to do
    /// (that pause was the intake's slowest requests); 0 leaves it all to the writer.
    pub sqlite_checkpoint_ms: u64,
    /// Demo mode: seed demo data on an empty database, run the built-in token issuer, accept
    /// synthetic identity numbers.
    pub demo: bool,
    /// `production` refuses demo features.
    pub environment: String,
    /// Accept synthetic test identity numbers (month +40/+80). On in demo mode.
    pub allow_synthetic_pids: bool,
    /// 32-byte key (hex) for encrypting identity numbers at rest.
    pub pid_encryption_key: Secret,
    /// 32-byte key (hex) for the keyed lookup hash of identity numbers.
    pub pid_hash_key: Secret,
    /// Audience our API expects in bearer tokens.
    pub api_audience: String,
    pub issuers: Vec<IssuerSettings>,
    /// Allowed clock skew for token times, seconds.
    pub clock_skew_seconds: u64,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
    /// Most jobs one group commit carries.
    pub max_batch: usize,
    pub log_format: String,
    /// OpenID Connect logins, sessions and the login rate limit.
    pub login: crate::auth::settings::LoginSettings,
    /// Stylesheets and images for the pages, served at `/static`.
    pub static_dir: PathBuf,
    /// Source systems: the collection worker, service-token keys, the simulator.
    pub sources: SourceSettings,
    /// The Prometheus endpoint.
    pub metrics: MetricsSettings,
    /// E-mail notifications: transport, outbox worker, reminders.
    pub mail: crate::notifications::MailSettings,
    /// Deleting collected personal data after the answer (docs/reports-and-retention.md).
    pub retention: RetentionSettings,
}

/// How long what was collected from source systems for a request is kept after it was closed.
/// Decisions and letters are kept (the controller's archive rules apply to them).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RetentionSettings {
    /// Run the daily retention job in this instance (several may: one of them runs it).
    pub worker: bool,
    /// Months after closing before the collected source records are deleted.
    pub source_records_months: u32,
    /// Per-controller override of `source_records_months`, keyed by organisation number.
    pub controllers: std::collections::BTreeMap<String, u32>,
    /// Hours between runs.
    pub interval_hours: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            worker: true,
            source_records_months: 12,
            controllers: Default::default(),
            interval_hours: 24,
        }
    }
}

/// Where `/metrics` is served and how it is protected.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MetricsSettings {
    /// Serve `/metrics` on this separate address (e.g. an internal port) instead of the main one.
    pub listen: Option<String>,
    /// On the main address, require `Authorization: Bearer <token>`.
    pub token: Secret,
}

/// How dsar talks to source systems (docs/source-protocol.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SourceSettings {
    /// Run the collection worker in this instance.
    pub worker: bool,
    /// Most source calls in flight at once per instance.
    pub concurrency: usize,
    /// How often the worker looks for due tasks when nothing woke it, milliseconds.
    pub poll_interval_ms: u64,
    /// Margin on top of the slowest source's timeout before a running task counts as abandoned
    /// by a dead instance and is claimed again, milliseconds.
    pub lease_margin_ms: u64,
    /// PKCS#8 PEM of the RS256 key that signs service tokens; when empty the key is generated
    /// at first start and kept (encrypted) in the database, shared by every instance.
    pub signing_key_pem: Secret,
    /// How long a retired signing key stays in the published JWKS, hours.
    pub retired_key_hours: u64,
    /// Serve the built-in simulator of the Norwegian sources at `/sim` (demo default).
    pub simulator: Option<bool>,
    /// Maskinporten client, for sources whose `auth_mode` is `maskinporten`.
    pub maskinporten: Option<MaskinportenSettings>,
}

impl Default for SourceSettings {
    fn default() -> Self {
        Self {
            worker: true,
            concurrency: 256,
            poll_interval_ms: 500,
            lease_margin_ms: 15_000,
            signing_key_pem: Secret::default(),
            retired_key_hours: 48,
            simulator: None,
            maskinporten: None,
        }
    }
}

/// A Maskinporten client (JWT grant, RFC 7523), as registered in Samarbeidsportalen.
#[derive(Debug, Clone, Deserialize)]
pub struct MaskinportenSettings {
    /// Token endpoint, e.g. `https://test.maskinporten.no/token`.
    pub token_url: String,
    /// Maskinporten's issuer, the `aud` of our grant, e.g. `https://test.maskinporten.no/`.
    pub audience: String,
    /// Our client id (integration id).
    pub client_id: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            base_url: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            sqlite_synchronous: Default::default(),
            sqlite_checkpoint_ms: 20,
            demo: false,
            environment: "development".into(),
            allow_synthetic_pids: false,
            pid_encryption_key: Secret::default(),
            pid_hash_key: Secret::default(),
            api_audience: "dsar".into(),
            issuers: Vec::new(),
            clock_skew_seconds: 30,
            max_body_bytes: 64 * 1024,
            max_batch: 256,
            log_format: "pretty".into(),
            login: Default::default(),
            static_dir: PathBuf::from("static"),
            sources: SourceSettings::default(),
            metrics: MetricsSettings::default(),
            mail: Default::default(),
            retention: RetentionSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("invalid setting `{name}`: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Settings {
    /// Loads defaults < config file < `DSAR_*` environment variables.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("DSAR_CONFIG").unwrap_or_else(|_| "dsar.toml".into());
        let built = config::Config::builder()
            .add_source(
                config::File::with_name(&file).required(std::env::var("DSAR_CONFIG").is_ok()),
            )
            .add_source(
                config::Environment::with_prefix("DSAR")
                    .prefix_separator("_")
                    .try_parsing(true)
                    .separator("__"),
            )
            .build()?;
        let mut settings: Settings = built.try_deserialize()?;
        settings.apply_demo_defaults();
        settings.validate()?;
        Ok(settings)
    }

    /// Demo mode turns on what the demo needs unless explicitly configured.
    pub fn apply_demo_defaults(&mut self) {
        if self.demo {
            self.allow_synthetic_pids = true;
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        self.metrics_addr()?;
        if self.environment == "production" {
            if self.demo {
                return Err(ConfigError::Invalid {
                    name: "demo",
                    reason: "the demo issuer and demo data are refused in production".into(),
                });
            }
            if self.allow_synthetic_pids {
                return Err(ConfigError::Invalid {
                    name: "allow_synthetic_pids",
                    reason: "synthetic identity numbers are refused in production".into(),
                });
            }
            if self.sources.simulator == Some(true) {
                return Err(ConfigError::Invalid {
                    name: "sources.simulator",
                    reason: "the source simulator is refused in production".into(),
                });
            }
            if self.metrics.listen.is_none() && self.metrics.token.is_empty() {
                return Err(ConfigError::Invalid {
                    name: "metrics",
                    reason: "production needs metrics.token or a separate metrics.listen address"
                        .into(),
                });
            }
            if self.pid_encryption_key.is_empty() || self.pid_hash_key.is_empty() {
                return Err(ConfigError::Invalid {
                    name: "pid_encryption_key",
                    reason: "production needs pid_encryption_key and pid_hash_key set".into(),
                });
            }
        }
        for (name, key) in [
            ("pid_encryption_key", &self.pid_encryption_key),
            ("pid_hash_key", &self.pid_hash_key),
        ] {
            if !key.is_empty() && hex::decode(key.expose()).map(|k| k.len()) != Ok(32) {
                return Err(ConfigError::Invalid {
                    name,
                    reason: "must be 64 hex characters (32 bytes)".into(),
                });
            }
        }
        self.login
            .validate(self.environment == "production", &self.base_url())?;
        self.mail.validate(self.environment == "production")?;
        for issuer in &self.issuers {
            for alg in &issuer.algorithms {
                if !crate::auth::tokens::is_allowed_algorithm_name(alg) {
                    return Err(ConfigError::Invalid {
                        name: "issuers.algorithms",
                        reason: format!("algorithm {alg} is not allowed (only RS*/PS*/ES*)"),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        self.metrics
            .listen
            .as_deref()
            .map(|l| {
                l.parse().map_err(|e| ConfigError::Invalid {
                    name: "metrics.listen",
                    reason: format!("{e}"),
                })
            })
            .transpose()
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen.parse().map_err(|e| ConfigError::Invalid {
            name: "listen",
            reason: format!("{e}"),
        })
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("dsar.db").display()
            )
        })
    }

    /// Whether the built-in source simulator runs in this process.
    pub fn simulator_enabled(&self) -> bool {
        self.sources.simulator.unwrap_or(self.demo)
    }

    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use crate::db::SqliteSync;

    fn parse(toml: &str) -> Result<Settings, config::ConfigError> {
        config::Config::builder()
            .add_source(config::File::from_str(toml, config::FileFormat::Toml))
            .build()?
            .try_deserialize()
    }

    #[test]
    fn sqlite_synchronous_is_normal_unless_set() {
        for (toml, expected) in [
            ("", Some(SqliteSync::Normal)),
            ("sqlite_synchronous = \"normal\"", Some(SqliteSync::Normal)),
            ("sqlite_synchronous = \"full\"", Some(SqliteSync::Full)),
            ("sqlite_synchronous = \"off\"", None),
        ] {
            assert_eq!(
                parse(toml).ok().map(|s| s.sqlite_synchronous),
                expected,
                "{toml}"
            );
        }
    }

    #[test]
    fn sqlite_checkpoint_runs_every_20_ms_unless_set() {
        for (toml, expected) in [
            ("", Some(20)),
            ("sqlite_checkpoint_ms = 0", Some(0)),
            ("sqlite_checkpoint_ms = 250", Some(250)),
            ("sqlite_checkpoint_ms = -1", None),
        ] {
            assert_eq!(
                parse(toml).ok().map(|s| s.sqlite_checkpoint_ms),
                expected,
                "{toml}"
            );
        }
    }
}
