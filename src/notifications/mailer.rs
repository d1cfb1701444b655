//! The transport, from `mail.*`: files in the data folder (demo) or SMTP with STARTTLS, implicit
//! TLS, or plain (local relays and tests), with optional authentication.
use std::{path::Path, time::Duration};

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::authentication::Credentials,
};
use uuid::Uuid;

use super::{MailSettings, templates::Rendered};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("sending: {0}")]
    Send(String),
}

#[derive(Clone)]
pub enum Mailer {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mailer::File(_) => "Mailer::File",
            Mailer::Smtp(_) => "Mailer::Smtp",
        })
    }
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings, data_dir: &Path) -> Result<Self, MailError> {
        match settings.transport.as_str() {
            "file" => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| MailError::Config(format!("{}: {e}", dir.display())))?;
                Ok(Mailer::File(AsyncFileTransport::new(dir)))
            }
            "smtp" => {
                let host = settings.smtp_host.as_str();
                let tls = |e: lettre::transport::smtp::Error| MailError::Config(e.to_string());
                let builder = match settings.smtp_tls.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(tls)?,
                    "starttls" => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(tls)?
                    }
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    other => return Err(MailError::Config(format!("unknown smtp_tls `{other}`"))),
                };
                let mut builder = builder
                    .port(settings.smtp_port)
                    .timeout(Some(Duration::from_secs(settings.smtp_timeout_seconds)));
                if let Some(user) = &settings.smtp_username {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        settings.smtp_password.expose().to_string(),
                    ));
                }
                Ok(Mailer::Smtp(builder.build()))
            }
            other => Err(MailError::Config(format!("unknown transport `{other}`"))),
        }
    }

    /// Hands the message over; `Ok` only when the server (or the file system) accepted it.
    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        match self {
            Mailer::File(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            Mailer::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
        }
    }
}

/// Builds the message: plain text and HTML alternatives, and a `Message-ID` derived from the
/// outbox id, so a resend after a crash is recognisable as the same message. With `sender`
/// (the controller's name, for messages to the person), the configured address is sent under
/// that display name, encoded by the mailbox (RFC 2047) however it is spelt.
pub fn build_message(
    from: &str,
    sender: Option<&str>,
    to: &str,
    outbox_id: Uuid,
    rendered: Rendered,
) -> Result<Message, MailError> {
    let mut from: Mailbox = from
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Build(format!("from: {e}")))?;
    if let Some(name) = sender
        .map(|n| n.replace(['\r', '\n'], " "))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
    {
        from = Mailbox::new(Some(name), from.email);
    }
    // The recipient's address is not repeated in the error: no addresses in logs.
    let to: Mailbox = to
        .parse()
        .map_err(|_| MailError::Build("the recipient address is invalid".into()))?;
    let domain = from.email.domain().to_string();
    Message::builder()
        .from(from)
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(message_id(outbox_id, &domain)))
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

pub fn message_id(outbox_id: Uuid, domain: &str) -> String {
    format!("<{}@{domain}>", outbox_id.simple())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rendered() -> Rendered {
        Rendered {
            subject: "Emne".into(),
            text: "Tekst".into(),
            html: "<p>Tekst</p>".into(),
        }
    }

    #[test]
    fn the_sender_name_is_the_controllers_encoded() {
        let message = build_message(
            "dsar <noreply@dsar.example.no>",
            Some("Oslo kommune, bydel Grünerløkka"),
            "person@example.no",
            Uuid::nil(),
            rendered(),
        )
        .unwrap();
        let from = message.headers().get_raw("From").unwrap().to_string();
        assert!(from.contains("<noreply@dsar.example.no>"), "{from}");
        assert!(
            !from.contains("dsar <"),
            "the configured name is replaced: {from}"
        );
        let formatted = String::from_utf8(message.formatted()).unwrap();
        let line = formatted.lines().find(|l| l.starts_with("From:")).unwrap();
        // Non-ASCII and the comma are encoded, never sent raw.
        assert!(line.contains("=?utf-8?"), "{line}");
        assert!(!line.contains("Grünerløkka"), "{line}");
        // Without a name, the configured From stays.
        let message = build_message(
            "dsar <noreply@dsar.example.no>",
            None,
            "person@example.no",
            Uuid::nil(),
            rendered(),
        )
        .unwrap();
        let from = message.headers().get_raw("From").unwrap().to_string();
        assert!(from.starts_with("dsar <"), "{from}");
    }
}
