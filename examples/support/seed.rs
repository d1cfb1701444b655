//! Bulk-loading synthetic requests for the benchmarks (`bench_seed`, `bench_reports`): multi-row
//! INSERTs inside big transactions, units (and their controllers) round-robin from the registry,
//! statuses over all seven states, kinds, channels and persons mixed by a cheap deterministic
//! hash, references `PV-2025-NNNNNNN` (seven digits: never the live counter's six).
#![allow(dead_code)] // each example uses its part

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use dsar::{
    config::Settings,
    crypto::PidVault,
    identity::synthetic_pid,
    lifecycle::{Outcome, RightKind, Status},
    requests::view::Channel,
};
use entity::{person, person_identifier, request, unit};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use uuid::Uuid;

const KINDS: [RightKind; 5] = [
    RightKind::Innsyn,
    RightKind::Retting,
    RightKind::Sletting,
    RightKind::Begrensning,
    RightKind::Protest,
];

/// How the synthetic dates are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    /// Due dates over today ± 90 days, receipt 30 days before; closed requests closed when
    /// created (the queue benchmark's data set).
    AroundToday,
    /// Receipt over the `days` days up to today, in the order the rows are inserted (as in
    /// production, where a request is stored when it arrives; letters up to four days after
    /// their receipt date); closed requests answered 0–59 days after receipt (not after now),
    /// so timeliness and working days vary (the reports' data set).
    Past { days: u64 },
}

/// Takes SQLite's write lock up front (as the server's writer does): a deferred transaction that
/// read first could fail with SQLITE_BUSY_SNAPSHOT when the server committed in between.
pub fn write_txn() -> TransactionOptions {
    TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    }
}

/// Persons with encrypted identifier rows through the vault of `data_dir` (the server's keys);
/// up to `n` (at most one per synthetic birth date), reusing ones an earlier run made.
pub async fn persons_with_identifiers(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    n: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    let settings = Settings {
        data_dir: data_dir.to_path_buf(),
        ..Settings::default()
    };
    let vault = PidVault::from_settings_or_data_dir(&settings).context("vault keys")?;
    let txn = db.begin_with_options(write_txn()).await?;
    let mut created = Vec::new();
    'outer: for year in 40..100u32 {
        for month in 1..=12u32 {
            for day in 1..=28u32 {
                if created.len() as u32 >= n {
                    break 'outer;
                }
                // Individual numbers 500..: the demo citizens use the first valid one from
                // 100, so these never collide with them.
                let Some(pid) =
                    (500..999).find_map(|ind| synthetic_pid(day, month, year, ind, true, false))
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
                    kind: Set(entity::values::IdentifierKind::Fodselsnummer),
                    created_at: Set(now),
                })
                .exec_without_returning(&txn)
                .await?;
                created.push(id);
            }
        }
    }
    txn.commit().await?;
    Ok(created)
}

