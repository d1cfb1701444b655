//! The `dsar` command line: serve, migrate, demo, deadline, verify-audit.
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::{app::App, config::Settings, deadlines};

#[derive(Debug, Parser)]
#[command(
    name = "dsar",
    version,
    about = "GDPR rights requests for Norwegian public bodies"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server and workers.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Seed the demo data into an empty database and exit.
    Demo,
    /// Print the due dates for a receipt date (YYYY-MM-DD).
    Deadline { received_on: NaiveDate },
    /// Check the audit trail's keyed chain after the last verified event; exits non-zero if it
    /// is broken.
    VerifyAudit {
        /// Walk the whole trail, not only what follows the last verification.
        #[arg(long)]
        full: bool,
    },
    /// Seal an audit trail written before the audit key (once, after checking it in full).
    SealAudit,
    /// Serve the simulator of the Norwegian source systems on its own (for a dsar elsewhere).
    SimulateSources {
        /// host:port to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: std::net::SocketAddr,
        /// The dsar whose service tokens it accepts (its base URL, the tokens' `iss`).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        issuer: String,
        /// Where dsar publishes its keys (default: {issuer}/.well-known/jwks.json).
        #[arg(long)]
        jwks_url: Option<String>,
    },
    /// Replace the key that signs service tokens; the old public key stays published for
    /// `sources.retired_key_hours`.
    RotateServiceKey,
    /// Export a report to a file: the period summary, the pseudonymised case list, one
    /// request's audit extract, or the record of processing activities.
    Export {
        what: crate::reports::export::What,
        /// First day of the period (YYYY-MM-DD), by receipt date.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day of the period, included.
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Only this controller (default: all).
        #[arg(long)]
        controller: Option<uuid::Uuid>,
        /// The request, for `audit`.
        #[arg(long)]
        request: Option<uuid::Uuid>,
        #[arg(long, value_enum, default_value = "csv")]
        format: crate::reports::export::CliFormat,
        /// Language of the PDF and the processing activities: nb or en.
        #[arg(long, default_value = "nb")]
        lang: String,
        #[arg(long)]
        out: std::path::PathBuf,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Delete the collected source records whose retention time has passed (what the daily
    /// job does); with --dry-run only list them.
    Retention {
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Deadline { received_on } => {
            let answer = serde_json::json!({
                "received_on": received_on,
                "due_on": deadlines::due_date(received_on),
                "extended_due_on": deadlines::extended_due_date(received_on),
            });
            println!("{answer}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let settings = Settings::load()?;
            let db =
                crate::db::connect(&settings.database_url(), settings.sqlite_synchronous).await?;
            crate::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let mut settings = Settings::load()?;
            settings.demo = true;
            settings.apply_demo_defaults();
            App::build(settings).await?;
            println!("demo data present");
            Ok(ExitCode::SUCCESS)
        }
        Command::SealAudit => {
            let settings = Settings::load()?;
            let db =
                crate::db::connect(&settings.database_url(), settings.sqlite_synchronous).await?;
            crate::db::migrate(&db).await?;
            let key = crate::audit::AuditKey::load(&settings, false)?;
            let writer = crate::writer::Writer::start(db.clone(), 1, key.clone());
            match crate::audit::seal(&db, &writer, &key).await? {
                crate::audit::Sealing::Sealed { events } => {
                    println!("audit trail sealed after {events} events")
                }
                crate::audit::Sealing::NotNeeded => println!("audit trail needs no seal"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyAudit { full } => {
            let settings = Settings::load()?;
            let db =
                crate::db::connect(&settings.database_url(), settings.sqlite_synchronous).await?;
            let key = crate::audit::AuditKey::load(&settings, false)?;
            let report = if full {
                crate::audit::verify(&db, &key).await?
            } else {
                crate::audit::verify_incremental(&db, &key).await?
            };
            if report.intact {
                println!(
                    "audit trail intact: {} events ({} checked now)",
                    report.events, report.checked
                );
                Ok(ExitCode::SUCCESS)
            } else {
                let problem = report
                    .first_break
                    .map(|b| b.to_string())
                    .unwrap_or_default();
                println!("audit trail BROKEN: {problem}");
                Ok(ExitCode::from(2))
            }
        }
        Command::SimulateSources {
            listen,
            issuer,
            jwks_url,
        } => {
            let issuer = issuer.trim_end_matches('/').to_string();
            let jwks_url = jwks_url.unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
            let sim = crate::sources::simulator::Simulator::new(
                crate::sources::simulator::SimulatorConfig { issuer, jwks_url },
            );
            let listener = tokio::net::TcpListener::bind(listen).await?;
            println!("source simulator on http://{}", listener.local_addr()?);
            axum::serve(listener, crate::sources::simulator::router(sim))
                .with_graceful_shutdown(crate::server::shutdown_signal())
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::RotateServiceKey => {
            let mut settings = Settings::load()?;
            settings.sources.worker = false;
            let app = App::build(settings).await?;
            let kid = crate::sources::rotate_service_key(&app).await?;
            println!("new service signing key: {kid}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            what,
            from,
            to,
            controller,
            request,
            format,
            lang,
            out,
            quiet,
        } => {
            let Some(lang) = crate::i18n::Language::from_code(&lang) else {
                anyhow::bail!("--lang must be nb, nn, en or uk");
            };
            let app = App::build(offline_settings()?).await?;
            let args = crate::reports::export::ExportArgs {
                what,
                from,
                to,
                controller,
                request,
                format,
                lang,
                progress: !quiet,
            };
            let rows = crate::reports::export::export(&app, args, &out).await?;
            println!("exported {rows} row(s) to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Retention { dry_run } => {
            let app = App::build(offline_settings()?).await?;
            let now = chrono::Utc::now();
            let expired = crate::retention::run(&app, now, dry_run).await?;
            let verb = if dry_run { "would delete" } else { "deleted" };
            for e in &expired {
                println!(
                    "{verb} {} record(s) of {} (closed {}, kept {} months)",
                    e.records,
                    e.reference,
                    e.closed_at.date_naive(),
                    e.retention_months
                );
            }
            let total: i64 = expired.iter().map(|e| e.records).sum();
            println!("{verb} {total} record(s) of {} request(s)", expired.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve => {
            let settings = Settings::load()?;
            crate::telemetry::init(&settings.log_format);
            let addr = settings.listen_addr()?;
            let demo = settings.demo;
            let app = App::build(settings).await?;
            let server = crate::server::Server::bind(app, addr).await?;
            let url = format!("http://{}", server.local_addr()?);
            println!(
                "dsar serving on {url}{}",
                if demo {
                    " (demo mode: see /dev/personas)"
                } else {
                    ""
                }
            );
            server.run_until(crate::server::shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Settings for one-off commands: no background workers.
fn offline_settings() -> anyhow::Result<Settings> {
    let mut settings = Settings::load()?;
    settings.sources.worker = false;
    settings.retention.worker = false;
    Ok(settings)
}
