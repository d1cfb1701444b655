//! The core: the handles every domain service and background worker works with (settings,
//! database, writer, audit key, vault, registry cache, documents, metrics, the source-system
//! client, and the wakers of the workers). Domain services take `&Core`; workers hold a clone.
//! The HTTP application (`app.rs`) wraps a `Core` with what only the edge needs (token
//! verifier, logins, demo issuer, simulator). docs/architecture.md shows the layers.
use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    audit::AuditKey,
    auth::rate_limit::IntakeLimits,
    config::Settings,
    crypto::PidVault,
    documents::DocumentStore,
    metrics::Metrics,
    notifications::mailer::Mailer,
    registry::RegistryCache,
    requests::batcher::IntakeBatcher,
    sources::{
        client::{MaskinportenTokens, SourceClient},
        service_token::ServiceKeys,
    },
    writer::Writer,
};

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
}

/// A background worker's handle, the same for every worker: wake it when new work is queued,
/// stop it, and the name this instance holds leases under.
pub struct WorkerHandle {
    notify: Arc<Notify>,
    cancel: CancellationToken,
    /// This instance's name on the leases it holds.
    owner: String,
}

impl Default for WorkerHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkerHandle {
    pub fn new() -> Self {
        Self {
            notify: Arc::new(Notify::new()),
            cancel: CancellationToken::new(),
            owner: format!("dsar-{}", Uuid::new_v4()),
        }
    }

    /// New work may be due: look now instead of at the next poll.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Stops the worker; work in flight is abandoned unwritten (as if the process died), and
    /// claimed again when its lease runs out.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// What the worker loop waits on to be woken.
    pub fn waker(&self) -> Arc<Notify> {
        self.notify.clone()
    }

    /// Cancelled when the worker is stopped.
    pub fn stop_token(&self) -> CancellationToken {
        self.cancel.clone()
    }
}