/// `n` bare person rows (no identifiers: the reports never read them), in multi-row INSERTs.
pub async fn bare_persons(
    db: &DatabaseConnection,
    n: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
    let txn = db.begin_with_options(write_txn()).await?;
    for chunk in ids.chunks(1000) {
        person::Entity::insert_many(chunk.iter().map(|id| person::ActiveModel {
            id: Set(*id),
            geography: Set(None),
            strictly_confidential: Set(false),
            created_at: Set(now),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(ids)
}

/// The persons already in the database.
pub async fn existing_persons(db: &DatabaseConnection) -> anyhow::Result<Vec<Uuid>> {
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// How many synthetic requests an earlier run left (numbering continues after them).
pub async fn seeded(db: &DatabaseConnection) -> anyhow::Result<u64> {
    Ok(request::Entity::find()
        .filter(request::Column::Reference.like("PV-2025-_______"))
        .count(db)
        .await?)
}

/// Inserts `rows` synthetic requests (`chunk` rows a statement, `txn_rows` a transaction),
/// printing progress every two seconds, then refreshes the planner's statistics.
#[allow(clippy::too_many_arguments)]
pub async fn requests(
    db: &DatabaseConnection,
    postgres: bool,
    rows: u64,
    chunk: usize,
    txn_rows: u64,
    persons: &[Uuid],
    dates: Dates,
) -> anyhow::Result<()> {
    if chunk == 0 || txn_rows == 0 {
        bail!("chunk and transaction sizes must be positive");
    }
    let units = unit::Entity::find().all(db).await?;
    if units.is_empty() {
        bail!("no units: migrate and seed the demo first (DSAR_DEMO=1 dsar serve, or dsar demo)");
    }
    if persons.is_empty() {
        bail!("no persons to spread the requests over");
    }
    let start = seeded(db).await?;
    println!(
        "seeding {rows} requests over {} units and {} persons (references from PV-2025-{:07})",
        units.len(),
        persons.len(),
        start + 1
    );
    let started = Instant::now();
    let now = Utc::now();
    let today = now.date_naive();
    let mut done = 0u64;
    let mut last_report = Instant::now();
    while done < rows {
        let txn_end = (done + txn_rows).min(rows);
        let txn = db.begin_with_options(write_txn()).await?;
        while done < txn_end {
            let chunk_end = (done + chunk as u64).min(txn_end);
            let batch: Vec<request::ActiveModel> = (done..chunk_end)
                .map(|i| {
                    let row = Synthetic {
                        seq: start + i + 1,
                        i,
                        total: rows,
                    };
                    synthetic_row(row, &units, persons, today, now, dates)
                })
                .collect();
            request::Entity::insert_many(batch).exec(&txn).await?;
            done = chunk_end;
        }
        txn.commit().await?;
        if last_report.elapsed().as_secs_f64() >= 2.0 || done == rows {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  {done:>9} rows  {secs:7.1} s  {:>8.0} rows/s",
                done as f64 / secs.max(1e-9)
            );
            last_report = Instant::now();
        }
    }
    // Fresh planner statistics, as a DBA would have after a bulk load.
    db.execute_unprepared(if postgres {
        "ANALYZE request"
    } else {
        "ANALYZE"
    })
    .await?;
    Ok(())
}

/// Which synthetic row: its reference number, its index in this load and the load's size.
struct Synthetic {
    seq: u64,
    i: u64,
    total: u64,
}

fn synthetic_row(
    Synthetic { seq, i, total }: Synthetic,
    units: &[unit::Model],
    persons: &[Uuid],
    today: NaiveDate,
    now: DateTime<Utc>,
    dates: Dates,
) -> request::ActiveModel {
    // Cheap deterministic mixing so unit, status, person and date are independent-looking.
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let unit = &units[(i % units.len() as u64) as usize];
    let status = Status::ALL[((h >> 7) % Status::ALL.len() as u64) as usize];
    let kind = KINDS[((h >> 17) % KINDS.len() as u64) as usize];
    let person = persons[((h >> 23) % persons.len() as u64) as usize];
    let closed = matches!(
        status,
        Status::Completed | Status::Withdrawn | Status::Forwarded
    );
    let (received_on, first_due_on, created_at, closed_at) = match dates {
        Dates::AroundToday => {
            // Due dates spread over today ± 90 days; receipt one month earlier.
            let offset = ((h >> 31) % 181) as i64 - 90;
            let due_on = today + Duration::days(offset);
            let received_on = due_on.checked_sub_days(Days::new(30)).unwrap_or(due_on);
            let created_at = now - Duration::days(90 - offset.min(89));
            (
                received_on,
                due_on,
                created_at,
                closed.then_some(created_at),
            )
        }
        Dates::Past { days } => {
            let days = days.max(1);
            let letter_delay = if i.is_multiple_of(3) {
                (h >> 31) % 5
            } else {
                0
            };
            let back = (days - 1 - (i * days / total.max(1)).min(days - 1)) + letter_delay;
            let received_on = today.checked_sub_days(Days::new(back)).unwrap_or(today);
            let created_at = received_on
                .and_hms_opt(9, 0, 0)
                .map(|t| t.and_utc())
                .unwrap_or(now);
            let answered = created_at + Duration::days(((h >> 41) % 60) as i64);
            (
                received_on,
                dsar::deadlines::due_date(received_on),
                created_at,
                closed.then_some(answered.min(now)),
            )
        }
    };
    request::ActiveModel {
        id: Set(Uuid::now_v7()),
        reference: Set(format!("PV-2025-{seq:07}")),
        kind: Set(kind),
        status: Set(status),
        outcome: Set(matches!(status, Status::Completed).then_some(Outcome::Granted)),
        outcome_note: Set(None),
        description: Set(format!(
            "Synthetic benchmark request {seq}: I ask for a copy of the personal data you hold \
             about me and how it is used."
        )),
        service_area: Set(Some("settlement".into())),
        language: Set(dsar::i18n::Language::Nb),
        channel: Set(if i.is_multiple_of(3) {
            Channel::Letter
        } else {
            Channel::Api
        }),
        person_id: Set(person),
        controller_id: Set(unit.controller_id),
        unit_id: Set(unit.id),
        assignee_id: Set(None),
        received_on: Set(received_on),
        first_due_on: Set(first_due_on),
        due_on: Set(first_due_on),
        extension_reason: Set(None),
        routing: Set(r#"{"kind":"bench_seed"}"#.into()),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        closed_at: Set(closed_at),
        version: Set(1),
        contact_email: Set(None),
        expected_answer_on: Set(None),
        wants_paper: Set(false),
    }
}
