//! A unit's settings: name, code (a NAV office's unit number), e-mail, address.
use entity::unit;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::{
    audit::AuditRecord, auth::Principal, core::Core, error::ServiceError, error::ServiceResult,
};

use super::fields::{MAX_UNIT_CODE, check_email, check_name, optional, save_settings};
use super::require_admin;

/// What an administrator changes on a unit. Which controller it belongs to, and whether it is
/// the fallback or the protected-address unit, are not among them (routing depends on them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitSettings {
    pub name: String,
    /// External unit number, e.g. a NAV office's enhetsnummer.
    pub code: Option<String>,
    /// The unit's shared mailbox (deadline reminders).
    pub email: Option<String>,
    /// Collect from the source systems as soon as an innsyn request arrives.
    pub auto_collect: bool,
}

impl UnitSettings {
    pub fn of(u: &unit::Model) -> Self {
        Self {
            name: u.name.clone(),
            code: u.code.clone(),
            email: u.email.clone(),
            auto_collect: u.auto_collect,
        }
    }

    pub fn changed_from(&self, before: &Self) -> Vec<&'static str> {
        [
            ("name", self.name != before.name),
            ("code", self.code != before.code),
            ("email", self.email != before.email),
            ("auto_collect", self.auto_collect != before.auto_collect),
        ]
        .into_iter()
        .filter_map(|(f, changed)| changed.then_some(f))
        .collect()
    }
}

/// A NAV office (NORG2 names them "Nav <place>"), whose unit number is NAV's 4-digit
/// enhetsnummer.
pub fn is_nav_office(name: &str) -> bool {
    name.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("nav "))
}

/// Checks a unit's settings and returns them as stored. A NAV office's code is its 4-digit
/// enhetsnummer; any other code is up to [`MAX_UNIT_CODE`] letters, digits, `-`, `.` or `/`.
/// `codes_in_use` are the other units' codes: a code names one unit. Pure, for the table test.
pub fn check_unit(input: UnitSettings, codes_in_use: &[&str]) -> ServiceResult<UnitSettings> {
    let name = check_name("name", &input.name, "a unit")?;
    let code = optional(input.code);
    if let Some(code) = &code {
        if is_nav_office(&name) {
            if !(code.len() == 4 && code.chars().all(|c| c.is_ascii_digit())) {
                return Err(ServiceError::invalid(
                    "code",
                    "a NAV office's unit number (enhetsnummer) has 4 digits",
                ));
            }
        } else if code.chars().count() > MAX_UNIT_CODE
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        {
            return Err(ServiceError::invalid(
                "code",
                format!(
                    "a unit number has at most {MAX_UNIT_CODE} letters, digits, '-', '.' or '/'"
                ),
            ));
        }
        if codes_in_use.contains(&code.as_str()) {
            return Err(ServiceError::invalid(
                "code",
                "another unit has this unit number",
            ));
        }
    }
    let email = check_email("email", input.email)?;
    Ok(UnitSettings {
        name,
        code,
        email,
        auto_collect: input.auto_collect,
    })
}

/// Changes a unit's name, code, mailbox and automatic collection. Saving what is already there
/// changes nothing and records nothing.
pub async fn update_unit(
    app: &Core,
    principal: &Principal,
    unit_id: Uuid,
    input: UnitSettings,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    save_settings(app, move |tx| {
        Box::pin(async move {
            let units = unit::Entity::find().all(&tx.db).await?;
            let current = units
                .iter()
                .find(|u| u.id == unit_id)
                .cloned()
                .ok_or(ServiceError::NotFound("unit"))?;
            let codes: Vec<&str> = units
                .iter()
                .filter(|u| u.id != unit_id)
                .filter_map(|u| u.code.as_deref())
                .collect();
            let settings = check_unit(input, &codes)?;
            let changed = settings.changed_from(&UnitSettings::of(&current));
            if changed.is_empty() {
                return Ok(None);
            }
            let controller_id = current.controller_id;
            let mut row: unit::ActiveModel = current.into();
            row.name = Set(settings.name);
            row.code = Set(settings.code);
            row.email = Set(settings.email);
            row.auto_collect = Set(settings.auto_collect);
            row.update(&tx.db).await?;
            let mut details = serde_json::json!({
                "unit_id": unit_id,
                "controller_id": controller_id,
                "changed": changed,
            });
            if changed.contains(&"auto_collect") {
                details["auto_collect"] = settings.auto_collect.into();
            }
            Ok(Some(AuditRecord {
                actor,
                action: "unit.updated".into(),
                request_id: None,
                details,
            }))
        })
    })
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::administration::fields::refused;

    #[test]
    fn unit_settings_rules() {
        let unit = |name: &str, code: Option<&str>, email: Option<&str>| UnitSettings {
            name: name.into(),
            code: code.map(Into::into),
            email: email.map(Into::into),
            auto_collect: false,
        };
        let in_use = ["0316", "2103"];
        let cases: Vec<(UnitSettings, Option<&str>)> = vec![
            (
                unit(
                    "Nav Gamle Oslo",
                    Some("0315"),
                    Some("nav.gamle.oslo@nav.no"),
                ),
                None,
            ),
            (unit("Nav Gamle Oslo", None, None), None),
            (unit("NAV Elverum", Some("0427"), None), None),
            (unit("Nav Gamle Oslo", Some("315"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("03165"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("03a6"), None), Some("code")),
            (unit("nav gamle oslo", Some("OSLO-1"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("0316"), None), Some("code")),
            (unit("Navigasjonsenheten", Some("NAV-1"), None), None),
            (unit("Enhet for bosetting", Some("EBI-2/3.1"), None), None),
            (
                unit("Enhet for bosetting", Some("EBI 2"), None),
                Some("code"),
            ),
            (
                unit("Enhet for bosetting", Some(&"E".repeat(21)), None),
                Some("code"),
            ),
            (
                unit("Enhet for bosetting", Some("2103"), None),
                Some("code"),
            ),
            (unit("", Some("0316"), None), Some("name")),
            (unit("Enhet", None, Some("enhet@")), Some("email")),
            (unit("Enhet", Some(" "), Some(" ")), None),
        ];
        for (input, expected) in cases {
            let got = refused(check_unit(input.clone(), &in_use));
            assert_eq!(got, expected, "{input:?}");
        }
        let tidy = check_unit(unit(" Nav  Alna ", Some(" 0326 "), Some(" ")), &in_use).unwrap();
        assert_eq!(tidy, unit("Nav Alna", Some("0326"), None));
        let before = unit("Nav Alna", Some("0326"), None);
        let after = UnitSettings {
            auto_collect: true,
            ..unit("Nav Alna", Some("0327"), None)
        };
        assert_eq!(after.changed_from(&before), ["code", "auto_collect"]);
    }
}
