//! The core: the handles every domain service and background worker works with (settings,
//! database, writer, audit key, vault, registry cache, documents, metrics, the source-system
//! client, and the wakers of the workers). Domain services take `&Core`; workers hold a clone.
//! The HTTP application (`app.rs`) wraps a `Core` with what only the edge needs (token
//! verifier, logins, demo issuer, simulator). docs/architecture.md shows the layers.
use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    audit::AuditKey,
    auth::rate_limit::IntakeLimits,
    config::Settings,
    crypto::PidVault,
    documents::DocumentStore,
    metrics::Metrics,
    notifications::mailer::Mailer,
    registry::RegistryCache,
    requests::intake::IntakeBatcher,
    sources::{
        client::{MaskinportenTokens, SourceClient},
        service_token::ServiceKeys,
    },
    writer::Writer,
};

pub use crate::jobs::WorkerHandle;

/// Cheap to clone: one shared set of handles.
#[derive(Clone)]
pub struct Core(Arc<Parts>);

impl Core {
    pub fn new(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }
}

impl Deref for Core {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

pub struct Parts {
    pub settings: Settings,
    pub db: DatabaseConnection,
    pub writer: Writer,
    /// The key of the audit chain (from a file outside the database).
    pub audit_key: AuditKey,
    pub intake: IntakeBatcher,
    /// Intake per client address and person, receipts per address (`intake.*`).
    pub intake_limits: IntakeLimits,
    pub vault: PidVault,
    pub registry: RegistryCache,
    /// Signs service tokens to source systems.
    pub service_keys: ServiceKeys,
    /// Calls source systems.
    pub sources: SourceClient,
    pub maskinporten: MaskinportenTokens,
    /// The collection worker's handle.
    pub collector: WorkerHandle,
    /// In-process metrics (source calls); the rest is read from the database at scrape time.
    pub metrics: Metrics,
    /// Generated letters and packages, stored immutably.
    pub documents: Arc<dyn DocumentStore>,
    /// The e-mail transport.
    pub mailer: Mailer,
    /// The outbox worker's handle (it also stops the reminder pass).
    pub notifier: WorkerHandle,
    /// The scheduled jobs' handle (retention, the SQLite checkpointer).
    pub scheduler: WorkerHandle,
}

impl Parts {
    /// Stops every background worker of this instance (at shutdown, or when the `App` goes).
    pub fn stop_workers(&self) {
        self.collector.stop();
        self.notifier.stop();
        self.scheduler.stop();
    }
}
