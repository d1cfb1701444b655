//! Group commit: every state change runs as a job on one writer task, which packs the jobs that
//! are waiting into one database transaction (one commit), each job inside its own savepoint so a
//! failing job rolls back alone. A job's caller hears back only after the commit, so a success
//! answer always means "durably written". The audit chain head is locked once per batch; with
//! several instances on PostgreSQL the batches of different instances take turns on that lock.
mod rows;

pub use rows::{find_where_in, insert_rows};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use sea_orm::{
    AccessMode, DatabaseConnection, DatabaseTransaction, IsolationLevel, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use crate::{
    audit::{self, AuditKey, AuditRecord, ChainHead},
    error::{ServiceError, ServiceResult},
};

/// What a job sees: its savepoint, the audit chain and the batch's clock.
pub struct Tx {
    pub db: DatabaseTransaction,
    head: ChainHead,
    key: AuditKey,
    pub now: DateTime<Utc>,
}

impl Tx {
    /// Appends an audit event in this job's savepoint.
    pub async fn audit(&mut self, record: AuditRecord) -> ServiceResult<()> {
        audit::append(&self.db, &self.key, &mut self.head, self.now, record).await?;
        Ok(())
    }

    /// The audit chain's last event as this job sees it.
    pub fn audit_head(&self) -> &ChainHead {
        &self.head
    }

    /// Appends several audit events in order with one insert.
    pub async fn audit_many(&mut self, records: Vec<AuditRecord>) -> ServiceResult<()> {
        audit::append_many(&self.db, &self.key, &mut self.head, self.now, records).await?;
        Ok(())
    }
}

type Deliver = Box<dyn FnOnce(Option<String>) + Send>;
type Job = Box<dyn for<'a> FnOnce(&'a mut Tx) -> BoxFuture<'a, (bool, Deliver)> + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task. It ends when every `Writer` handle is dropped.
    /// Audit events are chained with `key`.
    pub fn start(db: DatabaseConnection, max_batch: usize, key: AuditKey) -> Self {
        let (jobs, rx) = mpsc::channel::<Job>(max_batch.max(1) * 8);
        let db = Arc::new(db);
        tokio::spawn(run(db, rx, max_batch.max(1), key));
        Self { jobs }
    }

    /// Appends one audit event on its own (a read, a download), committed before it returns.
    pub async fn audit(&self, record: AuditRecord) -> ServiceResult<()> {
        self.run(move |tx| Box::pin(async move { tx.audit(record).await }))
            .await
    }

    /// Runs `f` in a transaction and returns its result once committed.
    pub async fn run<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut Tx) -> BoxFuture<'a, ServiceResult<T>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<ServiceResult<T>>();
        let job: Job = Box::new(move |tx: &mut Tx| {
            Box::pin(async move {
                let result = f(tx).await;
                let ok = result.is_ok();
                let deliver: Deliver = Box::new(move |commit_error| {
                    let outcome = match commit_error {
                        Some(e) if ok => Err(ServiceError::Storage(e.into())),
                        _ => result,
                    };
                    let _ = reply.send(outcome);
                });
                (ok, deliver)
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| ServiceError::Storage("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Storage("the writer dropped a job".into()))?
    }
}

async fn run(
    db: Arc<DatabaseConnection>,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    key: AuditKey,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut batch, max_batch).await > 0 {
        let jobs = std::mem::take(&mut batch);
        if let Err((e, delivers)) = commit_batch(&db, &key, jobs).await {
            tracing::error!(error = %e, "group commit failed");
            for d in delivers {
                d(Some(e.clone()));
            }
        }
    }
}

/// Runs the jobs in one transaction. On a failure of the transaction itself, every job that had
/// not yet been answered is handed back with the error.
async fn commit_batch(
    db: &DatabaseConnection,
    key: &AuditKey,
    jobs: Vec<Job>,
) -> Result<(), (String, Vec<Deliver>)> {
    let mut delivers: Vec<Deliver> = Vec::with_capacity(jobs.len());
    let options = TransactionOptions {
        isolation_level: None::<IsolationLevel>,
        access_mode: None::<AccessMode>,
        // Take the write lock up front: no deadlock-prone upgrade from a read lock.
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    };
    let txn = match db.begin_with_options(options).await {
        Ok(t) => t,
        Err(e) => return Err((e.to_string(), rebuild(jobs))),
    };
    let mut head = match audit::load_head(&txn).await {
        Ok(h) => h,
        Err(e) => return Err((e.to_string(), rebuild(jobs))),
    };
    let mut jobs = jobs.into_iter();
    while let Some(job) = jobs.next() {
        let savepoint = match txn.begin().await {
            Ok(s) => s,
            Err(e) => {
                let mut rest = rebuild(jobs.collect());
                rest.push(skip(job));
                delivers.append(&mut rest);
                return Err((e.to_string(), delivers));
            }
        };
        let mut tx = Tx {
            db: savepoint,
            head: head.clone(),
            key: key.clone(),
            now: Utc::now(),
        };
        let (ok, deliver) = job(&mut tx).await;
        let Tx {
            db: savepoint,
            head: new_head,
            ..
        } = tx;
        let closed = if ok {
            savepoint.commit().await
        } else {
            savepoint.rollback().await
        };
        match closed {
            Ok(()) if ok => head = new_head,
            Ok(()) => {}
            Err(e) => {
                delivers.push(deliver);
                delivers.append(&mut rebuild(jobs.collect()));
                return Err((e.to_string(), delivers));
            }
        }
        delivers.push(deliver);
    }
    let committed = async {
        audit::save_head(&txn, &head).await?;
        txn.commit().await
    }
    .await;
    let error = committed.err().map(|e| e.to_string());
    for d in delivers {
        d(error.clone());
    }
    Ok(())
}

/// Jobs that never ran still need an answer: run nothing, report the failure.
fn rebuild(jobs: Vec<Job>) -> Vec<Deliver> {
    jobs.into_iter().map(skip).collect()
}

fn skip(job: Job) -> Deliver {
    // The job's own closure owns its reply channel; dropping it makes the caller see
    // "the writer dropped a job", which maps to a storage error.
    drop(job);
    Box::new(|_| {})
}
