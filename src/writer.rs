//! Group commit: every state change runs as a job on one writer task, which packs the jobs that
//! are waiting into one database transaction (one commit), each job inside its own savepoint so a
//! failing job rolls back alone. A job's caller hears back only after the commit, so a success
//! answer always means "durably written". The audit chain head is locked once per batch; with
//! several instances on PostgreSQL the batches of different instances take turns on that lock.
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

/// Chunk sizes of multi-row statements: powers of two up to 64. A statement then comes in at
/// most seven shapes per table, so the per-connection prepared-statement cache stays small and
/// hot instead of holding one statement per batch size, and `n` rows below 128 take at most
/// seven statements (one per set bit of `n`), three on average.
const CHUNK_SIZES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];
/// Splits `n` rows into chunks of the [`CHUNK_SIZES`], largest first.
pub fn fixed_chunks(n: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for size in CHUNK_SIZES {
        while n - start >= size {
            ranges.push(start..start + size);
            start += size;
        }
    }
    ranges
}

/// Inserts rows with multi-row statements in fixed chunk sizes.
pub async fn insert_rows<A>(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for range in fixed_chunks(rows.len()) {
        // Without RETURNING: nothing is read back, so no row crosses the driver's thread boundary.
        <A::Entity as sea_orm::EntityTrait>::insert_many(rows[range].to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Rows whose `column` is one of `values`, queried in the same fixed chunk sizes.
pub async fn find_where_in<E, V>(
    db: &impl sea_orm::ConnectionTrait,
    column: E::Column,
    values: &[V],
) -> Result<Vec<E::Model>, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    V: Into<sea_orm::Value> + Clone,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut rows = Vec::with_capacity(values.len());
    for range in fixed_chunks(values.len()) {
        rows.extend(
            E::find()
                .filter(column.is_in(values[range].to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{CHUNK_SIZES, fixed_chunks};

    #[test]
    fn chunks_cover_every_row_once_in_few_shapes() {
        for n in 0..=300 {
            let ranges = fixed_chunks(n);
            let mut next = 0;
            for r in &ranges {
                assert_eq!(r.start, next);
                assert!(CHUNK_SIZES.contains(&r.len()));
                next = r.end;
            }
            assert_eq!(next, n);
        }
        assert!(fixed_chunks(0).is_empty());
        for (n, sizes) in [
            (69, &[64, 4, 1][..]),
            (30, &[16, 8, 4, 2]),
            (127, &[64, 32, 16, 8, 4, 2, 1]),
            (130, &[64, 64, 2]),
        ] {
            let got: Vec<usize> = fixed_chunks(n).iter().map(|r| r.len()).collect();
            assert_eq!(got, sizes, "{n} rows");
        }
    }
}
