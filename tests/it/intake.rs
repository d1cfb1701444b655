//! Intake: a request routed with its reference and due date, letters registered by staff, and
//! the numbers and names a person is known by.
//!
//! By what they check: `requests.rs` (routing, references, idempotency), `identities.rs` (two
//! numbers, DUF numbers, a name and birth date).
use reqwest::Method;
use serde_json::{Value, json};

use crate::{db_test, support::*};

mod identities;
mod requests;
