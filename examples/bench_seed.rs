//! Bulk-loads synthetic requests for the listing benchmark (`scripts/bench`).
//!
//! Assumes the database is already migrated and holds the demo registry (run `dsar demo` or start
//! the server once with `DSAR_DEMO=1`). Inserts N `request` rows with multi-row INSERTs inside big
//! transactions: units (and their controllers) taken round-robin from the registry, statuses over
//! all seven states, due dates over ±90 days around today, persons from a pool (created here with
//! real identifier rows when `--data-dir` gives the vault keys, otherwise the existing persons),
//! and references `PV-2025-NNNNNNN` (seven digits: never the live counter's six).
//!
//! ```sh
//! cargo run --release --example bench_seed -- sqlite://data/dsar.db?mode=rwc --rows 1000000 --data-dir data
//! ```
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Days, Duration, NaiveDate, Utc};
use clap::Parser;
use dsar::{
    config::Settings,
    crypto::PidVault,
    identity::synthetic_pid,
    lifecycle::{Outcome, RightKind, Status},
};
use entity::{person, person_identifier, request, unit};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Bulk-insert synthetic requests for benchmarks")]
struct Args {
    /// Database URL, e.g. sqlite://data/dsar.db?mode=rwc or postgres://postgres@127.0.0.1/dsar
    database_url: String,
    /// How many requests to insert.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Rows per INSERT statement.
    #[arg(long, default_value_t = 1000)]
    chunk: usize,
    /// Rows per transaction.
    #[arg(long, default_value_t = 50_000)]
    txn_rows: u64,
    /// The server's data dir: with it, `--persons` new persons get encrypted identifier rows
    /// through the vault (same keys as the server). Without it the existing persons are reused.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// How many persons to create (with `--data-dir`).
    #[arg(long, default_value_t = 300)]
    persons: u32,
}

const KINDS: [RightKind; 5] = [
    RightKind::Innsyn,
    RightKind::Retting,
    RightKind::Sletting,
    RightKind::Begrensning,
    RightKind::Protest,
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    if args.chunk == 0 || args.txn_rows == 0 {
        bail!("--chunk and --txn-rows must be positive");
    }
    let started = Instant::now();
    // Same connection settings as the server (WAL, full sync, foreign keys on).
    let db = dsar::db::connect(&args.database_url)
        .await
        .context("connecting")?;

    let units = unit::Entity::find().all(&db).await?;
    if units.is_empty() {
        bail!("no units: migrate and seed the demo first (DSAR_DEMO=1 dsar serve, or dsar demo)");
    }
    let now = Utc::now();
    let persons = person_pool(&db, &args, now).await?;
    if persons.is_empty() {
        bail!("no persons in the database and no --data-dir to create some");
    }
    // Continue numbering after an earlier run of this tool.
    let start = request::Entity::find()
        .filter(request::Column::Reference.like("PV-2025-_______"))
        .count(&db)
        .await?;
    println!(
        "seeding {} requests over {} units and {} persons (references from PV-2025-{:07})",
        args.rows,
        units.len(),
        persons.len(),
        start + 1
    );

    let today = now.date_naive();
    let mut done = 0u64;
    let mut last_report = Instant::now();
    while done < args.rows {
        let txn_end = (done + args.txn_rows).min(args.rows);
        let txn = db.begin_with_options(write_txn()).await?;
        while done < txn_end {
            let chunk_end = (done + args.chunk as u64).min(txn_end);
            let rows: Vec<request::ActiveModel> = (done..chunk_end)
                .map(|i| synthetic_row(start + i + 1, i, &units, &persons, today, now))
                .collect();
            request::Entity::insert_many(rows).exec(&txn).await?;
            done = chunk_end;
        }
        txn.commit().await?;
        if last_report.elapsed().as_secs_f64() >= 2.0 || done == args.rows {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  {done:>9} rows  {secs:7.1} s  {:>8.0} rows/s",
                done as f64 / secs.max(1e-9)
            );
            last_report = Instant::now();
        }
    }
    // Fresh planner statistics, as a DBA would have after a bulk load.
    let analyze = if args.database_url.starts_with("postgres") {
        "ANALYZE request"
    } else {
        "ANALYZE"
    };
    db.execute_unprepared(analyze).await?;
    let total = request::Entity::find().count(&db).await?;
    println!(
        "inserted {} rows in {:.1} s ({:.0} rows/s); request table now holds {total} rows",
        args.rows,
        started.elapsed().as_secs_f64(),
        args.rows as f64 / started.elapsed().as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// Takes SQLite's write lock up front (as the server's writer does): a deferred transaction that
/// read first could fail with SQLITE_BUSY_SNAPSHOT when the server committed in between.
fn write_txn() -> TransactionOptions {
    TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    }
}

