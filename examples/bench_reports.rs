//! Reports benchmark: with N requests (default 1,000,000, received over the past
//! year), how long the period summary for that year takes, and how fast the CSV case list of
//! the year streams and how much memory the process holds meanwhile.
//!
//! Runs dsar in-process (the real server on 127.0.0.1, demo registry) on SQLite in `--data-dir`
//! (kept, so a second run measures again without seeding) or a temp dir, or on PostgreSQL with
//! `--database-url` (an empty database, or one an earlier run seeded). Everything goes through
//! HTTP as an auditor would fetch it; the case list is read chunk by chunk as it arrives.
//! Memory is the process's resident set (server and the reading client together), sampled
//! every 10 ms during the export.
//!
//! ```sh
//! cargo run --release --example bench_reports -- --data-dir /tmp/dsar-reports-bench
//! cargo run --release --example bench_reports -- --database-url postgres://postgres@127.0.0.1:5432/dsar_bench
//! ```
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate, Utc};
use clap::Parser;
use dsar::{app::App, config::Settings};
use sea_orm::EntityTrait;

#[path = "support/seed.rs"]
mod seed;

#[derive(Debug, Parser)]
struct Args {
    /// Requests to have in the database (seeded up to this many, received over the past year).
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Persons the requests are spread over (bare person rows).
    #[arg(long, default_value_t = 200_000)]
    persons: u32,
    /// PostgreSQL URL of the database to use (default: SQLite).
    #[arg(long)]
    database_url: Option<String>,
    /// Where SQLite's file and the keys live; kept (default: a temp dir, removed).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// How many times to measure each figure.
    #[arg(long, default_value_t = 3)]
    runs: u32,
    /// Internal: run one measurement in this process (the benchmark starts itself per run).
    #[arg(long, value_enum, hide = true)]
    measure: Option<Measure>,
    /// Print the query plans of the reports' main statements first (EXPLAIN QUERY PLAN on
    /// SQLite, EXPLAIN ANALYZE on PostgreSQL), through the same driver as the server.
    #[arg(long)]
    explain: bool,
}

/// The reports' main statements as the server sends them (parameters inlined), for EXPLAIN.
fn statements(from: NaiveDate, to: NaiveDate, controller: &str) -> Vec<(&'static str, String)> {
    let cohort = format!("received_on >= '{from}' AND received_on <= '{to}'");
    vec![
        (
            "summary: the cohort's groups",
            format!(
                "SELECT unit_id, status, kind, channel, outcome, COUNT(*) FROM request \
                 WHERE {cohort} GROUP BY unit_id, status, kind, channel, outcome"
            ),
        ),
        (
            "summary: the cohort's groups, one controller",
            format!(
                "SELECT unit_id, status, kind, channel, outcome, COUNT(*) FROM request \
                 WHERE controller_id = {controller} AND {cohort} \
                 GROUP BY unit_id, status, kind, channel, outcome"
            ),
        ),
        (
            "summary: receipts in one month",
            format!(
                "SELECT COUNT(*) FROM request WHERE received_on >= '{from}' AND received_on < '{to}'"
            ),
        ),
        (
            "summary: completed requests' dates",
            format!(
                "SELECT unit_id, received_on, first_due_on, due_on, closed_at FROM request \
                 WHERE {cohort} AND status = 'completed'"
            ),
        ),
        (
            "summary: answers in the period",
            format!(
                "SELECT COUNT(*) FROM request WHERE status = 'completed' \
                 AND closed_at >= '{from}T00:00:00+00:00' AND closed_at < '{to}T00:00:00+00:00'"
            ),
        ),
        (
            "summary: open and overdue today",
            format!(
                "SELECT COUNT(*), COUNT(CASE WHEN due_on < '{to}' THEN 1 END) FROM request \
                 WHERE status IN ('received', 'in_progress', 'awaiting_requester', 'awaiting_approval')"
            ),
        ),
        (
            "case list: a keyset page",
            format!(
                "SELECT id, reference, kind, channel, unit_id, received_on, first_due_on, due_on, \
                 closed_at, status, outcome, extension_reason IS NOT NULL, person_id FROM request \
                 WHERE received_on <= '{to}' AND received_on >= '{from}' \
                 ORDER BY received_on, id LIMIT 5000"
            ),
        ),
    ]
}

