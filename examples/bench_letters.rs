//! Benchmark of the document-generation step of an innsyn answer: compose + HTML + PDF + zip for
//! 1,000 records from 8 sources. Prints a Markdown table row with wall times and peak memory.
//!
//! cargo run --release --example bench_letters -- [--records N] [--runs N] [--lang nb|nn|en|uk]
//!                                                [--out DIR]   (writes letter.pdf/html + zip)
use std::{process::ExitCode, time::Instant};

use dsar::{
    documents::generate_innsyn,
    i18n::Language,
    legal_bases::Catalogue,
    letters::{Resources, pdf::page_count, sample},
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

/// Peak resident set size of this process in MiB (Linux /proc).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> ExitCode {
    let mut records = 1000usize;
    let mut runs = 10usize;
    let mut lang = Language::Nb;
    let mut out: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--records", Some(v)) => records = v.parse().unwrap_or(records),
            ("--runs", Some(v)) => runs = v.parse().unwrap_or(runs).max(1),
            ("--lang", Some(v)) => lang = Language::from_code(&v).unwrap_or(lang),
            ("--out", Some(v)) => out = Some(v.into()),
            _ => {
                eprintln!("usage: bench_letters [--records N] [--runs N] [--lang L] [--out DIR]");
                return ExitCode::FAILURE;
            }
        }
    }

    let catalogue = Catalogue::built_in();
    let Ok(registry) = Registry::built_in() else {
        eprintln!("the built-in registry does not load");
        return ExitCode::FAILURE;
    };
    let res = Resources {
        legal_bases: &catalogue,
        registry: &registry,
    };
    let ctx = sample::context(lang, RightKind::Innsyn);
    let answer = sample::answer(RightKind::Innsyn, Outcome::PartiallyGranted, records);
    let now = chrono::Utc::now();

    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    // One warm-up run (page faults, lazy locale tables), then the measured runs.
    for i in 0..=runs {
        let start = Instant::now();
        let docs = match generate_innsyn(&ctx, &answer, res, now) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("generation failed: {e}");
                return ExitCode::FAILURE;
            }
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            times.push(ms);
        }
        last = Some(docs);
    }
    let Some(docs) = last else {
        return ExitCode::FAILURE;
    };
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    let pages = dsar::letters::answer(&ctx, &answer, res)
        .ok()
        .and_then(|d| page_count(&d).ok())
        .unwrap_or(0);
    let rss = peak_rss_mib().unwrap_or(f64::NAN);

    if let Some(dir) = out {
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes);
        if let Err(e) = std::fs::create_dir_all(&dir)
            .and_then(|_| write("letter.pdf", &docs.letter.pdf))
            .and_then(|_| write("letter.html", docs.letter.html.as_bytes()))
            .and_then(|_| write("innsyn-package.zip", &docs.package.bytes))
        {
            eprintln!("writing {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }

    println!(
        "| records | sources | lang | runs | min ms | median ms | max ms | PDF pages | PDF KiB | HTML KiB | zip KiB | peak RSS MiB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {records} | {} | {} | {runs} | {:.0} | {median:.0} | {max:.0} | {pages} | {} | {} | {} | {rss:.1} |",
        sample::SOURCES.len(),
        lang.as_str(),
        times[0],
        docs.letter.pdf.len() / 1024,
        docs.letter.html.len() / 1024,
        docs.package.bytes.len() / 1024,
    );
    if max >= 1000.0 || rss >= 100.0 {
        eprintln!("target missed: every run under 1 s and peak RSS under 100 MiB");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
