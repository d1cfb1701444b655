//! Connecting to the database (SQLite file with WAL by default, or PostgreSQL) and migrating.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use serde::Deserialize;

/// When SQLite flushes a commit to the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// The write-ahead log is flushed at checkpoints, not at every commit: a committed request
    /// survives a crash or kill of the process, but a power cut may lose the last commits.
    #[default]
    Normal,
    /// Every commit is flushed: a power cut loses nothing acknowledged, at about a third less
    /// intake throughput (docs/adr/0004-sqlite-durability-and-checkpoints.md).
    Full,
}

/// Opens a pool. SQLite gets WAL, the chosen sync level, a busy timeout and temporary data in
/// memory (the savepoints and multi-row inserts of a group commit otherwise open, write and
/// delete a journal file each time); both backends get bounded pools.
pub async fn connect(url: &str, sync: SqliteSync) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or_default();
        if let Some(parent) = std::path::Path::new(file).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| DbErr::Custom(format!("data dir: {e}")))?;
        }
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .max_connections(if url.starts_with("sqlite") { 8 } else { 16 })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(move |o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(match sync {
                    SqliteSync::Normal => SqliteSynchronous::Normal,
                    SqliteSync::Full => SqliteSynchronous::Full,
                })
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
                .pragma("temp_store", "memory")
        });
    Database::connect(opts).await
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::{Duration, Instant};

    use sea_orm::ConnectionTrait;

    use super::{SqliteSync, connect};

    /// Writes ~100 pages, well under the 1000 at which a commit checkpoints by itself, and
    /// reports whether the database file grew within `wait` (it grows only by a checkpoint).
    async fn file_grows(checkpointer: bool, wait: Duration) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.db");
        let db = connect(
            &format!("sqlite://{}?mode=rwc", file.display()),
            SqliteSync::Normal,
        )
        .await
        .unwrap();
        db.execute_unprepared("CREATE TABLE t (x BLOB)")
            .await
            .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        let task = checkpointer.then(|| {
            crate::jobs::checkpointer::spawn(
                db.clone(),
                Duration::from_millis(10),
                tokio_util::sync::CancellationToken::new(),
            )
        });
        for _ in 0..100 {
            db.execute_unprepared("INSERT INTO t VALUES (randomblob(3000))")
                .await
                .unwrap();
        }
        let start = Instant::now();
        let mut grew = false;
        while start.elapsed() < wait && !grew {
            tokio::time::sleep(Duration::from_millis(20)).await;
            grew = std::fs::metadata(&file).unwrap().len() > before;
        }
        if let Some(task) = task {
            task.abort();
        }
        grew
    }

    #[tokio::test]
    async fn the_checkpointer_moves_the_log_into_the_database_file() {
        assert!(file_grows(true, Duration::from_secs(5)).await);
        // Without it the pages stay in the log: the test above can fail.
        assert!(!file_grows(false, Duration::from_millis(300)).await);
    }
}
