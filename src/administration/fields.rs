//! What the controller and unit settings share: the field checks (names, e-mail, postal
//! address, phone) and saving a change with its audit event.
use futures::future::BoxFuture;

use crate::{
    audit::AuditRecord, core::Core, error::ServiceError, error::ServiceResult,
    requests::intake::valid_email, writer::Tx,
};

/// Longest name of a controller or unit, and of a data protection officer.
pub(super) const MAX_NAME: usize = 200;
/// A postal address: at most this many lines of at most [`MAX_ADDRESS_LINE`] characters.
pub(super) const MAX_ADDRESS_LINES: usize = 6;
pub(super) const MAX_ADDRESS_LINE: usize = 100;
/// Longest unit code that is not a NAV office's unit number.
pub(super) const MAX_UNIT_CODE: usize = 20;

/// A text field as stored: trimmed, `None` when empty.
pub(super) fn optional(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

pub(super) fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A required name: trimmed, not empty, at most [`MAX_NAME`] characters, on one line.
pub(super) fn check_name(field: &'static str, name: &str, what: &str) -> ServiceResult<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(ServiceError::invalid(field, format!("{what} needs a name")));
    }
    if name.chars().count() > MAX_NAME || has_control(&name) {
        return Err(ServiceError::invalid(
            field,
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    Ok(name)
}

pub(super) fn check_email(
    field: &'static str,
    email: Option<String>,
) -> ServiceResult<Option<String>> {
    match optional(email) {
        Some(e) if !valid_email(&e) => Err(ServiceError::invalid(
            field,
            "the e-mail address does not look right",
        )),
        e => Ok(e),
    }
}

/// A postal address as stored: each line trimmed, blank lines dropped, `\n` between lines.
pub(super) fn check_address(address: Option<String>) -> ServiceResult<Option<String>> {
    let Some(address) = address else {
        return Ok(None);
    };
    let lines: Vec<&str> = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_ADDRESS_LINES
        || lines
            .iter()
            .any(|l| l.chars().count() > MAX_ADDRESS_LINE || has_control(l))
    {
        return Err(ServiceError::invalid(
            "address",
            format!(
                "an address has at most {MAX_ADDRESS_LINES} lines of {MAX_ADDRESS_LINE} characters"
            ),
        ));
    }
    Ok(Some(lines.join("\n")).filter(|a| !a.is_empty()))
}

/// A telephone number: digits and spaces, perhaps a leading `+`, 8 to 15 digits (a Norwegian
/// number has 8). Kept as typed, with single spaces.
pub(super) fn check_phone(phone: Option<String>) -> ServiceResult<Option<String>> {
    let Some(phone) = optional(phone) else {
        return Ok(None);
    };
    let phone = phone.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    let count = digits.chars().filter(char::is_ascii_digit).count();
    if !digits.chars().all(|c| c.is_ascii_digit() || c == ' ') || !(8..=15).contains(&count) {
        return Err(ServiceError::invalid(
            "phone",
            "a telephone number has 8 to 15 digits, perhaps with a leading +",
        ));
    }
    Ok(Some(phone))
}

/// Saves a settings change in one write. `save` stores it and returns its audit event, or `None`
/// when nothing changed (then nothing is recorded). The registry cache is refreshed after a change.
pub(super) async fn save_settings<F>(app: &Core, save: F) -> ServiceResult<()>
where
    F: for<'a> FnOnce(&'a mut Tx) -> BoxFuture<'a, ServiceResult<Option<AuditRecord>>>
        + Send
        + 'static,
{
    let changed = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let Some(record) = save(&mut *tx).await? else {
                    return Ok(false);
                };
                tx.audit(record).await?;
                Ok(true)
            })
        })
        .await?;
    if changed {
        app.registry.invalidate().await;
    }
    Ok(())
}

/// The field a check refuses, or `None` when it passes.
#[cfg(test)]
pub(super) fn refused<T: std::fmt::Debug>(result: ServiceResult<T>) -> Option<&'static str> {
    match result {
        Ok(_) => None,
        Err(ServiceError::Invalid { field, .. }) => Some(field),
        Err(other) => panic!("{other:?}"),
    }
}
