//! dsar: the workflow for GDPR rights requests (innsyn, retting, sletting, begrensning,
//! protest) at Norwegian public bodies. See README.md for the architecture.
pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod error;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod legal_bases;
pub mod letters;
pub mod lifecycle;
pub mod localized;
pub mod persons;
pub mod processing_activities;
pub mod registry;
pub mod requests;
pub mod routing_rules;
pub mod server;
pub mod telemetry;
pub mod writer;
