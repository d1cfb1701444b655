//! Bulk-loads synthetic requests for the listing benchmark (`scripts/bench`).
//!
//! Assumes the database is already migrated and holds the demo registry (run `dsar demo` or start
//! the server once with `DSAR_DEMO=1`). Inserts N `request` rows with multi-row INSERTs inside big
//! transactions: units (and their controllers) taken round-robin from the registry, statuses over
//! all seven states, due dates over ±90 days around today, persons from a pool (created here with
//! real identifier rows when `--data-dir` gives the vault keys, otherwise the existing persons),
//! and references `PV-2025-NNNNNNN` (seven digits: never the live counter's six). The loading
//! itself is `support/seed.rs`, shared with `bench_reports`.
//!
//! ```sh
//! cargo run --release --example bench_seed -- sqlite://data/dsar.db?mode=rwc --rows 1000000 --data-dir data
//! ```
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use clap::Parser;
use entity::request;
use sea_orm::{EntityTrait, PaginatorTrait};

#[path = "support/seed.rs"]
mod seed;

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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let started = Instant::now();
    // Same connection settings as the server's default (WAL, synchronous=normal, foreign keys on).
    let db = dsar::db::connect(&args.database_url, Default::default())
        .await
        .context("connecting")?;
    let persons = match &args.data_dir {
        Some(dir) => {
            let p = seed::persons_with_identifiers(&db, dir, args.persons, Utc::now()).await?;
            println!("person pool: {} persons with identifiers", p.len());
            p
        }
        None => {
            let p = seed::existing_persons(&db).await?;
            println!("person pool: {} existing persons", p.len());
            p
        }
    };
    seed::requests(
        &db,
        args.database_url.starts_with("postgres"),
        args.rows,
        args.chunk,
        args.txn_rows,
        &persons,
        seed::Dates::AroundToday,
    )
    .await?;
    let total = request::Entity::find().count(&db).await?;
    println!(
        "inserted {} rows in {:.1} s ({:.0} rows/s); request table now holds {total} rows",
        args.rows,
        started.elapsed().as_secs_f64(),
        args.rows as f64 / started.elapsed().as_secs_f64().max(1e-9)
    );
    Ok(())
}
