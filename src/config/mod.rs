//! Settings: defaults, then an optional `dsar.toml` (or the file named by `DSAR_CONFIG`), then
//! `DSAR_*` environment variables. Validated once at start: bad settings stop the process.
//!
//! Over 500 lines on purpose: every setting with its default and validation, and the tests of the parsing.
mod error;
mod secret;

pub use error::ConfigError;
pub use secret::Secret;

use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;

/// Where this instance runs. Parsed strictly (lower case, exact): a mistyped `Production` or
/// `prod` must stop the start-up, not quietly turn the production guards off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer's machine: demo features allowed (on a loopback base URL).
    #[default]
    Development,
    /// The test suite: like development, with key caches that refetch at once.
    Test,
    /// Every production guard on; demo features refused.
    Production,
}

impl Environment {
    pub fn is_production(self) -> bool {
        self == Self::Production
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "development" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" => Ok(Self::Production),
            other => Err(format!(
                "unknown environment `{other}`: must be development, test or production"
            )),
        }
    }
}

/// Whether a base URL's host is a loopback address (`localhost`, 127.0.0.0/8, `::1`): the only
/// place the demo features (admin tokens for anyone) may answer.
pub fn is_loopback_url(base_url: &str) -> bool {
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An outside token issuer whose bearer tokens the API accepts.
#[derive(Debug, Clone, Deserialize)]
pub struct IssuerSettings {
    /// Exact `iss` value.
    pub issuer: String,
    /// `citizen` (ID-porten: tokens name a person by `pid`) or `staff` (the workforce IdP:
    /// tokens name staff by `sub`). Required: an issuer is trusted for one kind of user only.
    pub kind: crate::auth::tokens::IssuerKind,
    /// Accepted `aud` value.
    pub audience: String,
    /// Where the issuer publishes its keys.
    pub jwks_url: String,
    /// Allowed signature algorithms, e.g. `["RS256"]`. HS* and `none` are never accepted.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
    /// Lowest `acr` accepted: `idporten-loa-substantial` (citizen default) or
    /// `idporten-loa-high`. Staff issuers: none unless set.
    #[serde(default)]
    pub min_acr: Option<String>,
    /// Longest token lifetime (`exp` − `iat`) accepted, seconds.
    #[serde(default = "default_max_token_lifetime")]
    pub max_token_lifetime_seconds: u64,
}

fn default_algorithms() -> Vec<String> {
    vec!["RS256".into(), "ES256".into()]
}

fn default_max_token_lifetime() -> u64 {
    crate::auth::tokens::DEFAULT_MAX_LIFETIME_SECONDS
}

impl IssuerSettings {
    /// The claim rules this issuer's tokens must meet.
    pub fn policy(&self) -> crate::auth::tokens::IssuerPolicy {
        use crate::auth::tokens::{IssuerKind, IssuerPolicy};
        let max = self.max_token_lifetime_seconds;
        match self.kind {
            IssuerKind::Citizen => IssuerPolicy::citizen(self.min_acr.as_deref(), max),
            IssuerKind::Staff => IssuerPolicy::staff(self.min_acr.as_deref(), max),
        }
    }
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
    /// `development` (default), `test` or `production`; any other value stops the start-up.
    /// Production turns on every guard; demo features run only outside it, on a loopback
    /// base URL.
    pub environment: Environment,
    /// Accept synthetic test identity numbers (month +40/+80). On in demo mode.
    pub allow_synthetic_pids: bool,
    /// 32-byte key (hex) for encrypting identity numbers at rest.
    pub pid_encryption_key: Secret,
    /// 32-byte key (hex) for the keyed lookup hash of identity numbers.
    pub pid_hash_key: Secret,
    /// File holding the audit chain's key (64 hex characters, mode 0600); default `audit-key`
    /// in the data dir. Generated at first start outside production; production needs it.
    pub audit_key_file: Option<PathBuf>,
    /// Audience our API expects in bearer tokens.
    pub api_audience: String,
    pub issuers: Vec<IssuerSettings>,
    /// Allowed clock skew for token times, seconds.
    pub clock_skew_seconds: u64,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
    /// Connection limits against slow clients (slowloris).
    pub connections: ConnectionSettings,
    /// Reverse proxies whose forwarding header names the client.
    pub http: HttpSettings,
    /// Limits on intake and its receipt e-mails.
    pub intake: IntakeLimitSettings,
    /// Most jobs one group commit carries.
    pub max_batch: usize,
    pub log_format: String,
    /// OpenID Connect logins, sessions and the login rate limit.
    pub login: crate::auth::settings::LoginSettings,
    /// A folder to serve `/static` from instead of the stylesheets and images built into the
    /// binary (for trying out a changed stylesheet without a rebuild).
    pub static_dir: Option<PathBuf>,
    /// Source systems: the collection worker, service-token keys, the simulator.
    pub sources: SourceSettings,
    /// The Prometheus endpoint.
    pub metrics: MetricsSettings,
    /// E-mail notifications: transport, outbox worker, reminders.
    pub mail: crate::notifications::MailSettings,
    /// Deleting collected personal data after the answer (docs/reports-and-retention.md).
    pub retention: RetentionSettings,
    /// Files the person attaches to their request: limits and the malware scanner.
    pub attachments: AttachmentSettings,
}

/// How long a client may take and how many connections it may hold (docs/hardening.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ConnectionSettings {
    /// A connection that has not sent a request's complete headers within this time is closed;
    /// the same clock runs while a kept-alive connection waits idle for its next request.
    pub header_read_timeout_ms: u64,
    /// Most open connections per listener; further clients wait in the accept queue.
    pub max_connections: usize,
    /// A request (reading its body included) not answered in this time gets `503`; this bounds
    /// a client that sends its body slowly.
    pub request_timeout_ms: u64,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_read_timeout_ms: 10_000,
            max_connections: 1024,
            request_timeout_ms: 30_000,
        }
    }
}