async fn explain(
    db: &sea_orm::DatabaseConnection,
    postgres: bool,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let unit: entity::unit::Model = entity::unit::Entity::find()
        .one(db)
        .await?
        .context("no unit")?;
    let controller = if postgres {
        format!("'{}'", unit.controller_id)
    } else {
        format!("X'{}'", unit.controller_id.simple())
    };
    for (what, mut sql) in statements(from, to, &controller) {
        // As the server sends it on SQLite (src/reports/summary/counts.rs, `cohort_groups`).
        if !postgres && what.starts_with("summary: the cohort's groups") {
            sql = sql.replacen(
                "FROM request",
                "FROM request INDEXED BY ix_request_report_cohort",
                1,
            );
        }
        let prefix = if postgres {
            "EXPLAIN (ANALYZE, BUFFERS) "
        } else {
            "EXPLAIN QUERY PLAN "
        };
        println!("-- {what}");
        for row in db
            .query_all_raw(Statement::from_string(backend, format!("{prefix}{sql}")))
            .await?
        {
            let line: String = if postgres {
                row.try_get_by_index(0)?
            } else {
                row.try_get_by_index(3)?
            };
            println!("   {line}");
        }
    }
    Ok(())
}

fn status_kb(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn range(values: &[f64], digits: usize) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if (max - min).abs() < f64::EPSILON {
        format!("{min:.digits$}")
    } else {
        format!("{min:.digits$}–{max:.digits$}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Measure {
    Summary,
    Cases,
}

async fn build_app(
    args: &Args,
    dir: &std::path::Path,
) -> anyhow::Result<(dsar::app::AppState, std::net::SocketAddr)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let mut settings = Settings {
        listen: addr.to_string(),
        base_url: Some(format!("http://{addr}")),
        data_dir: dir.to_path_buf(),
        database_url: args.database_url.clone(),
        demo: true,
        log_format: "pretty".into(),
        ..Settings::default()
    };
    settings.apply_demo_defaults();
    Ok((
        App::build(settings).await.context("building the app")?,
        addr,
    ))
}

fn period() -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let today = Utc::now().date_naive();
    let from = today
        .checked_sub_days(Days::new(364))
        .context("date range")?;
    Ok((from, today))
}

