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
    /// intake throughput on this machine class (README, benchmarks).
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
