//! The journeys in a real browser: starts the real app (SQLite, demo data, the demo identity
//! provider at `/dev/idp`, collection and mail workers on) on a free port and runs the specs in
//! `tests/browser/specs/` with Debian's Chromium driven by playwright-core (`node
//! tests/browser/run.mjs`), streaming their output. The specs check every page with axe-core
//! (WCAG 2.1 AA) and at 320 px, and save screenshots under `target/browser-artifacts/`.
//!
//! Needs `chromium` (apt) and `npm ci --prefix tests/browser`. Without them the test says so
//! loudly and passes, unless `DSAR_REQUIRE_BROWSER=1` (set by `.ci/run`): then it fails.
//! `DSAR_BROWSER_SPECS=citizen` runs only the spec files whose name contains `citizen`.
use std::{path::PathBuf, process::Stdio, time::Duration};

use crate::support::{Backend, TestApp};

/// The whole run may take this long; a hung browser must not hang the suite.
const LIMIT: Duration = Duration::from_secs(20 * 60);

fn harness_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("DSAR_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing to run the browser tests here, if anything.
fn missing() -> Option<String> {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node {
        return Some("`node` is not installed".into());
    }
    if !chromium().exists() {
        return Some(format!(
            "{} is missing (apt-get install -y chromium chromium-driver)",
            chromium().display()
        ));
    }
    let modules = harness_dir().join("node_modules");
    if !modules.join("playwright-core/package.json").exists()
        || !modules.join("axe-core/axe.min.js").exists()
    {
        return Some(
            "tests/browser/node_modules is missing (run `npm ci --prefix tests/browser`)".into(),
        );
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journeys() {
    if let Some(why) = missing() {
        if std::env::var("DSAR_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("browser journeys are required (DSAR_REQUIRE_BROWSER=1) but {why}");
        }
        // Straight to stderr: the test harness would swallow eprintln! of a passing test.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! SKIPPED browser journeys: {why}; the real-browser tests and axe checks did NOT run !!!\n"
        );
        return;
    }
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        // Like `DSAR_DEMO=1 dsar serve`: sources are collected and mail is written to files.
        s.sources.worker = true;
        s.sources.poll_interval_ms = 100;
        s.mail.worker = true;
    })
    .await;
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).expect("artefact folder");
    let mut child = tokio::process::Command::new("node")
        .arg("run.mjs")
        .current_dir(harness_dir())
        .env("DSAR_BASE_URL", &app.base)
        .env("DSAR_CHROMIUM", chromium())
        .env("DSAR_BROWSER_ARTIFACTS", &artifacts)
        .stdin(Stdio::null())
        // Straight to the terminal (and CI's log) as it happens, not captured by the harness.
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let status = match tokio::time::timeout(LIMIT, child.wait()).await {
        Ok(status) => status.expect("waiting for node"),
        Err(_) => {
            let _ = child.kill().await;
            panic!("the browser journeys did not finish within {LIMIT:?}");
        }
    };
    assert!(
        status.success(),
        "browser journeys failed ({status}); see the output above and the screenshots in {}",
        artifacts.display()
    );
}