/// One measurement in this (fresh) process: serve, fetch as an auditor, print one result line
/// `result <what> <seconds> <rows> <peak RSS kB>`.
async fn measure(args: &Args, dir: &std::path::Path, what: Measure) -> anyhow::Result<()> {
    let (app, addr) = build_app(args, dir).await?;
    let server = dsar::server::Server::bind(app.clone(), addr).await?;
    tokio::spawn(server.run_until(std::future::pending()));
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{base}/dev/token"))
        .json(&serde_json::json!({ "staff": "revisor" }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .context("no token")?
        .to_string();
    let (from, to) = period()?;
    let period = format!("from={from}&to={to}");
    // Peak resident memory from here on: reset the high-water mark, and sample.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before_kb = status_kb("VmRSS:").unwrap_or(0);
    let peak = Arc::new(AtomicU64::new(status_kb("VmRSS:").unwrap_or(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some(kb) = status_kb("VmRSS:") {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let started = Instant::now();
    let rows = match what {
        Measure::Summary => {
            let s: serde_json::Value = client
                .get(format!("{base}/api/v1/reports/summary?{period}"))
                .bearer_auth(&token)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            s["received"].as_u64().context("no figures")?
        }
        Measure::Cases => {
            let mut r = client
                .get(format!("{base}/api/v1/reports/cases?{period}&format=csv"))
                .bearer_auth(&token)
                .send()
                .await?
                .error_for_status()?;
            let mut lines = 0u64;
            while let Some(chunk) = r.chunk().await? {
                lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            }
            lines.saturating_sub(1)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    sampler.await?;
    let peak_kb = peak
        .load(Ordering::Relaxed)
        .max(status_kb("VmHWM:").unwrap_or(0));
    println!("result {what:?} {secs:.3} {rows} {peak_kb} {before_kb}");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let temp = tempfile::tempdir()?;
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    if let Some(what) = args.measure {
        return measure(&args, &dir, what).await;
    }
    let postgres = args
        .database_url
        .as_deref()
        .is_some_and(|u| u.starts_with("postgres"));
    {
        let (app, _) = build_app(&args, &dir).await?;
        let have = seed::seeded(&app.db).await?;
        if have < args.rows {
            let started = Instant::now();
            let persons = seed::bare_persons(&app.db, args.persons, Utc::now()).await?;
            seed::requests(
                &app.db,
                postgres,
                args.rows - have,
                1000,
                50_000,
                &persons,
                seed::Dates::Past { days: 365 },
            )
            .await?;
            println!("seeded in {:.0} s", started.elapsed().as_secs_f64());
        } else {
            println!("{have} synthetic requests already there; not seeding");
        }
        if args.explain {
            let (from, to) = period()?;
            explain(&app.db, postgres, from, to).await?;
        }
    }

    // Each measurement in a fresh process, so one's memory is not another's.
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let (from, to) = period()?;
    println!("{backend}, period {from} – {to}, {} runs", args.runs);
    let exe = std::env::current_exe()?;
    let mut results: Vec<(Measure, f64, u64, u64)> = Vec::new();
    for run in 1..=args.runs {
        for what in [Measure::Summary, Measure::Cases] {
            let mut cmd = std::process::Command::new(&exe);
            cmd.arg("--data-dir")
                .arg(&dir)
                .arg("--measure")
                .arg(match what {
                    Measure::Summary => "summary",
                    Measure::Cases => "cases",
                });
            if let Some(url) = &args.database_url {
                cmd.arg("--database-url").arg(url);
            }
            let out = cmd.output()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let Some(line) = text.lines().find(|l| l.starts_with("result ")) else {
                bail!(
                    "measurement failed: {}{}",
                    text,
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            let f: Vec<&str> = line.split_whitespace().collect();
            let (secs, rows, kb, before): (f64, u64, u64, u64) =
                (f[2].parse()?, f[3].parse()?, f[4].parse()?, f[5].parse()?);
            match what {
                Measure::Summary => println!(
                    "run {run}: summary, a year, all controllers: {secs:.2} s ({rows} received); peak RSS {:.0} MB ({:.0} MB before)",
                    mb(kb),
                    mb(before)
                ),
                Measure::Cases => println!(
                    "run {run}: case list CSV: {rows} rows in {secs:.2} s = {:.0} rows/s; peak RSS {:.0} MB ({:.0} MB before)",
                    rows as f64 / secs.max(1e-9),
                    mb(kb),
                    mb(before)
                ),
            }
            results.push((what, secs, rows, kb));
        }
    }
    let pick = |m: Measure| -> Vec<(f64, u64, u64)> {
        results
            .iter()
            .filter(|r| r.0 == m)
            .map(|r| (r.1, r.2, r.3))
            .collect()
    };
    let summary = pick(Measure::Summary);
    let cases = pick(Measure::Cases);
    let received = summary.first().map_or(0, |r| r.1);
    let rows = cases.first().map_or(0, |r| r.1);
    println!();
    println!("| backend | figure | runs | result | target |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| {backend} | summary, one year ({received} requests), all controllers | {} | {} s (peak RSS {} MB) | < 2 s |",
        args.runs,
        range(&summary.iter().map(|r| r.0).collect::<Vec<_>>(), 2),
        range(&summary.iter().map(|r| mb(r.2)).collect::<Vec<_>>(), 0),
    );
    println!(
        "| {backend} | case list CSV, one year ({rows} rows) | {} | {} rows/s ({} s) | > 200,000 rows/s |",
        args.runs,
        range(
            &cases
                .iter()
                .map(|r| r.1 as f64 / r.0.max(1e-9))
                .collect::<Vec<_>>(),
            0
        ),
        range(&cases.iter().map(|r| r.0).collect::<Vec<_>>(), 1),
    );
    println!(
        "| {backend} | peak RSS of the process while the case list streams (server + reading client) | {} | {} MB | < 100 MB |",
        args.runs,
        range(&cases.iter().map(|r| mb(r.2)).collect::<Vec<_>>(), 0),
    );
    Ok(())
}