/// The persons requests are spread over: new ones with identifier rows when the vault keys are
/// at hand, else the ones already there.
async fn person_pool(
    db: &sea_orm::DatabaseConnection,
    args: &Args,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    if let Some(dir) = &args.data_dir {
        let settings = Settings {
            data_dir: dir.clone(),
            ..Settings::default()
        };
        let vault = PidVault::from_settings_or_data_dir(&settings).context("vault keys")?;
        let txn = db.begin_with_options(write_txn()).await?;
        let mut created = Vec::new();
        'outer: for year in 40..100u32 {
            for month in 1..=12u32 {
                for day in 1..=28u32 {
                    if created.len() as u32 >= args.persons {
                        break 'outer;
                    }
                    // Individual numbers 500..: the demo citizens use the first valid one
                    // from 100, so these never collide with them.
                    let Some(pid) = (500..999)
                        .find_map(|ind| synthetic_pid(day, month, year, ind, true, false))
                    else {
                        continue;
                    };
                    let hash = vault.lookup_hash(&pid);
                    let exists = person_identifier::Entity::find()
                        .filter(person_identifier::Column::PidHash.eq(hash.as_str()))
                        .one(&txn)
                        .await?;
                    if let Some(found) = exists {
                        created.push(found.person_id);
                        continue;
                    }
                    let id = Uuid::now_v7();
                    person::Entity::insert(person::ActiveModel {
                        id: Set(id),
                        geography: Set(None),
                        strictly_confidential: Set(false),
                        created_at: Set(now),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                    person_identifier::Entity::insert(person_identifier::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        person_id: Set(id),
                        pid_hash: Set(hash),
                        pid_ciphertext: Set(vault.encrypt(&pid)),
                        kind: Set("fodselsnummer".into()),
                        created_at: Set(now),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                    created.push(id);
                }
            }
        }
        txn.commit().await?;
        println!("person pool: {} persons with identifiers", created.len());
        Ok(created)
    } else {
        let ids: Vec<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        println!("person pool: {} existing persons", ids.len());
        Ok(ids)
    }
}

fn synthetic_row(
    seq: u64,
    i: u64,
    units: &[unit::Model],
    persons: &[Uuid],
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> request::ActiveModel {
    // Cheap deterministic mixing so unit, status, person and date are independent-looking.
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let unit = &units[(i % units.len() as u64) as usize];
    let status = Status::ALL[((h >> 7) % Status::ALL.len() as u64) as usize];
    let kind = KINDS[((h >> 17) % KINDS.len() as u64) as usize];
    let person = persons[((h >> 23) % persons.len() as u64) as usize];
    // Due dates spread over today ± 90 days; receipt one month earlier.
    let offset = ((h >> 31) % 181) as i64 - 90;
    let due_on = today + Duration::days(offset);
    let received_on = due_on.checked_sub_days(Days::new(30)).unwrap_or(due_on);
    let closed = matches!(
        status,
        Status::Completed | Status::Withdrawn | Status::Forwarded
    );
    let created_at = now - Duration::days(90 - offset.min(89));
    request::ActiveModel {
        id: Set(Uuid::now_v7()),
        reference: Set(format!("PV-2025-{seq:07}")),
        kind: Set(kind.as_str().into()),
        status: Set(status.as_str().into()),
        outcome: Set(
            matches!(status, Status::Completed).then(|| Outcome::Granted.as_str().to_string())
        ),
        outcome_note: Set(None),
        description: Set(format!(
            "Synthetic benchmark request {seq}: I ask for a copy of the personal data you hold \
             about me and how it is used."
        )),
        service_area: Set(Some("settlement".into())),
        language: Set("nb".into()),
        channel: Set(if i.is_multiple_of(3) { "letter" } else { "api" }.into()),
        person_id: Set(person),
        controller_id: Set(unit.controller_id),
        unit_id: Set(unit.id),
        assignee_id: Set(None),
        received_on: Set(received_on),
        first_due_on: Set(due_on),
        due_on: Set(due_on),
        extension_reason: Set(None),
        routing: Set(r#"{"kind":"bench_seed"}"#.into()),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        closed_at: Set(closed.then_some(created_at)),
        version: Set(1),
        contact_email: Set(None),
    }
}
