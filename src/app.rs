//! The application, built once for both `main` and the tests: settings, database, writer, keys,
//! token verifier and registry.
use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    auth::{
        demo_issuer::DemoIssuer,
        tokens::{TokenVerifier, TrustedIssuer, VerifiedCache, parse_allowed_algorithm},
    },
    config::Settings,
    core::{Core, Parts, WorkerHandle},
    crypto::PidVault,
    registry::RegistryCache,
    requests::intake::{self, IntakeBatcher},
    sources::{
        client::{MaskinportenTokens, SourceClient},
        service_token::ServiceKeys,
        simulator::{Simulator, SimulatorConfig},
    },
    writer::Writer,
};

/// The HTTP application: the [`Core`] the domain services work with, and what only the edge
/// needs. Used by `http/`, `web/`, `server.rs` and the command line; everything below takes
/// `&Core` (an `&App` derefs to one).
pub struct App {
    pub core: Core,
    pub verifier: TokenVerifier,
    pub verified: VerifiedCache,
    pub demo_issuer: Option<DemoIssuer>,
    /// The built-in source simulator (demo), served at `/sim`.
    pub simulator: Option<Arc<Simulator>>,
    /// OpenID Connect logins and sessions (and the demo provider in demo mode).
    pub login: crate::auth::login::Login,
}

impl Deref for App {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

/// The workers hold the core, not the app: when the app goes, they stop.
impl Drop for App {
    fn drop(&mut self) {
        self.core.stop_workers();
    }
}

pub type AppState = Arc<App>;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Vault(#[from] crate::crypto::VaultError),
    #[error("{0}")]
    DemoIssuer(#[from] crate::auth::demo_issuer::DemoIssuerError),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Service(#[from] crate::error::ServiceError),
    #[error("{0}")]
    Login(#[from] crate::auth::login::LoginBuildError),
    #[error("{0}")]
    Mail(#[from] crate::notifications::MailError),
    #[error("{0}")]
    AuditKey(#[from] crate::audit::AuditKeyError),
}

impl App {
    /// Connects, migrates, and (in demo mode) seeds an empty database.
    pub async fn build(settings: Settings) -> Result<AppState, BuildError> {
        settings.validate()?;
        let db = crate::db::connect(&settings.database_url(), settings.sqlite_synchronous).await?;
        crate::db::migrate(&db).await?;
        crate::sources::check_endpoints(&db, settings.environment).await?;
        let vault = PidVault::from_settings_or_data_dir(&settings)?;
        let demo_issuer = if settings.demo {
            let base = format!("{}/dev", settings.base_url().trim_end_matches('/'));
            Some(DemoIssuer::load_or_create(
                &base,
                settings.api_audience.clone(),
                &settings.data_dir.join("demo-issuer-key.pem"),
            )?)
        } else {
            None
        };
        let mut issuers: Vec<TrustedIssuer> = settings
            .issuers
            .iter()
            .map(|i| {
                let algs = i
                    .algorithms
                    .iter()
                    .filter_map(|a| parse_allowed_algorithm(a))
                    .collect();
                TrustedIssuer::remote(&i.issuer, &i.audience, algs, &i.jwks_url, i.policy())
            })
            .collect();
        if let Some(demo) = &demo_issuer {
            issuers.extend(demo.trusted());
        }
        let verifier = TokenVerifier::new(issuers, settings.clock_skew_seconds);
        let login = crate::auth::login::Login::build(&settings, db.clone(), vault.clone())?;
        let audit_key = crate::audit::AuditKey::load(&settings, true)?;
        let writer = Writer::start(db.clone(), settings.max_batch, audit_key.clone());
        audit_chain_ready(&db, &writer, &audit_key, settings.environment).await?;
        let intake = IntakeBatcher::start(writer.clone(), 200, intake::write_batch);
        let base = settings.base_url().trim_end_matches('/').to_string();
        let service_keys =
            ServiceKeys::load(&db, &writer, &vault, base.clone(), &settings.sources).await?;
        let mailer =
            crate::notifications::Mailer::from_settings(&settings.mail, &settings.data_dir)?;
        let simulator = settings.simulator_enabled().then(|| {
            Simulator::new(SimulatorConfig {
                issuer: base.clone(),
                jwks_url: format!("{base}/.well-known/jwks.json"),
            })
        });
        let documents: Arc<dyn crate::documents::DocumentStore> = Arc::new(
            crate::documents::FolderStore::in_data_dir(&settings.data_dir),
        );
        let intake_limits = crate::auth::rate_limit::IntakeLimits::new(&settings.intake);
        let core = Core::new(Parts {
            settings,
            db,
            writer,
            audit_key,
            intake,
            intake_limits,
            vault,
            registry: RegistryCache::default(),
            service_keys,
            sources: SourceClient::new(),
            maskinporten: MaskinportenTokens::default(),
            collector: WorkerHandle::new(),
            metrics: crate::metrics::Metrics::new(),
            documents,
            mailer,
            notifier: WorkerHandle::new(),
            scheduler: WorkerHandle::new(),
        });
        let app = Arc::new(App {
            core,
            verifier,
            verified: VerifiedCache::new(10_000),
            demo_issuer,
            simulator,
            login,
        });
        if app.settings.demo {
            crate::demo::seed_if_empty(&app).await?;
        }
        app.intake_limits.activate();
        Ok(app)
    }
}

/// The audit chain must end keyed before anything is appended: a trail written before the key
/// is sealed at start outside production; production refuses to start until an operator has
/// run `dsar seal-audit` (a database writer could otherwise rewrite the plain trail and have it
/// sealed by a restart). A last event that verifies under neither scheme means a wrong key file
/// or a changed trail: no start.
async fn audit_chain_ready(
    db: &DatabaseConnection,
    writer: &Writer,
    key: &crate::audit::AuditKey,
    environment: crate::config::Environment,
) -> Result<(), BuildError> {
    use crate::{audit, error::ServiceError};
    if audit::last_event_keyed(db, key).await? != Some(false) {
        return Ok(());
    }
    if environment.is_production() {
        return Err(ServiceError::Conflict(
            "the audit trail is not sealed with the audit key, or does not verify under it: \
             check the key file and run `dsar seal-audit` (or `dsar verify-audit --full`)"
                .into(),
        )
        .into());
    }
    if let audit::Sealing::Sealed { events } = audit::seal(db, writer, key).await? {
        tracing::info!(
            events,
            "sealed the audit trail written before the audit key"
        );
    }
    Ok(())
}