/// Behind a reverse proxy (docs/configuration.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Addresses or CIDR ranges of the reverse proxies in front of dsar. Only from these is the
    /// client header believed; from anyone else the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
    /// The header whose entries, read from the right past trusted proxies, name the client.
    pub client_ip_header: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            client_ip_header: "x-forwarded-for".into(),
        }
    }
}

impl HttpSettings {
    /// The proxies whose forwarding header is believed (checked at start-up by `validate`).
    pub fn trusted_proxies(&self) -> Result<crate::client_ip::TrustedProxies, String> {
        crate::client_ip::TrustedProxies::parse(&self.trusted_proxies, &self.client_ip_header)
    }
}

/// How much one client address and one person may send to intake, and how many receipt
/// e-mails one address gets (docs/security.md). Token buckets in memory, per instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct IntakeLimitSettings {
    /// Requests a citizen client address may send at once, and per hour after that.
    pub per_address_burst: u32,
    pub per_address_per_hour: u32,
    /// Requests from (or registered for) one person at once, and per hour after that.
    pub per_person_burst: u32,
    pub per_person_per_hour: u32,
    /// Receipt e-mails one address gets per hour; past it the request is registered and its
    /// receipt is on Min side only.
    pub receipts_per_address_per_hour: u32,
    /// Share the limits between instances through the database; unset: on with PostgreSQL
    /// (where several instances may run), off with SQLite (one instance).
    pub shared: Option<bool>,
}

