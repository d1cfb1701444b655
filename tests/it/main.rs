//! Integration tests: the real router over a real database (SQLite always; PostgreSQL too when
//! `DSAR_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used)]

mod browser;
mod support;

mod access_matrix;
mod admin;
mod architecture;
mod attachments;
mod audit;
mod auth;
mod browser_journeys;
mod case_person;
mod cases;
mod closing;
mod complaints;
mod deadlines;
mod decisions;
mod durability;
mod errors;
mod hardening;
mod identity;
mod intake;
mod login;
mod login_attacks;
mod login_real_provider;
mod metrics;
mod notifications;
mod office;
mod office_case;
mod operations;
mod portal;
mod portal_answer;
mod print;
mod queue;
mod receipt;
mod recipients;
mod reports;
mod reports_art30;
mod reports_audit_retention;
mod reports_case_lists;
mod reports_exports;
mod reports_rollup;
mod reports_summary;
mod representation;
mod security;
mod security_data;
mod security_http;
mod sources;
mod stored_values;
mod writer;
