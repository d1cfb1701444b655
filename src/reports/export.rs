//! `dsar export`: the same reports from the command line (for scheduled jobs), written to a
//! file, with a progress bar on the case list. Run by an operator with database access, so no
//! role check; every export is audited as `cli:export`.
use std::{io::Write, path::Path};

use chrono::NaiveDate;
use futures::TryStreamExt;
use uuid::Uuid;

use super::{Format, Scope, cases, summary};
use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Summary,
    Cases,
    Audit,
    /// The record of processing activities (art. 30): all, or `--controller`'s (by its
    /// processing key); in `--lang`.
    ProcessingActivities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliFormat {
    Json,
    Csv,
    /// The summary and the case list.
    Xlsx,
    /// The summary only.
    Pdf,
}

pub struct ExportArgs {
    pub what: What,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub controller: Option<Uuid>,
    pub request: Option<Uuid>,
    pub format: CliFormat,
    /// Language of the PDF's and the summary's labels.
    pub lang: crate::i18n::Language,
    pub progress: bool,
}

const ACTOR: &str = "cli:export";

fn io(e: std::io::Error) -> ServiceError {
    ServiceError::Storage(format!("writing the export: {e}").into())
}

/// Writes the export to `out`; returns the number of rows (cases) or 1.
pub async fn export(app: &Core, args: ExportArgs, out: &Path) -> ServiceResult<u64> {
    let format = match args.format {
        CliFormat::Json => Format::Json,
        CliFormat::Csv => Format::Csv,
        CliFormat::Xlsx => Format::Xlsx,
        CliFormat::Pdf => Format::Pdf,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
    let registry = app.registry.get(&app.db).await?;
    let scope = || -> ServiceResult<Scope> {
        let (Some(from), Some(to)) = (args.from, args.to) else {
            return Err(ServiceError::invalid(
                "from",
                "--from and --to are required",
            ));
        };
        if to < from {
            return Err(ServiceError::invalid("to", "`to` is before `from`"));
        }
        Ok(Scope::new(&registry, from, to, args.controller))
    };
    let details = |what: &str| serde_json::json!({ "what": what, "from": args.from, "to": args.to, "controller": args.controller, "format": format.as_str() });
    let rows = match args.what {
        What::Summary => {
            let scope = scope()?;
            let s = summary::summary(&app.db, &scope, crate::clock::today_oslo()).await?;
            let controller = super::pdf::controller_name(&registry, scope.controller);
            let controller_name = controller.as_ref().map(|c| c.name.clone());
            super::audit_download(
                app,
                ACTOR.into(),
                "report.summary",
                None,
                details("summary"),
            )
            .await?;
            let bytes = match format {
                Format::Json => {
                    serde_json::to_vec_pretty(&s).map_err(|e| ServiceError::Storage(e.into()))?
                }
                Format::Csv => summary::to_csv(
                    &summary::tables(&s, controller_name.as_deref(), args.lang),
                    super::Delimiter::default(),
                ),
                Format::Xlsx => {
                    summary::to_xlsx(&summary::tables(&s, controller_name.as_deref(), args.lang))?
                }
                Format::Pdf => super::pdf::to_pdf(&s, controller.as_ref(), args.lang)?,
            };
            file.write_all(&bytes).map_err(io)?;
            1
        }
        What::Cases => {
            let scope = scope()?;
            let total = cases::count(app, &scope).await?;
            let mut chunks =
                std::pin::pin!(cases::stream(app.clone(), scope.clone(), format).await?);
            super::audit_download(app, ACTOR.into(), "report.cases", None, details("cases"))
                .await?;
            let bar = if args.progress {
                let bar = indicatif::ProgressBar::new(total);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} cases ({per_sec}, {eta} left)",
                ) {
                    bar.set_style(style);
                }
                bar
            } else {
                indicatif::ProgressBar::hidden()
            };
            let mut rows = 0;
            while let Some(chunk) = chunks.try_next().await? {
                file.write_all(&chunk.bytes).map_err(io)?;
                rows += chunk.rows;
                bar.inc(chunk.rows);
            }
            bar.finish_and_clear();
            rows
        }
        What::ProcessingActivities => {
            let registry = crate::processing_activities::Registry::built_in()
                .map_err(|e| ServiceError::Storage(format!("processing activities: {e}").into()))?;
            let key = super::art30::registry_key(&app.db, args.controller, None).await?;
            let entries = super::art30::entries(&registry, key.as_deref(), args.lang);
            let bytes = super::art30::render(&entries, format)?;
            super::audit_download(
                app,
                ACTOR.into(),
                "report.processing_activities",
                None,
                details("processing-activities"),
            )
            .await?;
            file.write_all(&bytes).map_err(io)?;
            entries.len() as u64
        }
        What::Audit => {
            let id = args
                .request
                .ok_or_else(|| ServiceError::invalid("request", "--request is required"))?;
            let x = super::audit_extract::unchecked(app, ACTOR.into(), id).await?;
            let bytes =
                serde_json::to_vec_pretty(&x).map_err(|e| ServiceError::Storage(e.into()))?;
            file.write_all(&bytes).map_err(io)?;
            1
        }
    };
    file.flush().map_err(io)?;
    Ok(rows)
}
