//! Attacks on the edges of the API (docs/security.md), each reproduced and refused: citizen
//! tokens without assurance, with a future `iat` or a long life, or from the wrong kind of
//! issuer; API changes made with the login cookie from a foreign page; a spoofed
//! `X-Forwarded-For`; intake floods and receipt e-mails used to mail-bomb an address.
//!
//! By what they check: `tokens_and_headers.rs` (tokens, CSRF, `X-Forwarded-For`),
//! `intake_limits.rs` (floods and receipts, per instance and shared); the shared steps are here.
use dsar::config::Settings;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{browser::*, db_test, support::TestApp};

mod intake_limits;
mod tokens_and_headers;

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn intake_body() -> Value {
    json!({ "kind": "innsyn", "description": "Alt dere har om meg.", "service_area": "settlement" })
}