impl Default for IntakeLimitSettings {
    fn default() -> Self {
        Self {
            per_address_burst: 20,
            per_address_per_hour: 60,
            per_person_burst: 10,
            per_person_per_hour: 20,
            receipts_per_address_per_hour: 10,
            shared: None,
        }
    }
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

/// Files the person attaches to their request (docs/configuration.md, `[attachments]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AttachmentSettings {
    /// Largest file, bytes (the upload routes alone accept bodies this large).
    pub max_file_bytes: usize,
    /// Most files on one request.
    pub max_files_per_case: u32,
    /// Most bytes of files on one request.
    pub max_total_bytes_per_case: u64,
    /// clamd's TCP address (host:port). Set: every file is scanned before it is kept, and none
    /// is kept while the scanner cannot be reached. Unset: files are kept as "not scanned".
    pub clamd_addr: Option<String>,
    /// How long to wait for clamd, ms.
    pub clamd_timeout_ms: u64,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        Self {
            max_file_bytes: 10 * 1024 * 1024,
            max_files_per_case: 20,
            max_total_bytes_per_case: 50 * 1024 * 1024,
            clamd_addr: None,
            clamd_timeout_ms: 30_000,
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
            environment: Environment::Development,
            allow_synthetic_pids: false,
            pid_encryption_key: Secret::default(),
            pid_hash_key: Secret::default(),
            audit_key_file: None,
            api_audience: "dsar".into(),
            issuers: Vec::new(),
            clock_skew_seconds: 30,
            max_body_bytes: 64 * 1024,
            connections: ConnectionSettings::default(),
            http: HttpSettings::default(),
            intake: IntakeLimitSettings::default(),
            max_batch: 256,
            log_format: "pretty".into(),
            login: Default::default(),
            static_dir: None,
            sources: SourceSettings::default(),
            metrics: MetricsSettings::default(),
            mail: Default::default(),
            retention: RetentionSettings::default(),
            attachments: AttachmentSettings::default(),
        }
    }
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
        if self.connections.header_read_timeout_ms == 0 || self.connections.max_connections == 0 {
            return Err(ConfigError::Invalid {
                name: "connections",
                reason: "header_read_timeout_ms and max_connections must be above 0".into(),
            });
        }
        self.http
            .trusted_proxies()
            .map_err(|reason| ConfigError::Invalid {
                name: "http.trusted_proxies",
                reason,
            })?;
        if !self.http.trusted_proxies.is_empty()
            && axum::http::HeaderName::from_bytes(self.http.client_ip_header.trim().as_bytes())
                .is_err()
        {
            return Err(ConfigError::Invalid {
                name: "http.client_ip_header",
                reason: "not a valid header name".into(),
            });
        }
        let i = &self.intake;
        if [
            i.per_address_burst,
            i.per_address_per_hour,
            i.per_person_burst,
            i.per_person_per_hour,
            i.receipts_per_address_per_hour,
        ]
        .contains(&0)
        {
            return Err(ConfigError::Invalid {
                name: "intake",
                reason: "intake limits must be above 0".into(),
            });
        }
        let demo_features = self.demo || self.simulator_enabled() || self.allow_synthetic_pids;
        if demo_features && !self.environment.is_production() && !is_loopback_url(&self.base_url())
        {
            return Err(ConfigError::Invalid {
                name: "base_url",
                reason: format!(
                    "demo mode, the source simulator and synthetic identity numbers run only on \
                     a loopback base URL (localhost, 127.0.0.1, ::1), not on {}",
                    self.base_url()
                ),
            });
        }
        if self.environment.is_production() {
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
            if let Some(m) = &self.sources.maskinporten
                && !m.token_url.starts_with("https://")
            {
                return Err(ConfigError::Invalid {
                    name: "sources.maskinporten.token_url",
                    reason: "production fetches Maskinporten tokens over https:// only".into(),
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
            .validate(self.environment.is_production(), &self.base_url())?;
        self.mail.validate(self.environment.is_production())?;
        for issuer in &self.issuers {
            if issuer
                .min_acr
                .as_deref()
                .is_some_and(|acr| crate::auth::tokens::acr_level(acr) < 2)
            {
                return Err(ConfigError::Invalid {
                    name: "issuers.min_acr",
                    reason: "must be idporten-loa-substantial or idporten-loa-high".into(),
                });
            }
            if issuer.max_token_lifetime_seconds == 0 {
                return Err(ConfigError::Invalid {
                    name: "issuers.max_token_lifetime_seconds",
                    reason: "must be above 0".into(),
                });
            }
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
    use super::{Environment, Settings, is_loopback_url};
    use crate::db::SqliteSync;

    #[test]
    fn environment_takes_only_the_three_exact_names() {
        for (toml, expected) in [
            ("", Some(Environment::Development)),
            (
                "environment = \"development\"",
                Some(Environment::Development),
            ),
            ("environment = \"test\"", Some(Environment::Test)),
            (
                "environment = \"production\"",
                Some(Environment::Production),
            ),
            ("environment = \"Production\"", None),
            ("environment = \"PRODUCTION\"", None),
            ("environment = \"prod\"", None),
            ("environment = \"staging\"", None),
            ("environment = \"\"", None),
            ("environment = \" production\"", None),
        ] {
            assert_eq!(parse(toml).ok().map(|s| s.environment), expected, "{toml}");
        }
        for (text, expected) in [
            ("production", Ok(Environment::Production)),
            ("prod", Err(())),
            ("Production", Err(())),
        ] {
            assert_eq!(
                text.parse::<Environment>().map_err(|_| ()),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn loopback_urls() {
        for (url, expected) in [
            ("http://127.0.0.1:8080", true),
            ("http://127.1.2.3", true),
            ("http://localhost:8080/", true),
            ("http://LOCALHOST", true),
            ("http://[::1]:8080", true),
            ("http://0.0.0.0:8080", false),
            ("http://10.0.0.5", false),
            ("https://dsar.kommune.no", false),
            ("http://localhost.evil.example", false),
            ("http://127.0.0.1.nip.io", false),
            ("not a url", false),
        ] {
            assert_eq!(is_loopback_url(url), expected, "{url}");
        }
    }

    /// Which demo features each environment and base URL allow (production's own refusals
    /// of the demo are in the integration tests; here the loopback rule).
    #[test]
    fn demo_features_only_outside_production_on_loopback() {
        // (environment, base_url, demo, simulator, synthetic pids, accepted)
        let cases = [
            (
                Environment::Development,
                "http://127.0.0.1:8080",
                true,
                None,
                true,
                true,
            ),
            (
                Environment::Test,
                "http://127.0.0.1:9",
                true,
                None,
                true,
                true,
            ),
            (
                Environment::Development,
                "http://localhost:8080",
                true,
                None,
                true,
                true,
            ),
            (
                Environment::Development,
                "http://0.0.0.0:8080",
                true,
                None,
                true,
                false,
            ),
            (
                Environment::Development,
                "https://dsar.example.no",
                true,
                None,
                true,
                false,
            ),
            (
                Environment::Development,
                "https://dsar.example.no",
                false,
                Some(true),
                false,
                false,
            ),
            (
                Environment::Development,
                "https://dsar.example.no",
                false,
                None,
                true,
                false,
            ),
            (
                Environment::Development,
                "https://dsar.example.no",
                false,
                None,
                false,
                true,
            ),
        ];
        for (environment, base_url, demo, simulator, synthetic, accepted) in cases {
            let mut s = Settings {
                environment,
                base_url: Some(base_url.into()),
                demo,
                allow_synthetic_pids: synthetic,
                ..Settings::default()
            };
            s.sources.simulator = simulator;
            let result = s.validate().map_err(|e| e.to_string());
            let row = format!(
                "{environment:?} {base_url} demo={demo} sim={simulator:?} synth={synthetic}"
            );
            match result {
                Ok(()) => assert!(accepted, "{row}: accepted"),
                Err(e) => {
                    assert!(!accepted, "{row}: {e}");
                    assert!(e.contains("loopback base URL"), "{row}: {e}");
                }
            }
        }
    }

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
