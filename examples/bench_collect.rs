//! Collection benchmark: N sources that each take `--latency-ms` to answer, asked for
//! one request, then `--requests` collections started together. Runs dsar in-process (server,
//! worker and the simulator at /sim) on a fresh SQLite database, or on PostgreSQL with
//! `--database-url`. Prints the timings and the process's peak memory (VmHWM).
//!
//! ```sh
//! cargo run --release --example bench_collect -- --sources 12 --latency-ms 300 --requests 500
//! ```
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use dsar::{
    app::App,
    auth::Principal,
    config::Settings,
    lifecycle::RightKind,
    requests::intake::{self, NewRequest},
    sources::{
        self,
        collection::{self, CollectInput, TaskStatus},
        simulator::Faults,
    },
};

#[derive(Debug, Parser)]
struct Args {
    /// How many sources each collection asks (8 Norwegian ones, then `extra-*`).
    #[arg(long, default_value_t = 12)]
    sources: usize,
    /// How long each source takes to answer.
    #[arg(long, default_value_t = 300)]
    latency_ms: u64,
    /// How many collections to start together in the second round.
    #[arg(long, default_value_t = 500)]
    requests: usize,
    /// PostgreSQL URL of an empty database (default: SQLite in a temp dir).
    #[arg(long)]
    database_url: Option<String>,
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let mut settings = Settings {
        listen: addr.to_string(),
        base_url: Some(format!("http://{addr}")),
        data_dir: dir.path().to_path_buf(),
        database_url: args.database_url.clone(),
        demo: true,
        log_format: "pretty".into(),
        ..Settings::default()
    };
    settings.sources.poll_interval_ms = 20;
    settings.apply_demo_defaults();
    let app = App::build(settings).await.context("building the app")?;
    let server = dsar::server::Server::bind(app.clone(), addr).await?;
    tokio::spawn(server.run_until(std::future::pending()));

    // The sources: the eight simulated ones plus `extra-*`, all slow, all for settlement.
    let admin = staff(&app, "admin").await?;
    let base = format!("http://{addr}/sim");
    let sim = app.simulator.clone().context("simulator off")?;
    let mut ids: Vec<String> = sources::simulator::data::SOURCES
        .iter()
        .map(|(id, _, _)| id.to_string())
        .collect();
    ids.truncate(args.sources);
    for n in ids.len()..args.sources {
        ids.push(format!("extra-{}", n + 1));
    }
    for id in &ids {
        let input = sources::SourceSystemInput {
            name: id.clone(),
            owner: "Benchmark".into(),
            capabilities: vec![sources::protocol::Operation::Access],
            endpoint: Some(format!("{base}/{id}")),
            auth_mode: sources::AuthMode::Dsar,
            maskinporten_scope: None,
            maskinporten_resource: None,
            timeout_ms: Some(10_000),
            max_attempts: Some(1),
            backoff_ms: None,
            service_areas: vec!["settlement".into()],
            active: Some(true),
            population_register: false,
            finds_by_duf: false,
        };
        sources::put(&app, &admin, id, input).await?;
        sim.set_faults(
            id,
            Faults {
                latency_ms: args.latency_ms,
                ..Default::default()
            },
        )
        .await;
    }
    // The paper archive (manual) would never finish by itself: switch it off.
    let off = sources::SourceSystemInput {
        name: "Papirarkivet".into(),
        owner: "Kommunen".into(),
        capabilities: vec![sources::protocol::Operation::Access],
        endpoint: None,
        auth_mode: sources::AuthMode::Dsar,
        maskinporten_scope: None,
        maskinporten_resource: None,
        timeout_ms: None,
        max_attempts: None,
        backoff_ms: None,
        service_areas: vec![],
        active: Some(false),
        population_register: false,
        finds_by_duf: false,
    };
    sources::put(&app, &admin, "papirarkiv", off).await?;
    let caseworker = staff(&app, "saksbehandler.elverum").await?;
    // Folkeregisteret's answer may move a request to another unit: watch as the auditor.
    let auditor = staff(&app, "revisor").await?;
    let pids: Vec<String> = (1..=28u32)
        .flat_map(|d| {
            (100..999).filter_map(move |i| dsar::identity::synthetic_pid(d, 4, 90, i, true, false))
        })
        .map(|p| p.as_str().to_string())
        .take(args.requests.max(1))
        .collect();

    // One collection.
    let one = new_request(&app, &caseworker, &pids[0]).await?;
    let started = Instant::now();
    collection::start(&app, &caseworker, one, CollectInput::default()).await?;
    wait(&app, &auditor, &[one]).await?;
    let single = started.elapsed();
    println!(
        "one collection, {} sources x {} ms each: {:.0} ms",
        args.sources,
        args.latency_ms,
        single.as_secs_f64() * 1000.0
    );

    // Many at once.
    let mut ids = Vec::with_capacity(args.requests);
    for pid in pids.iter().take(args.requests) {
        ids.push(new_request(&app, &caseworker, pid).await?);
    }
    let started = Instant::now();
    let starts = ids
        .iter()
        .map(|id| collection::start(&app, &caseworker, *id, CollectInput::default()));
    for r in futures::future::join_all(starts).await {
        r?;
    }
    let failed = wait(&app, &auditor, &ids).await?;
    let many = started.elapsed();
    println!(
        "{} collections started together ({} source calls): all settled in {:.1} s, {} failed; peak RSS {:.0} MB",
        args.requests,
        args.requests * args.sources,
        many.as_secs_f64(),
        failed,
        peak_rss_mb()
    );
    if failed > 0 {
        bail!("{failed} source tasks failed");
    }
    app.collector.stop();
    Ok(())
}

async fn staff(app: &std::sync::Arc<App>, username: &str) -> anyhow::Result<Principal> {
    Ok(dsar::auth::resolve::resolve_staff(app, username).await?)
}

async fn new_request(
    app: &std::sync::Arc<App>,
    staff: &Principal,
    pid: &str,
) -> anyhow::Result<uuid::Uuid> {
    let input = NewRequest {
        kind: RightKind::Innsyn,
        description: "Innsyn".into(),
        service_area: Some("settlement".into()),
        language: None,
        geography: Some("3420".into()),
        subject_pid: Some(pid.into()),
        subject_duf: None,
        subject_name: None,
        subject_birth_date: None,
        channel: None,
        received_on: None,
        contact_email: None,
        wants_paper: false,
    };
    Ok(intake::create(app, staff, input, None).await?.0.id)
}

/// Waits until no task of these requests is pending or running; returns how many failed.
async fn wait(
    app: &std::sync::Arc<App>,
    staff: &Principal,
    ids: &[uuid::Uuid],
) -> anyhow::Result<usize> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let mut busy = 0;
        let mut failed = 0;
        for id in ids {
            for t in collection::list(app, staff, *id).await? {
                match t.status {
                    TaskStatus::Pending | TaskStatus::Running => busy += 1,
                    TaskStatus::Failed => failed += 1,
                    _ => {}
                }
            }
            if busy > 0 {
                break;
            }
        }
        if busy == 0 {
            return Ok(failed);
        }
        if Instant::now() > deadline {
            bail!("collections did not settle within 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
