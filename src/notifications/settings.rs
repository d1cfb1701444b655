//! The `mail.*` settings (`DSAR_MAIL__*`) and their checks at start-up.
use serde::Deserialize;

use crate::config::{ConfigError, Secret};

/// `mail.*` settings (`DSAR_MAIL__*`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// Run the outbox worker and the reminder pass in this instance.
    pub worker: bool,
    /// `file` (one `.eml` per message under `<data_dir>/mail/`, demo default) or `smtp`.
    pub transport: String,
    /// The From address.
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls`, `tls` (implicit TLS) or `none` (local relays and tests only).
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Secret,
    /// Give up on one SMTP conversation after this many seconds.
    pub smtp_timeout_seconds: u64,
    /// Messages sent at once per instance.
    pub concurrency: usize,
    /// How often the worker looks for due messages when nothing woke it, milliseconds.
    pub poll_interval_ms: u64,
    /// First retry delay; it doubles per attempt (with jitter) up to `backoff_max_ms`.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// After this many failed attempts a message is `failed`.
    pub max_attempts: u32,
    /// A message being sent by an instance that died is claimed again after this, seconds.
    pub lease_seconds: u64,
    /// Staff reminders this many working days before the due date.
    pub reminder_days: Vec<u32>,
    /// How often the reminder/escalation pass runs, seconds.
    pub reminder_interval_seconds: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            worker: true,
            transport: "file".into(),
            from: "dsar <noreply@dsar.example.no>".into(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: None,
            smtp_password: Secret::default(),
            smtp_timeout_seconds: 30,
            concurrency: 8,
            poll_interval_ms: 1000,
            backoff_base_ms: 30_000,
            backoff_max_ms: 3_600_000,
            max_attempts: 20,
            lease_seconds: 120,
            reminder_days: vec![7, 2],
            reminder_interval_seconds: 60,
        }
    }
}

impl MailSettings {
    pub fn validate(&self, production: bool) -> Result<(), ConfigError> {
        let invalid = |name, reason: &str| {
            Err(ConfigError::Invalid {
                name,
                reason: reason.into(),
            })
        };
        match self.transport.as_str() {
            "file" if production => {
                return invalid(
                    "mail.transport",
                    "the file transport is refused in production; configure smtp",
                );
            }
            "file" => {}
            "smtp" => {
                if self.smtp_host.trim().is_empty() {
                    return invalid("mail.smtp_host", "the smtp transport needs a host");
                }
                if !matches!(self.smtp_tls.as_str(), "starttls" | "tls" | "none") {
                    return invalid("mail.smtp_tls", "must be starttls, tls or none");
                }
            }
            _ => return invalid("mail.transport", "must be file or smtp"),
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid("mail.from", "not a valid e-mail address");
        }
        if self.max_attempts == 0 {
            return invalid("mail.max_attempts", "must be at least 1");
        }
        if self.lease_seconds <= self.smtp_timeout_seconds {
            return invalid(
                "mail.lease_seconds",
                "must be longer than mail.smtp_timeout_seconds",
            );
        }
        Ok(())
    }
}
