//! The citizen's pages through a real login: the rights explained, their requests with status
//! and deadline, one request's page with the extension reason, withdrawing with CSRF, the answer
//! downloaded; never someone else's request.
//!
//! By what they check: `case.rs` (following one's own case), `wizard.rs` (sending a request and
//! its drafts), `pages.rs` (language, pages against problems, the stylesheet); the shared steps
//! are here.
use reqwest::StatusCode;
use serde_json::json;

use crate::{browser::*, db_test};

mod case;
mod pages;
mod wizard;

/// Logs citizen `index` in; returns the browser and Min side's HTML.
async fn citizen_browser(app: &crate::support::TestApp, index: usize) -> (Browser, String) {
    let browser = Browser::new();
    let pid = app.citizen_pid(index).await;
    let (page, _) = demo_citizen_login(&browser, app, &pid).await;
    let html = page.text().await.unwrap();
    (browser, html)
}

/// The value of a hidden or text input in a page.
fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}
